import { toNdjson } from '../ndjson';
import { IngestClient, type IngestTotals } from '../sender';
import type { DemoEvent } from '../types';
import type { ShopMetrics } from './metrics';

/**
 * The business events of the shop on their way to the KPI service: buffered, sent as NDJSON
 * about once a second through the demo's IngestClient (retries with the same event ids are
 * counted once by the service), and dropped oldest-first when the service stays away too long.
 */

export interface EventSinkOptions {
  /** KPI service base URL; without a key nothing is sent (events are counted as dropped). */
  url: string;
  key: string | null;
  /** Prefix of event ids; must differ between runs, or the service would take new events for retries. */
  idPrefix: string;
  metrics?: ShopMetrics;
  log?: (line: string) => void;
  batch?: number;
  backlog?: number;
}

export interface Annotation {
  time: number;
  time_end: number;
  title: string;
  text: string;
  tags: string[];
}

const FLUSH_MS = 1_000;
const QUIET_MS = 30_000;

export class EventSink {
  private buffer: DemoEvent[] = [];
  private client: IngestClient | null;
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private counter = 0;
  private lastTotals: IngestTotals | null = null;
  private lastComplaint = -Infinity;
  dropped = 0;

  constructor(private readonly opts: EventSinkOptions) {
    this.client = this.newClient();
  }

  get sending(): boolean {
    return this.opts.key !== null;
  }

  /** Gives the event its id and queues it. */
  push(event: DemoEvent): void {
    event.event_id = `${this.opts.idPrefix}${(this.counter++).toString(36)}`;
    if (!this.client) {
      this.dropped++;
      return;
    }
    this.buffer.push(event);
    const max = this.opts.backlog ?? 50_000;
    if (this.buffer.length > max) {
      const extra = this.buffer.length - max;
      this.buffer.splice(0, extra);
      this.dropped += extra;
      this.opts.metrics?.eventsSent.inc({ result: 'failed' }, extra);
    }
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flushSome(), FLUSH_MS);
    this.timer.unref();
  }

  /** Sends what is buffered and waits for every request in flight (at most `graceMs`). */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const grace = setTimeout(() => this.abort.abort(), graceMs);
    try {
      while (this.buffer.length > 0 && this.client && !this.abort.signal.aborted) await this.send(this.buffer.splice(0, this.opts.batch ?? 2_000));
      await this.client?.flush().catch((e: unknown) => this.complain(e));
    } finally {
      clearTimeout(grace);
      this.record();
    }
  }

  /** Posts a dashboard annotation (incidents); failures are logged, never thrown. */
  async annotate(annotation: Annotation): Promise<boolean> {
    if (!this.opts.key) return false;
    try {
      const res = await fetch(`${this.opts.url}/v1/annotations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.opts.key}` },
        body: JSON.stringify(annotation),
        signal: this.abort.signal,
      });
      if (res.status !== 201) this.complain(new Error(`annotation answered ${res.status}: ${(await res.text()).slice(0, 200)}`));
      return res.status === 201;
    } catch (e) {
      this.complain(e);
      return false;
    }
  }

  private newClient(): IngestClient | null {
    if (!this.opts.key) return null;
    this.lastTotals = null;
    return new IngestClient({ url: this.opts.url, key: this.opts.key, concurrency: 2, maxAttempts: 6, signal: this.abort.signal, log: this.opts.log });
  }

  private async flushSome(): Promise<void> {
    if (!this.client) return;
    while (this.buffer.length > 0 && this.client.hasCapacity) await this.send(this.buffer.splice(0, this.opts.batch ?? 2_000));
    this.record();
  }

  private async send(batch: DemoEvent[]): Promise<void> {
    if (!this.client || batch.length === 0) return;
    try {
      await this.client.submit(toNdjson(batch), batch.length);
    } catch (e) {
      // A client that met an error it cannot retry (401, 413...) keeps failing: start a new one.
      this.complain(e);
      this.record();
      this.opts.metrics?.eventsSent.inc({ result: 'failed' }, batch.length);
      this.client = this.newClient();
    }
  }

  private record(): void {
    const t = this.client?.totals;
    const m = this.opts.metrics;
    if (!t || !m) return;
    const last = this.lastTotals ?? { batches: 0, sent: 0, accepted: 0, duplicates: 0, rejected: 0, retries: 0, failed: 0 };
    if (t.accepted > last.accepted) m.eventsSent.inc({ result: 'accepted' }, t.accepted - last.accepted);
    if (t.duplicates > last.duplicates) m.eventsSent.inc({ result: 'duplicate' }, t.duplicates - last.duplicates);
    if (t.rejected > last.rejected) m.eventsSent.inc({ result: 'rejected' }, t.rejected - last.rejected);
    if (t.failed > last.failed) m.eventsSent.inc({ result: 'failed' }, t.failed - last.failed);
    this.lastTotals = { ...t };
  }

  private complain(e: unknown): void {
    const now = Date.now();
    if (now - this.lastComplaint < QUIET_MS) return;
    this.lastComplaint = now;
    this.opts.log?.(`events to ${this.opts.url}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
