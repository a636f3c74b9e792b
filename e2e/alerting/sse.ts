import type { FrameJSON } from '../host/frames';

/**
 * The part of Grafana's server-side expressions (pkg/expr, pkg/expr/mathexp) our alert rules
 * use, with Grafana's semantics:
 * - datasource frames to series/numbers by their dataplane type (timeseries-multi,
 *   timeseries-wide, numeric-multi, numeric-wide; untyped: time + numbers as wide series);
 *   no frames or only empty frames is NoData;
 * - reduce: last, mean, max, min, sum, count; mode "" (strict: a null or NaN makes the result
 *   NaN; last keeps a trailing null), "dropNN" (nulls, NaN, Inf dropped; a NaN result becomes
 *   no value), "replaceNN" (replaced by replaceWithValue);
 * - threshold: gt, lt, within_range, outside_range (and the _included variants), as Grafana
 *   builds them: a math expression such as `${B} > 20`;
 * - math: $A / ${A}, numbers, ( ), unary - and !, ** * / % + - < > <= >= == != && ||,
 *   Go's precedence; NaN in, NaN out; no value in, no value out; && and || short-circuit on
 *   the left operand; two sets of numbers are joined by labels (equal, one side without
 *   labels, or one side's labels contained in the other's), two single unmatched numbers are
 *   combined without labels. No functions.
 */

export type Labels = Record<string, string>;
export interface SeriesValue {
  kind: 'series';
  labels: Labels;
  points: Array<[number, number | null]>;
}
export interface NumberValue {
  kind: 'number';
  labels: Labels;
  /** null: "no value" (Go's nil *float64). */
  value: number | null;
}
export interface Results {
  noData: boolean;
  values: Array<SeriesValue | NumberValue>;
}

export class ExpressionError extends Error {}

export const NO_DATA: Results = { noData: true, values: [] };

export function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(', ');
}

type Field = FrameJSON['schema']['fields'][number];

function column(frame: FrameJSON, i: number): Array<number | null> {
  const values = (frame.data.values[i] ?? []) as Array<number | null>;
  const entities = frame.data.entities?.[i];
  if (!entities) return values;
  const out = [...values];
  for (const [name, idx] of Object.entries(entities)) for (const j of idx) out[j] = name === 'NaN' ? NaN : name === 'Inf' ? Infinity : -Infinity;
  return out;
}

function seriesOf(frame: FrameJSON, timeIndex: number): SeriesValue[] {
  const times = frame.data.values[timeIndex] as number[];
  return frame.schema.fields.flatMap((f: Field, i: number) =>
    f.type === 'number' ? [{ kind: 'series' as const, labels: f.labels ?? {}, points: times.map((t, j): [number, number | null] => [t, column(frame, i)[j] ?? null]) }] : [],
  );
}

function numbersOf(frame: FrameJSON): NumberValue[] {
  return frame.schema.fields.flatMap((f: Field, i: number) => {
    if (f.type !== 'number') return [];
    const values = column(frame, i);
    if (values.length === 0) return [];
    if (values.length > 1) throw new ExpressionError(`frame "${frame.schema.name ?? ''}" is numeric but field ${f.name} has ${values.length} rows`);
    return [{ kind: 'number' as const, labels: f.labels ?? {}, value: values[0] ?? null }];
  });
}

