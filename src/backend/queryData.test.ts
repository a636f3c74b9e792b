import { tableFromIPC, TimeUnit, Type, type Table } from 'apache-arrow';
import { toFunnelRequest, toKpiRequest, type ShopmonQuery } from '../kpi/datasourceQuery';
import { QUERY_KEY, startTestServer, type TestServer } from '../server/testServer';
import type { DataQuery, QueryDataResponse } from './messages';
import { datasourceContext, startPluginHost, type PluginHost } from './testHost';
import { HOUR, lastDay, shopEvents } from './testEvents';

/** QueryData through a Grafana-style host against a real KPI service. */

const range = lastDay();
const TZ = 'Asia/Seoul';
let kpi: TestServer;
let host: PluginHost;

function dataQuery(q: Partial<ShopmonQuery> & { refId: string }, over: Partial<DataQuery> = {}): Partial<DataQuery> {
  return { refId: q.refId, maxDataPoints: 1000, intervalMS: 60_000, timeRange: { fromEpochMS: range.from, toEpochMS: range.to }, json: Buffer.from(JSON.stringify(q)), queryType: '', ...over };
}

async function query(queries: Array<Partial<DataQuery>>, opts: { headers?: Record<string, string>; settings?: Parameters<typeof datasourceContext>[0] } = {}): Promise<QueryDataResponse> {
  return host.queryData({ pluginContext: datasourceContext(opts.settings ?? { url: kpi.url, queryKey: QUERY_KEY, timezone: TZ }) as never, queries: queries as DataQuery[] }, opts.headers);
}

const tables = (res: QueryDataResponse, refId: string): Table[] => res.responses[refId]!.frames.map((f) => tableFromIPC(f));
const labelsOf = (t: Table, field: number) => JSON.parse(t.schema.fields[field]!.metadata.get('labels') ?? '{}');
const metaOf = (t: Table) => JSON.parse(t.schema.metadata.get('meta') ?? '{}');
const times = (t: Table) => [...(t.getChild('time')!.data[0]!.values as BigInt64Array)].map((ns) => Number(ns / 1_000_000n));
const values = (t: Table, name = 'value') => Array.from({ length: t.numRows }, (_, i) => t.getChild(name)!.get(i) as number | null);

beforeAll(async () => {
  kpi = await startTestServer();
  // The day before too, so that comparisons have something to show.
  const dayBefore = { from: range.from - 24 * HOUR, to: range.from };
  const events = [...shopEvents(range), ...shopEvents(dayBefore, 'prev')];
  expect((await kpi.post('/v1/events', events)).body.accepted).toBe(events.length);
  host = await startPluginHost();
});

afterAll(async () => {
  await host?.close();
  await kpi?.cleanup();
});

