import { createReadStream } from 'node:fs';
import { Agent, request } from 'node:http';
import { INGEST_KEY, log } from './lib';

/**
 * The HTTP ingest client of the benchmarks: the NDJSON file cut into bodies of `batch` lines,
 * sent by `concurrency` keep-alive clients to POST /v1/events; a 503 (backpressure) is retried.
 * bench/ingest.ts (DuckDB store) and the comparison's ClickHouse-store engine load through it.
 */

export interface SendOptions {
  concurrency: number;
  batch: number;
  /** Prefix of the progress lines logged every 5 s. */
  label?: string;
}

export interface SendResult {
  accepted: number;
  seconds: number;
  /** Wall time of each accepted request, ms. */
  latencies: number[];
  retries503: number;
}

/** Cuts the NDJSON file into bodies of `batch` lines without parsing them. */
export async function* bodies(file: string, batch: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let lines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
      if (++lines === batch) {
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

function post(url: URL, agent: Agent, body: Buffer): Promise<{ status: number; accepted: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: '/v1/events', method: 'POST', agent, headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${INGEST_KEY}`, 'content-length': body.length } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, accepted: res.statusCode === 200 ? (JSON.parse(text) as { accepted: number }).accepted : 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends the whole file to the service at `serviceUrl`; resolves when every body was accepted. */
export async function sendFile(serviceUrl: string, file: string, opts: SendOptions): Promise<SendResult> {
  const url = new URL(serviceUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const latencies: number[] = [];
  let accepted = 0;
  let retries503 = 0;
  const source = bodies(file, opts.batch);
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
        if (r.status !== 200) throw new Error(`ingest answered ${r.status}: ${r.text.slice(0, 500)}`);
        latencies.push(performance.now() - t0);
        accepted += r.accepted;
        break;
      }
    }
  };
  const prefix = opts.label ? `${opts.label}: ` : '';
  const progress = setInterval(() => log(`${prefix}${accepted} events, ${Math.round(accepted / ((performance.now() - started) / 1000))} events/s`), 5000);
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
  } finally {
    clearInterval(progress);
    agent.destroy();
  }
  return { accepted, seconds: (performance.now() - started) / 1000, latencies, retries503 };
}
