import { FieldType, LinkModel, ReducerID, ThresholdsMode, toDataFrame } from '@grafana/data';

import { ctx, nameValueTable, options, seriesFrame } from '../testUtils/frames';
import { buildScorecards } from './useScorecards';
import { CardModel, ScorecardsData, ViewModel } from './viewModel.types';

function cards(model: ViewModel<ScorecardsData>): CardModel[] {
  if (model.status !== 'ready') throw new Error(`expected ready, got ${model.status}: ${model.message}`);
  return model.cards;
}

const percent = { unit: 'percent', decimals: 1 };

describe('scorecards: delta and colour by direction', () => {
  it('a drop in orders is bad (higher is better by default)', () => {
    const frames = [
      seriesFrame('orders', [90, 100, 80], { labels: {} }),
      seriesFrame('orders (1d ago)', [95, 105, 100], { labels: { compare: '1d' } }),
    ];
    const [card] = cards(buildScorecards(frames, options(), ctx));
    expect(card!.value).toBe(80);
    expect(card!.delta).toMatchObject({ absolute: -20, percent: -20, direction: 'down', sentiment: 'bad', comparisonName: '1d ago' });
    expect(card!.delta!.absoluteText).toBe('−20');
    expect(card!.delta!.percentText).toBe('−20.0%');
    expect(card!.delta!.previousText).toBe('100');
  });

  it('a drop in payment failure rate is good (higherIsBetter=false)', () => {
    const config = { ...percent, custom: { higherIsBetter: false } };
    const frames = [
      seriesFrame('payment_failure_rate', [2.5, 2.0], { config }),
      seriesFrame('payment_failure_rate (previous period)', [3.0, 4.0], { labels: { compare: 'previous_period' }, config }),
    ];
    const [card] = cards(buildScorecards(frames, options(), ctx));
    expect(card!.valueText).toBe('2.0%');
    expect(card!.delta).toMatchObject({ direction: 'down', sentiment: 'good', comparisonName: 'previous period', percent: -50 });
    expect(card!.delta!.absoluteText).toBe('−2.0 pp');
  });

  it('a rise is good for higher-is-better and bad for lower-is-better', () => {
    const up = (custom: object) =>
      cards(buildScorecards([seriesFrame('m', [1, 12], { config: { custom } }), seriesFrame('m (1d ago)', [1, 10], { labels: { compare: '1d' } })], options(), ctx))[0]!
        .delta!;
    expect(up({})).toMatchObject({ direction: 'up', sentiment: 'good', absoluteText: '+2', percentText: '+20.0%' });
    expect(up({ higherIsBetter: false })).toMatchObject({ direction: 'up', sentiment: 'bad' });
  });

  it('no change is neutral; a zero comparison has no percentage', () => {
    const same = cards(buildScorecards([seriesFrame('m', [5, 5]), seriesFrame('m (1d ago)', [5, 5], { labels: { compare: '1d' } })], options(), ctx))[0]!;
    expect(same.delta).toMatchObject({ sentiment: 'neutral', direction: 'flat', absoluteText: '0' });
    const fromZero = cards(buildScorecards([seriesFrame('m', [1, 3]), seriesFrame('m (1d ago)', [0, 0], { labels: { compare: '1d' } })], options(), ctx))[0]!;
    expect(fromZero.delta).toMatchObject({ absolute: 3, percent: null, percentText: '—' });
  });

  it('finds the comparison by name suffix when labels are missing', () => {
    const frames = [seriesFrame('Orders', [10, 12]), seriesFrame('Orders (1w ago)', [10, 6])];
    const byLabel = cards(buildScorecards(frames, options(), ctx));
    expect(byLabel).toHaveLength(2);
    const bySuffix = cards(buildScorecards(frames, options({ comparison: { detection: 'suffix', suffix: ' (1w ago)' } }), ctx));
    expect(bySuffix).toHaveLength(1);
    expect(bySuffix[0]!.delta).toMatchObject({ absolute: 6, percent: 100, comparisonName: '1w ago' });
    expect(bySuffix[0]!.sparkline!.comparison!.values).toEqual([10, 6]);
  });
});

