import { createReadStream, mkdtempSync, renameSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { CACHE, INGEST_KEY, ensureDataset, log, machine, mib, percentile, startService } from './lib';

/**
 * `npm run bench:ingest`: sends the cached data set over HTTP (NDJSON, several concurrent
 * clients) to a fresh KPI service and reports durable events/s, request latency and peak RSS.
 * The loaded data dir is kept for `npm run bench:query`.
 */

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const BATCH = Number(process.env.BENCH_BATCH ?? 5000);

/** Cuts the NDJSON file into bodies of BATCH lines without parsing them. */
async function* bodies(file: string): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let lines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
      if (++lines === BATCH) {
        pending.push(chunk.subarray(start, i + 1));
        yield Buffer.concat(pending);
        pending = [];
        lines = 0;
        start = i + 1;
      }
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length) yield Buffer.concat(pending);
}

function post(url: URL, agent: Agent, body: Buffer): Promise<{ status: number; accepted: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: '/v1/events', method: 'POST', agent, headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${INGEST_KEY}`, 'content-length': body.length } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, accepted: res.statusCode === 200 ? (JSON.parse(text) as { accepted: number }).accepted : 0 }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const file = ensureDataset(EVENTS);
  const dataDir = mkdtempSync(join(CACHE, 'ingest-'));
  const svc = await startService(dataDir);
  const url = new URL(svc.url);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let accepted = 0;
  let retries503 = 0;
  const source = bodies(file);
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const next = await source.next();
      if (next.done) return;
      for (;;) {
        const t0 = performance.now();
        const r = await post(url, agent, next.value);
        if (r.status === 503) {
          retries503++;
          await new Promise((res) => setTimeout(res, 200));
          continue;
        }
        if (r.status !== 200) throw new Error(`ingest answered ${r.status}`);
        latencies.push(performance.now() - t0);
        accepted += r.accepted;
        break;
      }
    }
  };
  const progress = setInterval(() => log(`${accepted} events, ${Math.round(accepted / ((performance.now() - started) / 1000))} events/s`), 5000);
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(progress);
  agent.destroy();
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
