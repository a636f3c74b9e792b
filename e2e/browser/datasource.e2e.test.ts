import { selectors } from '../../src/datasource/selectors';
import { DAY, startShopData, TIMEZONE, type ShopData } from '../fixtures/shopData';
import type { QueryPageState } from '../host/app/QueryPage';
import { harnessIds } from '../host/app/testIds';
import { startHost, type Host } from '../host/host';
import { startTestServer } from '../../src/server/testServer';
import { openHarness, type Browser } from './browser';
import { answerAsSeries, choose, executed, framesAsSeries, until, type KpiAnswer } from './helpers';

/**
 * The datasource plugin in Chromium on the real @grafana packages: settings page and "Save &
 * test", the query editor in builder and code mode, queries through the host, the backend
 * plugin and a real KPI service (numbers checked against the service's own /v1/query),
 * template variables from the datasource, and what a user sees when the service is down.
 */

const ds = selectors.queryEditor;
const cfg = selectors.configEditor;

let shop: ShopData;
let host: Host;
let b: Browser;
let downUrl: string;
let range: { from: number; to: number };

const query = <T>(path: string, body: unknown) => shop.query<T>(path, body);

beforeAll(async () => {
  shop = await startShopData({ events: 100_000 });
  range = { from: shop.end - DAY, to: shop.end };
  // A KPI service that ran and was stopped: its port refuses connections now.
  const gone = await startTestServer();
  downUrl = gone.url;
  await gone.cleanup();
  host = await startHost();
  host.addDatasource({ uid: 'shopmon-kpi', name: 'Shopmon KPI', jsonData: { url: shop.url, timezone: TIMEZONE, timeoutSeconds: 30 }, secureJsonData: { queryKey: shop.queryKey } });
  host.addDatasource({ uid: 'shopmon-new', name: 'Shopmon new' });
  host.addDatasource({ uid: 'shopmon-down', name: 'Shopmon down', jsonData: { url: downUrl, timezone: TIMEZONE }, secureJsonData: { queryKey: shop.queryKey } });
  host.addDatasource({ uid: 'shopmon-docs', name: 'Shopmon docs', jsonData: { timezone: TIMEZONE } });
  b = await openHarness(host.url);
});

afterAll(async () => {
  await b?.close();
  await host?.stop();
  await shop?.stop();
});

it('loads dist/*/module.js through the AMD loader as real plugins of the shared @grafana/data', () => {
  expect(b.checks).toEqual({
    datasource: { isDataSourcePlugin: true, hasConfigEditor: true, hasQueryEditor: true },
    panel: { isPanelPlugin: true, hasPanel: true },
  });
});

describe('settings page: Save & test', () => {
  const saveAndTest = async () => {
    await b.page.getByTestId(harnessIds.saveAndTest).click();
    const status = b.page.getByTestId(harnessIds.testingStatus);
    await status.waitFor();
    return (await status.textContent())?.trim();
  };

  it('URL and key typed in: the health check reaches the KPI service with the key', async () => {
    const catalog = await shop.get<{ metrics: unknown[] }>('/v1/catalog');
    await b.harness('showConfig', 'shopmon-new');
    await b.page.getByTestId(cfg.url).fill(shop.url);
    await b.page.getByTestId(cfg.queryKey).fill(shop.queryKey);
    expect(await saveAndTest()).toBe(`OK: connected to the KPI service at ${shop.url}; ${catalog.metrics.length} metrics available.`);
    const saved = host.datasources.get('shopmon-new')!;
    expect(saved.jsonData).toMatchObject({ url: shop.url });
    expect(saved.secureJsonData).toEqual({ queryKey: shop.queryKey });
    // The key went to the server once (PUT); no answer to the browser ever carries it.
    expect(host.server.calls.filter((c) => JSON.stringify(c.body ?? '').includes(shop.queryKey))).toEqual([]);
    await expect(b.page.getByTestId(cfg.queryKey).inputValue()).resolves.toBe('configured');
  });

  it('a wrong key (Reset, new key, Save & test): the key-rejected message', async () => {
    await b.page.getByRole('button', { name: 'Reset' }).click();
    await b.page.getByTestId(cfg.queryKey).fill('not-a-query-key');
    expect(await saveAndTest()).toBe('The query key was rejected by the KPI service (unknown query key): check the query key in the datasource settings');
  });

  it('a stopped KPI service: says it cannot be reached at its URL', async () => {
    await b.harness('showConfig', 'shopmon-down');
    expect(await saveAndTest()).toBe(`Cannot reach the KPI service at ${downUrl} (connection refused)`);
  });

  it.each(['dark', 'light'] as const)('screenshot: config editor (%s)', async (theme) => {
    await b.harness('showConfig', 'shopmon-docs');
    await b.harness('setTheme', theme);
    await b.page.getByTestId(cfg.url).fill('http://kpi:8787');
    await b.page.getByTestId(cfg.queryKey).fill('demo-query-key-change-me');
    await b.page.getByTestId(cfg.url).focus();
    await b.screenshot(`config-editor-${theme}`);
  });
});

