import { tableFromIPC, Type, TimeUnit, type Table } from 'apache-arrow';
import type { ShopmonQuery } from '../kpi/datasourceQuery';
import { encodeFrame } from './arrowFrame';
import { encodeFrames, funnelFrames, kpiFrames } from './frames';
import type { QueryAnswer } from './kpiTypes';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-20T00:00:00Z');

function decode(bytes: Uint8Array): Table {
  return tableFromIPC(bytes);
}

function meta(table: Table): Record<string, unknown> {
  return JSON.parse(table.schema.metadata.get('meta') ?? '{}');
}

function fieldMeta(table: Table, i: number, key: string): unknown {
  const raw = table.schema.fields[i]!.metadata.get(key);
  return raw === undefined ? undefined : JSON.parse(raw);
}

const answer: QueryAnswer = {
  interval: '1h',
  unit: 'currencyKRW',
  series: [
    { labels: { channel: 'app' }, points: [[T0, 10], [T0 + HOUR, null], [T0 + 2 * HOUR, 30.5]], total: 40.5 },
    { labels: { channel: 'web' }, points: [[T0, 1], [T0 + HOUR, 2], [T0 + 2 * HOUR, 3]], total: 6 },
  ],
  compare: { offset_ms: 86_400_000, series: [{ labels: { channel: 'app' }, points: [[T0, 7], [T0 + HOUR, 8], [T0 + 2 * HOUR, 9]], total: 24 }] },
};
const query: ShopmonQuery = { refId: 'A', metric: 'gmv', groupBy: ['channel'], compare: '1d', format: 'timeseries' };

describe('encodeFrame', () => {
  const bytes = encodeFrame({
    name: 'orders',
    refId: 'A',
    meta: { type: 'timeseries-multi', typeVersion: [0, 1] },
    fields: [
      { name: 'time', type: 'time', values: [T0, T0 + HOUR] },
      { name: 'value', type: 'number', values: [1.5, null], labels: { channel: 'app' }, config: { unit: 'short', displayNameFromDS: 'orders {channel=app}' } },
      { name: 'step', type: 'string', values: ['visit', '결제'] },
    ],
  });
  const table = decode(bytes);

  it('writes the Arrow IPC file format (ARROW1 at both ends), not the stream format', () => {
    expect(Buffer.from(bytes.subarray(0, 6)).toString('latin1')).toBe('ARROW1');
    expect(Buffer.from(bytes.subarray(bytes.length - 6)).toString('latin1')).toBe('ARROW1');
  });

  it('types: Timestamp(ns) without time zone, nullable Float64, plain Utf8 (never Dictionary)', () => {
    const [time, value, step] = table.schema.fields;
    expect(time!.type.typeId).toBe(Type.Timestamp);
    expect((time!.type as unknown as { unit: TimeUnit }).unit).toBe(TimeUnit.NANOSECOND);
    expect((time!.type as unknown as { timezone: string | null }).timezone ?? null).toBeNull();
    expect(value!.type.typeId).toBe(Type.Float);
    expect(value!.nullable).toBe(true);
    expect(step!.type.typeId).toBe(Type.Utf8);
    expect(step!.type.typeId).not.toBe(Type.Dictionary);
  });

  it('stores nanoseconds, nulls and UTF-8 text exactly', () => {
    expect([...(table.getChild('time')!.data[0]!.values as BigInt64Array)]).toEqual([BigInt(T0) * 1_000_000n, BigInt(T0 + HOUR) * 1_000_000n]);
    expect(table.getChild('value')!.toArray()[0]).toBe(1.5);
    expect(table.getChild('value')!.get(1)).toBeNull();
    expect(table.getChild('step')!.toArray()).toEqual(['visit', '결제']);
  });

  it('puts name, refId and meta on the schema and name, labels, config on the fields', () => {
    expect(table.schema.metadata.get('name')).toBe('orders');
    expect(table.schema.metadata.get('refId')).toBe('A');
    expect(meta(table)).toEqual({ type: 'timeseries-multi', typeVersion: [0, 1] });
    expect(table.schema.fields[1]!.metadata.get('name')).toBe('value');
    expect(fieldMeta(table, 1, 'labels')).toEqual({ channel: 'app' });
    expect(fieldMeta(table, 1, 'config')).toEqual({ unit: 'short', displayNameFromDS: 'orders {channel=app}' });
    expect(fieldMeta(table, 0, 'labels')).toBeUndefined();
  });

  it('refuses fields of different lengths', () => {
    expect(() => encodeFrame({ name: 'x', refId: 'A', fields: [{ name: 'a', type: 'number', values: [1] }, { name: 'b', type: 'number', values: [] }] })).toThrow(/has 0 values, expected 1/);
  });
});

