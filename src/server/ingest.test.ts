import { INGEST_KEY, QUERY_KEY, startTestServer, type TestServer } from './testServer';

const ev = (id: string, extra: Record<string, unknown> = {}) => ({ event_id: id, type: 'page_view', visitor_id: `v-${id}`, ...extra });

describe('POST /v1/events', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ SHOPMON_MAX_EVENTS: '50', SHOPMON_MAX_BODY_BYTES: '20000' });
  });
  afterAll(() => s.cleanup());

  const count = () => s.svc.store.countEvents();

  it('accepts a JSON array, an {"events":[...]} object and NDJSON', async () => {
    const before = await count();
    const a = await s.post('/v1/events', [ev('a1'), ev('a2')]);
    const b = await s.post('/v1/events', { events: [ev('b1')] });
    const c = await s.post('/v1/events', [ev('c1'), ev('c2')].map((e) => JSON.stringify(e)).join('\n') + '\n', { contentType: 'application/x-ndjson' });
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect([a.body.accepted, b.body.accepted, c.body.accepted]).toEqual([2, 1, 2]);
    expect(await count()).toBe(before + 5);
  });

  it('keeps the valid events of a mixed batch and names index, event_id and field of the rest', async () => {
    const before = await count();
    const r = await s.post('/v1/events', [ev('m1'), { ...ev('m2'), type: 'order', amount: -3, order_id: 'o' }, ev('m3'), { event_id: 'm4', type: 'page_view' }]);
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(2);
    expect(r.body.rejected).toEqual([
      { index: 1, event_id: 'm2', errors: [{ field: 'amount', message: 'must not be negative' }] },
      { index: 3, event_id: 'm4', errors: [{ field: 'visitor_id', message: 'is required for page_view' }] },
    ]);
    expect(await count()).toBe(before + 2);
  });

  it('rejects a broken NDJSON line by its line index and keeps the others', async () => {
    const body = `${JSON.stringify(ev('n1'))}\n{"event_id": oops\n\n${JSON.stringify(ev('n2'))}`;
    const r = await s.post('/v1/events', body, { contentType: 'application/x-ndjson' });
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(2);
    expect(r.body.rejected).toHaveLength(1);
    expect(r.body.rejected[0].index).toBe(1);
    expect(r.body.rejected[0].errors[0].message).toMatch(/not valid JSON/);
  });

  it('answers 400 when every event is rejected or the body is not JSON', async () => {
    const all = await s.post('/v1/events', [{ ...ev('x1'), type: 'bogus' }]);
    expect(all.status).toBe(400);
    expect(all.body.error.code).toBe('all_rejected');
    expect(all.body.rejected[0].errors[0].field).toBe('type');
    const bad = await s.post('/v1/events', '[{"event_id":');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('body');
    const shape = await s.post('/v1/events', { event: [] });
    expect(shape.status).toBe(400);
    expect(shape.body.error.field).toBe('events');
    expect((await s.post('/v1/events', [])).status).toBe(400);
  });

  it('answers 413 above the event and byte limits, 415 for other content types', async () => {
    const many = await s.post('/v1/events', Array.from({ length: 51 }, (_, i) => ev(`l${i}`)));
    expect(many.status).toBe(413);
    expect(many.body.error).toMatchObject({ code: 'too_many_events', field: 'events' });
    const big = await s.post('/v1/events', [ev('big', { url: 'u'.repeat(25_000) })]);
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('body_too_large');
    const xml = await s.post('/v1/events', '<events/>', { contentType: 'application/xml' });
    expect(xml.status).toBe(415);
    expect(xml.body.error.field).toBe('content-type');
  });

  it('answers 401 for a missing key, an unknown key and a query key', async () => {
    const missing = await s.post('/v1/events', [ev('k1')], { key: null });
    const unknown = await s.post('/v1/events', [ev('k1')], { key: 'nope' });
    const wrongKind = await s.post('/v1/events', [ev('k1')], { key: QUERY_KEY });
    expect([missing.status, unknown.status, wrongKind.status]).toEqual([401, 401, 401]);
    expect(missing.body.error.code).toBe('missing_key');
    expect(unknown.body.error.code).toBe('unknown_key');
    expect(wrongKind.body.error.code).toBe('wrong_key_kind');
    const queryWithIngest = await s.post('/v1/query', { metric: 'page_views' }, { key: INGEST_KEY });
    expect(queryWithIngest.status).toBe(401);
    expect(queryWithIngest.body.error.code).toBe('wrong_key_kind');
  });

  it('counts a retried batch and repeats inside one batch as duplicates', async () => {
    const batch = [ev('r1'), ev('r2'), ev('r1')];
    const first = await s.post('/v1/events', batch);
    expect(first.body).toEqual({ accepted: 2, duplicates: 1, rejected: [] });
    const before = await count();
    const retry = await s.post('/v1/events', batch);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ accepted: 0, duplicates: 3, rejected: [] });
    expect(await count()).toBe(before);
  });

  it('loses nothing with concurrent writers and counts shared ids once', async () => {
    const before = await count();
    const clients = Array.from({ length: 8 }, (_, c) =>
      Promise.all(Array.from({ length: 5 }, (_, b) => s.post('/v1/events', Array.from({ length: 40 }, (_, i) => ev(`cw-${c}-${b}-${i}`)).concat([ev('cw-shared')])))),
    );
    const answers = (await Promise.all(clients)).flat();
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const accepted = answers.reduce((n, a) => n + a.body.accepted, 0);
    const duplicates = answers.reduce((n, a) => n + a.body.duplicates, 0);
    expect(accepted).toBe(8 * 5 * 40 + 1);
    expect(duplicates).toBe(8 * 5 - 1);
    expect(await count()).toBe(before + accepted);
  });

  it('exposes ingest counters and HTTP metrics on /metrics', async () => {
    const m = await s.get('/metrics', null);
    expect(m.status).toBe(200);
    expect(m.body).toMatch(/shopmon_ingest_events_accepted_total \d+/);
    expect(m.body).toMatch(/shopmon_ingest_events_duplicate_total [1-9]/);
    expect(m.body).toMatch(/shopmon_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/events"/);
    expect(m.body).toMatch(/shopmon_store_write_duration_seconds_count [1-9]/);
    expect(m.body).toMatch(/shopmon_nodejs_gc_duration_seconds/);
  });

  it('answers /healthz without a key and never leaks a stack trace', async () => {
    expect((await s.get('/healthz', null)).body).toMatchObject({ status: 'ok', store: 'duckdb' });
    const r = await s.post('/v1/events', '{"events": 5}');
    expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('idempotency across restarts', () => {
  it('still knows accepted event_ids after a restart', async () => {
    let s = await startTestServer();
    try {
      expect((await s.post('/v1/events', [ev('p1'), ev('p2')])).body.accepted).toBe(2);
      s = await s.restart();
      const again = await s.post('/v1/events', [ev('p1'), ev('p2'), ev('p3')]);
      expect(again.body).toEqual({ accepted: 1, duplicates: 2, rejected: [] });
      expect(await s.svc.store.countEvents()).toBe(3);
    } finally {
      await s.cleanup();
    }
  });

  it('keeps one first order per order_id, also when an earlier event arrives late', async () => {
    const s = await startTestServer();
    try {
      const t = Date.now() - 3_600_000;
      const order = (id: string, ts: number, amount: number) => ({ event_id: id, type: 'order', visitor_id: 'v', order_id: 'o-1', amount, ts });
      await s.post('/v1/events', [order('o-a', t + 1000, 100)]);
      await s.post('/v1/events', [order('o-b', t + 2000, 200)]);
      await s.post('/v1/events', [order('o-c', t, 300)]);
      const r = await s.post('/v1/query', { expr: 'orders + gmv * 0', from: t - 1000, to: t + 10_000, format: 'total' });
      const gmv = await s.post('/v1/query', { metric: 'gmv', from: t - 1000, to: t + 10_000, format: 'total' });
      expect(r.body.series[0].total).toBe(1);
      expect(gmv.body.series[0].total).toBe(300);
    } finally {
      await s.cleanup();
    }
  });
});
