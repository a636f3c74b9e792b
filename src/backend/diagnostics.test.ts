import { createServer } from 'node:net';
import { INGEST_KEY, QUERY_KEY, startTestServer, type TestServer } from '../server/testServer';
import type { CallResourceResponse } from './messages';
import { datasourceContext, startPluginHost, type PluginHost } from './testHost';
import { lastDay, shopEvents } from './testEvents';

/** CheckHealth, CallResource and CollectMetrics through a Grafana-style host. */

const range = lastDay();
let kpi: TestServer;
let host: PluginHost;

const body = (a: CallResourceResponse | undefined) => JSON.parse(Buffer.from(a!.body).toString('utf8'));
const settings = (over: Parameters<typeof datasourceContext>[0] = {}) => datasourceContext({ url: kpi.url, queryKey: QUERY_KEY, ...over });

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  return typeof address === 'object' && address ? address.port : 1;
}

beforeAll(async () => {
  kpi = await startTestServer();
  const events = shopEvents(range);
  expect((await kpi.post('/v1/events', events)).body.accepted).toBe(events.length);
  host = await startPluginHost();
});

afterAll(async () => {
  await host?.close();
  await kpi?.cleanup();
});

describe('CheckHealth', () => {
  it('OK with the number of metrics the service offers', async () => {
    const catalog = (await kpi.get('/v1/catalog')).body;
    const res = await host.checkHealth(settings());
    expect(res.status).toBe('OK');
    expect(res.message).toBe(`OK: connected to the KPI service at ${kpi.url}; ${catalog.metrics.length} metrics available.`);
    expect(JSON.parse(Buffer.from(res.jsonDetails).toString())).toEqual({ url: kpi.url, metrics: catalog.metrics.length });
  });

  it('a wrong key: the key was rejected', async () => {
    const res = await host.checkHealth(settings({ queryKey: 'nope', uid: 'bad-key' }));
    expect(res.status).toBe('ERROR');
    expect(res.message).toMatch(/^The query key was rejected by the KPI service \(unknown query key\)/);
  });

  it('an ingest key where a query key belongs says so', async () => {
    const res = await host.checkHealth(settings({ queryKey: 'test-ingest-key', uid: 'ingest-key' }));
    expect(res.message).toMatch(/query key was rejected by the KPI service \(.*ingest key.*\)/);
  });

  it('an unreachable service: cannot reach it at the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const res = await host.checkHealth(settings({ url, uid: 'unreachable' }));
    expect(res).toMatchObject({ status: 'ERROR', message: `Cannot reach the KPI service at ${url} (connection refused)` });
  });

  it('no URL or no key configured: what to set', async () => {
    expect((await host.checkHealth(datasourceContext({ queryKey: QUERY_KEY, uid: 'no-url' }))).message).toMatch(/No KPI service URL is configured/);
    expect((await host.checkHealth(datasourceContext({ url: kpi.url, uid: 'no-key' }))).message).toMatch(/No query key is configured/);
    expect((await host.checkHealth(datasourceContext({ url: 'ftp://kpi', queryKey: QUERY_KEY, uid: 'ftp' }))).message).toMatch(/must start with http/);
  });
});

