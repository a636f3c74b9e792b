import { DEFAULT_FUNNEL } from '../../src/kpi/vocabulary';
import { autoInterval, bucketStarts, compareOffset } from '../../src/kpi/time';
import { DATA_END } from '../lib';
import { OVERVIEW, RANGES } from '../overview';
import { MAX_POINTS, TIMEZONE, type Answer, type RangeCtx, type Series, type SqlRow } from './types';

/**
 * What each overview panel asks, independent of the engine: the raw terms the SQL returns per
 * bucket and how they become the panel's values (as DESIGN.md "Query API" defines the answer:
 * empty count/sum buckets are 0, empty ratio and percentile buckets null, a ratio's total is the
 * ratio of totals, a distinct count's total is distinct over the whole range).
 */

type Values = ReadonlyArray<number | null>;

export interface KpiSpec {
  shape: 'series' | 'total' | 'funnel';
  /** The group_by dimension (labels of the series). */
  group?: string;
  /** Raw term values of an empty bucket. */
  empty: Values;
  value: (v: Values) => number | null;
  /** 'sum': the total is computed from the summed terms; 'row': the SQL returns a total row (b = null). */
  total: 'sum' | 'row';
  /** Rows with g = 'prev' are the previous period (compare: previous_period). */
  compare?: boolean;
  limit?: number;
}

const count = (v: Values) => v[0] ?? 0;
const ratio = (v: Values) => {
  const a = v[0] ?? 0;
  const b = v[1] ?? 0;
  return b === 0 ? null : (a / b) * 100;
};

export const KPIS: Record<string, KpiSpec> = {
  'page views': { shape: 'series', empty: [0], value: count, total: 'sum' },
  'unique visitors': { shape: 'series', empty: [0], value: count, total: 'row' },
  'visitors total': { shape: 'total', empty: [0], value: count, total: 'row' },
  'orders vs previous period': { shape: 'series', empty: [0], value: count, total: 'sum', compare: true },
  GMV: { shape: 'series', empty: [0], value: count, total: 'sum' },
  AOV: { shape: 'total', empty: [0, 0], value: (v) => ((v[1] ?? 0) === 0 ? null : (v[0] ?? 0) / v[1]!), total: 'row' },
  'conversion rate': { shape: 'series', empty: [0, 0], value: ratio, total: 'row' },
  'payment failure rate': { shape: 'series', empty: [0, 0], value: ratio, total: 'sum' },
  'zero-result rate': { shape: 'series', empty: [0, 0], value: ratio, total: 'sum' },
  'orders by channel': { shape: 'series', group: 'channel', empty: [0], value: count, total: 'sum' },
  'top categories by GMV': { shape: 'total', group: 'category', empty: [0], value: count, total: 'row', limit: 10 },
  'TTI p75': { shape: 'series', empty: [null], value: (v) => v[0] ?? null, total: 'row' },
  funnel: { shape: 'funnel', empty: [0], value: count, total: 'row' },
};

for (const q of OVERVIEW) if (!KPIS[q.name]) throw new Error(`bench/compare/kpis.ts has no spec for the overview query "${q.name}"`);

export const FUNNEL_STEPS = DEFAULT_FUNNEL;

/** The three dashboard ranges ending at the data's end, with the bucket Grafana's max points give. */
export function ranges(): RangeCtx[] {
  return RANGES.map((r) => ({
    name: r.name,
    from: DATA_END - r.ms,
    to: DATA_END,
    interval: autoInterval(r.ms, MAX_POINTS),
    tz: TIMEZONE,
  }));
}

/** How far back "previous_period" looks. */
export function previousOffset(range: RangeCtx): number {
  return compareOffset('previous_period', range.from, range.to)!;
}

function addTerms(a: Values, b: Values): Array<number | null> {
  return a.map((x, i) => (x ?? 0) + (b[i] ?? 0));
}

function buildSeries(spec: KpiSpec, rows: SqlRow[], range: RangeCtx, from: number, to: number, shift: number): Series[] {
  const byGroup = new Map<string, { buckets: Map<number, Values>; total: Values | null }>();
  for (const r of rows) {
    let g = byGroup.get(r.g);
    if (!g) byGroup.set(r.g, (g = { buckets: new Map(), total: null }));
    if (r.b === null) g.total = r.v;
    else g.buckets.set(r.b, r.v);
  }
  if (byGroup.size === 0 && !spec.group) byGroup.set('', { buckets: new Map(), total: null });
  const starts = spec.shape === 'series' ? bucketStarts(range.interval, range.tz, from, to) : [];
  const out: Series[] = [];
  for (const [label, g] of byGroup) {
    let totalTerms: Values;
    if (spec.total === 'sum') totalTerms = [...g.buckets.values()].reduce<Values>((acc, v) => addTerms(acc, v), spec.empty.map(() => 0));
    else totalTerms = g.total ?? spec.empty;
    const s: Series = { labels: spec.group ? { [spec.group]: label } : {}, total: spec.value(totalTerms) };
    if (spec.shape === 'series') s.points = starts.map((t) => [t + shift, spec.value(g.buckets.get(t) ?? spec.empty)]);
    out.push(s);
  }
  return out;
}

const byTotalDesc = (a: Series, b: Series) =>
  (b.total ?? Number.NEGATIVE_INFINITY) - (a.total ?? Number.NEGATIVE_INFINITY) || JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels));

/** Turns the SQL rows of one overview query into the normalised answer. */
export function rowsToAnswer(name: string, rows: SqlRow[], range: RangeCtx): Answer {
  const spec = KPIS[name]!;
  if (spec.shape === 'funnel') {
    const n = new Map(rows.map((r) => [r.b, r.v[0] ?? 0]));
    return { series: FUNNEL_STEPS.map((step, i) => ({ labels: { step }, total: n.get(i + 1) ?? 0 })) };
  }
  const interval = spec.shape === 'series' ? range.interval.text : 'total';
  if (spec.compare) {
    const offset = previousOffset(range);
    return {
      interval,
      series: buildSeries(spec, rows.filter((r) => r.g !== 'prev'), range, range.from, range.to, 0),
      compare: buildSeries(spec, rows.filter((r) => r.g === 'prev').map((r) => ({ ...r, g: '' })), range, range.from - offset, range.to - offset, offset),
    };
  }
  let series = buildSeries(spec, rows, range, range.from, range.to, 0).sort(byTotalDesc);
  if (spec.limit !== undefined) series = series.slice(0, spec.limit);
  return { interval, series };
}

/** A number from an engine's text output (null for NULL/NaN). */
export function num(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
