/**
 * A generic connection pool: at most `max` resources, created on demand, handed out in FIFO
 * order to waiting callers, with an acquire timeout. The demo shop runs it over simulated
 * database connections (database.ts), but nothing here knows what a resource is.
 */

export interface PoolOptions<T> {
  /** Most resources alive at once (in use + idle). */
  max: number;
  /** How long `acquire` waits for a free resource before it fails. */
  acquireTimeoutMs: number;
  create: () => Promise<T>;
  destroy?: (resource: T) => Promise<void> | void;
}

export interface PoolStats {
  inUse: number;
  idle: number;
  waiting: number;
  /** Resources alive (in use + idle), plus ones being created. */
  size: number;
  max: number;
}

export class PoolTimeoutError extends Error {
  readonly code = 'POOL_TIMEOUT';
  constructor(readonly waitedMs: number, max: number) {
    super(`no connection free after ${waitedMs} ms (all ${max} in use); raise the pool size or find what holds connections`);
  }
}

export class PoolClosedError extends Error {
  readonly code = 'POOL_CLOSED';
  constructor() {
    super('the pool is closed');
  }
}

interface Waiter<T> {
  resolve: (resource: T) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  cleanup: () => void;
}

export class Pool<T> {
  private readonly idle: T[] = [];
  private readonly busy = new Set<T>();
  private readonly waiters: Array<Waiter<T>> = [];
  private creating = 0;
  private closed = false;
  private drained: (() => void) | null = null;

  constructor(private readonly opts: PoolOptions<T>) {
    if (!Number.isInteger(opts.max) || opts.max < 1) throw new RangeError(`pool max must be an integer >= 1, got ${opts.max}`);
    if (!(opts.acquireTimeoutMs > 0)) throw new RangeError(`pool acquireTimeoutMs must be > 0, got ${opts.acquireTimeoutMs}`);
  }

  stats(): PoolStats {
    return { inUse: this.busy.size, idle: this.idle.length, waiting: this.waiters.length, size: this.busy.size + this.idle.length + this.creating, max: this.opts.max };
  }

  /** A free resource, a new one while under `max`, or the next one released (FIFO). */
  async acquire(signal?: AbortSignal): Promise<T> {
    if (this.closed) throw new PoolClosedError();
    signal?.throwIfAborted();
    const ready = this.idle.pop();
    if (ready !== undefined) return this.lend(ready);
    if (this.busy.size + this.idle.length + this.creating < this.opts.max) return this.lend(await this.createOne());
    return this.enqueue(signal);
  }

  /** Gives a resource back; the longest waiter gets it first. */
  release(resource: T): void {
    if (!this.busy.delete(resource)) throw new Error('release of a resource this pool did not lend (or released twice)');
    const waiter = this.waiters.shift();
    if (waiter && !this.closed) {
      waiter.cleanup();
      this.busy.add(resource);
      waiter.resolve(resource);
      return;
    }
    if (this.closed) void this.destroyOne(resource);
    else this.idle.push(resource);
    this.checkDrained();
  }

  /** Runs `fn` with a resource and always gives it back. */
  async use<R>(fn: (resource: T) => Promise<R>, signal?: AbortSignal): Promise<R> {
    const resource = await this.acquire(signal);
    try {
      return await fn(resource);
    } finally {
      this.release(resource);
    }
  }

  /** Refuses new acquires, fails the waiters, and resolves once every lent resource is back and destroyed. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      for (const waiter of this.waiters.splice(0)) {
        waiter.cleanup();
        waiter.reject(new PoolClosedError());
      }
      await Promise.all(this.idle.splice(0).map((r) => this.destroyOne(r)));
    }
    if (this.busy.size > 0 || this.creating > 0) await new Promise<void>((resolve) => (this.drained = resolve));
  }

  private lend(resource: T): T {
    if (this.closed) {
      void this.destroyOne(resource);
      throw new PoolClosedError();
    }
    this.busy.add(resource);
    return resource;
  }

  private async createOne(): Promise<T> {
    this.creating++;
    try {
      return await this.opts.create();
    } finally {
      this.creating--;
      this.checkDrained();
    }
  }

  private enqueue(signal?: AbortSignal): Promise<T> {
    const started = Date.now();
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        remove();
        reject(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
      };
      const timer = setTimeout(() => {
        remove();
        reject(new PoolTimeoutError(Date.now() - started, this.opts.max));
      }, this.opts.acquireTimeoutMs);
      const waiter: Waiter<T> = {
        resolve,
        reject,
        timer,
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      const remove = () => {
        waiter.cleanup();
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private async destroyOne(resource: T): Promise<void> {
    try {
      await this.opts.destroy?.(resource);
    } catch {
      // A connection that fails to close is gone either way.
    }
  }

  private checkDrained(): void {
    if (this.closed && this.busy.size === 0 && this.creating === 0 && this.drained) {
      const done = this.drained;
      this.drained = null;
      done();
    }
  }
}