/** The query page state once the last run carries the expected KPI request. */
async function settled(want: Record<string, unknown>): Promise<QueryPageState> {
  return until(async () => {
    const s = await b.harness('queryPage');
    const ran = s.result ? executed(s.result.frames) : {};
    return s.result && Object.entries(want).every(([k, v]) => JSON.stringify(ran[k]) === JSON.stringify(v)) ? s : undefined;
  }, `a query run with ${JSON.stringify(want)}`);
}

describe('query editor', () => {
  beforeAll(() => b.harness('setTheme', 'dark'));

  it('builder: metric, filter (values from the datasource), group by, interval, comparison; numbers equal /v1/query', async () => {
    const catalog = await shop.get<{ metrics: Array<{ name: string; title: string }> }>('/v1/catalog');
    const title = catalog.metrics.find((m) => m.name === 'page_views')!.title;
    await b.harness('showQueryEditor', { uid: 'shopmon-kpi', query: { refId: 'A' }, range });
    const page = b.page;
    await choose(page, ds.builder.metric, title);
    await page.getByTestId(ds.builder.addFilter).click();
    await choose(page, ds.builder.filterDimension, 'Device');
    // The value list comes from the dimension values resource (backend plugin → KPI service).
    await choose(page, ds.builder.filterValues, 'mobi', 'mobile');
    await choose(page, ds.builder.groupBy, 'Channel');
    await choose(page, ds.options.interval, '1h');
    await choose(page, ds.options.compare, '1 day ago');
    const state = await settled({ metric: 'page_views', interval: '1h', compare: '1d', group_by: ['channel'] });
    expect(state.query).toMatchObject({
      queryKind: 'kpi',
      editorMode: 'builder',
      metric: 'page_views',
      filters: [{ dimension: 'device', op: 'eq', values: ['mobile'] }],
      groupBy: ['channel'],
      interval: '1h',
      compare: '1d',
      format: 'timeseries',
    });
    const body = { metric: 'page_views', from: range.from, to: range.to, interval: '1h', timezone: TIMEZONE, filters: [{ dimension: 'device', op: 'eq', values: ['mobile'] }], group_by: ['channel'], compare: '1d', format: 'timeseries' };
    expect(executed(state.result!.frames)).toMatchObject(body);
    const answer = await query<KpiAnswer>('/v1/query', body);
    expect(answer.series.length).toBeGreaterThan(1);
    expect(framesAsSeries(state.result!.frames)).toEqual(answerAsSeries(answer, '1d'));
    expect(await page.getByTestId(harnessIds.queryResultFrame).count()).toBe(answer.series.length + (answer.compare?.series.length ?? 0));
  });

  it.each(['dark', 'light'] as const)('screenshot: builder (%s)', async (theme) => {
    await b.harness('setTheme', theme);
    await b.page.getByTestId(harnessIds.queryResult).waitFor();
    await b.screenshot(`query-editor-builder-${theme}`);
  });

  it('code mode: the builder query as an expression; a bad one shows line and column; a good one runs', async () => {
    await b.harness('setTheme', 'dark');
    const page = b.page;
    await page.getByTestId(ds.mode).getByRole('radio', { name: 'Code' }).click();
    const textarea = page.getByTestId(ds.code.textarea);
    await expect(textarea.inputValue()).resolves.toBe('page_views{device="mobile"} by (channel)');
    await textarea.fill('payments_failed / (payments');
    await expect(page.getByTestId(ds.code.error).textContent()).resolves.toMatch(/^Line 1, column 28: /);
    await textarea.fill('payments_failed{method="card"}\n  / paymentz');
    await expect(page.getByTestId(ds.code.error).textContent()).resolves.toMatch(/^Line 2, column 5: .*paymentz/);
    const expr = 'payments_failed{method="card"} / payments * 100 by (channel)';
    await textarea.fill(expr);
    await page.getByTestId(ds.code.valid).waitFor();
    await textarea.blur();
    const state = await settled({ expr });
    expect(state.query).toMatchObject({ editorMode: 'code', expr });
    const answer = await query<KpiAnswer>('/v1/query', { expr, from: range.from, to: range.to, interval: '1h', timezone: TIMEZONE, compare: '1d', format: 'timeseries' });
    expect(framesAsSeries(state.result!.frames)).toEqual(answerAsSeries(answer, '1d'));
  });

  it.each(['dark', 'light'] as const)('screenshot: code mode (%s)', async (theme) => {
    await b.harness('setTheme', theme);
    await b.page.getByTestId(ds.code.valid).waitFor();
    await b.screenshot(`query-editor-code-${theme}`);
  });

  it('a stopped KPI service: the catalog error in the editor and the query error under it', async () => {
    await b.harness('setTheme', 'dark');
    await b.harness('showQueryEditor', { uid: 'shopmon-down', query: { refId: 'A' }, range });
    const message = `cannot reach the KPI service at ${downUrl} (connection refused)`;
    await expect(b.page.getByTestId(ds.catalogError).textContent()).resolves.toContain(message);
    await b.page.getByTestId(ds.options.format).getByRole('radio', { name: 'Total' }).click();
    await expect(b.page.getByTestId(harnessIds.queryError).textContent()).resolves.toBe(message);
    const state = await b.harness('queryPage');
    expect(state.result).toMatchObject({ state: 'Error', errors: [{ refId: 'A', message, status: 502 }], frames: [] });
    expect(host.server.calls.filter((c) => c.path.startsWith('/api/ds/query')).at(-1)).toMatchObject({ status: 400 });
  });
});

