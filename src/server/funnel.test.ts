import { startTestServer, type TestServer } from './testServer';
import { STORES, stopSharedClickhouse, storeEnv } from './testStores';

afterAll(() => stopSharedClickhouse());

const T = Date.parse('2026-11-20T03:00:00Z');
const MIN = 60_000;
let n = 0;
const ev = (visitor: string, type: string, minute: number, extra: Record<string, unknown> = {}) => ({
  event_id: `f-${n++}`,
  visitor_id: visitor,
  type,
  ts: T + minute * MIN,
  channel: visitor.startsWith('app') ? 'app' : 'web',
  ...(type === 'product_view' ? { product_id: 'p1' } : {}),
  ...(type === 'order' ? { order_id: `o-${visitor}-${minute}`, amount: 1000 } : {}),
  ...extra,
});

describe.each(STORES)('POST /v1/funnel (%s store)', (store) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ SHOPMON_RETENTION_DAYS: '3650', ...(await storeEnv(store)) });
    const events = [
      // web-full: every step in order
      ev('web-full', 'page_view', 0), ev('web-full', 'product_view', 1), ev('web-full', 'add_to_cart', 2), ev('web-full', 'order', 3),
      ev('web-full', 'payment', 4, { order_id: 'x', status: 'succeeded' }),
      // web-cart-first: adds to cart before viewing a product, so it passes only the visit step... and then views
      ev('web-cart-first', 'page_view', 0), ev('web-cart-first', 'add_to_cart', 1), ev('web-cart-first', 'product_view', 2),
      // web-failed: payment failed, so not payment_succeeded
      ev('web-failed', 'page_view', 0), ev('web-failed', 'product_view', 1), ev('web-failed', 'add_to_cart', 2), ev('web-failed', 'order', 3),
      ev('web-failed', 'payment', 4, { order_id: 'y', status: 'failed' }),
      // app-slow: the order comes two days after the first visit
      ev('app-slow', 'page_view', 0), ev('app-slow', 'product_view', 10), ev('app-slow', 'add_to_cart', 20), ev('app-slow', 'order', 2 * 24 * 60),
      // app-same-ms: equal timestamps count as in order
      ev('app-same-ms', 'page_view', 5), ev('app-same-ms', 'product_view', 5),
      // no-visit: never had a page_view in range
      ev('no-visit', 'product_view', 1), ev('no-visit', 'add_to_cart', 2),
    ];
    expect((await s.post('/v1/events', events)).body.accepted).toBe(events.length);
  });
  afterAll(() => s.cleanup());

  const range = { from: T - MIN, to: T + 3 * 24 * 60 * MIN };

  it('counts visitors that did the steps in order, with conversion from previous and first step', async () => {
    const r = await s.post('/v1/funnel', { ...range });
    expect(r.status).toBe(200);
    expect(r.body.steps.map((x: any) => [x.step, x.visitors])).toEqual([
      ['visit', 5],
      ['product_view', 5],
      ['add_to_cart', 3],
      ['order', 3],
      ['payment_succeeded', 1],
    ]);
    expect(r.body.steps[0]).toMatchObject({ from_previous: 100, from_first: 100 });
    expect(r.body.steps[2].from_previous).toBeCloseTo(60);
    expect(r.body.steps[4].from_first).toBeCloseTo(20);
  });

  it('does not let a cart before the product view pass the view-then-cart steps', async () => {
    const r = await s.post('/v1/funnel', { ...range, steps: ['visit', 'add_to_cart', 'product_view'], filters: [{ dimension: 'channel', op: 'eq', values: ['web'] }] });
    expect(r.body.steps.map((x: any) => x.visitors)).toEqual([3, 3, 1]);
    const viewThenCart = await s.post('/v1/funnel', { ...range, steps: ['product_view', 'add_to_cart'], filters: [{ dimension: 'channel', op: 'eq', values: ['web'] }] });
    // web-cart-first viewed after carting: it reaches product_view but not add_to_cart afterwards
    // (web-full, web-failed and no-visit do).
    expect(viewThenCart.body.steps.map((x: any) => x.visitors)).toEqual([4, 3]);
  });

  it('applies the window from the first step', async () => {
    const r = await s.post('/v1/funnel', { ...range, steps: ['visit', 'add_to_cart', 'order'], window: '1d', filters: [{ dimension: 'channel', op: 'eq', values: ['app'] }] });
    expect(r.body.steps.map((x: any) => x.visitors)).toEqual([2, 1, 0]);
    const wide = await s.post('/v1/funnel', { ...range, steps: ['visit', 'add_to_cart', 'order'], filters: [{ dimension: 'channel', op: 'eq', values: ['app'] }] });
    expect(wide.body.steps.map((x: any) => x.visitors)).toEqual([2, 1, 1]);
  });

  it('groups by a dimension', async () => {
    const r = await s.post('/v1/funnel', { ...range, steps: ['visit', 'product_view'], group_by: ['channel'] });
    expect(r.body.groups).toEqual([
      { labels: { channel: 'web' }, steps: [expect.objectContaining({ visitors: 3 }), expect.objectContaining({ visitors: 3 })] },
      { labels: { channel: 'app' }, steps: [expect.objectContaining({ visitors: 2 }), expect.objectContaining({ visitors: 2 })] },
    ]);
  });

  it('answers zeros and null conversions for a range with no data', async () => {
    const r = await s.post('/v1/funnel', { from: T + 30 * 24 * 60 * MIN, to: T + 31 * 24 * 60 * MIN });
    expect(r.body.steps.map((x: any) => x.visitors)).toEqual([0, 0, 0, 0, 0]);
    expect(r.body.steps[1].from_previous).toBeNull();
  });

  it.each([
    [{ steps: ['visit', 'teleport'] }, 'steps'],
    [{ steps: [] }, 'steps'],
    [{ window: 'soon' }, 'window'],
    [{ filters: [{ dimension: 'method', op: 'eq', values: ['card'] }] }, 'filters'],
    [{ group_by: ['query'] }, 'group_by'],
  ])('rejects %j naming %s', async (body, field) => {
    const r = await s.post('/v1/funnel', { ...range, ...body });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe(field);
  });
});

