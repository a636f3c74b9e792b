import { Pool, PoolClosedError, PoolTimeoutError } from './pool';

function counterPool(max: number, acquireTimeoutMs = 1_000) {
  let made = 0;
  const destroyed: number[] = [];
  const pool = new Pool<number>({ max, acquireTimeoutMs, create: async () => ++made, destroy: (n) => void destroyed.push(n) });
  return { pool, destroyed, made: () => made };
}

describe('Pool', () => {
  it('creates up to max resources, then reuses released ones', async () => {
    const { pool, made } = counterPool(2);
    const a = await pool.acquire();
    const b = await pool.acquire();
    expect(new Set([a, b]).size).toBe(2);
    expect(pool.stats()).toMatchObject({ inUse: 2, idle: 0, waiting: 0, max: 2 });
    pool.release(a);
    expect(pool.stats()).toMatchObject({ inUse: 1, idle: 1 });
    expect(await pool.acquire()).toBe(a);
    expect(made()).toBe(2);
  });

  it('hands released resources to waiters in arrival order', async () => {
    const { pool } = counterPool(1);
    const first = await pool.acquire();
    const order: string[] = [];
    const w1 = pool.acquire().then((r) => (order.push('w1'), r));
    const w2 = pool.acquire().then((r) => (order.push('w2'), r));
    expect(pool.stats().waiting).toBe(2);
    pool.release(first);
    const r1 = await w1;
    expect(pool.stats()).toMatchObject({ inUse: 1, waiting: 1 });
    pool.release(r1);
    await w2;
    expect(order).toEqual(['w1', 'w2']);
  });

  it('fails a waiter after the acquire timeout and forgets it', async () => {
    const { pool } = counterPool(1, 30);
    const held = await pool.acquire();
    const started = Date.now();
    await expect(pool.acquire()).rejects.toBeInstanceOf(PoolTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(pool.stats().waiting).toBe(0);
    pool.release(held);
    expect(pool.stats()).toMatchObject({ inUse: 0, idle: 1 });
  });

  it('lets an abort signal cancel a wait', async () => {
    const { pool } = counterPool(1);
    await pool.acquire();
    const abort = new AbortController();
    const waiting = pool.acquire(abort.signal);
    abort.abort(new Error('client went away'));
    await expect(waiting).rejects.toThrow('client went away');
    expect(pool.stats().waiting).toBe(0);
  });

  it('use() gives the resource back when the work throws', async () => {
    const { pool } = counterPool(1);
    await expect(pool.use(async () => Promise.reject(new Error('query failed')))).rejects.toThrow('query failed');
    expect(pool.stats()).toMatchObject({ inUse: 0, idle: 1 });
  });

  it('refuses a double release', async () => {
    const { pool } = counterPool(1);
    const r = await pool.acquire();
    pool.release(r);
    expect(() => pool.release(r)).toThrow(/did not lend/);
  });

  it('close() fails waiters, waits for lent resources and destroys everything', async () => {
    const { pool, destroyed } = counterPool(1);
    const held = await pool.acquire();
    const waiter = pool.acquire();
    let closed = false;
    const closing = pool.close().then(() => (closed = true));
    await expect(waiter).rejects.toBeInstanceOf(PoolClosedError);
    await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(false);
    pool.release(held);
    await closing;
    expect(destroyed).toEqual([held]);
    await expect(pool.acquire()).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('rejects a size below 1', () => {
    expect(() => new Pool({ max: 0, acquireTimeoutMs: 10, create: async () => 1 })).toThrow(RangeError);
  });
});
