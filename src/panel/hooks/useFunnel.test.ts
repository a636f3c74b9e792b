import { FieldType, ReducerID, toDataFrame } from '@grafana/data';

import { ctx, funnelFrame, nameValueTable, options, seriesFrame } from '../testUtils/frames';
import { ShopmonPanelOptions } from '../types';
import { displayOf } from './format';
import { buildFunnel } from './useFunnel';
import { FunnelData, FunnelModel, ViewModel } from './viewModel.types';

const funnelOptions = (overrides: Partial<ShopmonPanelOptions> = {}) => options({ mode: 'funnel', ...overrides });

function funnels(model: ViewModel<FunnelData>): FunnelModel[] {
  if (model.status !== 'ready') throw new Error(`expected ready, got ${model.status}: ${model.message}`);
  return model.funnels;
}
const only = (model: ViewModel<FunnelData>) => funnels(model)[0]!;

const SHOP: Array<[string, number]> = [
  ['visit', 1000],
  ['product_view', 600],
  ['add_to_cart', 150],
  ['order', 60],
  ['payment_succeeded', 57],
];

describe('funnel percentages', () => {
  it('computes conversion from previous and from first, and drop-off, from the step values', () => {
    const { steps } = only(buildFunnel([funnelFrame(SHOP)], funnelOptions(), ctx));
    expect(steps.map((s) => s.name)).toEqual(SHOP.map((s) => s[0]));
    expect(steps.map((s) => s.fromFirst)).toEqual([100, 60, 15, 6, 5.7]);
    expect(steps.map((s) => s.fromPrevious)).toEqual([100, 60, 25, 40, 95]);
    expect(steps.map((s) => s.dropOff)).toEqual([null, 400, 450, 90, 3]);
    expect(steps.map((s) => s.dropOffPercent)).toEqual([null, 40, 75, 60, 5]);
    expect(steps.map((s) => s.barRatio)).toEqual([1, 0.6, 0.15, 0.06, 0.057]);
    expect(steps[2]!.ariaLabel).toBe('add_to_cart: 150, 25.0% of previous step, 15.0% of first step, drop-off 450 (75.0%)');
  });

  it('is not distorted by a Min/Max in the field config (an auto Min would make a naive bar empty)', () => {
    const config = { min: 900, max: 1000 };
    const frame = funnelFrame([['visit', 1000], ['cart', 950], ['order', 900]], { config });
    const display = displayOf(frame.fields[1]!, ctx);
    expect(display(900).percent).toBe(0);
    const { steps } = only(buildFunnel([frame], funnelOptions(), ctx));
    expect(steps.map((s) => s.fromFirst)).toEqual([100, 95, 90]);
    expect(steps.map((s) => s.barRatio)).toEqual([1, 0.95, 0.9]);
    expect(steps[2]!.fromPrevious).toBeCloseTo(94.7368, 3);
  });

  it('a zero first step gives null percentages, never NaN or Infinity', () => {
    const { steps } = only(buildFunnel([funnelFrame([['visit', 0], ['order', 0]])], funnelOptions(), ctx));
    expect(steps.map((s) => [s.fromFirst, s.fromPrevious, s.dropOffPercent])).toEqual([
      [null, null, null],
      [null, null, null],
    ]);
    expect(steps.map((s) => s.barRatio)).toEqual([0, 0]);
    expect(steps[1]!.dropOff).toBe(0);
  });

  it('a missing step value shows a dash and breaks only the ratios that need it', () => {
    const { steps } = only(buildFunnel([funnelFrame([['visit', 100], ['cart', null], ['order', 10]])], funnelOptions(), ctx));
    expect(steps[1]).toMatchObject({ valueText: '—', fromFirst: null, dropOff: null });
    expect(steps[2]).toMatchObject({ fromFirst: 10, fromPrevious: null, dropOff: null });
  });

  it('handles a one-step funnel', () => {
    const { steps } = only(buildFunnel([funnelFrame([['visit', 5]])], funnelOptions(), ctx));
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ fromFirst: 100, fromPrevious: 100, dropOff: null, barRatio: 1 });
  });
});