describe('QueryData', () => {
  it('answers a grouped time series with the numbers of the service\'s own /v1/query', async () => {
    const q: ShopmonQuery = { refId: 'A', metric: 'orders', groupBy: ['channel'], interval: '1h' };
    const res = await query([dataQuery(q)]);
    const own = (await kpi.post('/v1/query', toKpiRequest(q, { from: range.from, to: range.to, maxDataPoints: 1000, timezone: TZ }))).body;
    const response = res.responses.A!;
    expect(response).toMatchObject({ status: 200, error: '' });
    const frames = tables(res, 'A');
    expect(frames).toHaveLength(own.series.length);
    expect(own.series.length).toBe(3);
    for (const [i, series] of (own.series as Array<{ labels: Record<string, string>; points: Array<[number, number]> }>).entries()) {
      const t = frames[i]!;
      expect(t.schema.fields[0]!.type.typeId).toBe(Type.Timestamp);
      expect((t.schema.fields[0]!.type as unknown as { unit: TimeUnit }).unit).toBe(TimeUnit.NANOSECOND);
      expect(t.schema.fields[1]!.type.typeId).toBe(Type.Float);
      expect(t.schema.metadata.get('refId')).toBe('A');
      expect(metaOf(t)).toMatchObject({ type: 'timeseries-multi', typeVersion: [0, 1] });
      expect(labelsOf(t, 1)).toEqual(series.labels);
      expect(times(t)).toEqual(series.points.map((p) => p[0]));
      expect(values(t)).toEqual(series.points.map((p) => p[1]));
    }
    expect(values(frames[0]!).reduce<number>((a, b) => a + (b ?? 0), 0)).toBeGreaterThan(0);
  });

  it('table format with a comparison: one wide frame; total format: one value per series', async () => {
    const wide: ShopmonQuery = { refId: 'W', metric: 'page_views', groupBy: ['device'], interval: '3h', compare: '1d', format: 'table' };
    const totals: ShopmonQuery = { refId: 'T', metric: 'gmv', groupBy: ['channel'], format: 'total' };
    const res = await query([dataQuery(wide), dataQuery(totals)]);
    const ctx = { from: range.from, to: range.to, maxDataPoints: 1000, timezone: TZ };
    const ownWide = (await kpi.post('/v1/query', toKpiRequest(wide, ctx))).body;
    const ownTotals = (await kpi.post('/v1/query', toKpiRequest(totals, ctx))).body;

    const [frame, ...more] = tables(res, 'W');
    expect(more).toHaveLength(0);
    expect(ownWide.compare.series.length).toBeGreaterThan(0);
    expect(frame!.schema.fields).toHaveLength(1 + ownWide.series.length + ownWide.compare.series.length);
    expect(times(frame!)).toEqual(ownWide.series[0].points.map((p: [number, number]) => p[0]));
    const compareField = frame!.schema.fields.findIndex((f) => f.metadata.get('labels')?.includes('"compare":"1d"'));
    expect(compareField).toBeGreaterThan(0);
    expect(frame!.schema.fields[compareField]!.name).toMatch(/\(1d ago\)$/);
    const compared = ownWide.compare.series.find((s: { labels: Record<string, string> }) => JSON.stringify({ ...s.labels, compare: '1d' }) === frame!.schema.fields[compareField]!.metadata.get('labels'));
    expect(values(frame!, frame!.schema.fields[compareField]!.name)).toEqual(compared.points.map((p: [number, number]) => p[1]));

    const t = tables(res, 'T');
    expect(t.map((x) => values(x)[0])).toEqual(ownTotals.series.map((s: { total: number }) => s.total));
    expect(t.map((x) => labelsOf(x, 0))).toEqual(ownTotals.series.map((s: { labels: unknown }) => s.labels));
    expect(t.every((x) => metaOf(x).type === 'numeric-multi')).toBe(true);
    expect(JSON.parse(t[0]!.schema.fields[0]!.metadata.get('config')!)).toMatchObject({ unit: 'currencyKRW' });
  });

  it('answers a funnel as a table frame equal to /v1/funnel', async () => {
    const q: ShopmonQuery = { refId: 'F', queryKind: 'funnel', funnelSteps: ['visit', 'product_view', 'order'] };
    const res = await query([dataQuery(q)]);
    const own = (await kpi.post('/v1/funnel', toFunnelRequest(q, { from: range.from, to: range.to }))).body;
    const [t] = tables(res, 'F');
    expect(t!.getChild('step')!.toArray()).toEqual(own.steps.map((s: { step: string }) => s.step));
    expect(values(t!, 'visitors')).toEqual(own.steps.map((s: { visitors: number }) => s.visitors));
    expect(values(t!, 'from_first')).toEqual(own.steps.map((s: { from_first: number }) => s.from_first));
  });

  it('isolates errors: a bad metric and broken JSON fail alone, a hidden query is empty, the good one answers', async () => {
    const res = await query([
      dataQuery({ refId: 'GOOD', metric: 'page_views' }),
      dataQuery({ refId: 'BAD', metric: 'no_such_metric' }),
      { ...dataQuery({ refId: 'JSON' }), json: Buffer.from('{not json') },
      dataQuery({ refId: 'HIDDEN', metric: 'orders', hide: true }),
      dataQuery({ refId: 'EMPTY', editorMode: 'code', expr: '  ' }),
    ]);
    expect(res.responses.GOOD).toMatchObject({ status: 200, error: '' });
    expect(res.responses.GOOD!.frames).toHaveLength(1);
    expect(res.responses.BAD).toMatchObject({ status: 400, errorSource: 'downstream' });
    expect(res.responses.BAD!.error).toMatch(/^metric: unknown metric "no_such_metric"/);
    expect(res.responses.JSON).toMatchObject({ status: 400, errorSource: 'plugin', error: 'the query is not valid JSON' });
    expect(res.responses.HIDDEN).toMatchObject({ status: 200, error: '', frames: [] });
    expect(res.responses.EMPTY).toMatchObject({ status: 200, error: '', frames: [] });
  });

  it('alert evaluation (FromAlert, maxDataPoints 43200, intervalMs 1000): one frame per series, never 1 s buckets', async () => {
    const q: ShopmonQuery = { refId: 'AL', metric: 'orders', groupBy: ['channel'], format: 'table' };
    const res = await query([dataQuery(q, { maxDataPoints: 43200, intervalMS: 1000 })], { headers: { fromalert: 'true', 'X-Rule-Uid': 'r1' } });
    const frames = tables(res, 'AL');
    expect(frames.length).toBe(3);
    for (const t of frames) {
      expect(metaOf(t).type).toBe('timeseries-multi');
      expect(Object.keys(labelsOf(t, 1))).toEqual(['channel']);
      const ts = times(t);
      expect(ts[1]! - ts[0]!).toBeGreaterThanOrEqual(60_000);
    }
  });

  it('code mode with the datasource time zone and the top-level URL', async () => {
    const q: ShopmonQuery = { refId: 'C', editorMode: 'code', expr: 'orders / page_views * 100', interval: '1d' };
    const res = await query([dataQuery(q)], { settings: { topLevelUrl: kpi.url, queryKey: QUERY_KEY, timezone: TZ, uid: 'top-level-url' } });
    const own = (await kpi.post('/v1/query', toKpiRequest(q, { from: range.from, to: range.to, maxDataPoints: 1000, timezone: TZ }))).body;
    const [t] = tables(res, 'C');
    expect(times(t!)).toEqual(own.series[0].points.map((p: [number, number]) => p[0]));
    expect(values(t!)).toEqual(own.series[0].points.map((p: [number, number | null]) => p[1]));
  });

  it('settings problems and a rejected key come back on every query', async () => {
    const noUrl = await query([dataQuery({ refId: 'A', metric: 'orders' })], { settings: { queryKey: QUERY_KEY, uid: 'no-url' } });
    expect(noUrl.responses.A).toMatchObject({ status: 400, errorSource: 'plugin' });
    expect(noUrl.responses.A!.error).toMatch(/No KPI service URL is configured/);
    const badKey = await query([dataQuery({ refId: 'A', metric: 'orders' }), dataQuery({ refId: 'B', metric: 'gmv' })], { settings: { url: kpi.url, queryKey: 'wrong', uid: 'bad-key' } });
    for (const r of Object.values(badKey.responses)) {
      expect(r).toMatchObject({ status: 401, errorSource: 'downstream' });
      expect(r.error).toMatch(/the query key was rejected/);
    }
  });

  it('a stopped KPI service: that query fails as downstream with a message naming the URL', async () => {
    const other = await startTestServer();
    const settings = { url: other.url, queryKey: QUERY_KEY, uid: 'stopped' };
    expect((await query([dataQuery({ refId: 'A', metric: 'orders' })], { settings })).responses.A!.status).toBe(200);
    await other.cleanup();
    const res = await query([dataQuery({ refId: 'A', metric: 'orders' })], { settings });
    expect(res.responses.A).toMatchObject({ status: 502, errorSource: 'downstream', frames: [] });
    expect(res.responses.A!.error).toBe(`cannot reach the KPI service at ${other.url} (connection refused)`);
  });
});
