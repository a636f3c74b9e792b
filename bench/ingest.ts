import { mkdtempSync, renameSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { sendFile } from './ingestClient';
import { CACHE, ensureDataset, machine, mib, percentile, startService } from './lib';

/**
 * `npm run bench:ingest`: sends the cached data set over HTTP (NDJSON, several concurrent
 * clients) to a fresh KPI service and reports durable events/s, request latency and peak RSS.
 * The loaded data dir is kept for `npm run bench:query`.
 */

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const BATCH = Number(process.env.BENCH_BATCH ?? 5000);

async function main(): Promise<void> {
  const file = ensureDataset(EVENTS);
  const dataDir = mkdtempSync(join(CACHE, 'ingest-'));
  const svc = await startService(dataDir);
  const { accepted, seconds, latencies, retries503 } = await sendFile(svc.url, file, { concurrency: CONCURRENCY, batch: BATCH });
  const peak = svc.peakRssBytes();
  await svc.stop();
  const dbBytes = statSync(join(dataDir, 'shopmon.duckdb')).size;
  const target = join(CACHE, `store-${EVENTS}`);
  if (existsSync(target)) rmSync(target, { recursive: true, force: true });
  renameSync(dataDir, target);
  const rate = accepted / seconds;
  const report = `# Ingest benchmark

\`npm run bench:ingest\` — ${machine()}.

The deterministic demo data set (${EVENTS.toLocaleString('en-US')} events over 30 days, seed 1) sent as NDJSON
bodies of ${BATCH} events by ${CONCURRENCY} concurrent HTTP clients (keep-alive) to a fresh KPI service
with its DuckDB file; every answer is a 200 sent after the events are durable (group commit).
The client runs on the same 2 cores as the service.

| figure | value | target |
| --- | --- | --- |
| events accepted | ${accepted.toLocaleString('en-US')} | all |
| wall time | ${seconds.toFixed(1)} s | |
| durable events/s | ${Math.round(rate).toLocaleString('en-US')} | >= 100,000 |
| request latency p50 | ${percentile(latencies, 0.5).toFixed(0)} ms | |
| request latency p99 | ${percentile(latencies, 0.99).toFixed(0)} ms | |
| 503 retries (backpressure) | ${retries503} | |
| service peak RSS | ${mib(peak)} | <= 1 GiB |
| DuckDB file | ${mib(dbBytes)} (${(dbBytes / accepted).toFixed(1)} bytes/event) | <= 32 bytes/event |
`;
  writeFileSync(join(__dirname, 'ingest.md'), report + (process.env.BENCH_NOTES ?? ''));
  process.stdout.write(report);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
