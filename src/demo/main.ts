import { DEMO_USAGE, parseDemoArgs, type DemoCliOptions } from './args';
import { generateEvents } from './generator';
import { LiveTraffic } from './live';
import { NdjsonBatch, NdjsonWriter, toNdjson } from './ndjson';
import { IngestClient, type IngestTotals } from './sender';
import type { DemoEvent } from './types';

/** `npm run demo`: demo-shop traffic to an NDJSON file or a KPI service, as a batch or live. */

/** Stays under the service's 5 MiB request limit whatever --batch says. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const PROGRESS_MS = 2_000;
const LIVE_TICK_MS = 1_000;
const LIVE_STATUS_MS = 10_000;
/** Live events kept while the service cannot take them; older ones are dropped. */
const LIVE_BACKLOG = 50_000;
/** How long a stopping live run waits for requests in flight. */
const STOP_GRACE_MS = 10_000;

const log = (line: string): void => {
  process.stderr.write(`demo: ${line}\n`);
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function sendSummary(t: IngestTotals, seconds: number): string {
  return (
    `sent ${fmt(t.sent)} events in ${fmt(t.batches)} requests: accepted ${fmt(t.accepted)}, ` +
    `duplicates ${fmt(t.duplicates)}, rejected ${fmt(t.rejected)}, retries ${fmt(t.retries)}` +
    (t.failed > 0 ? `, not delivered ${fmt(t.failed)}` : '') +
    ` (${fmt(t.sent / Math.max(seconds, 1e-3))} events/s)`
  );
}

/** First SIGINT/SIGTERM asks to stop; a second one gives up at once. */
function onStopSignals(stop: () => void): () => void {
  let signals = 0;
  const handler = (): void => {
    if (++signals > 1) process.exit(130);
    stop();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

function clientFor(o: DemoCliOptions, signal: AbortSignal): IngestClient | undefined {
  if (o.url === undefined || o.key === undefined) return undefined;
  return new IngestClient({ url: o.url, key: o.key, concurrency: o.concurrency, signal, log });
}

async function runBatch(o: DemoCliOptions): Promise<number> {
  const abort = new AbortController();
  let stopping = false;
  const removeSignals = onStopSignals(() => {
    stopping = true;
    log('stopping after the batches in flight (press Ctrl-C again to quit at once)');
  });
  const writer = o.out === undefined ? undefined : NdjsonWriter.open(o.out);
  const client = clientFor(o, abort.signal);
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  let generated = 0;
  const progress = setInterval(() => {
    const sent = client ? `, ${sendSummary(client.totals, seconds())}` : '';
    log(`${fmt(generated)} / ${fmt(o.events)} events generated${sent}`);
  }, PROGRESS_MS);
  try {
    const batch = new NdjsonBatch(Math.min(MAX_BODY_BYTES, o.batch * 400));
    const flushBatch = async (): Promise<void> => {
      const count = batch.count;
      const body = batch.take();
      if (writer) await writer.write(body);
      if (client) await client.submit(body, count);
    };
    for (const event of generateEvents(o)) {
      batch.add(event);
      generated++;
      if (batch.count >= o.batch || batch.bytes >= MAX_BODY_BYTES) {
        await flushBatch();
        if (stopping) break;
      }
    }
    if (batch.count > 0 && !stopping) await flushBatch();
    await client?.flush();
    await writer?.close();
  } catch (err) {
    // The reader went away (`| head`): that ends the output, it is not a failure.
    if ((err as { code?: unknown }).code !== 'EPIPE') throw err;
  } finally {
    clearInterval(progress);
    removeSignals();
  }
  const s = seconds();
  log(`generated ${fmt(generated)} events in ${s.toFixed(1)} s (${fmt(generated / Math.max(s, 1e-3))} events/s)`);
  if (writer && o.out !== '-') log(`wrote ${fmt(writer.bytes)} bytes of NDJSON to ${o.out}`);
  if (client) log(sendSummary(client.totals, s));
  return stopping ? 130 : 0;
}

async function runLive(o: DemoCliOptions): Promise<number> {
  const abort = new AbortController();
  const traffic = new LiveTraffic({ seed: o.seed, rate: o.rate, now: Date.now() });
  const writer = o.out === undefined ? undefined : NdjsonWriter.open(o.out);
  const client = clientFor(o, abort.signal);
  const started = performance.now();
  let generated = 0;
  let dropped = 0;
  let backlog: DemoEvent[] = [];
  let writing = Promise.resolve();
  let failure: unknown;

  const tick = (): void => {
    const events = traffic.tick(Date.now());
    generated += events.length;
    if (writer && events.length > 0) {
      const text = toNdjson(events);
      writing = writing.then(() => writer.write(text)).catch((err: unknown) => void (failure ??= err));
    }
    if (!client) return;
    backlog.push(...events);
    if (backlog.length > LIVE_BACKLOG) {
      dropped += backlog.length - LIVE_BACKLOG;
      backlog = backlog.slice(-LIVE_BACKLOG);
    }
    while (backlog.length > 0 && client.hasCapacity) {
      const batch = backlog.splice(0, o.batch);
      client.submit(toNdjson(batch), batch.length).catch((err: unknown) => void (failure ??= err));
    }
  };

  log(
    `live traffic, about ${o.rate} events/s on average with the time of day (Asia/Seoul); ` +
      `${client ? `sending to ${client.endpoint}` : `writing to ${o.out === '-' ? 'stdout' : o.out}`}; Ctrl-C stops`,
  );
  await new Promise<void>((resolve) => {
    const ticker = setInterval(() => {
      tick();
      if (failure !== undefined) stop();
    }, LIVE_TICK_MS);
    const status = setInterval(() => {
      const sent = client ? `; ${sendSummary(client.totals, (performance.now() - started) / 1000)}` : '';
      log(`${fmt(generated)} events so far${sent}${dropped > 0 ? `; dropped ${fmt(dropped)} while the service lagged` : ''}`);
    }, LIVE_STATUS_MS);
    let removeSignals = (): void => {};
    function stop(): void {
      clearInterval(ticker);
      clearInterval(status);
      removeSignals();
      resolve();
    }
    removeSignals = onStopSignals(stop);
  });

  log('stopping: sending what is left');
  const grace = setTimeout(() => abort.abort(), STOP_GRACE_MS);
  try {
    if (client && backlog.length > 0 && failure === undefined) await client.submit(toNdjson(backlog), backlog.length);
    await client?.flush();
    await writing;
    await writer?.close();
  } catch (err) {
    failure ??= err;
  } finally {
    clearTimeout(grace);
  }
  if (client) log(sendSummary(client.totals, (performance.now() - started) / 1000));
  log(`generated ${fmt(generated)} events live`);
  if (failure !== undefined && !abort.signal.aborted) throw failure;
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseDemoArgs(argv, process.env);
  if (parsed.kind === 'help') {
    process.stdout.write(DEMO_USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    log(`${parsed.message} (see --help)`);
    return 2;
  }
  return parsed.options.live ? runLive(parsed.options) : runBatch(parsed.options);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    log(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
