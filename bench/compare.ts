import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { compareAnswers, type Difference, type PairSummary } from './compare/agree';
import { ClickhouseEngine } from './compare/clickhouse';
import { CpuAccount, cpuSnapshot } from './compare/cpu';
import { ranges } from './compare/kpis';
import { PostgresEngine } from './compare/postgres';
import { buildReport, key, type EngineResult, type ExtraResult } from './compare/report';
import { ShopmonEngine } from './compare/shopmon';
import { ShopmonClickhouseEngine } from './compare/shopmonClickhouse';
import type { Answer, Engine, ExtraQuery } from './compare/types';
import { CACHE, ROOT, ensureDataset, log, percentile } from './lib';
import { OVERVIEW } from './overview';

/**
 * `npm run bench:compare` (node --import tsx bench/compare.ts): the overview dashboard's KPIs on
 * the same data in shopmon (the KPI service over HTTP, on its DuckDB store and, as
 * shopmon-clickhouse, on its ClickHouse store), PostgreSQL 15 and ClickHouse, side by side: load
 * time, size, p50/p95 per query and for the whole dashboard, and whether the numbers agree.
 * Writes the report (bench/compare.md) and prints it.
 *
 * Env: BENCH_EVENTS (10000000), BENCH_RUNS (10), BENCH_ENGINES (shopmon,postgres,clickhouse; also
 * shopmon-clickhouse), BENCH_REPORT (bench/compare.md; another name keeps its own saved results
 * in bench/cache, so a run with other engines leaves the committed report and its results alone),
 * BENCH_KEEP=1 (keep the temp dir), BENCH_RELOAD=1 (reload PostgreSQL/ClickHouse/the ClickHouse
 * store even if a cached load exists), BENCH_COMPARE_CACHE=0 (load into the temp dir instead of
 * bench/cache), BENCH_REPORT_ONLY=1 (rewrite the report from the results the last run saved).
 */

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const ENGINES = (process.env.BENCH_ENGINES ?? 'shopmon,postgres,clickhouse').split(',').map((s) => s.trim()).filter(Boolean);
const KEEP = process.env.BENCH_KEEP === '1';
const RELOAD = process.env.BENCH_RELOAD === '1';
const CACHE_LOADS = process.env.BENCH_COMPARE_CACHE !== '0';
const REPORT_ONLY = process.env.BENCH_REPORT_ONLY === '1';
const DEFAULT_REPORT = join(ROOT, 'bench', 'compare.md');
const REPORT = resolve(ROOT, process.env.BENCH_REPORT ?? DEFAULT_REPORT);
const RESULTS = join(CACHE, `compare-results-${EVENTS}${REPORT === DEFAULT_REPORT ? '' : `-${basename(REPORT, '.md')}`}.json`);

interface Saved {
  runs: number;
  startedAt: string;
  wallMs: number;
  results: Array<Omit<EngineResult, 'times' | 'dashboard' | 'answers' | 'extras'> & {
    times: Array<[string, number[]]>;
    dashboard: Array<[string, number[]]>;
    answers: Array<[string, Answer]>;
    extras: Array<Omit<ExtraResult, 'times' | 'answers'> & { times: Array<[string, number[]]>; answers: Array<[string, Answer]> }>;
  }>;
}

function save(results: EngineResult[], startedAt: Date, wallMs: number): void {
  const saved: Saved = {
    runs: RUNS,
    startedAt: startedAt.toISOString(),
    wallMs,
    results: results.map((r) => ({
      ...r,
      times: [...r.times],
      dashboard: [...r.dashboard],
      answers: [...r.answers],
      extras: r.extras.map((x) => ({ ...x, times: [...x.times], answers: [...x.answers] })),
    })),
  };
  writeFileSync(RESULTS, JSON.stringify(saved));
}

function restore(): { results: EngineResult[]; startedAt: Date; wallMs: number; runs: number } {
  if (!existsSync(RESULTS)) throw new Error(`${RESULTS} is missing: run the benchmark first`);
  const saved = JSON.parse(readFileSync(RESULTS, 'utf8')) as Saved;
  return {
    runs: saved.runs,
    startedAt: new Date(saved.startedAt),
    wallMs: saved.wallMs,
    results: saved.results.map((r) => ({
      ...r,
      times: new Map(r.times),
      dashboard: new Map(r.dashboard),
      answers: new Map(r.answers),
      extras: r.extras.map((x) => ({ ...x, times: new Map(x.times), answers: new Map(x.answers) })),
    })),
  };
}

