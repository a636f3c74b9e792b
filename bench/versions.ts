import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, DATA_END, ROOT, log, machine, percentile } from './lib';
import { OVERVIEW, RANGES, type BenchQuery } from './overview';

/**
 * `node --import tsx bench/versions.ts`: the overview queries in one process against several
 * versions of the query path, interleaved (run i of a query goes to every version in turn, the
 * order rotated), so a busy shared machine slows all versions alike and the ratios hold. For
 * each improvement's before/after in bench/README.md; writes bench/versions.md.
 *
 * BENCH_VERSIONS: name=commit pairs, comma-separated (default: the commits of issue 10). Each
 * commit's src/ is extracted with git archive and opens its own copy of a store whose schema it
 * can migrate from: BENCH_VERSIONS_STORE (a data dir of schema version 4 or older: migrations
 * run forward only) — default bench/cache/store-<events>-v4. BENCH_RUNS (7), BENCH_EVENTS.
 */

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SPEC = process.env.BENCH_VERSIONS ?? 'before=cbef66a,integers=418cd00,funnel=ee01265,conversion=bfccbdc';
const STORE = process.env.BENCH_VERSIONS_STORE ?? join(CACHE, `store-${EVENTS}-v4`);

type Store = { funnel(plan: unknown): Promise<unknown>; close(): Promise<void> };

interface Version {
  name: string;
  commit: string;
  run(q: BenchQuery, from: number, to: number): Promise<unknown>;
  close(): Promise<void>;
}

async function open(name: string, commit: string, tmp: string): Promise<Version> {
  const tree = join(tmp, name);
  mkdirSync(tree, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${commit} src | tar -x -C ${tree}`], { cwd: ROOT });
  symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
  const dataDir = join(tmp, `${name}-store`);
  mkdirSync(dataDir);
  for (const f of readdirSync(STORE)) cpSync(join(STORE, f), join(dataDir, f));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const m = (p: string) => require(join(tree, 'src', p)) as Record<string, (...args: unknown[]) => unknown>;
  const t0 = performance.now();
  const store = (await m('server/store/duckdbStore').openDuckdbStore!({ dataDir, memoryLimit: '512MB' })) as Store;
  log(`${name} (${commit}): store opened (migrations included) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const catalog = m('kpi/catalog').buildCatalog!('KRW');
  return {
    name,
    commit,
    run: async (q, from, to) => {
      const body = { ...q.body, from, to, max_points: 1000, timezone: 'Asia/Seoul' };
      if (q.path === '/v1/funnel') return store.funnel((m('server/query/funnel').resolveFunnel!(body, Date.now()) as { value: unknown }).value);
      const r = m('kpi/query').resolveQuery!(body, catalog, { timezone: 'Asia/Seoul', now: Date.now() }) as { value: unknown };
      return m('server/query/engine').runQuery!(r.value, store, catalog);
    },
    close: () => store.close(),
  };
}

async function main(): Promise<void> {
  if (!existsSync(STORE)) throw new Error(`${STORE} is missing: a copy of bench/cache/store-${EVENTS} from before migration 5 (set BENCH_VERSIONS_STORE)`);
  const tmp = mkdtempSync(join(CACHE, 'versions-'));
  const versions: Version[] = [];
  try {
    for (const pair of SPEC.split(',')) {
      const [name, commit] = pair.split('=');
      versions.push(await open(name!, commit!, tmp));
    }
    const dashboard: BenchQuery = { name: 'whole dashboard (all at once)', path: '/v1/query', body: {} };
    const rows: string[] = [];
    for (const range of RANGES) {
      const to = DATA_END;
      const from = to - range.ms;
      for (const q of [...OVERVIEW, dashboard]) {
        const times = new Map<string, number[]>(versions.map((v) => [v.name, []]));
        for (let i = 0; i < RUNS + 1; i++) {
          const k = i % versions.length;
          for (const v of [...versions.slice(k), ...versions.slice(0, k)]) {
            const t0 = performance.now();
            if (q === dashboard) await Promise.all(OVERVIEW.map((x) => v.run(x, from, to)));
            else await v.run(q, from, to);
            if (i > 0) times.get(v.name)!.push(performance.now() - t0); // run 0 warms up
          }
        }
        const p50 = versions.map((v) => percentile(times.get(v.name)!, 0.5));
        rows.push(`| ${range.name} | ${q.name} | ${p50.map((t) => t.toFixed(0)).join(' | ')} | ${(p50[0]! / p50[p50.length - 1]!).toFixed(1)}x |`);
        log(rows[rows.length - 1]!);
      }
    }
    const report = `# The query path, version by version

\`node --import tsx bench/versions.ts\` — ${machine()}; ${RUNS} interleaved runs per query after a warm-up, p50 in ms.
In-process (engine + store, no HTTP), each version on its own copy of the ${EVENTS.toLocaleString('en-US')}-event store, migrated by that version.

| range | query | ${versions.map((v) => `${v.name} (${v.commit})`).join(' | ')} | first ÷ last |
| --- | --- | ${versions.map(() => '---').join(' | ')} | --- |
${rows.join('\n')}
`;
    writeFileSync(join(__dirname, 'versions.md'), report + (process.env.BENCH_NOTES ?? ''));
    process.stdout.write(report);
  } finally {
    for (const v of versions) await v.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
