import './testing/esmShims';
import { dateTime, FieldType, type DataQueryRequest, type DataQueryResponse } from '@grafana/data';
import { HealthStatus, setBackendSrv, type BackendSrv } from '@grafana/runtime';
import { lastValueFrom, of, toArray } from 'rxjs';
import { DEFAULT_QUERY, QUERY_MODEL_VERSION, type ShopmonQuery } from '../kpi/datasourceQuery';
import { makeDatasource } from './testing/fakes';
import type { ShopmonAnnotationQuery } from './types';

const range = { from: dateTime(1_700_000_000_000), to: dateTime(1_700_086_400_000), raw: { from: 'now-1d', to: 'now' } };

function request(targets: ShopmonQuery[]): DataQueryRequest<ShopmonQuery> {
  return {
    requestId: 'r1',
    interval: '1m',
    intervalMs: 60_000,
    maxDataPoints: 800,
    range,
    scopedVars: { __interval: { text: '5m', value: '5m' } },
    targets,
    timezone: 'browser',
    app: 'dashboard',
    startTime: 0,
  } as DataQueryRequest<ShopmonQuery>;
}

describe('filterQuery and defaults', () => {
  const { ds } = makeDatasource();
  it.each<[string, ShopmonQuery, boolean]>([
    ['a builder query with a metric', { refId: 'A', metric: 'orders' }, true],
    ['a hidden query', { refId: 'A', metric: 'orders', hide: true }, false],
    ['a builder query without a metric', { refId: 'A', editorMode: 'builder' }, false],
    ['an empty code query', { refId: 'A', editorMode: 'code', expr: '  ' }, false],
    ['a code query', { refId: 'A', editorMode: 'code', expr: 'orders' }, true],
    ['an old query with only expr', { refId: 'A', expr: 'orders / 2' }, true],
    ['a funnel', { refId: 'A', queryKind: 'funnel' }, true],
    ['an annotation target', { refId: 'Anno', queryType: 'annotations' } as ShopmonAnnotationQuery, true],
  ])('%s: %s', (_name, query, expected) => {
    expect(ds.filterQuery(query)).toBe(expected);
  });

  it('starts new queries from DEFAULT_QUERY', () => {
    expect(ds.getDefaultQuery()).toEqual(DEFAULT_QUERY);
  });
});

describe('applyTemplateVariables', () => {
  const { ds } = makeDatasource({ variables: { channel: { value: ['web', 'app'], multi: true }, tag: { value: 'deploy' } } });

  it('migrates and replaces variables in every field', () => {
    const out = ds.applyTemplateVariables(
      { refId: 'A', expr: 'orders{channel="$channel"}', interval: '$__interval', filters: [{ dimension: 'channel', op: 'in', values: ['$channel'] }] },
      { __interval: { text: '5m', value: '5m' } },
    );
    expect(out).toEqual({
      refId: 'A',
      editorMode: 'code',
      modelVersion: QUERY_MODEL_VERSION,
      expr: 'orders{channel=~"(web|app)"}',
      interval: '5m',
      filters: [{ dimension: 'channel', op: 'in', values: ['web', 'app'] }],
    });
  });

  it('replaces variables in annotation tags', () => {
    const anno: ShopmonAnnotationQuery = { refId: 'Anno', queryType: 'annotations', tags: '$tag, campaign' };
    expect(ds.applyTemplateVariables(anno, {})).toEqual({ ...anno, tags: 'deploy, campaign' });
  });
});

describe('query', () => {
  afterEach(() => setBackendSrv(undefined as unknown as BackendSrv));

  it('sends interpolated, migrated queries to /api/ds/query', async () => {
    const fetch = jest.fn().mockReturnValue(of({ status: 200, data: { results: { A: { status: 200, frames: [] } } } }));
    setBackendSrv({ fetch } as unknown as BackendSrv);
    const { ds } = makeDatasource({ variables: { channel: { value: 'web' } } });
    await lastValueFrom(ds.query(request([{ refId: 'A', metric: 'orders', interval: '$__interval', filters: [{ dimension: 'channel', op: 'eq', values: ['$channel'] }] }])));
    const call = fetch.mock.calls[0]![0];
    expect(call.url).toMatch(/^\/api\/ds\/query\?ds_type=shopmon-kpi-datasource/);
    expect(call.data.queries[0]).toMatchObject({
      refId: 'A',
      metric: 'orders',
      interval: '5m',
      editorMode: 'builder',
      filters: [{ dimension: 'channel', op: 'eq', values: ['web'] }],
      datasource: { uid: 'shopmon-kpi', type: 'shopmon-kpi-datasource' },
      maxDataPoints: 800,
    });
  });

  it('answers annotation targets from the annotations resource', async () => {
    const annotations = [{ id: 1, time: 1_700_000_100_000, time_end: 1_700_000_100_000, title: 'deploy v2', text: 'checkout rewrite', tags: ['deploy'] }];
    const { ds, getResource } = makeDatasource({ variables: { tag: { value: 'deploy' } }, resources: { annotations } });
    getResource.mockImplementation(async (path: string) => (path === 'annotations' ? { annotations } : undefined));
    const anno: ShopmonAnnotationQuery = { refId: 'Anno', queryType: 'annotations', tags: '$tag' };
    const responses: DataQueryResponse[] = await lastValueFrom(ds.query(request([anno])).pipe(toArray()));
    expect(getResource).toHaveBeenCalledWith('annotations', { from: 1_700_000_000_000, to: 1_700_086_400_000, tags: 'deploy' });
    const frame = responses[0]!.data[0];
    expect(frame.fields.map((f: { name: string; type: FieldType }) => [f.name, f.type])).toEqual([
      ['time', FieldType.time],
      ['timeEnd', FieldType.time],
      ['title', FieldType.string],
      ['text', FieldType.string],
      ['tags', FieldType.other],
    ]);
    expect(frame.fields[2].values).toEqual(['deploy v2']);
  });

  it('reports a failing annotations call as the response error', async () => {
    const { ds, getResource } = makeDatasource();
    getResource.mockRejectedValue({ status: 502, data: { message: 'KPI service unreachable' } });
    const response = await lastValueFrom(ds.query(request([{ refId: 'Anno', queryType: 'annotations' } as ShopmonAnnotationQuery])));
    expect(response.error?.message).toBe('KPI service unreachable');
  });

  it('turns a saved annotation into an annotation target', () => {
    const { ds } = makeDatasource();
    const prepared = ds.annotations.prepareAnnotation!({ name: 'Deploys', enable: true, iconColor: 'red', target: { refId: 'X', queryType: 'annotations', tags: 'deploy' } as ShopmonAnnotationQuery });
    expect(ds.annotations.prepareQuery!(prepared)).toEqual({ refId: 'X', queryType: 'annotations', tags: 'deploy' });
  });
});