describe('scorecards: values, reduce, formatting', () => {
  it('reduces with the chosen calculation', () => {
    const frames = [seriesFrame('visitors', [10, 20, 60, null])];
    const value = (reduceCalc: string) => cards(buildScorecards(frames, options({ reduceCalc }), ctx))[0]!.value;
    expect(value(ReducerID.lastNotNull)).toBe(60);
    expect(value(ReducerID.last)).toBeNull();
    expect(value(ReducerID.mean)).toBe(30);
    expect(value(ReducerID.sum)).toBe(90);
    expect(value(ReducerID.max)).toBe(60);
  });

  it('formats with unit and decimals from the field config and splits the unit suffix', () => {
    const [card] = cards(buildScorecards([seriesFrame('gmv', [1234567], { config: { unit: 'currencyKRW', decimals: 1 } })], options(), ctx));
    expect(card!.valueText).toBe('₩1.2M');
    expect(card!.formatted).toMatchObject({ prefix: '₩', text: '1.2', suffix: 'M' });
  });

  it('shows a dash (or the field "No value" text) for null/NaN and keeps the card', () => {
    const frames = [seriesFrame('a', [null, NaN]), seriesFrame('b', [null], { config: { noValue: 'n/a' } })];
    const [a, b] = cards(buildScorecards(frames, options(), ctx));
    expect(a!.value).toBeNull();
    expect(a!.valueText).toBe('—');
    expect(a!.sparkline).toBeNull();
    expect(b!.valueText).toBe('n/a');
  });

  it('handles a single value (no sparkline, no delta)', () => {
    const [card] = cards(buildScorecards([seriesFrame('orders', [42])], options(), ctx));
    expect(card).toMatchObject({ value: 42, valueText: '42', delta: null, sparkline: null, target: null });
  });

  it('colours by thresholds only when the user configured them', () => {
    const thresholds = { mode: ThresholdsMode.Absolute, steps: [{ value: -Infinity, color: 'green' }, { value: 50, color: 'red' }] };
    const [plain, coloured] = cards(buildScorecards([seriesFrame('a', [70]), seriesFrame('b', [70], { config: { thresholds } })], options(), ctx));
    expect(plain!.color).toBeUndefined();
    expect(coloured!.color).toBe(ctx.theme.visualization.getColorByName('red'));
  });

  it('replaces dashboard variables in titles', () => {
    const replaceVariables = (s: string) => s.replace('$region', 'Seoul');
    const [card] = cards(buildScorecards([seriesFrame('Orders in $region', [1])], options(), { ...ctx, replaceVariables }));
    expect(card!.title).toBe('Orders in Seoul');
  });

  it('asks the field for data links with the reduced value', () => {
    const frame = seriesFrame('orders', [1, 2]);
    const link: LinkModel = { href: '/d/orders', title: 'Orders detail', target: '_self', origin: frame.fields[1] };
    const getLinks = jest.fn(() => [link]);
    frame.fields[1]!.getLinks = getLinks;
    const [card] = cards(buildScorecards([frame], options(), ctx));
    expect(card!.links).toEqual([link]);
    expect(getLinks).toHaveBeenCalledWith({ calculatedValue: expect.objectContaining({ numeric: 2 }) });
  });
});

