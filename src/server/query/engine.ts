import type { Catalog } from '../../kpi/catalog';
import { compileExpr } from '../../kpi/evaluate';
import { comparisonOffset, type AggregateTerm, type Filter, type ResolvedQuery } from '../../kpi/query';
import { bucketStart, bucketStarts, offsetSegments } from '../../kpi/time';
import type { EventStore } from '../store/types';
import { mergeParts, type AggregatePlan, type AggregateRow } from './plan';
import { slotAligned, sourceFor, type Source } from './rollups';

export interface Series {
  labels: Record<string, string>;
  points?: Array<[number, number | null]>;
  total: number | null;
}

export interface QueryAnswer {
  interval: string;
  unit: string;
  higher_is_better?: boolean;
  series: Series[];
  compare?: { offset_ms: number; series: Series[] };
}

export const OTHER = '__other__';

interface GroupData {
  groups: string[];
  buckets: Map<number, Array<number | null>>;
  total: Array<number | null> | null;
}

export interface EngineOptions {
  /** Answer from the rollups where they can (default); false reads raw events only. */
  rollups?: boolean;
}

/**
 * Runs a plan against the cheapest sources: terms the rollups can answer go there, the rest to
 * the events; the rows of each source are merged back by bucket and group.
 */
async function aggregate(store: EventStore, plan: AggregatePlan, opts: EngineOptions): Promise<AggregateRow[]> {
  const aligned = opts.rollups !== false && store.rollups !== false && slotAligned(plan.bucket);
  // One store query per source; a percentile from the histograms is a query of its own.
  const bySource = new Map<string, { source: Source; index: number[] }>();
  plan.terms.forEach((t, i) => {
    const source = aligned ? sourceFor(t, plan.filters, plan.groupBy, aligned, plan.bucket !== null) : 'events';
    const id = source === 'timings' ? `${source}${i}` : source;
    const part = bySource.get(id) ?? { source, index: [] };
    part.index.push(i);
    bySource.set(id, part);
  });
  if (bySource.size <= 1) return store.aggregate({ ...plan, source: [...bySource.values()][0]?.source ?? 'events' });
  const parts = await Promise.all(
    [...bySource.values()].map(async ({ source, index }) => ({ index, rows: await store.aggregate({ ...plan, source, terms: index.map((i) => plan.terms[i]!) }) })),
  );
  return mergeParts(plan.terms.length, parts);
}

/** Groups the store rows by group and bucket start. */
function collect(q: ResolvedQuery, rows: AggregateRow[]): Map<string, GroupData> {
  const groups = new Map<string, GroupData>();
  for (const row of rows) {
    const id = JSON.stringify(row.groups);
    let g = groups.get(id);
    if (!g) {
      g = { groups: row.groups, buckets: new Map(), total: null };
      groups.set(id, g);
    }
    if (row.bucket === null) g.total = row.values;
    else g.buckets.set(bucketStart(q.interval, q.timezone, row.bucket), row.values);
  }
  return groups;
}

const isAdditive = (t: AggregateTerm) => t.aggregate.op === 'count' || t.aggregate.op === 'sum';

/**
 * Whole-range totals: counts and sums are the sums of their buckets; distinct counts and
 * percentiles come from their own query over the range (a visitor counts once, not per bucket).
 */
function fillTotals(q: ResolvedQuery, groups: Map<string, GroupData>, totals: AggregateRow[] | null, totalIndex: number[]): void {
  const byGroup = new Map((totals ?? []).map((r) => [JSON.stringify(r.groups), r.values]));
  for (const [id, g] of groups) {
    const own = byGroup.get(id);
    g.total = q.terms.map((t, i) => {
      if (!isAdditive(t)) return own?.[totalIndex.indexOf(i)] ?? null;
      let sum = 0;
      for (const values of g.buckets.values()) sum += values[i] ?? 0;
      return sum;
    });
  }
}

