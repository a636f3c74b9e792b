import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Sends NDJSON batches to `POST /v1/events` with a few requests in flight. A batch that meets a
 * saturated service (503) or a network error is sent again with the same body: event ids make
 * retries idempotent, so an event that did arrive the first time comes back as a duplicate.
 */

export interface IngestClientOptions {
  /** KPI service base URL without the path. */
  url: string;
  key: string;
  concurrency: number;
  /** Attempts per batch before giving up on it. */
  maxAttempts?: number;
  /** First backoff delay; it doubles per attempt up to 30 s. */
  retryBaseMs?: number;
  /** Aborts requests and retry waits. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  fetch?: typeof fetch;
}

export interface IngestTotals {
  batches: number;
  /** Events in batches the service answered. */
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  retries: number;
  /** Events in batches given up on. */
  failed: number;
}

export class IngestError extends Error {}

interface IngestAnswer {
  accepted?: number;
  duplicates?: number;
  rejected?: Array<{ index?: number; event_id?: string; errors?: Array<{ field?: string; message?: string }> }>;
  error?: { message?: string };
}

const MAX_BACKOFF_MS = 30_000;
const MAX_RETRY_AFTER_MS = 60_000;
/** Rejections printed in full; the rest are only counted. */
const REJECTIONS_SHOWN = 5;
const RETRY_LOG_EVERY_MS = 5_000;

export class IngestClient {
  readonly totals: IngestTotals = { batches: 0, sent: 0, accepted: 0, duplicates: 0, rejected: 0, retries: 0, failed: 0 };
  readonly endpoint: string;
  private readonly inflight = new Set<Promise<void>>();
  private fatal: Error | undefined;
  private rejectionsShown = 0;
  private lastRetryLog = -Infinity;
  private retriesNotLogged = 0;

  constructor(private readonly opts: IngestClientOptions) {
    this.endpoint = `${opts.url.replace(/\/+$/, '')}/v1/events`;
  }

  /** True while another batch can start without waiting. */
  get hasCapacity(): boolean {
    return this.inflight.size < this.opts.concurrency;
  }

  /** Waits for a free slot, then starts sending the batch (without waiting for its answer). */
  async submit(body: Uint8Array, count: number): Promise<void> {
    while (this.inflight.size >= this.opts.concurrency) await Promise.race(this.inflight);
    if (this.fatal) throw this.fatal;
    const request: Promise<void> = this.send(body, count)
      .catch((err: unknown) => {
        this.totals.failed += count;
        this.fatal ??= err instanceof Error ? err : new IngestError(String(err));
      })
      .finally(() => this.inflight.delete(request));
    this.inflight.add(request);
  }

  /** Waits for every batch in flight; throws the first error that stopped a batch. */
  async flush(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all(this.inflight);
    if (this.fatal) throw this.fatal;
  }

  private async send(body: Uint8Array, count: number): Promise<void> {
    const { key, signal } = this.opts;
    const doFetch = this.opts.fetch ?? fetch;
    const maxAttempts = this.opts.maxAttempts ?? 12;
    for (let attempt = 1; ; attempt++) {
      let wait: number;
      let problem: string;
      try {
        const res = await doFetch(this.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${key}` },
          // Buffers never sit on a SharedArrayBuffer here; the DOM typings cannot know that.
          body: body as Uint8Array<ArrayBuffer>,
          signal,
        });
        const text = await res.text();
        const answer = parseAnswer(text);
        if (res.status === 200 || (res.status === 400 && Array.isArray(answer?.rejected))) {
          this.record(answer ?? {}, count);
          return;
        }
        if (res.status !== 503 && res.status !== 429 && res.status !== 502 && res.status !== 504) {
          throw new IngestError(describeStatus(res.status, answer?.error?.message ?? text.slice(0, 200)));
        }
        problem = `service answered ${res.status}`;
        wait = retryAfter(res.headers.get('retry-after')) ?? this.backoff(attempt);
      } catch (err) {
        if (err instanceof IngestError || signal?.aborted) throw err;
        problem = `could not reach ${this.endpoint}: ${describeNetworkError(err)}`;
        wait = this.backoff(attempt);
      }
      if (attempt >= maxAttempts) throw new IngestError(`${problem}; gave up after ${attempt} attempts`);
      this.totals.retries++;
      this.logRetry(`${problem}; retrying in ${Math.round(wait)} ms`);
      await sleep(wait, undefined, { signal });
    }
  }

  /** One retry line per few seconds: a saturated service should not flood the terminal. */
  private logRetry(line: string): void {
    const now = Date.now();
    if (now - this.lastRetryLog < RETRY_LOG_EVERY_MS) {
      this.retriesNotLogged++;
      return;
    }
    const more = this.retriesNotLogged > 0 ? ` (${this.retriesNotLogged} more retries since the last message)` : '';
    this.opts.log?.(line + more);
    this.lastRetryLog = now;
    this.retriesNotLogged = 0;
  }

  private backoff(attempt: number): number {
    const base = this.opts.retryBaseMs ?? 250;
    return Math.min(MAX_BACKOFF_MS, base * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
  }

  private record(answer: IngestAnswer, count: number): void {
    const t = this.totals;
    t.batches++;
    t.sent += count;
    t.accepted += answer.accepted ?? 0;
    t.duplicates += answer.duplicates ?? 0;
    const rejected = answer.rejected ?? [];
    t.rejected += rejected.length;
    for (const r of rejected) {
      if (this.rejectionsShown++ >= REJECTIONS_SHOWN) break;
      const errors = (r.errors ?? []).map((e) => `${e.field ?? ''}: ${e.message ?? ''}`).join('; ');
      this.opts.log?.(`rejected ${r.event_id ?? `event #${r.index ?? '?'}`}: ${errors}`);
    }
  }
}

function parseAnswer(text: string): IngestAnswer | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as IngestAnswer) : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After as delay-seconds or an HTTP date, in ms. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms)) : undefined;
}

function describeStatus(status: number, message: string): string {
  const detail = message ? `: ${message}` : '';
  switch (status) {
    case 401:
      return `the service refused the ingest key (401)${detail}; check --key or SHOPMON_INGEST_KEY`;
    case 413:
      return `the service found the batch too large (413)${detail}; lower --batch`;
    case 415:
      return `the service does not take application/x-ndjson (415)${detail}`;
    default:
      return `the service answered ${status}${detail}`;
  }
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : undefined;
  return cause ? `${err.message} (${cause})` : err.message;
}