describe('scorecards: targets', () => {
  it('reads the target from the custom field config (overrides set it per KPI)', () => {
    const [card] = cards(buildScorecards([seriesFrame('orders', [80], { config: { custom: { target: 100 } } })], options(), ctx));
    expect(card!.target).toMatchObject({ value: 100, attainment: 80, attainmentText: '80.0%', met: false, text: '100' });
    expect(card!.ariaLabel).toContain('80.0% of target 100');
  });

  it('uses a fixed target when chosen, and inverts attainment for lower-is-better', () => {
    const config = { custom: { higherIsBetter: false, target: 999 } };
    const opts = options({ target: { source: 'fixed', value: 2 } });
    const [card] = cards(buildScorecards([seriesFrame('failure rate', [4], { config })], opts, ctx));
    expect(card!.target).toMatchObject({ value: 2, attainment: 50, met: false });
    const [met] = cards(buildScorecards([seriesFrame('failure rate', [1], { config })], opts, ctx));
    expect(met!.target).toMatchObject({ attainment: 200, met: true });
  });

  it('has no attainment for a zero target or a missing value', () => {
    const [zero] = cards(buildScorecards([seriesFrame('x', [5], { config: { custom: { target: 0 } } })], options(), ctx));
    expect(zero!.target).toMatchObject({ attainment: null, attainmentText: '—', met: true });
    const [none] = cards(buildScorecards([seriesFrame('x', [null], { config: { custom: { target: 10 } } })], options(), ctx));
    expect(none!.target).toMatchObject({ attainment: null, met: null });
  });
});

describe('scorecards: frame shapes and states', () => {
  it('one card per row of a plain name/value table (not a shopmon frame)', () => {
    const list = cards(buildScorecards([nameValueTable([['Revenue', 1200], ['Refunds', 30]])], options(), ctx));
    expect(list.map((c) => [c.title, c.valueText])).toEqual([
      ['Revenue', '1200'],
      ['Refunds', '30'],
    ]);
  });

  it('groups a long-format table (time, channel, value) into one series per channel', () => {
    const frame = toDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1, 1, 2, 2] },
        { name: 'channel', type: FieldType.string, values: ['app', 'web', 'app', 'web'] },
        { name: 'orders', type: FieldType.number, values: [5, 7, 6, 9] },
      ],
    });
    const list = cards(buildScorecards([frame], options({ reduceCalc: ReducerID.sum }), ctx));
    expect(list.map((c) => [c.title, c.value])).toEqual([
      ['app', 11],
      ['web', 16],
    ]);
    expect(list[0]!.sparkline).toMatchObject({ values: [5, 6], times: [1, 2] });
  });

  it('asks for the links of the table row a card shows', () => {
    const frame = nameValueTable([['a', 1], ['b', 2]]);
    const getLinks = jest.fn(() => []);
    frame.fields[1]!.getLinks = getLinks;
    buildScorecards([frame], options(), ctx);
    expect(getLinks).toHaveBeenLastCalledWith({ valueRowIndex: 1 });
  });

  it('one card per number field of a wide row', () => {
    const frame = toDataFrame({ fields: [{ name: 'orders', type: FieldType.number, values: [12] }, { name: 'refunds', type: FieldType.number, values: [3] }] });
    expect(cards(buildScorecards([frame], options(), ctx)).map((c) => c.title)).toEqual(['orders', 'refunds']);
  });

  it('pairs table rows with a compare column', () => {
    const frame = toDataFrame({
      fields: [
        { name: 'metric', type: FieldType.string, values: ['orders', 'orders'] },
        { name: 'compare', type: FieldType.string, values: ['', '1d'] },
        { name: 'value', type: FieldType.number, values: [120, 100] },
      ],
    });
    const list = cards(buildScorecards([frame], options(), ctx));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ title: 'orders', delta: expect.objectContaining({ absolute: 20, percent: 20 }) });
  });

  it('no frames or empty frames: nodata', () => {
    expect(buildScorecards([], options(), ctx)).toEqual({ status: 'nodata', message: 'No data' });
    expect(buildScorecards([toDataFrame({ fields: [] })], options(), ctx).status).toBe('nodata');
  });

  it('frames without numbers: unsupported, saying what was found and what is expected', () => {
    const frame = toDataFrame({ fields: [{ name: 'message', type: FieldType.string, values: ['hello'] }] });
    const model = buildScorecards([frame], options(), ctx);
    expect(model.status).toBe('unsupported');
    expect(model.status !== 'ready' && model.message).toMatch(/need at least one number field.*Found: message \(string\)/);
  });
});