async function runRange(q: ResolvedQuery, store: EventStore, catalog: Catalog, from: number, to: number, opts: EngineOptions, extraFilters: Filter[] = []): Promise<Series[]> {
  const timeseries = q.format !== 'total';
  const base = { from, to, filters: [...q.filters, ...extraFilters], groupBy: q.groupBy };
  let groups: Map<string, GroupData>;
  if (timeseries) {
    const totalIndex = q.terms.flatMap((t, i) => (isAdditive(t) ? [] : [i]));
    const [bucketRows, totalRows] = await Promise.all([
      aggregate(store, { ...base, bucket: { interval: q.interval, segments: offsetSegments(q.timezone, from, to) }, terms: q.terms }, opts),
      totalIndex.length ? aggregate(store, { ...base, bucket: null, terms: totalIndex.map((i) => q.terms[i]!) }, opts) : Promise.resolve(null),
    ]);
    groups = collect(q, bucketRows);
    for (const r of totalRows ?? []) {
      const id = JSON.stringify(r.groups);
      if (!groups.has(id)) groups.set(id, { groups: r.groups, buckets: new Map(), total: null });
    }
    fillTotals(q, groups, totalRows, totalIndex);
  } else {
    groups = collect(q, await aggregate(store, { ...base, bucket: null, terms: q.terms }, opts));
  }
  if (groups.size === 0 && q.groupBy.length === 0) groups.set('[]', { groups: [], buckets: new Map(), total: null });
  const starts = timeseries ? bucketStarts(q.interval, q.timezone, from, to) : [];
  const evaluate = compileExpr(q.expr, catalog, new Map(q.terms.map((t, i) => [t.id, i])));
  const series: Series[] = [];
  for (const g of groups.values()) {
    const labels = Object.fromEntries(q.groupBy.map((d, i) => [d, g.groups[i] ?? '']));
    const total = evaluate(g.total);
    const s: Series = { labels, total };
    if (timeseries) s.points = starts.map((t) => [t, evaluate(g.buckets.get(t))]);
    series.push(s);
  }
  return series;
}

const byTotalDesc = (a: Series, b: Series) => (b.total ?? Number.NEGATIVE_INFINITY) - (a.total ?? Number.NEGATIVE_INFINITY) || JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels));

/** True when the result of the query is a plain sum over rows, so groups can be added up. */
function additive(q: ResolvedQuery): boolean {
  if (q.expr.kind !== 'selector') return false;
  const f = q.selectors[0]?.metric.formula;
  return f?.op === 'base' && (f.aggregate.op === 'count' || f.aggregate.op === 'sum');
}

function sumSeries(list: Series[], labels: Record<string, string>): Series {
  const total = list.reduce((n, s) => n + (s.total ?? 0), 0);
  const out: Series = { labels, total };
  if (list[0]?.points) out.points = list[0].points.map(([t], i) => [t, list.reduce((n, s) => n + (s.points?.[i]?.[1] ?? 0), 0)]);
  return out;
}

async function limitGroups(q: ResolvedQuery, series: Series[], store: EventStore, catalog: Catalog, from: number, to: number, opts: EngineOptions): Promise<Series[]> {
  series.sort(byTotalDesc);
  if (q.limit === null || series.length <= q.limit) return series;
  const kept = series.slice(0, q.limit);
  if (!q.other) return kept;
  const rest = series.slice(q.limit);
  const otherLabels = Object.fromEntries(q.groupBy.map((d) => [d, OTHER]));
  if (additive(q)) return [...kept, sumSeries(rest, otherLabels)];
  if (q.groupBy.length === 1) {
    // Distinct counts and ratios cannot be added up: ask the store for everything outside the top groups.
    const dim = q.groupBy[0]!;
    const outside: Filter = { dimension: dim, op: 'not_in', values: kept.map((s) => s.labels[dim]!) };
    const other = await runRange({ ...q, groupBy: [] }, store, catalog, from, to, opts, [outside]);
    return [...kept, ...other.map((s) => ({ ...s, labels: otherLabels }))];
  }
  return kept;
}

/** Answers a resolved /v1/query: the current range and, if asked, the comparison range shifted onto it. */
export async function runQuery(q: ResolvedQuery, store: EventStore, catalog: Catalog, opts: EngineOptions = {}): Promise<QueryAnswer> {
  const offset = comparisonOffset(q);
  const [current, previous] = await Promise.all([
    runRange(q, store, catalog, q.from, q.to, opts),
    offset === null ? Promise.resolve(null) : runRange(q, store, catalog, q.from - offset, q.to - offset, opts),
  ]);
  const series = await limitGroups(q, current, store, catalog, q.from, q.to, opts);
  const answer: QueryAnswer = { interval: q.format === 'total' ? 'total' : q.interval.text, unit: q.unit, series };
  if (q.higherIsBetter !== null) answer.higher_is_better = q.higherIsBetter;
  if (offset !== null && previous) {
    // Comparison series follow the order of the current ones, so panel colours stay put.
    const order = new Map(series.map((s, i) => [JSON.stringify(s.labels), i]));
    const rank = (s: Series) => order.get(JSON.stringify(s.labels)) ?? 0;
    const shifted = previous
      .filter((s) => order.has(JSON.stringify(s.labels)) || q.groupBy.length === 0)
      .sort((a, b) => rank(a) - rank(b))
      .map((s) => ({ ...s, ...(s.points ? { points: s.points.map(([t, v]): [number, number | null] => [t + offset, v]) } : {}) }));
    answer.compare = { offset_ms: offset, series: shifted };
  }
  return answer;
}