describe('queries through the host, the backend plugin and the KPI service', () => {
  it.each([
    ['total', { metric: 'gmv', groupBy: ['device'], format: 'total', compare: 'previous_period' }],
    ['timeseries, 3h buckets', { metric: 'visitors', interval: '3h', format: 'timeseries' }],
    ['expression with a regex matcher', { editorMode: 'code', expr: 'orders{channel=~"app.*|direct"} by (platform)', interval: '6h' }],
  ])('%s', async (_name, q: Record<string, unknown>) => {
    const result = await b.harness('runQuery', { uid: 'shopmon-kpi', targets: [{ refId: 'A', queryKind: 'kpi', ...q }] as never, range, maxDataPoints: 500 });
    expect(result.errors).toEqual([]);
    const body: Record<string, unknown> = {
      from: range.from,
      to: range.to,
      interval: q.interval ?? 'auto',
      max_points: 500,
      timezone: TIMEZONE,
      group_by: q.groupBy ?? [],
      compare: q.compare ?? 'none',
      format: q.format ?? 'timeseries',
      ...(q.expr ? { expr: q.expr } : { metric: q.metric }),
    };
    expect(executed(result.frames)).toMatchObject(body);
    const answer = await query<KpiAnswer>('/v1/query', body);
    expect(framesAsSeries(result.frames)).toEqual(answerAsSeries(answer, String(q.compare ?? 'none'), String(body.format)));
  });
});

describe('template variables', () => {
  it('dimension_values(channel): the values the KPI service has for the range, most frequent first', async () => {
    const values = await b.harness('metricFindQuery', 'shopmon-kpi', 'dimension_values(channel)', range);
    const own = await shop.get<{ values: Array<{ value: string }> }>(`/v1/dimensions/channel/values?from=${range.from}&to=${range.to}&limit=1000`);
    expect(values.map((v) => v.text)).toEqual(own.values.map((v) => v.value));
    expect(values.length).toBeGreaterThan(2);
  });

  const variableCases = [
    ['builder filter =~ $channel', { metric: 'orders', filters: [{ dimension: 'channel', op: 'regex', values: ['$channel'] }], groupBy: ['channel'] }],
    ['expression {channel=~"$channel"}', { editorMode: 'code', expr: 'orders{channel=~"$channel"} by (channel)' }],
  ] as const;

  /** Two channels chosen in a multi-value variable, and the query run with it. */
  async function runWithChannels(q: Record<string, unknown>) {
    const options = (await b.harness('metricFindQuery', 'shopmon-kpi', 'dimension_values(channel)', range)).map((v) => String(v.text));
    const chosen = options.slice(1, 3);
    await b.harness('setVariables', [{ name: 'channel', options, current: chosen, multi: true, includeAll: true }]);
    const result = await b.harness('runQuery', { uid: 'shopmon-kpi', targets: [{ refId: 'A', queryKind: 'kpi', format: 'total', ...q }] as never, range });
    return { chosen, result };
  }

  it.each(variableCases)('%s: the variable becomes a regex alternation of the chosen values', async (_name, q) => {
    const { chosen, result } = await runWithChannels(q);
    expect(result.errors).toEqual([]);
    const ran = executed(result.frames);
    const alternation = `(${chosen.join('|')})`;
    if ('expr' in q) {
      expect(ran.expr).toBe(`orders{channel=~"${alternation}"} by (channel)`);
      const own = await query<KpiAnswer>('/v1/query', { expr: ran.expr, from: range.from, to: range.to, timezone: TIMEZONE, format: 'total' });
      expect(framesAsSeries(result.frames)).toEqual(answerAsSeries(own, 'none', 'total'));
    } else {
      expect(ran.filters).toEqual([{ dimension: 'channel', op: 'regex', values: [alternation] }]);
    }
  });

  it.each(variableCases)('%s equals the service filtered on the chosen values (builder: metric, filters "in")', async (_name, q) => {
    const { chosen, result } = await runWithChannels(q);
    const answer = await query<KpiAnswer>('/v1/query', { metric: 'orders', from: range.from, to: range.to, timezone: TIMEZONE, filters: [{ dimension: 'channel', op: 'in', values: chosen }], group_by: ['channel'], format: 'total' });
    expect(answer.series.map((s) => s.labels.channel).sort()).toEqual([...chosen].sort());
    // Code (`orders{channel=~"..."} by (channel)`) and builder answer alike: only the chosen channels.
    expect(framesAsSeries(result.frames)).toEqual(answerAsSeries(answer, 'none', 'total'));
  });
});

it('nothing went wrong in the page or in the host that the specs did not look at', () => {
  expect(b.errors).toEqual([]);
  expect(host.server.problems).toEqual([]);
});
