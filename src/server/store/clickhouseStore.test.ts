import { loadConfig } from '../config';
import { startTestServer, type TestServer } from '../testServer';
import { sharedClickhouse, stopSharedClickhouse, storeEnv } from '../testStores';
import { startTestClickhouse, type TestClickhouse } from '../testClickhouse';
import { str } from './clickhouseSql';
import { openClickhouseStore } from './clickhouseStore';

/** The ClickHouse store against a real clickhouse-server: idempotency across instances, outages, escaping. */

const T = Date.parse('2026-11-20T03:00:00Z');
const MIN = 60_000;
const pv = (id: string, minute = 0, extra: Record<string, unknown> = {}) => ({ event_id: id, type: 'page_view', visitor_id: `v-${id}`, ts: T + minute * MIN, channel: 'web', ...extra });
const range = { from: T - 60 * MIN, to: T + 60 * MIN };

async function pageViews(s: TestServer, body: Record<string, unknown> = {}): Promise<number> {
  const r = await s.post('/v1/query', { metric: 'page_views', format: 'total', ...range, ...body });
  expect(r.status).toBe(200);
  return r.body.series[0]?.total ?? 0;
}

afterAll(() => stopSharedClickhouse());

describe('ClickHouse store: idempotency', () => {
  let env: Record<string, string>;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    env = { SHOPMON_RETENTION_DAYS: '3650', ...(await storeEnv('clickhouse')) };
    a = await startTestServer(env);
    b = await startTestServer(env);
  });
  afterAll(async () => {
    await a.cleanup();
    await b.cleanup();
  });

  it('drops a retried batch, on the same instance and on another one', async () => {
    const batch = Array.from({ length: 50 }, (_, i) => pv(`retry-${i}`, i % 30));
    expect((await a.post('/v1/events', batch)).body).toMatchObject({ accepted: 50, duplicates: 0 });
    expect((await a.post('/v1/events', batch)).body).toMatchObject({ accepted: 0, duplicates: 50 });
    const mixed = [...batch.slice(0, 10), pv('retry-new', 3)];
    expect((await b.post('/v1/events', mixed)).body).toMatchObject({ accepted: 1, duplicates: 10 });
    expect(await pageViews(a, { filters: [{ dimension: 'channel', op: 'eq', values: ['web'] }] })).toBe(51);
  });

  it('counts an event once when two instances store it at the same instant', async () => {
    const before = await pageViews(a);
    for (let round = 0; round < 5; round++) {
      const batch = Array.from({ length: 200 }, (_, i) => pv(`race-${round}-${i}`, (i % 50) - 25));
      const [ra, rb] = await Promise.all([a.post('/v1/events', batch), b.post('/v1/events', batch)]);
      expect(ra.status).toBe(200);
      expect(rb.status).toBe(200);
      // Each event is accepted by one instance and a duplicate for the other, or accepted by
      // both when the inserts overlapped (then the second merged the pair away before answering).
      expect(ra.body.accepted + ra.body.duplicates).toBe(200);
      expect(rb.body.accepted + rb.body.duplicates).toBe(200);
      expect(await pageViews(b)).toBe(before + 200 * (round + 1));
    }
  });

  it('keeps idempotency across a restart of the service', async () => {
    const batch = [pv('restart-1', 1), pv('restart-2', 2)];
    expect((await a.post('/v1/events', batch)).body.accepted).toBe(2);
    a = await a.restart();
    expect((await a.post('/v1/events', batch)).body).toMatchObject({ accepted: 0, duplicates: 2 });
  });

  it('counts an order once, at its earliest order event, even when that event arrives late and at another instance', async () => {
    const order = (id: string, minute: number, amount: number) => ({ event_id: id, type: 'order', visitor_id: 'buyer', order_id: 'late-o1', amount, ts: T + minute * MIN, channel: 'web' });
    expect((await a.post('/v1/events', [order('late-2', 10, 5000)])).body.accepted).toBe(1);
    expect((await b.post('/v1/events', [order('late-1', -10, 3000)])).body.accepted).toBe(1);
    const r = await a.post('/v1/query', { metric: 'gmv', interval: '10m', ...range });
    const points = new Map<number, number | null>(r.body.series[0].points);
    expect(r.body.series[0].total).toBe(3000);
    expect(points.get(T - 10 * MIN)).toBe(3000);
    expect(points.get(T + 10 * MIN)).toBe(0);
  });
});

