import type { FrameJSON } from '../host/frames';
import { nextStates, type Instance, type Outcome } from './evaluate';
import { evaluateMath } from './math';
import type { LoadedRule } from './rules';
import { fromFrames, reduce, thresholdExpression, type Results } from './sse';

/**
 * The Grafana semantics the alert evaluator reimplements (sse.ts, math.ts, evaluate.ts), on
 * inputs whose answers are known from Grafana's sources (pkg/expr/mathexp, pkg/services/ngalert).
 */

const series = (values: Array<number | null>, labels = {}): Results => ({
  noData: false,
  values: [{ kind: 'series', labels, points: values.map((v, i): [number, number | null] => [i * 60_000, v]) }],
});
const numbers = (...items: Array<[Record<string, string>, number | null]>): Results => ({ noData: false, values: items.map(([labels, value]) => ({ kind: 'number', labels, value })) });
const valuesOf = (r: Results) => r.values.map((v) => (v.kind === 'number' ? v.value : 'series'));

describe('reduce', () => {
  it.each([
    ['sum', '', [1, 2, 3], 6],
    ['sum', '', [1, null, 3], NaN],
    ['sum', 'dropNN', [1, null, NaN, 3], 4],
    ['sum', 'replaceNN', [1, null, 3], 4 + 0],
    ['sum', '', [], 0],
    ['mean', '', [], NaN],
    ['mean', 'dropNN', [2, null, 4], 3],
    ['max', 'dropNN', [], null],
    ['min', '', [5, 2, 9], 2],
    ['last', '', [1, 2, null], null],
    ['last', 'dropNN', [1, 2, null], 2],
    ['last', '', [], NaN],
    ['last', 'replaceNN', [], 0],
    ['count', '', [1, null], 2],
  ] as const)('%s mode "%s" of %j is %p', (reducer, mode, values, want) => {
    expect(valuesOf(reduce(series([...values]), reducer, mode, 0))).toEqual([want]);
  });

  it('passes numbers through and keeps NoData', () => {
    expect(valuesOf(reduce(numbers([{ a: '1' }, 7]), 'last'))).toEqual([7]);
    expect(reduce({ noData: true, values: [] }, 'sum').noData).toBe(true);
  });
});

describe('threshold and math', () => {
  const B = numbers([{ channel: 'app' }, 30], [{ channel: 'web' }, 10], [{ channel: 'tv' }, null]);
  it.each([
    ['gt', [20], [1, 0, null]],
    ['lt', [20], [0, 1, null]],
    ['within_range', [10, 30], [0, 0, null]],
    ['within_range', [5, 31], [1, 1, null]],
    ['outside_range', [15, 25], [1, 1, null]],
  ] as const)('%s %j', (type, params, want) => {
    expect(valuesOf(evaluateMath(thresholdExpression('B', type, [...params]), { B }))).toEqual(want);
  });

  it('NaN in, NaN out; && short-circuits on a false left side (the guard of a rate rule)', () => {
    const C = numbers([{}, 0]);
    const D = numbers([{}, 0]);
    expect(valuesOf(evaluateMath('$C / $D * 100 > 20', { C, D }))).toEqual([NaN]);
    expect(valuesOf(evaluateMath('$D >= 10 && $C / $D * 100 > 20', { C, D }))).toEqual([0]);
  });

  it('joins two sets of numbers by their labels', () => {
    const now = numbers([{ channel: 'social' }, 700], [{ channel: 'direct' }, 800]);
    const ago = numbers([{ channel: 'direct' }, 850], [{ channel: 'social' }, 290]);
    const r = evaluateMath('$D >= 30 && $B > $D * 1.5', { B: now, D: ago });
    expect(r.values.map((v) => [v.labels.channel, v.kind === 'number' ? v.value : null])).toEqual([
      ['direct', 0],
      ['social', 1],
    ]);
  });

  it('NoData stays NoData; ** binds tighter than *', () => {
    expect(evaluateMath('$A > 1', { A: { noData: true, values: [] } }).noData).toBe(true);
    expect(valuesOf(evaluateMath('2 * 3 ** 2', {}))).toEqual([18]);
  });
});

describe('frames to results', () => {
  const frame = (type: string | undefined, fields: FrameJSON['schema']['fields'], values: unknown[][]): FrameJSON => ({ schema: { name: 'x', meta: type ? { type } : undefined, fields }, data: { values } });
  const time = { name: 'time', type: 'time' as const, typeInfo: { frame: 'time.Time' } };
  const value = (labels?: Record<string, string>) => ({ name: 'value', type: 'number' as const, typeInfo: { frame: 'float64', nullable: true }, labels });

  it('timeseries-multi: one series per frame, labels from the value field', () => {
    const r = fromFrames([frame('timeseries-multi', [time, value({ channel: 'app' })], [[0, 60_000], [1, null]])]);
    expect(r.values).toEqual([{ kind: 'series', labels: { channel: 'app' }, points: [[0, 1], [60_000, null]] }]);
  });

  it('numeric-multi: numbers; only empty typed frames: NoData', () => {
    expect(valuesOf(fromFrames([frame('numeric-multi', [value({ a: 'b' })], [[42]])]))).toEqual([42]);
    expect(fromFrames([frame('timeseries-multi', [], [])]).noData).toBe(true);
    expect(fromFrames([]).noData).toBe(true);
  });

  it('a table with text columns cannot be alerted on', () => {
    const table = frame(undefined, [{ name: 'step', type: 'string', typeInfo: { frame: 'string' } }, value()], [['visit'], [3]]);
    expect(() => fromFrames([table])).toThrow(/text fields/);
  });
});

describe('state over evaluations', () => {
  const rule = { forMs: 120_000, noDataState: 'OK', execErrState: 'Error' } as LoadedRule;
  const outcome = (at: number, value: number | null): Outcome => ({ at, nodes: {}, instances: [{ labels: {}, value, state: value === null ? 'NoData' : value === 0 ? 'Normal' : 'Alerting' }] });
  const run = (values: Array<number | null>) => {
    let states = new Map<string, Instance>();
    return values.map((v, i) => {
      states = nextStates(states, outcome(i * 60_000, v), rule);
      return [...states.values()][0]!.state;
    });
  };

  it('is Pending until the condition held for `for`, then Alerting; a normal result resets it', () => {
    expect(run([1, 1, 1, 0, 1])).toEqual(['Pending', 'Pending', 'Alerting', 'Normal', 'Pending']);
  });

  it('NoData maps through noDataState (OK: Normal); NaN is Alerting', () => {
    expect(run([null])).toEqual(['Normal']);
    expect(run([NaN, NaN, NaN])).toEqual(['Pending', 'Pending', 'Alerting']);
  });
});