describe('kpiFrames', () => {
  it('passes the metric direction to the panel as the higherIsBetter field property', () => {
    const lowerIsBetter = { ...answer, unit: 'percent', higher_is_better: false };
    const [frame] = encodeFrames(kpiFrames(query, lowerIsBetter, { refId: 'A', fromAlert: false })).map(decode);
    expect(fieldMeta(frame!, 1, 'config')).toMatchObject({ unit: 'percent', custom: { higherIsBetter: false } });
  });

  it("names series by the metric's title in builder mode, by the expression in code mode, by the alias when set", () => {
    const legend = (q: typeof query) => kpiFrames({ ...q, format: 'total' }, answer, { refId: 'A', fromAlert: false }).map((f) => f.fields[0]!.config?.displayNameFromDS);
    expect(legend({ ...query, metric: 'payment_failure_rate' })[0]).toBe('Payment failure rate {channel=app}');
    expect(legend({ ...query, editorMode: 'code', expr: 'gmv / orders' })[0]).toBe('gmv / orders {channel=app}');
    expect(legend({ ...query, alias: '{{metric}} in {{channel}}' })[0]).toBe('gmv in app');
  });

  it('timeseries: one timeseries-multi frame per series, comparison labelled and suffixed', () => {
    const frames = encodeFrames(kpiFrames(query, answer, { refId: 'A', fromAlert: false, executed: { metric: 'gmv' } })).map(decode);
    expect(frames).toHaveLength(3);
    for (const f of frames) {
      expect(meta(f)).toMatchObject({ type: 'timeseries-multi', typeVersion: [0, 1] });
      expect(f.schema.fields.map((x) => x.name)).toEqual(['time', 'value']);
    }
    expect(meta(frames[0]!)).toMatchObject({ executedQueryString: '{"metric":"gmv"}', custom: { interval: '1h' } });
    expect(fieldMeta(frames[0]!, 1, 'labels')).toEqual({ channel: 'app' });
    expect(fieldMeta(frames[0]!, 1, 'config')).toEqual({ unit: 'currencyKRW', displayNameFromDS: 'GMV {channel=app}' });
    expect(fieldMeta(frames[2]!, 1, 'labels')).toEqual({ channel: 'app', compare: '1d' });
    expect(fieldMeta(frames[2]!, 1, 'config')).toMatchObject({ displayNameFromDS: 'GMV {channel=app} (1d ago)' });
    expect([...frames[2]!.getChild('value')!.toArray()]).toEqual([7, 8, 9]);
  });

  it('table: one wide frame, time then one column per series', () => {
    const [frame, ...rest] = kpiFrames({ ...query, format: 'table' }, answer, { refId: 'A', fromAlert: false }).map((f) => decode(encodeFrame(f)));
    expect(rest).toHaveLength(0);
    expect(frame!.schema.fields.map((f) => f.name)).toEqual(['time', 'GMV {channel=app}', 'GMV {channel=web}', 'GMV {channel=app} (1d ago)']);
    expect(meta(frame!)).toMatchObject({ type: 'timeseries-wide', preferredVisualisationType: 'table' });
    expect(frame!.getChild('GMV {channel=app}')!.get(1)).toBeNull();
    expect(frame!.getChild('GMV {channel=web}')!.get(2)).toBe(3);
  });

  it('table from an alert rule: one frame per series instead', () => {
    const frames = kpiFrames({ ...query, format: 'table' }, answer, { refId: 'A', fromAlert: true });
    expect(frames).toHaveLength(3);
    expect(frames.every((f) => f.meta?.type === 'timeseries-multi')).toBe(true);
  });

  it('total: numeric-multi frames with one labelled value each', () => {
    const totals: QueryAnswer = { interval: 'total', unit: 'short', series: answer.series.map((s) => ({ labels: s.labels, total: s.total })) };
    const frames = kpiFrames({ ...query, compare: 'none', format: 'total' }, totals, { refId: 'B', fromAlert: true }).map((f) => decode(encodeFrame(f)));
    expect(frames).toHaveLength(2);
    expect(frames.map((f) => f.getChild('value')!.get(0))).toEqual([40.5, 6]);
    expect(frames.map((f) => meta(f).type)).toEqual(['numeric-multi', 'numeric-multi']);
    expect(fieldMeta(frames[1]!, 0, 'labels')).toEqual({ channel: 'web' });
  });

  it('no series: one typed frame without fields, so Grafana reads "no data"', () => {
    const frames = kpiFrames(query, { interval: '1h', unit: 'short', series: [] }, { refId: 'A', fromAlert: false });
    expect(frames).toHaveLength(1);
    expect(frames[0]!.fields).toHaveLength(0);
    expect(decode(encodeFrame(frames[0]!)).numRows).toBe(0);
  });
});

describe('funnelFrames', () => {
  const steps = [
    { step: 'visit', visitors: 100, from_previous: 100, from_first: 100 },
    { step: 'order', visitors: 0, from_previous: 0, from_first: 0 },
  ];
  const grouped = { groups: [{ labels: { device: 'mobile' }, steps }, { labels: { device: 'desktop' }, steps: [{ ...steps[0]!, visitors: 0, from_previous: 100, from_first: 100 }, { ...steps[1]!, from_previous: null, from_first: null }] }] };

  it('one table frame: group label columns, step, visitors, from_previous, from_first', () => {
    const [frame] = funnelFrames(grouped, { refId: 'F', fromAlert: false }).map((f) => decode(encodeFrame(f)));
    expect(frame!.schema.fields.map((f) => [f.name, f.type.typeId])).toEqual([
      ['device', Type.Utf8],
      ['step', Type.Utf8],
      ['visitors', Type.Float],
      ['from_previous', Type.Float],
      ['from_first', Type.Float],
    ]);
    expect(frame!.getChild('device')!.toArray()).toEqual(['mobile', 'mobile', 'desktop', 'desktop']);
    expect(frame!.getChild('from_first')!.get(3)).toBeNull();
    expect(fieldMeta(frame!, 4, 'config')).toEqual({ unit: 'percent' });
  });

  it('from an alert rule: numeric-multi frames labelled with step and measure', () => {
    const frames = funnelFrames({ steps }, { refId: 'F', fromAlert: true });
    expect(frames).toHaveLength(6);
    expect(frames.every((f) => f.meta?.type === 'numeric-multi')).toBe(true);
    expect(frames[1]!.fields[0]!.labels).toEqual({ step: 'visit', measure: 'from_previous' });
  });
});
