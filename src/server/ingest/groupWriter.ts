import type { EventStore, StoredEvent } from '../store/types';

interface Pending {
  rows: StoredEvent[];
  demote: string[];
  /** Resolves with how many of the rows the store already held (a store-side duplicate). */
  resolve: (existing: number) => void;
  reject: (e: unknown) => void;
}

export interface WriterObserver {
  onCommit(rows: number, seconds: number): void;
  onQueue(depth: number): void;
}

/**
 * Group commit: requests queue their rows; one loop writes everything queued in a single
 * transaction, then answers every request of that group. Throughput comes from big
 * transactions, latency from never waiting for a timer.
 */
export class GroupWriter {
  private readonly queue: Pending[] = [];
  private queued = 0;
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly maxQueue: number,
    private readonly observer: WriterObserver,
    private readonly maxGroupRows = 100_000,
  ) {}

  get depth(): number {
    return this.queued;
  }

  /** True when `n` more rows would exceed the queue limit: the caller should answer 503. */
  saturated(n: number): boolean {
    return this.queued > 0 && this.queued + n > this.maxQueue;
  }

  write(rows: StoredEvent[], demote: string[]): Promise<number> {
    if (rows.length === 0) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, demote, resolve, reject });
      this.queued += rows.length;
      this.observer.onQueue(this.queued);
      this.running ??= this.loop().finally(() => (this.running = null));
    });
  }

  /** Resolves when everything queued so far is durable (or failed). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    // Yield once so requests parsed in the same tick join the first group.
    await new Promise((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const group: Pending[] = [];
      let rows = 0;
      while (this.queue.length > 0 && (group.length === 0 || rows + this.queue[0]!.rows.length <= this.maxGroupRows)) {
        const p = this.queue.shift()!;
        group.push(p);
        rows += p.rows.length;
      }
      const started = process.hrtime.bigint();
      try {
        const existing = await this.store.append(group.flatMap((p) => p.rows), group.flatMap((p) => p.demote));
        this.observer.onCommit(rows, Number(process.hrtime.bigint() - started) / 1e9);
        for (const p of group) p.resolve(existing ? p.rows.reduce((n, r) => n + (existing.has(r) ? 1 : 0), 0) : 0);
      } catch (e) {
        for (const p of group) p.reject(e);
      } finally {
        this.queued -= rows;
        this.observer.onQueue(this.queued);
      }
    }
  }
}