describe('funnel frame shapes', () => {
  it('reads a plain name/value table (not a shopmon frame)', () => {
    const { steps } = only(buildFunnel([nameValueTable([['Landing', 200], ['Signup', 50]])], funnelOptions(), ctx));
    expect(steps.map((s) => [s.name, s.value, s.fromFirst])).toEqual([
      ['Landing', 200, 100],
      ['Signup', 50, 25],
    ]);
  });

  it('reads a wide row: one number field per step', () => {
    const frame = toDataFrame({
      fields: [
        { name: 'Visits', type: FieldType.number, values: [400] },
        { name: 'Carts', type: FieldType.number, values: [100] },
        { name: 'Orders', type: FieldType.number, values: [20] },
      ],
    });
    const { steps } = only(buildFunnel([frame], funnelOptions(), ctx));
    expect(steps.map((s) => [s.name, s.fromPrevious])).toEqual([
      ['Visits', 100],
      ['Carts', 25],
      ['Orders', 20],
    ]);
  });

  it('reads one series per step, reduced with the chosen calculation', () => {
    const frames = [seriesFrame('visits', [10, 30]), seriesFrame('orders', [1, 5])];
    expect(only(buildFunnel(frames, funnelOptions({ reduceCalc: ReducerID.sum }), ctx)).steps.map((s) => s.value)).toEqual([40, 6]);
    const last = only(buildFunnel(frames, funnelOptions({ reduceCalc: ReducerID.lastNotNull }), ctx)).steps;
    expect(last.map((s) => s.value)).toEqual([30, 5]);
    expect(last[1]!.fromFirst).toBeCloseTo(16.667, 3);
  });

  it('uses the configured value field of a table', () => {
    const frame = funnelFrame(SHOP);
    const model = only(buildFunnel([frame], funnelOptions({ funnel: { ...options().funnel, valueField: 'from_first' } }), ctx));
    expect(model.steps[1]!.value).toBe(60);
    const missing = buildFunnel([frame], funnelOptions({ funnel: { ...options().funnel, valueField: 'sessions' } }), ctx);
    expect(missing).toEqual({ status: 'unsupported', message: 'No number field "sessions" in the funnel frame; number fields: visitors, from_previous, from_first.' });
  });

  it('splits a grouped /v1/funnel table into one funnel per group', () => {
    const frame = toDataFrame({
      refId: 'A',
      fields: [
        { name: 'channel', type: FieldType.string, values: ['app', 'app', 'web', 'web'] },
        { name: 'step', type: FieldType.string, values: ['visit', 'order', 'visit', 'order'] },
        { name: 'visitors', type: FieldType.number, values: [100, 10, 50, 1] },
      ],
    });
    const list = funnels(buildFunnel([frame], funnelOptions(), ctx));
    expect(list.map((f) => [f.title, f.steps.map((s) => s.fromFirst)])).toEqual([
      ['app', [100, 10]],
      ['web', [100, 2]],
    ]);
  });

  it('refuses negative steps with a message naming the step', () => {
    const model = buildFunnel([funnelFrame([['visit', 10], ['refund', -5]])], funnelOptions(), ctx);
    expect(model).toEqual({ status: 'unsupported', message: 'Funnel steps cannot be negative: step "refund" is -5.' });
  });

  it('says what it expects for frames it cannot read', () => {
    const frame = toDataFrame({ fields: [{ name: 'time', type: FieldType.time, values: [1] }, { name: 'msg', type: FieldType.string, values: ['x'] }] });
    const model = buildFunnel([frame], funnelOptions(), ctx);
    expect(model.status).toBe('unsupported');
    expect(model.status !== 'ready' && model.message).toContain('a table with a text column (step) and a number column (visitors)');
    expect(model.status !== 'ready' && model.message).toContain('Found: time (time), msg (string)');
  });

  it('no rows, or only null steps: nodata', () => {
    expect(buildFunnel([], funnelOptions(), ctx).status).toBe('nodata');
    expect(buildFunnel([funnelFrame([['visit', null]])], funnelOptions(), ctx).status).toBe('nodata');
  });
});

describe('funnel comparison overlay', () => {
  it('a second funnel frame with a compare label becomes ghost values, matched by step name', () => {
    const current = funnelFrame([['visit', 1000], ['order', 50]], { refId: 'A' });
    const previous = funnelFrame([['order', 40], ['visit', 2000]], { refId: 'B' });
    previous.fields[1]!.labels = { compare: 'previous_period' };
    const model = only(buildFunnel([current, previous], funnelOptions(), ctx));
    expect(model.comparisonName).toBe('previous period');
    expect(model.steps.map((s) => s.comparison)).toEqual([
      { value: 2000, valueText: '2000', barRatio: 1, fromFirst: 100 },
      { value: 40, valueText: '40', barRatio: 0.02, fromFirst: 2 },
    ]);
    expect(model.steps.map((s) => s.barRatio)).toEqual([0.5, 0.025]);
  });

  it('detects the comparison funnel by frame name suffix', () => {
    const current = funnelFrame([['visit', 10], ['order', 5]], { name: 'Checkout' });
    const previous = funnelFrame([['visit', 10], ['order', 2]], { name: 'Checkout (1w ago)', refId: 'B' });
    const model = only(buildFunnel([current, previous], funnelOptions({ comparison: { detection: 'suffix', suffix: ' (1w ago)' } }), ctx));
    expect(model.comparisonName).toBe('1w ago');
    expect(model.steps[1]!.comparison).toMatchObject({ value: 2, fromFirst: 20 });
  });

  it('pairs series steps with their comparison series', () => {
    const frames = [
      seriesFrame('visits', [100]),
      seriesFrame('orders', [10]),
      seriesFrame('visits (1d ago)', [80], { labels: { compare: '1d' }, refId: 'A' }),
    ];
    frames[1]!.refId = 'B';
    const model = only(buildFunnel(frames, funnelOptions(), ctx));
    expect(model.steps.map((s) => [s.name, s.comparison?.value ?? null])).toEqual([
      ['visits', 80],
      ['orders', null],
    ]);
  });

  it('refuses a negative comparison step too', () => {
    const current = funnelFrame([['visit', 10]]);
    const previous = funnelFrame([['visit', -1]], { refId: 'B' });
    previous.fields[1]!.labels = { compare: '1d' };
    expect(buildFunnel([current, previous], funnelOptions(), ctx).status).toBe('unsupported');
  });
});
