import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, DATA_END, QUERY_KEY, log, machine, mib, percentile, startService } from './lib';
import { OVERVIEW, RANGES, type BenchQuery } from './overview';

/**
 * `npm run bench:query`: the overview dashboard's queries against the KPI service holding the
 * data set that `npm run bench:ingest` loaded, over 24 h, 7 d and 30 d; p50/p95 per query and for
 * the whole dashboard (all panels at once, as Grafana sends them).
 */

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

async function call(url: string, q: BenchQuery, from: number, to: number): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url + q.path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${QUERY_KEY}` },
    body: JSON.stringify({ ...q.body, from, to, max_points: 1000, timezone: 'Asia/Seoul' }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${q.name}: ${res.status} ${text}`);
  return performance.now() - t0;
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

async function main(): Promise<void> {
  const dataDir = process.env.BENCH_STORE_DIR ?? join(CACHE, `store-${EVENTS}`);
  if (!existsSync(dataDir)) throw new Error(`${dataDir} is missing: run npm run bench:ingest first (BENCH_EVENTS=${EVENTS})`);
  const svc = await startService(dataDir);
  const rows: string[] = [];
  const dashboard: string[] = [];
  let worstP95 = 0;
  for (const range of RANGES) {
    const to = DATA_END;
    const from = to - range.ms;
    for (const q of OVERVIEW) await call(svc.url, q, from, to); // warm-up
    for (const q of OVERVIEW) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) times.push(await call(svc.url, q, from, to));
      const p95 = percentile(times, 0.95);
      worstP95 = Math.max(worstP95, p95);
      rows.push(`| ${range.name} | ${q.name} | ${percentile(times, 0.5).toFixed(1)} | ${p95.toFixed(1)} | ${p95 <= 100 ? 'yes' : 'no'} |`);
      log(`${range.name} ${q.name}: p50 ${percentile(times, 0.5).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
    }
    const whole: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await Promise.all(OVERVIEW.map((q) => call(svc.url, q, from, to)));
      whole.push(performance.now() - t0);
    }
    dashboard.push(`| ${range.name} | ${percentile(whole, 0.5).toFixed(0)} | ${percentile(whole, 0.95).toFixed(0)} | ${percentile(whole, 0.95) <= 300 ? 'yes' : 'no'} |`);
  }
  const peak = svc.peakRssBytes();
  await svc.stop();
  const bytes = dirBytes(dataDir);
  const report = `# Query benchmark

\`npm run bench:query\` — ${machine()}.

Data: the deterministic demo data set, ${EVENTS.toLocaleString('en-US')} events over 30 days (seed 1), loaded over HTTP by
\`npm run bench:ingest\`. Each query runs ${RUNS} times after a warm-up, over the range ending at the data's end,
through the KPI service's HTTP API as Grafana's backend plugin calls it (max_points 1000, Asia/Seoul).
Target: every overview query p95 <= 100 ms; the whole dashboard (all ${OVERVIEW.length} panels at once) <= 300 ms.

| range | query | p50 ms | p95 ms | p95 <= 100 ms |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

Whole dashboard, all panels sent at once:

| range | p50 ms | p95 ms | <= 300 ms |
| --- | --- | --- | --- |
${dashboard.join('\n')}

Worst single-query p95: ${worstP95.toFixed(0)} ms. Service peak RSS: ${mib(peak)}.
Store on disk: ${mib(bytes)} for ${EVENTS.toLocaleString('en-US')} events = ${(bytes / EVENTS).toFixed(1)} bytes/event (target <= 32).
`;
  writeFileSync(join(__dirname, 'query.md'), report + (process.env.BENCH_NOTES ?? ''));
  process.stdout.write(report);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
