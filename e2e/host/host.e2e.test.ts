import { tmpdir } from 'node:os';
import { Dictionary, Int32, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, TimestampMillisecond, Utf8, vectorFromArray, Field as ArrowField } from 'apache-arrow';
import { encodeFrame } from '../../src/backend/arrowFrame';
import { DAY, startShopData, TIMEZONE, type ShopData } from '../fixtures/shopData';
import { decodeFrame, FrameDecodeError } from './frames';
import { startHost, type Host } from './host';

/**
 * The e2e host itself: it must be as strict and shaped as the Grafana server it stands in for,
 * or the browser specs would pass on things Grafana rejects.
 */

let shop: ShopData;
let host: Host;

beforeAll(async () => {
  shop = await startShopData({ events: 20_000 });
  host = await startHost();
  host.addDatasource({ uid: 'shopmon-kpi', name: 'Shopmon KPI', jsonData: { url: shop.url, timezone: TIMEZONE }, secureJsonData: { queryKey: shop.queryKey } });
});

afterAll(async () => {
  await host?.stop();
  await shop?.stop();
});

const api = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(host.url + path, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

describe('the backend plugin process', () => {
  it("started from dist/ as Grafana does: go-plugin handshake, socket in the OS temp dir (no PLUGIN_UNIX_SOCKET_DIR)", async () => {
    expect(host.plugin.handshake).toMatch(/^1\|2\|unix\|[^|]+\|grpc\|\n$/);
    expect(host.plugin.socket.startsWith(tmpdir())).toBe(true);
    expect(await host.plugin.health()).toBe('SERVING');
  });
});

describe('frames: Arrow IPC to Grafana data frame JSON', () => {
  it("our plugin's frame as Grafana's FrameToJSON writes it", () => {
    const bytes = encodeFrame({
      name: 'orders',
      refId: 'A',
      meta: { type: 'timeseries-multi', typeVersion: [0, 1] },
      fields: [
        { name: 'time', type: 'time', values: [1_700_000_000_000, 1_700_000_060_000] },
        { name: 'value', type: 'number', values: [3, null], labels: { channel: 'app' }, config: { unit: 'short' } },
      ],
    });
    expect(decodeFrame(bytes)).toEqual({
      dropped: [],
      json: {
        schema: {
          name: 'orders',
          refId: 'A',
          meta: { type: 'timeseries-multi', typeVersion: [0, 1] },
          fields: [
            { name: 'time', type: 'time', typeInfo: { frame: 'time.Time' } },
            { name: 'value', type: 'number', typeInfo: { frame: 'float64', nullable: true }, labels: { channel: 'app' }, config: { unit: 'short' } },
          ],
        },
        data: { values: [[1_700_000_000_000, 1_700_000_060_000], [3, null]] },
      },
    });
  });

  it('rejects what Grafana cannot read: the stream format, Dictionary strings', () => {
    const plain = new Table({ s: vectorFromArray(['a', 'b'], new Utf8()) });
    expect(() => decodeFrame(tableToIPC(plain, 'stream'))).toThrow(FrameDecodeError);
    const dict = new Table({ s: vectorFromArray(['a', 'b'], new Dictionary(new Utf8(), new Int32())) });
    expect(() => decodeFrame(tableToIPC(dict, 'file'))).toThrow(/Dictionary.*Grafana cannot decode/);
  });

  it('reads a millisecond timestamp column as nanoseconds, as Grafana does (1970 dates)', () => {
    const field = new ArrowField('time', new TimestampMillisecond(), false);
    const data = makeData({ type: new TimestampMillisecond(), length: 1, nullCount: 0, data: new BigInt64Array([1_700_000_000_000n]) });
    const schema = new Schema([field]);
    const table = new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct([field]), length: 1, nullCount: 0, children: [data] }))]);
    expect(decodeFrame(tableToIPC(table, 'file')).json.data.values[0]).toEqual([1_700_000]);
  });
});

describe('HTTP API', () => {
  const range = () => ({ from: String(shop.end - DAY), to: String(shop.end) });

  it("POST /api/ds/query: Grafana's defaults (maxDataPoints 100, intervalMs 1000) and answer shape", async () => {
    const { status, body } = await api('/api/ds/query', { method: 'POST', body: JSON.stringify({ queries: [{ refId: 'A', datasource: { uid: 'shopmon-kpi', type: 'shopmon-kpi-datasource' }, metric: 'orders' }], ...range() }) });
    expect(status).toBe(200);
    const a = body.results.A;
    expect(a.status).toBe(200);
    expect(JSON.parse(a.frames[0].schema.meta.executedQueryString)).toMatchObject({ max_points: 100, metric: 'orders' });
  });

  it('POST /api/ds/query: a failed query makes the answer 400 and carries error and errorSource', async () => {
    const { status, body } = await api('/api/ds/query', { method: 'POST', body: JSON.stringify({ queries: [{ refId: 'B', datasource: { uid: 'shopmon-kpi' }, editorMode: 'code', expr: 'orders +' }], ...range() }) });
    expect(status).toBe(400);
    expect(body.results.B).toMatchObject({ status: 400, errorSource: 'downstream', frames: [] });
    expect(body.results.B.error).toMatch(/column/);
  });

  it('unknown datasource: 404 Data source not found', async () => {
    expect(await api('/api/ds/query', { method: 'POST', body: JSON.stringify({ queries: [{ refId: 'A', datasource: { uid: 'nope' } }], ...range() }) })).toEqual({ status: 404, body: { message: 'Data source not found' } });
  });

  it('health: 200 {status OK}; settings without secrets; resources pass status and body through', async () => {
    expect(await api('/api/datasources/uid/shopmon-kpi/health')).toMatchObject({ status: 200, body: { status: 'OK' } });
    const settings = await api('/api/datasources/uid/shopmon-kpi');
    expect(settings.body.secureJsonFields).toEqual({ queryKey: true });
    expect(JSON.stringify(settings.body)).not.toContain(shop.queryKey);
    expect(await api('/api/datasources/uid/shopmon-kpi/resources/nothing-here')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const values = await api(`/api/datasources/uid/shopmon-kpi/resources/dimensions/device/values?from=${range().from}&to=${range().to}`);
    expect(values.body.values.length).toBeGreaterThan(0);
  });
});
