import { buildCatalog } from '../kpi/catalog';
import { resolveQuery } from '../kpi/query';
import { runQuery } from './query/engine';
import { startTestServer, type TestServer } from './testServer';
import { STORES, stopSharedClickhouse, storeEnv } from './testStores';
import { seededRandom as rng } from './testRandom';

/**
 * Golden tests: every catalog metric computed through the API and, independently, by a plain
 * reference implementation over the events this test generated.
 */

type Ev = Record<string, any> & { event_id: string; type: string; ts: number; visitor_id: string };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SEOUL = 9 * HOUR;
// Three Seoul days ending at local midnight.
const END = Date.parse('2026-11-24T15:00:00Z');
const START = END - 3 * DAY;

function generate(): Ev[] {
  const r = rng(7);
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const events: Ev[] = [];
  let n = 0;
  const push = (e: Omit<Ev, 'event_id'>) => events.push({ event_id: `g-${n++}`, ...e } as Ev);
  for (let v = 0; v < 400; v++) {
    const visitor = `v${v}`;
    const dims = { channel: pick(['organic', 'paid', 'social', "o'reilly"]), device: pick(['mobile', 'desktop']), region: pick(['seoul', 'busan']) };
    let t = START - HOUR + Math.floor(r() * (3 * DAY + 2 * HOUR));
    const sessions = 1 + Math.floor(r() * 2);
    for (let s = 0; s < sessions; s++) {
      const session = r() < 0.9 ? { session_id: `${visitor}-s${s}` } : {};
      const step = () => (t += 1000 + Math.floor(r() * 120_000));
      const base = () => ({ ts: step(), visitor_id: visitor, ...session, ...dims });
      const category = pick(['shoes', 'bags', 'tops']);
      for (let p = 0; p < 1 + Math.floor(r() * 4); p++) push({ type: 'page_view', ...base(), page_type: pick(['home', 'product']), category, tti_ms: Math.round(200 + r() * 3000), load_ms: Math.round(100 + r() * 2000) });
      if (r() < 0.6) push({ type: 'search', ...base(), query: pick(['sneakers', 'bag', 'zzz']), results: r() < 0.2 ? 0 : 1 + Math.floor(r() * 50) });
      for (let i = 0; i < Math.floor(r() * 4); i++) push({ type: 'impression', ...base(), product_id: `p${Math.floor(r() * 30)}`, position: i });
      if (r() < 0.5) push({ type: 'product_view', ...base(), product_id: `p${Math.floor(r() * 30)}`, category });
      // Some visitors add to cart before viewing a product: they must not pass the view step.
      if (r() < 0.3) push({ type: 'add_to_cart', ...base(), quantity: 1, amount: 1000 });
      if (r() < 0.15) {
        const order_id = `o-${visitor}-${s}`;
        const amount = 1000 * (1 + Math.floor(r() * 90));
        push({ type: 'order', ...base(), order_id, amount, category });
        if (r() < 0.2) push({ type: 'order', ...base(), order_id, amount: amount * 2 }); // a repeated order event
        const failed = r() < 0.25;
        push({ type: 'payment', ...base(), order_id, status: failed ? 'failed' : 'succeeded', method: pick(['card', 'bank']), ...(failed ? { failure_reason: 'declined' } : {}), amount });
        if (failed && r() < 0.7) push({ type: 'payment', ...base(), order_id, status: 'succeeded', method: 'card', amount });
        if (r() < 0.2) push({ type: 'refund', ...base(), order_id, amount: Math.floor(amount / 2) });
      }
      if (r() < 0.05) push({ type: 'signup', ...base() });
      if (r() < 0.02) push({ type: 'withdrawal', ...base() });
      if (r() < 0.05) push({ type: 'product_listed', ...base(), product_id: `p${Math.floor(r() * 30)}`, seller_id: pick(['s1', 's2']) });
    }
  }
  return events;
}

// ---- reference implementation -------------------------------------------------------------

const dimOf = (e: Ev, d: string) => (e[d] ?? '') as string;