function makeEngine(name: string, dataset: string, tmpDir: string): Engine {
  const common = { events: EVENTS, dataset, tmpDir, reload: RELOAD };
  switch (name) {
    case 'shopmon':
      return new ShopmonEngine({ events: EVENTS, store: join(CACHE, `store-${EVENTS}`), tmpDir });
    case 'postgres':
      return new PostgresEngine({ ...common, cacheDir: CACHE_LOADS ? join(CACHE, `compare-postgres-${EVENTS}`) : null });
    case 'clickhouse':
      return new ClickhouseEngine({ ...common, cacheDir: CACHE_LOADS ? join(CACHE, `compare-clickhouse-${EVENTS}`) : null });
    case 'shopmon-clickhouse':
      return new ShopmonClickhouseEngine({ ...common, cacheDir: CACHE_LOADS ? join(CACHE, `compare-shopmon-clickhouse-${EVENTS}`) : null });
    default:
      throw new Error(`unknown engine ${name}: use shopmon, shopmon-clickhouse, postgres, clickhouse`);
  }
}

const fmt = (values: number[]) => `p50 ${percentile(values, 0.5).toFixed(1)} ms, p95 ${percentile(values, 0.95).toFixed(1)} ms`;

interface Live {
  engine: Engine;
  result: EngineResult;
  extras: ExtraQuery[];
  cpu: CpuAccount;
  wallMs: number;
}

/** The engines in turn, the order rotated by `i` so no engine always goes first. */
function rotate<T>(list: T[], i: number): T[] {
  const k = i % Math.max(1, list.length);
  return [...list.slice(k), ...list.slice(0, k)];
}

/**
 * Every engine answers every query, interleaved: for each query, run i goes to the engines in
 * turn (order rotated each run); the same for the whole dashboard. All servers stay up but only
 * one is queried at any moment, so background load on the shared machine falls on all engines
 * alike instead of on whichever engine happened to run during a busy minute.
 */