describe('CallResource', () => {
  it('catalog: the service\'s catalog, as JSON', async () => {
    const answers = await host.callResource({ path: 'catalog', pluginContext: settings() as never });
    expect(answers).toHaveLength(1);
    expect(answers[0]!.code).toBe(200);
    expect(answers[0]!.headers['Content-Type']!.values[0]).toMatch(/application\/json/);
    expect(body(answers[0])).toEqual((await kpi.get('/v1/catalog')).body);
  });

  it('dimensions/<name>/values passes from, to, q and limit on', async () => {
    const query = `from=${range.from}&to=${range.to}&q=A&limit=2&secret=x`;
    const [answer] = await host.callResource({ path: 'dimensions/channel/values', url: `dimensions/channel/values?${query}`, pluginContext: settings() as never });
    const own = (await kpi.get(`/v1/dimensions/channel/values?from=${range.from}&to=${range.to}&q=A&limit=2`)).body;
    expect(answer!.code).toBe(200);
    expect(body(answer)).toEqual(own);
    expect(own.values.length).toBe(2);
  });

  it('service errors keep their status and message', async () => {
    const [unknown] = await host.callResource({ path: 'dimensions/nope/values', url: 'dimensions/nope/values', pluginContext: settings() as never });
    expect(unknown!.code).toBe(404);
    expect(body(unknown).error.message).toMatch(/unknown dimension "nope"/);
    const [rejected] = await host.callResource({ path: 'catalog', pluginContext: settings({ queryKey: 'bad', uid: 'bad-key' }) as never });
    expect(rejected!.code).toBe(401);
  });

  it('validate: parses a KPI expression and points at the error', async () => {
    const call = (expr: unknown) => host.callResource({ path: 'validate', method: 'POST', body: Buffer.from(JSON.stringify({ expr })), pluginContext: settings() as never });
    expect(body((await call('payments_failed{channel=~"app|web"} / payments * 100 by (method)'))[0])).toEqual({ ok: true });
    const bad = body((await call('orders +\n  * 2'))[0]);
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatchObject({ line: 2, column: 3 });
    expect(typeof bad.error.message).toBe('string');
    const [noExpr] = await host.callResource({ path: 'validate', method: 'POST', body: Buffer.from('{}') });
    expect(noExpr!.code).toBe(400);
  });

  it('validate: checks metric and dimension names against the service\'s catalog', async () => {
    const call = async (expr: string, ctx: unknown = settings()) => body((await host.callResource({ path: 'validate', method: 'POST', body: Buffer.from(JSON.stringify({ expr })), pluginContext: ctx as never }))[0]);
    expect(await call('orders / no_such_metric')).toEqual({ ok: false, error: { message: 'unknown metric "no_such_metric"', line: 1, column: 10 } });
    expect((await call('orders{method="card"}')).error).toMatchObject({ line: 1, column: 8, message: expect.stringMatching(/dimension "method" is not available for metric orders/) });
    expect((await call('orders by (colour)')).error).toMatchObject({ message: 'unknown dimension "colour"', line: 1, column: 12 });
    expect(await call('payments_failed / payments * 100 by (method)')).toEqual({ ok: true });
    // Without a reachable service only the syntax can be checked.
    expect(await call('no_such_metric', datasourceContext({ url: `http://127.0.0.1:${await closedPort()}`, queryKey: QUERY_KEY, uid: 'validate-offline' }))).toEqual({ ok: true });
  });

  it('annotations: the service\'s annotations for the range and tags', async () => {
    const time = range.from + 3_600_000;
    expect((await kpi.post('/v1/annotations', { time, title: 'deploy 1.2', tags: ['deploy'] }, { key: INGEST_KEY })).status).toBe(201);
    const query = `from=${range.from}&to=${range.to}&tags=deploy`;
    const [answer] = await host.callResource({ path: 'annotations', url: `annotations?${query}`, pluginContext: settings() as never });
    expect(answer!.code).toBe(200);
    expect(body(answer)).toEqual((await kpi.get(`/v1/annotations?${query}`)).body);
    expect(body(answer).annotations).toHaveLength(1);
  });

  it('unknown paths and methods: 404 and 405', async () => {
    expect((await host.callResource({ path: 'nothing' }))[0]!.code).toBe(404);
    expect((await host.callResource({ path: 'validate', method: 'GET' }))[0]!.code).toBe(405);
  });

  it('an unreachable service: 502 with the reason', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const [answer] = await host.callResource({ path: 'catalog', pluginContext: settings({ url, uid: 'unreachable-res' }) as never });
    expect(answer!.code).toBe(502);
    expect(body(answer).error.message).toBe(`cannot reach the KPI service at ${url} (connection refused)`);
  });
});

describe('CollectMetrics', () => {
  it('Prometheus text of the plugin process, with query counters', async () => {
    await host.queryData({ pluginContext: settings() as never, queries: [{ refId: 'A', maxDataPoints: 100, intervalMS: 0, timeRange: { fromEpochMS: range.from, toEpochMS: range.to }, json: Buffer.from('{"metric":"orders"}'), queryType: '' }] });
    const text = Buffer.from((await host.collectMetrics()).metrics.prometheus).toString('utf8');
    expect(text).toMatch(/^# HELP /m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^shopmon_plugin_queries_total\{kind="kpi",status="200"\} [1-9]/m);
    expect(text).toMatch(/^shopmon_plugin_query_duration_seconds_count\{kind="kpi"\} [1-9]/m);
    expect(text).toMatch(/^shopmon_plugin_resource_calls_total\{route="catalog",status="200"\} [1-9]/m);
  });
});