/** A datasource node's frames as SSE results. */
export function fromFrames(frames: FrameJSON[]): Results {
  const values: Results['values'] = [];
  for (const frame of frames) {
    const fields = frame.schema.fields;
    if (fields.length === 0) continue;
    const type = frame.schema.meta?.type as string | undefined;
    const timeIndex = fields.findIndex((f) => f.type === 'time');
    const numbers = fields.filter((f) => f.type === 'number').length;
    switch (type) {
      case 'timeseries-multi':
        if (timeIndex < 0 || numbers !== 1 || fields.length !== 2) throw new ExpressionError(`timeseries-multi frame "${frame.schema.name ?? ''}" must have one time and one number field`);
        values.push(...seriesOf(frame, timeIndex));
        break;
      case 'timeseries-wide':
        if (timeIndex < 0) throw new ExpressionError(`timeseries-wide frame "${frame.schema.name ?? ''}" has no time field`);
        values.push(...seriesOf(frame, timeIndex));
        break;
      case 'numeric-multi':
      case 'numeric-wide':
        values.push(...numbersOf(frame));
        break;
      case undefined:
        if (timeIndex >= 0) values.push(...seriesOf(frame, timeIndex));
        else if (fields.every((f) => f.type === 'number')) values.push(...numbersOf(frame));
        else throw new ExpressionError(`frame "${frame.schema.name ?? ''}" (no type) has text fields: alerting cannot read it as series or numbers`);
        break;
      default:
        throw new ExpressionError(`frame type ${type} is not supported by the e2e alert evaluator`);
    }
  }
  return values.length === 0 ? NO_DATA : { noData: false, values };
}

export type ReduceMode = '' | 'dropNN' | 'replaceNN';

const isNonNumber = (v: number | null) => v === null || Number.isNaN(v) || !Number.isFinite(v);

function reduceValues(reducer: string, values: Array<number | null>): number | null {
  const strictFail = values.some((v) => v === null || Number.isNaN(v));
  switch (reducer) {
    case 'sum':
      return strictFail ? NaN : values.reduce<number>((s, v) => s + v!, 0);
    case 'mean':
      return strictFail ? NaN : values.reduce<number>((s, v) => s + v!, 0) / values.length;
    case 'min':
      return values.length === 0 || strictFail ? NaN : Math.min(...(values as number[]));
    case 'max':
      return values.length === 0 || strictFail ? NaN : Math.max(...(values as number[]));
    case 'count':
      return values.length;
    case 'last':
      return values.length === 0 ? NaN : values[values.length - 1]!;
    default:
      throw new ExpressionError(`reducer ${reducer} is not supported (Grafana has sum, mean, min, max, count, last)`);
  }
}

export function reduce(input: Results, reducer: string, mode: ReduceMode = '', replaceWith = 0): Results {
  if (input.noData) return NO_DATA;
  const mapOut = (v: number | null): number | null => {
    if (mode === 'dropNN') return v !== null && Number.isNaN(v) ? null : v;
    if (mode === 'replaceNN') return v !== null && Number.isNaN(v) ? replaceWith : v;
    return v;
  };
  return {
    noData: false,
    values: input.values.map((v): NumberValue => {
      if (v.kind === 'number') return { kind: 'number', labels: v.labels, value: mapOut(v.value) };
      let points = v.points.map((p) => p[1]);
      if (mode === 'dropNN') points = points.filter((p) => !isNonNumber(p));
      if (mode === 'replaceNN') points = points.map((p) => (isNonNumber(p) ? replaceWith : p));
      return { kind: 'number', labels: v.labels, value: mapOut(reduceValues(reducer, points)) };
    }),
  };
}

const THRESHOLDS: Record<string, (v: string, p: number[]) => string> = {
  gt: (v, p) => `${v} > ${p[0]}`,
  lt: (v, p) => `${v} < ${p[0]}`,
  eq: (v, p) => `${v} == ${p[0]}`,
  ne: (v, p) => `${v} != ${p[0]}`,
  gte: (v, p) => `${v} >= ${p[0]}`,
  lte: (v, p) => `${v} <= ${p[0]}`,
  within_range: (v, p) => `${v} > ${p[0]} && ${v} < ${p[1]}`,
  outside_range: (v, p) => `${v} < ${p[0]} || ${v} > ${p[1]}`,
  within_range_included: (v, p) => `${v} >= ${p[0]} && ${v} <= ${p[1]}`,
  outside_range_included: (v, p) => `${v} <= ${p[0]} || ${v} >= ${p[1]}`,
};

/** Grafana's threshold command: a math expression over the referenced node. */
export function thresholdExpression(ref: string, type: string, params: number[]): string {
  const build = THRESHOLDS[type];
  if (!build) throw new ExpressionError(`threshold type ${type} is not supported`);
  return build(`\${${ref}}`, params);
}