async function measureAll(live: Live[]): Promise<void> {
  const roots = () => [process.pid, ...live.flatMap((l) => l.engine.pids?.() ?? [])];
  const timed = async <T>(l: Live, work: () => Promise<T>): Promise<T | null> => {
    if (l.result.error) return null;
    const a = cpuSnapshot(roots());
    const t0 = performance.now();
    try {
      return await work();
    } catch (e) {
      l.result.error = e instanceof Error ? e.message : String(e);
      log(`${l.engine.name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return null;
    } finally {
      l.wallMs += performance.now() - t0;
      l.cpu.add(a, cpuSnapshot(roots()));
    }
  };
  for (const range of ranges()) {
    log(`${range.name}: warm-up`);
    for (const l of live) {
      for (const q of OVERVIEW) {
        const t = await timed(l, () => l.engine.run(q, range));
        if (t) l.result.answers.set(key(range.name, q.name), t.answer());
      }
      for (const [i, x] of l.extras.entries()) {
        const t = await timed(l, () => x.run(range));
        if (t) l.result.extras[i]!.answers.set(range.name, t.answer());
      }
    }
    for (const q of OVERVIEW) {
      const times = new Map<Live, number[]>(live.map((l) => [l, []]));
      for (let i = 0; i < RUNS; i++) {
        for (const l of rotate(live, i)) {
          const t = await timed(l, () => l.engine.run(q, range));
          if (t) times.get(l)!.push(t.ms);
        }
      }
      for (const l of live) {
        if (l.result.error) continue;
        l.result.times.set(key(range.name, q.name), times.get(l)!);
        log(`${l.engine.name} ${range.name} ${q.name}: ${fmt(times.get(l)!)}`);
      }
    }
    for (const l of live) {
      for (const [i, x] of l.extras.entries()) {
        const times: number[] = [];
        for (let k = 0; k < RUNS; k++) {
          const t = await timed(l, () => x.run(range));
          if (t) times.push(t.ms);
        }
        l.result.extras[i]!.times.set(range.name, times);
        log(`${l.engine.name} ${range.name} ${x.name}: ${fmt(times)}`);
      }
    }
    const whole = new Map<Live, number[]>(live.map((l) => [l, []]));
    for (let i = 0; i < RUNS; i++) {
      for (const l of rotate(live, i)) {
        const ms = await timed(l, async () => {
          const t0 = performance.now();
          await Promise.all(OVERVIEW.map((q) => l.engine.run(q, range)));
          return performance.now() - t0;
        });
        if (ms !== null) whole.get(l)!.push(ms);
      }
    }
    for (const l of live) {
      if (l.result.error) continue;
      l.result.dashboard.set(range.name, whole.get(l)!);
      log(`${l.engine.name} ${range.name} whole dashboard: ${fmt(whole.get(l)!)}`);
    }
  }
  for (const l of live) {
    l.result.cpu = { wallMs: l.wallMs, ...l.cpu.shares() };
    log(`${l.engine.name}: CPU share during its queries: ours ${(l.result.cpu.ours * 100).toFixed(0)} %, other work ${(l.result.cpu.others * 100).toFixed(0)} %`);
  }
}

function agreement(results: EngineResult[]): { summaries: PairSummary[]; differences: Difference[] } {
  const ok = results.filter((r) => !r.error);
  const reference = ok.find((r) => r.name === 'shopmon') ?? ok[0];
  const summaries: PairSummary[] = [];
  const differences: Difference[] = [];
  if (!reference) return { summaries, differences };
  for (const r of ok) {
    if (r === reference) continue;
    let compared = 0;
    let different = 0;
    for (const range of ranges()) {
      for (const q of OVERVIEW) {
        const mine = r.answers.get(key(range.name, q.name));
        const theirs = reference.answers.get(key(range.name, q.name));
        if (!mine || !theirs) continue;
        const c = compareAnswers({ range: range.name, query: q.name, engine: r.name, reference: reference.name }, mine, theirs);
        compared += c.compared;
        different += c.differences.length;
        differences.push(...c.differences);
      }
    }
    summaries.push({ engine: r.name, reference: reference.name, compared, different });
  }
  return { summaries, differences };
}

function writeReport(results: EngineResult[], startedAt: Date, wallMs: number, runs: number): void {
  const { summaries, differences } = agreement(results);
  for (const d of differences.slice(0, 50)) log(`difference: ${d.engine} vs ${d.reference} ${d.range} ${d.query} ${d.where}: ${d.mine} vs ${d.theirs}`);
  const report = buildReport({ events: EVENTS, runs, ranges: ranges(), results, summaries, differences, startedAt, wallMs });
  writeFileSync(REPORT, report);
  process.stdout.write(report);
}

async function main(): Promise<void> {
  if (REPORT_ONLY) {
    const saved = restore();
    writeReport(saved.results, saved.startedAt, saved.wallMs, saved.runs);
    return;
  }
  const startedAt = new Date();
  const dataset = ensureDataset(EVENTS);
  const tmpDir = mkdtempSync(join(tmpdir(), 'shopmon-compare-'));
  chmodSync(tmpDir, 0o755); // the postgres user needs to reach its run dir inside
  const results: EngineResult[] = [];
  const started: Engine[] = [];
  const cleanup = async () => {
    for (const e of started.splice(0)) await e.stop().catch((err: unknown) => log(`${e.name}: stop failed: ${String(err)}`));
    if (!KEEP) rmSync(tmpDir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    const live: Live[] = [];
    for (const name of ENGINES) {
      const engine = makeEngine(name, dataset, tmpDir);
      const result: EngineResult = { name: engine.name, method: [], times: new Map(), dashboard: new Map(), answers: new Map(), extras: [] };
      results.push(result);
      started.push(engine);
      try {
        result.load = await engine.start();
        result.method.push(...engine.method);
        const extras = engine.extras?.() ?? [];
        result.extras = extras.map((x) => ({ name: x.name, like: x.like, note: x.note, times: new Map(), answers: new Map() }));
        live.push({ engine, result, extras, cpu: new CpuAccount(), wallMs: 0 });
      } catch (e) {
        result.error = e instanceof Error ? e.message : String(e);
        log(`${engine.name} failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    }
    await measureAll(live);
  } finally {
    await cleanup();
  }
  const wallMs = Date.now() - startedAt.getTime();
  save(results, startedAt, wallMs);
  writeReport(results, startedAt, wallMs, RUNS);
  if (results.some((r) => r.error)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