describe('ClickHouse store: outages', () => {
  let ch: TestClickhouse;
  let s: TestServer;
  beforeAll(async () => {
    ch = await startTestClickhouse();
    s = await startTestServer({ SHOPMON_STORE: 'clickhouse', SHOPMON_CLICKHOUSE_URL: ch.url, SHOPMON_CLICKHOUSE_DATABASE: 'outage', SHOPMON_RETENTION_DAYS: '3650' });
  });
  afterAll(async () => {
    await s.cleanup();
    await ch.cleanup();
  });

  it('answers 503 store_unavailable while ClickHouse is down and recovers when it is back, losing nothing', async () => {
    expect((await s.post('/v1/events', [pv('out-1')])).body.accepted).toBe(1);
    await ch.kill();
    const ingest = await s.post('/v1/events', [pv('out-2'), pv('out-3')]);
    expect(ingest.status).toBe(503);
    expect(ingest.body.error.code).toBe('store_unavailable');
    expect(ingest.headers.get('retry-after')).toBe('1');
    const query = await s.post('/v1/query', { metric: 'page_views', ...range });
    expect(query.status).toBe(503);
    expect(query.body.error.code).toBe('store_unavailable');
    expect(query.body.error.message).toMatch(/retry/);
    expect((await s.get('/healthz', null)).status).toBe(503);

    await ch.start();
    expect((await s.get('/healthz', null)).status).toBe(200);
    // The retry of the failed batch is new, not a duplicate; the event stored before is still there.
    expect((await s.post('/v1/events', [pv('out-2'), pv('out-3')])).body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(await pageViews(s)).toBe(3);
  });

  it('refuses to start with a clear message when ClickHouse does not answer', async () => {
    await expect(openClickhouseStore({ url: 'http://127.0.0.1:1', user: 'default', password: '', database: 'x', timeoutMs: 2000 })).rejects.toThrow(
      /ClickHouse at http:\/\/127\.0\.0\.1:1 did not answer.*SHOPMON_CLICKHOUSE_URL/,
    );
  });

  it('names the setting when the credentials are wrong', async () => {
    await expect(openClickhouseStore({ url: ch.url, user: 'shopmon', password: 'wrong', database: 'x' })).rejects.toThrow(/ClickHouse at .*(password|Authentication|auth)/i);
  });
});

describe('ClickHouse store: literals and settings', () => {
  it('writes string literals that ClickHouse reads back exactly', async () => {
    const ch = await sharedClickhouse();
    const nasty = ["it's", 'back\\slash', "\\'; DROP TABLE events; --", 'new\nline\ttab\r\u0000nul\u0001', 'ünïcødé 한글 🛒', "''", '\\', "'"];
    for (const value of nasty) {
      const body = await ch.query(`SELECT hex(${str(value)}) FORMAT TSV`);
      expect(body.trim()).toBe(Buffer.from(value, 'utf8').toString('hex').toUpperCase());
    }
  });

  it('finds stored values with quotes, backslashes and regex metacharacters by exact filter', async () => {
    const s = await startTestServer({ SHOPMON_RETENTION_DAYS: '3650', ...(await storeEnv('clickhouse')) });
    try {
      const channels = ["o'reilly", 'back\\slash', 'a.b', "x' OR '1'='1"];
      await s.post('/v1/events', channels.map((channel, i) => pv(`lit-${i}`, i, { channel })));
      for (const c of channels) expect(await pageViews(s, { filters: [{ dimension: 'channel', op: 'eq', values: [c] }] })).toBe(1);
      expect(await pageViews(s, { filters: [{ dimension: 'channel', op: 'regex', values: ['a.b'] }] })).toBe(1);
      expect(await pageViews(s, { filters: [{ dimension: 'channel', op: 'contains', values: ["'"] }] })).toBe(2);
      // Lookahead is valid JavaScript but not RE2: ClickHouse rejects it, and that is the client's error.
      const bad = await s.post('/v1/query', { metric: 'page_views', ...range, filters: [{ dimension: 'channel', op: 'regex', values: ['(?=a)b'] }] });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'bad_regex', field: 'filters' });
    } finally {
      await s.cleanup();
    }
  });

  it('validates the ClickHouse settings', () => {
    expect(() => loadConfig({ SHOPMON_STORE: 'clickhouse', SHOPMON_CLICKHOUSE_DATABASE: 'a;b' })).toThrow(/SHOPMON_CLICKHOUSE_DATABASE/);
    expect(() => loadConfig({ SHOPMON_STORE: 'clickhouse', SHOPMON_CLICKHOUSE_URL: 'localhost:8123' })).toThrow(/SHOPMON_CLICKHOUSE_URL/);
    expect(() => loadConfig({ SHOPMON_STORE: 'clickhouse', SHOPMON_CLICKHOUSE_TIMEOUT_SECONDS: '0' })).toThrow(/SHOPMON_CLICKHOUSE_TIMEOUT_SECONDS/);
    expect(loadConfig({ SHOPMON_STORE: 'clickhouse' })).toMatchObject({ clickhouseUrl: 'http://127.0.0.1:8123', clickhouseDatabase: 'shopmon', clickhouseUser: 'default', clickhouseTimeoutSeconds: 60 });
  });

  it('prunes events older than the retention', async () => {
    const env = await storeEnv('clickhouse');
    const store = await openClickhouseStore({ url: env.SHOPMON_CLICKHOUSE_URL!, user: env.SHOPMON_CLICKHOUSE_USER!, password: env.SHOPMON_CLICKHOUSE_PASSWORD!, database: env.SHOPMON_CLICKHOUSE_DATABASE! });
    try {
      const s = await startTestServer({ SHOPMON_RETENTION_DAYS: '3650', ...env });
      await s.post('/v1/events', [pv('old-1', -600), pv('old-2', -500), pv('new-1', 0)]);
      await s.cleanup();
      expect(await store.prune(T - 100 * MIN)).toBe(2);
    } finally {
      await store.close();
    }
  });
});