type Pred = (e: Ev) => boolean;
function matches(filters: Array<{ dimension: string; op: string; values: string[] }>): Pred {
  return (e) =>
    filters.every((f) => {
      const v = dimOf(e, f.dimension);
      switch (f.op) {
        case 'eq':
        case 'in':
          return f.values.includes(v);
        case 'neq':
        case 'not_in':
          return !f.values.includes(v);
        case 'contains':
          return f.values.some((x) => v.includes(x));
        case 'not_contains':
          return !f.values.some((x) => v.includes(x));
        case 'regex':
          return f.values.some((x) => new RegExp(`^(?:${x})$`).test(v));
        case 'not_regex':
          return !f.values.some((x) => new RegExp(`^(?:${x})$`).test(v));
      }
      throw new Error(f.op);
    });
}

function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

function firstOrderIds(all: Ev[]): Set<string> {
  const first = new Map<string, Ev>();
  for (const e of all) if (e.type === 'order' && (!first.has(e.order_id) || e.ts < first.get(e.order_id)!.ts)) first.set(e.order_id, e);
  return new Set([...first.values()].map((e) => e.event_id));
}

function reference(all: Ev[]) {
  const firsts = firstOrderIds(all);
  const count = (es: Ev[], p: Pred) => es.filter(p).length;
  const ratio = (a: number, b: number, scale = 100) => (b === 0 ? null : (a / b) * scale);
  const gmv = (es: Ev[]) => es.filter((e) => firsts.has(e.event_id)).reduce((n, e) => n + e.amount, 0);
  const orders = (es: Ev[]) => count(es, (e) => firsts.has(e.event_id));
  const visitors = (es: Ev[]) => new Set(es.map((e) => e.visitor_id)).size;
  const refundAmount = (es: Ev[]) => es.filter((e) => e.type === 'refund').reduce((n, e) => n + e.amount, 0);
  const type = (t: string) => (e: Ev) => e.type === t;
  const metrics: Record<string, (es: Ev[]) => number | null> = {
    page_views: (es) => count(es, type('page_view')),
    visitors,
    sessions: (es) => new Set(es.filter((e) => e.session_id).map((e) => e.session_id)).size,
    impressions: (es) => count(es, type('impression')),
    product_views: (es) => count(es, type('product_view')),
    add_to_carts: (es) => count(es, type('add_to_cart')),
    ctr: (es) => ratio(count(es, type('product_view')), count(es, type('impression'))),
    searches: (es) => count(es, type('search')),
    zero_result_searches: (es) => count(es, (e) => e.type === 'search' && e.results === 0),
    zero_result_rate: (es) => ratio(count(es, (e) => e.type === 'search' && e.results === 0), count(es, type('search'))),
    orders,
    gmv,
    aov: (es) => ratio(gmv(es), orders(es), 1),
    payments: (es) => count(es, type('payment')),
    payments_failed: (es) => count(es, (e) => e.type === 'payment' && e.status === 'failed'),
    payment_failure_rate: (es) => ratio(count(es, (e) => e.type === 'payment' && e.status === 'failed'), count(es, type('payment'))),
    refunds: (es) => count(es, type('refund')),
    refund_amount: refundAmount,
    net_revenue: (es) => gmv(es) - refundAmount(es),
    conversion_rate: (es) => ratio(new Set(es.filter(type('order')).map((e) => e.visitor_id)).size, visitors(es)),
    signups: (es) => count(es, type('signup')),
    withdrawals: (es) => count(es, type('withdrawal')),
    net_signups: (es) => count(es, type('signup')) - count(es, type('withdrawal')),
    products_listed: (es) => count(es, type('product_listed')),
    tti_p75: (es) => quantile(es.filter(type('page_view')).map((e) => e.tti_ms), 0.75),
    tti_p95: (es) => quantile(es.filter(type('page_view')).map((e) => e.tti_ms), 0.95),
    load_p75: (es) => quantile(es.filter(type('page_view')).map((e) => e.load_ms), 0.75),
  };
  const inRange = (from: number, to: number, p: Pred = () => true) => all.filter((e) => e.ts >= from && e.ts < to && p(e));
  return { metrics, inRange };
}