describe.each(STORES)('catalog, dimension values and annotations (%s store)', (store) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(await storeEnv(store));
    const now = Date.now();
    const events = ['Sneakers', 'sneakers', 'boots', 'Sneakers'].map((q, i) => ({ event_id: `dv-${i}`, type: 'search', visitor_id: 'v', query: q, results: 1, ts: now - 1000 * i }));
    await s.post('/v1/events', events);
  });
  afterAll(() => s.cleanup());

  it('lists every metric with unit, kind, dimensions and direction', async () => {
    const r = await s.get('/v1/catalog');
    const rate = r.body.metrics.find((m: any) => m.name === 'payment_failure_rate');
    expect(rate).toMatchObject({ unit: 'percent', kind: 'ratio', higher_is_better: false });
    expect(rate.dimensions).toContain('method');
    expect(r.body.metrics.find((m: any) => m.name === 'gmv').unit).toBe('currencyKRW');
    expect(r.body.metrics.some((m: any) => m.name.startsWith('__'))).toBe(false);
    expect(r.body.dimensions.map((d: any) => d.name)).toContain('channel');
  });

  it('lists dimension values by frequency with a case-insensitive search', async () => {
    const r = await s.get('/v1/dimensions/query/values?q=SNEAK');
    expect(r.body.values).toEqual([
      { value: 'Sneakers', count: 2 },
      { value: 'sneakers', count: 1 },
    ]);
    expect((await s.get('/v1/dimensions/query/values?limit=1')).body.values).toHaveLength(1);
    expect((await s.get('/v1/dimensions/colour/values')).status).toBe(404);
    expect((await s.get('/v1/dimensions/query/values?limit=0')).body.error.field).toBe('limit');
  });

  it('stores annotations and lists them by range and tag', async () => {
    const now = Date.now();
    const created = await s.post('/v1/annotations', { time: now - 60_000, title: 'deploy v2', text: 'checkout rewrite', tags: ['deploy'] }, { key: 'test-ingest-key' });
    expect(created.status).toBe(201);
    await s.post('/v1/annotations', { time: now - 30_000, time_end: now, title: 'sale', tags: ['campaign'] }, { key: 'test-ingest-key' });
    const all = await s.get(`/v1/annotations?from=${now - 3_600_000}&to=${now + 1000}`);
    expect(all.body.annotations.map((a: any) => a.title)).toEqual(['deploy v2', 'sale']);
    const deploys = await s.get(`/v1/annotations?from=${now - 3_600_000}&to=${now + 1000}&tags=deploy`);
    expect(deploys.body.annotations).toEqual([{ id: created.body.id, time: now - 60_000, time_end: now - 60_000, title: 'deploy v2', text: 'checkout rewrite', tags: ['deploy'] }]);
    const bad = await s.post('/v1/annotations', { time: now }, { key: 'test-ingest-key' });
    expect(bad.body.error.field).toBe('title');
  });
});