describe('template variable queries', () => {
  const values = { values: [{ value: 'web', count: 10 }, { value: 'app', count: 4 }] };

  it('lists metrics, by area, and dimensions', async () => {
    const { ds } = makeDatasource();
    expect((await ds.metricFindQuery('metrics()')).length).toBe(27);
    expect((await ds.metricFindQuery('metrics(payments)')).map((v) => v.text)).toEqual(['payments', 'payments_failed', 'payment_failure_rate', 'refunds', 'refund_amount']);
    expect((await ds.metricFindQuery('metrics("web performance")')).map((v) => v.value)).toEqual(['tti_p75', 'tti_p95', 'load_p75']);
    expect((await ds.metricFindQuery('dimensions(payments)')).map((v) => v.text)).toContain('failure_reason');
    expect((await ds.metricFindQuery('dimensions()')).length).toBe(12);
    await expect(ds.metricFindQuery('dimensions(nope)')).rejects.toThrow('unknown metric "nope"; metrics() lists them');
  });

  it('lists dimension values over the dashboard range, with a chained variable as the search text', async () => {
    const { ds, getResource } = makeDatasource({ variables: { search: { value: 'w"e' } }, resources: { 'dimensions/channel/values': values } });
    const found = await ds.metricFindQuery('dimension_values(channel, "$search")', { range });
    expect(found).toEqual([
      { text: 'web', value: 'web' },
      { text: 'app', value: 'app' },
    ]);
    expect(getResource).toHaveBeenCalledWith('dimensions/channel/values', { from: 1_700_000_000_000, to: 1_700_086_400_000, q: 'w"e', limit: 1000 });
  });

  it('explains a query it cannot read', async () => {
    const { ds } = makeDatasource();
    await expect(ds.metricFindQuery('values(channel)')).rejects.toThrow(/unknown function "values"/);
  });
});

describe('resources', () => {
  it('caches the catalog and retries after a failure', async () => {
    const { ds, getResource } = makeDatasource();
    getResource.mockRejectedValueOnce(new Error('down'));
    await expect(ds.getCatalog()).rejects.toThrow('down');
    const first = await ds.getCatalog();
    const second = await ds.getCatalog();
    expect(first).toBe(second);
    expect(getResource).toHaveBeenCalledTimes(2);
  });

  it('encodes the dimension name and posts expressions to validate', async () => {
    const { ds, getResource, postResource } = makeDatasource({ post: { validate: { ok: false, error: { message: 'unknown metric', line: 1, column: 1 } } } });
    getResource.mockResolvedValue({ values: [] });
    await ds.getDimensionValues('a/b', { q: 'x' });
    expect(getResource).toHaveBeenCalledWith('dimensions/a%2Fb/values', { q: 'x' });
    expect(await ds.validateExpression('ordrs')).toEqual({ ok: false, error: { message: 'unknown metric', line: 1, column: 1 } });
    expect(postResource).toHaveBeenCalledWith('validate', { expr: 'ordrs' });
  });

  it('tests the datasource through the backend health check and shows its message', async () => {
    const { ds } = makeDatasource();
    const health = jest.spyOn(ds, 'callHealthCheck');
    health.mockResolvedValueOnce({ status: HealthStatus.OK, message: 'KPI service 0.1.0 reachable; 27 metrics', details: undefined });
    await expect(ds.testDatasource()).resolves.toEqual({ status: 'success', message: 'KPI service 0.1.0 reachable; 27 metrics' });
    health.mockResolvedValueOnce({ status: HealthStatus.Error, message: 'query key rejected (401)', details: undefined });
    await expect(ds.testDatasource()).rejects.toMatchObject({ status: 'error', message: 'query key rejected (401)' });
  });
});