const close = (actual: number | null, expected: number | null) => {
  if (expected === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  expect(actual!).toBeCloseTo(expected, 6);
};

// ---- tests ------------------------------------------------------------------------------------

afterAll(() => stopSharedClickhouse());

describe.each(STORES)('POST /v1/query against a reference implementation (%s store)', (store) => {
  const events = generate();
  const ref = reference(events);
  let s: TestServer;

  beforeAll(async () => {
    s = await startTestServer({ SHOPMON_RETENTION_DAYS: '3650', ...(await storeEnv(store)) });
    for (let i = 0; i < events.length; i += 2000) {
      const r = await s.post('/v1/events', events.slice(i, i + 2000));
      expect(r.body.rejected).toEqual([]);
    }
  });
  afterAll(() => s.cleanup());

  it('runs on the store it names', () => {
    expect(s.svc.store.name).toBe(store);
  });

  it('generated enough events of every type', () => {
    expect(events.length).toBeGreaterThan(3000);
    for (const t of ['page_view', 'search', 'order', 'payment', 'refund', 'signup', 'withdrawal', 'product_listed']) {
      expect(events.filter((e) => e.type === t).length).toBeGreaterThan(3);
    }
  });

  const catalogMetrics = buildCatalog('KRW').metrics.map((m) => m.name);

  it.each(catalogMetrics)('%s: total and daily Asia/Seoul buckets equal the reference', async (metric) => {
    const r = await s.post('/v1/query', { metric, from: START, to: END, interval: '1d', timezone: 'Asia/Seoul' });
    expect(r.status).toBe(200);
    expect(r.body.series).toHaveLength(1);
    const series = r.body.series[0];
    close(series.total, ref.metrics[metric]!(ref.inRange(START, END)));
    expect(series.points.map((p: number[]) => p[0])).toEqual([0, 1, 2].map((d) => START + d * DAY));
    for (const [t, v] of series.points) close(v, ref.metrics[metric]!(ref.inRange(t, t + DAY)));
  });

  it('aligns days to local midnight in the query time zone and counts only [from, to)', async () => {
    const from = START + 5 * HOUR;
    const to = END - 7 * HOUR;
    const r = await s.post('/v1/query', { metric: 'page_views', from, to, interval: '1d', timezone: 'Asia/Seoul' });
    const points = r.body.series[0].points;
    expect(points[0][0]).toBe(START); // the first bucket starts before `from`
    expect((START + SEOUL) % DAY).toBe(0);
    close(points[0][1], ref.metrics.page_views!(ref.inRange(from, START + DAY)));
    close(points[2][1], ref.metrics.page_views!(ref.inRange(START + 2 * DAY, to)));
    const utc = await s.post('/v1/query', { metric: 'page_views', from: START, to: END, interval: '1d', timezone: 'UTC' });
    expect(utc.body.series[0].points[0][0]).toBe(Date.parse('2026-11-21T00:00:00Z'));
    close(utc.body.series[0].points[1][1], ref.metrics.page_views!(ref.inRange(Date.parse('2026-11-22T00:00:00Z'), Date.parse('2026-11-23T00:00:00Z'))));
  });

  const filterCases: Array<[string, Array<{ dimension: string; op: string; values: string[] }>]> = [
    ['eq', [{ dimension: 'channel', op: 'eq', values: ['organic'] }]],
    ['neq', [{ dimension: 'channel', op: 'neq', values: ['organic'] }]],
    ['in', [{ dimension: 'channel', op: 'in', values: ['organic', 'social'] }]],
    ['not_in', [{ dimension: 'device', op: 'not_in', values: ['mobile'] }]],
    ['contains', [{ dimension: 'channel', op: 'contains', values: ['ci'] }]],
    ['not_contains', [{ dimension: 'channel', op: 'not_contains', values: ['a'] }]],
    ['regex', [{ dimension: 'channel', op: 'regex', values: ['o.*'] }]],
    ['not_regex', [{ dimension: 'region', op: 'not_regex', values: ['bus.*'] }]],
    ['two filters', [{ dimension: 'channel', op: 'regex', values: ['organic|paid'] }, { dimension: 'device', op: 'eq', values: ['desktop'] }]],
    ['a quote in the value', [{ dimension: 'channel', op: 'eq', values: ["o'reilly"] }]],
    ['an absent dimension reads as ""', [{ dimension: 'category', op: 'eq', values: [''] }]],
  ];

  it.each(filterCases)('filter %s matches the reference for every metric kind', async (_name, filters) => {
    for (const metric of ['page_views', 'visitors', 'gmv', 'conversion_rate', 'tti_p75']) {
      const r = await s.post('/v1/query', { metric, from: START, to: END, filters, format: 'total' });
      expect(r.status).toBe(200);
      close(r.body.series[0].total, ref.metrics[metric]!(ref.inRange(START, END, matches(filters))));
    }
  });

  it('groups by a dimension, keeps the top groups by total and sums the rest into __other__', async () => {
    const r = await s.post('/v1/query', { metric: 'page_views', from: START, to: END, group_by: ['channel'], interval: '1d', limit: 2, other: true });
    const channels = [...new Set(events.map((e) => e.channel as string))];
    const totals = channels.map((c) => [c, ref.metrics.page_views!(ref.inRange(START, END, (e) => e.channel === c))] as const).sort((a, b) => b[1]! - a[1]!);
    expect(r.body.series.map((x: any) => x.labels.channel)).toEqual([totals[0]![0], totals[1]![0], '__other__']);
    expect(r.body.series[2].total).toBe(totals.slice(2).reduce((n, t) => n + t[1]!, 0));
    const visitors = await s.post('/v1/query', { metric: 'visitors', from: START, to: END, group_by: ['channel'], format: 'total', limit: 1, other: true });
    const top = visitors.body.series[0].labels.channel;
    close(visitors.body.series[1].total, ref.metrics.visitors!(ref.inRange(START, END, (e) => e.channel !== top)));
  });

  it('counts visitors distinct over the range in totals, not as a sum of buckets', async () => {
    const r = await s.post('/v1/query', { metric: 'visitors', from: START, to: END, interval: '1h' });
    const sum = r.body.series[0].points.reduce((n: number, p: number[]) => n + p[1]!, 0);
    expect(r.body.series[0].total).toBe(ref.metrics.visitors!(ref.inRange(START, END)));
    expect(sum).toBeGreaterThan(r.body.series[0].total);
  });

  it('shifts a comparison period onto the current axis', async () => {
    const from = START + DAY;
    const r = await s.post('/v1/query', { metric: 'orders', from, to: END, interval: '1h', compare: '1d' });
    expect(r.body.compare.offset_ms).toBe(DAY);
    const prev = r.body.compare.series[0];
    expect(prev.points[0][0]).toBe(r.body.series[0].points[0][0]);
    close(prev.total, ref.metrics.orders!(ref.inRange(from - DAY, END - DAY)));
    const [t, v] = prev.points[5];
    close(v, ref.metrics.orders!(ref.inRange(t - DAY, t - DAY + HOUR)));
    const pp = await s.post('/v1/query', { metric: 'orders', from, to: END, format: 'total', compare: 'previous_period' });
    expect(pp.body.compare.offset_ms).toBe(END - from);
  });

  it('evaluates expressions with precedence, matchers and by()', async () => {
    const expr = 'payments_failed{method="card"} / payments * 100 - 2 * 3';
    const r = await s.post('/v1/query', { expr, from: START, to: END, format: 'total' });
    const all = ref.inRange(START, END);
    const failedCard = all.filter((e) => e.type === 'payment' && e.status === 'failed' && e.method === 'card').length;
    close(r.body.series[0].total, (failedCard / all.filter((e) => e.type === 'payment').length) * 100 - 6);
    const grouped = await s.post('/v1/query', { expr: 'gmv / (orders) by (device)', from: START, to: END, format: 'total' });
    for (const series of grouped.body.series) {
      close(series.total, ref.metrics.aov!(ref.inRange(START, END, (e) => e.device === series.labels.device)));
    }
    const regex = await s.post('/v1/query', { expr: 'page_views{channel=~"organic|paid", device!="mobile"}', from: START, to: END, format: 'total' });
    close(regex.body.series[0].total, all.filter((e) => e.type === 'page_view' && ['organic', 'paid'].includes(e.channel) && e.device !== 'mobile').length);
  });

  it('leaves out the groups a matcher on every selector excludes, as the filters field does', async () => {
    const channels = (body: any) => body.series.map((x: any) => x.labels.channel).sort();
    const one = await s.post('/v1/query', { expr: 'orders{channel="organic"} by (channel)', from: START, to: END, format: 'total' });
    expect(channels(one.body)).toEqual(['organic']);
    close(one.body.series[0].total, ref.metrics.orders!(ref.inRange(START, END, (e) => e.channel === 'organic')));
    const both = await s.post('/v1/query', { expr: 'page_views{channel=~"organic|paid"} / visitors{channel=~"organic|paid"} by (channel)', from: START, to: END, format: 'total' });
    expect(channels(both.body)).toEqual(['organic', 'paid']);
    for (const series of both.body.series) {
      const rows = ref.inRange(START, END, (e) => e.channel === series.labels.channel);
      close(series.total, ref.metrics.page_views!(rows)! / ref.metrics.visitors!(rows)!);
    }
    // Only one side filtered: every channel keeps its series (the share of organic in it is 0).
    const share = await s.post('/v1/query', { expr: 'orders{channel="organic"} / orders by (channel)', from: START, to: END, format: 'total' });
    expect(channels(share.body)).toEqual(channels((await s.post('/v1/query', { metric: 'orders', group_by: ['channel'], from: START, to: END, format: 'total' })).body));
    expect(share.body.series.find((x: any) => x.labels.channel === 'paid').total).toBe(0);
  });

  it('gives 0 for counts and null for ratios over a range with no data, and [] for empty groups', async () => {
    const from = END + 10 * DAY;
    const count = await s.post('/v1/query', { metric: 'orders', from, to: from + DAY, interval: '1h' });
    expect(count.body.series).toHaveLength(1);
    expect(count.body.series[0].total).toBe(0);
    expect(count.body.series[0].points).toHaveLength(24);
    expect(count.body.series[0].points.every((p: unknown[]) => p[1] === 0)).toBe(true);
    const ratio = await s.post('/v1/query', { metric: 'payment_failure_rate', from, to: from + DAY, format: 'total' });
    expect(ratio.body.series[0].total).toBeNull();
    const grouped = await s.post('/v1/query', { metric: 'orders', from, to: from + DAY, group_by: ['channel'] });
    expect(grouped.body.series).toEqual([]);
    const empty = await s.post('/v1/query', { metric: 'orders', from, to: from, format: 'total' });
    expect(empty.body.series[0].total).toBe(0);
  });

  it('chooses the auto interval from max_points', async () => {
    const r = await s.post('/v1/query', { metric: 'page_views', from: START, to: END, interval: 'auto', max_points: 100 });
    expect(r.body.interval).toBe('1h');
    const fine = await s.post('/v1/query', { metric: 'page_views', from: END - HOUR, to: END, max_points: 1000 });
    expect(fine.body.interval).toBe('1m');
  });

  it.each([
    [{ metric: 'nope' }, 'metric', /unknown metric/],
    [{ metric: 'page_views', group_by: ['colour'] }, 'group_by', /unknown dimension/],
    [{ metric: 'page_views', group_by: ['method'] }, 'group_by', /not available/],
    [{ metric: 'page_views', filters: [{ dimension: 'channel', op: 'like', values: ['x'] }] }, 'filters[0].op', /unknown operator/],
    [{ metric: 'page_views', filters: [{ dimension: 'channel; DROP TABLE events', op: 'eq', values: ['x'] }] }, 'filters[0].dimension', /unknown dimension/],
    [{ metric: 'page_views', filters: [{ dimension: 'channel', op: 'regex', values: ['(('] }] }, 'filters[0].values', /invalid regular expression/],
    [{ expr: 'page_views +' }, 'expr', /line 1, column 13/],
    [{ expr: 'page_views{"channel"="x"}' }, 'expr', /line 1/],
    [{ metric: 'page_views', timezone: 'Mars/Olympus' }, 'timezone', /time zone/],
    [{ metric: 'page_views', interval: 'often' }, 'interval', /duration/],
    [{ metric: 'page_views', from: 'yesterday' }, 'from', /RFC 3339/],
    [{ metric: 'page_views', compare: '2d' }, 'compare', /must be one of/],
    [{ metric: 'page_views', format: 'csv' }, 'format', /must be one of/],
  ])('rejects %j naming %s', async (body, field, message) => {
    const r = await s.post('/v1/query', { from: START, to: END, ...body });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe(field);
    expect(r.body.error.message).toMatch(message);
  });

  it('treats injection attempts in filter values as literal strings', async () => {
    const before = await s.svc.store.countEvents();
    for (const value of ["x' OR '1'='1", "'; DROP TABLE events; --", '$1', '\\', '%']) {
      const r = await s.post('/v1/query', { metric: 'page_views', from: START, to: END, format: 'total', filters: [{ dimension: 'channel', op: 'eq', values: [value] }] });
      expect(r.status).toBe(200);
      expect(r.body.series[0].total).toBe(0);
      const e = await s.post('/v1/query', { expr: `page_views{channel="${value.replace(/\\/g, '\\\\')}"}`, from: START, to: END, format: 'total' });
      expect(e.body.series[0].total).toBe(0);
    }
    expect(await s.svc.store.countEvents()).toBe(before);
  });

  // The rollups are the DuckDB store's; ClickHouse reads its events table for every query.
  if (store === 'duckdb') it('answers the same from the rollups as from the raw events, on aligned and unaligned ranges', async () => {
    const late = { event_id: 'late-order', type: 'order', visitor_id: 'v-late', order_id: events.find((e) => e.type === 'order')!.order_id, amount: 1, ts: START - 2 * HOUR, channel: 'paid' };
    expect((await s.post('/v1/events', [late])).body.accepted).toBe(1);
    const bodies = [
      { metric: 'orders', interval: '1h' },
      { metric: 'gmv', interval: '1d', group_by: ['channel'] },
      { metric: 'visitors', interval: '3h', filters: [{ dimension: 'device', op: 'eq', values: ['mobile'] }] },
      { metric: 'conversion_rate', interval: '1d', group_by: ['region'] },
      { expr: 'page_views / visitors + zero_result_rate', interval: '1h' },
      { metric: 'payment_failure_rate', interval: '1h', group_by: ['method'] },
      { metric: 'net_revenue', format: 'total' },
      { metric: 'visitors', format: 'total', group_by: ['channel'] },
    ];
    const ranges = [
      [START, END],
      [START + 17 * 60_000 + 123, END - 41 * 60_000],
      [START + 5 * 60_000, START + 50 * 60_000],
    ];
    for (const body of bodies) {
      for (const [from, to] of ranges) {
        const q = resolveQuery({ ...body, from, to, timezone: 'Asia/Seoul' }, s.svc.catalog, { timezone: 'Asia/Seoul', now: Date.now() });
        if (!q.ok) throw new Error(q.error.message);
        const fast = await runQuery(q.value, s.svc.store, s.svc.catalog);
        const raw = await runQuery(q.value, s.svc.store, s.svc.catalog, { rollups: false });
        const sort = (a: any) => JSON.stringify(a.series.map((x: any) => ({ ...x, total: x.total === null ? null : Math.round(x.total * 1e6) })).sort((x: any, y: any) => JSON.stringify(x.labels).localeCompare(JSON.stringify(y.labels))));
        expect(sort(fast)).toEqual(sort(raw));
      }
    }
  });
});
