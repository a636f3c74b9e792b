import type { Aggregate, RowCondition } from '../../kpi/catalog';
import { DIMENSION_NAMES } from '../../kpi/catalog';
import type { Filter } from '../../kpi/query';
import { DAY, segmentSpans, type Interval, type OffsetSegment, type SegmentSpan } from '../../kpi/time';
import type { AggregatePlan, FunnelPlan, ValuesPlan } from '../query/plan';
import { VISITOR_DIMENSIONS, fullSlots, type Source } from '../query/rollups';
import { KIND, TIMING_FIELD, kindOf } from './eventKinds';

/**
 * SQL for the DuckDB store. Identifiers come only from allow-lists (the dimension names of the
 * catalog, the columns below); every value from a request is a bound parameter.
 */

export class SqlParams {
  readonly values: Array<string | number | boolean> = [];
  bind(value: string | number | boolean): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function column(dimension: string): string {
  if (!DIMENSION_NAMES.has(dimension)) throw new Error(`not a dimension: ${dimension}`);
  return `"${dimension}"`;
}

function anyOf(parts: string[]): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

export function filterSql(f: Filter, p: SqlParams): string {
  const col = column(f.dimension);
  const list = () => f.values.map((v) => p.bind(v)).join(', ');
  switch (f.op) {
    case 'eq':
    case 'in':
      return `${col} IN (${list()})`;
    case 'neq':
    case 'not_in':
      return `${col} NOT IN (${list()})`;
    case 'contains':
      return anyOf(f.values.map((v) => `contains(${col}, ${p.bind(v)})`));
    case 'not_contains':
      return `NOT ${anyOf(f.values.map((v) => `contains(${col}, ${p.bind(v)})`))}`;
    case 'regex':
      return anyOf(f.values.map((v) => `regexp_full_match(${col}, ${p.bind(v)})`));
    case 'not_regex':
      return `NOT ${anyOf(f.values.map((v) => `regexp_full_match(${col}, ${p.bind(v)})`))}`;
  }
}

const summed = (source: Source) => source === 'counts' || source === 'totals';

/** Event types as their one-byte codes on the events table (the code is an integer from KIND, not user text). */
function typeSql(type: string, p: SqlParams, source: Source): string {
  return source === 'events' ? `kind = ${kindOf(type)}` : `type = ${p.bind(type)}`;
}

function conditionSql(where: RowCondition, filters: Filter[], p: SqlParams, source: Source): string[] {
  const parts: string[] = [];
  if (where.type && source === 'visitors') parts.push('ordered');
  else if (where.type) parts.push(typeSql(where.type, p, source));
  if (where.status) parts.push(`status = ${p.bind(where.status)}`);
  if (where.zeroResults) parts.push(summed(source) ? 'zero' : 'results = 0');
  if (where.firstOrder) parts.push('first_order');
  for (const f of filters) parts.push(filterSql(f, p));
  return parts;
}

function aggregateSql(a: Aggregate, filters: Filter[], p: SqlParams, source: Source): string {
  const conds = conditionSql(a.where, filters, p, source);
  const filter = conds.length ? ` FILTER (WHERE ${conds.join(' AND ')})` : '';
  switch (a.op) {
    case 'count':
      return summed(source) ? `coalesce(sum(n)${filter}, 0)` : `count(*)${filter}`;
    case 'sum':
      return `sum(amount)${filter}`;
    case 'distinct':
      return `count(DISTINCT ${a.column === 'visitor' ? 'vid' : 'session_id'})${filter}`;
    case 'quantile':
      return `quantile_cont(${a.column === 'tti_ms' ? 'tti_ms' : 'load_ms'}, ${Number(a.q)})${filter}`;
  }
}

/** A value per offset segment of the range, chosen by ts (the offset, or where the segment starts). */
function segmentCase(segments: OffsetSegment[], value: (s: SegmentSpan) => number, p: SqlParams): string {
  const spans = segmentSpans(segments);
  if (spans.length === 1) return p.bind(value(spans[0]!));
  const arms = spans.slice(0, -1).map((s) => `WHEN ts < ${p.bind(s.until)} THEN ${p.bind(value(s))}`);
  return `(CASE ${arms.join(' ')} ELSE ${p.bind(value(spans[spans.length - 1]!))} END)`;
}

/** The SQL twin of kpi/time bucketKey. */
export function bucketSql(interval: Interval, segments: OffsetSegment[], p: SqlParams): string {
  const off = segmentCase(segments, (s) => s.offset, p);
  const local = `(ts + ${off})`;
  switch (interval.kind) {
    case 'fixed': {
      const ms = p.bind(interval.ms);
      const floor = `(${local} // ${ms} * ${ms})`;
      if (segments.length === 1) return `(${floor} - ${off})`;
      // As kpi/time bucketKey: a bucket that began before the last transition began in the offset before it.
      const start = segmentCase(segments, (s) => (Number.isFinite(s.start) ? s.start : 0), p);
      const previous = segmentCase(segments, (s) => s.previous, p);
      return `(CASE WHEN ${floor} - ${off} < ${start} THEN ${floor} - ${previous} ELSE ${floor} - ${off} END)`;
    }
    case 'days':
      return `(${local} // ${DAY} // ${interval.days} * ${interval.days * DAY})`;
    case 'weeks':
      return `((${local} // ${DAY} - 4) // ${7 * interval.weeks} * ${7 * interval.weeks} + 4) * ${DAY}`;
    case 'months': {
      const month = `(year(make_timestamp(${local} * 1000)) * 12 + month(make_timestamp(${local} * 1000)) - 1) // ${interval.months} * ${interval.months}`;
      return `epoch_ms(make_timestamp(CAST((${month}) // 12 AS BIGINT), CAST((${month}) % 12 + 1 AS BIGINT), 1, 0, 0, 0))`;
    }
  }
}

function rangeSql(from: number, to: number, filters: Filter[], p: SqlParams): string[] {
  return [`ts >= ${p.bind(from)}`, `ts < ${p.bind(to)}`, ...filters.map((f) => filterSql(f, p))];
}

const COUNT_COLUMNS = 'type, channel, device, platform, region, category, status, method';
const TOTAL_COLUMNS = 'type, status';
const VISITOR_COLUMNS = 'vid, channel, device, platform, region';

/**
 * The parts of [from, to) a rollup answers (its full slots) and the partial slots at the edges,
 * which come from the events. Each edge is its own simple range so the scan skips row groups by
 * their ts min/max; an empty edge is left out.
 */
function splitRange(from: number, to: number): { slots: [number, number] | null; edges: Array<[number, number]> } {
  const { s0, s1 } = fullSlots(from, to);
  const slots: [number, number] | null = s1 > s0 ? [s0, s1] : null;
  const edges = (slots ? [[from, s0], [s1, to]] : [[from, to]]).filter(([a, b]) => b! > a!) as Array<[number, number]>;
  // An empty range still needs one (empty) part for the query to have a FROM.
  return { slots, edges: slots || edges.length ? edges : [[from, to]] };
}

function unionSql(rollup: (slots: string) => string, edge: (range: string) => string, from: number, to: number, p: SqlParams): string {
  const { slots, edges } = splitRange(from, to);
  const parts: string[] = [];
  if (slots) parts.push(rollup(`slot >= ${p.bind(slots[0])} AND slot < ${p.bind(slots[1])}`));
  for (const [a, b] of edges) parts.push(edge(`ts >= ${p.bind(a)} AND ts < ${p.bind(b)}`));
  return parts.join(' UNION ALL ');
}

/** Rollup rows for the full slots of the range plus raw events for the partial slots at its edges. */
/** A count rollup (slot_counts or slot_totals) for the full slots, the events with the same columns at the edges. */
function countSource(table: string, columns: string, plan: AggregatePlan, p: SqlParams): string {
  return `(${unionSql(
    (slots) => `SELECT slot AS ts, ${columns}, zero, first_order, n, amount FROM ${table} WHERE ${slots}`,
    (range) => `SELECT ts, ${columns}, coalesce(results = 0, false) AS zero, first_order, 1 AS n, amount FROM events WHERE ${range}`,
    plan.from,
    plan.to,
    p,
  )}) AS src`;
}

function sourceSql(plan: AggregatePlan, p: SqlParams): string {
  const source = plan.source ?? 'events';
  switch (source) {
    case 'events':
    case 'timings':
      return 'events';
    case 'counts':
      return countSource('slot_counts', COUNT_COLUMNS, plan, p);
    case 'totals':
      return countSource('slot_totals', TOTAL_COLUMNS, plan, p);
    case 'visitors':
      return `(${unionSql(
        (slots) => `SELECT slot AS ts, ${VISITOR_COLUMNS}, ordered FROM slot_visitors WHERE ${slots}`,
        (range) => `SELECT ts, ${VISITOR_COLUMNS}, kind = ${KIND.order} AS ordered FROM events WHERE ${range}`,
        plan.from,
        plan.to,
        p,
      )}) AS src`;
  }
}

/**
 * A whole-range percentile from the value histograms (slot_timings) plus the raw values of the
 * edge slots, with quantile_cont's interpolation: position (n - 1) * q between the values at
 * the closest ranks. Exact, because the histograms keep every distinct value with its count.
 */
function timingQuery(plan: AggregatePlan): { sql: string; params: SqlParams } {
  const p = new SqlParams();
  const a = plan.terms[0]?.aggregate;
  if (plan.terms.length !== 1 || a?.op !== 'quantile' || plan.bucket || plan.groupBy.length || plan.filters.length || plan.terms[0]!.filters.length) {
    throw new Error('slot_timings answers one ungrouped, unfiltered whole-range percentile');
  }
  const col = a.column === 'tti_ms' ? 'tti_ms' : 'load_ms';
  const values = unionSql(
    (slots) => `SELECT value, n FROM slot_timings WHERE field = ${TIMING_FIELD[col]} AND ${slots}`,
    (range) => `SELECT ${col} AS value, 1 AS n FROM events WHERE ${range} AND kind = ${KIND.page_view} AND ${col} IS NOT NULL`,
    plan.from,
    plan.to,
    p,
  );
  const q = p.bind(Number(a.q));
  const sql = `WITH h AS (SELECT value AS v, sum(n) AS n FROM (${values}) GROUP BY value),
    c AS (SELECT v, sum(n) OVER (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - n AS r0, CAST(sum(n) OVER () - 1 AS DOUBLE) * CAST(${q} AS DOUBLE) AS rn FROM h),
    m AS (SELECT any_value(rn) AS rn, max(v) FILTER (WHERE r0 <= floor(rn)) AS lo, max(v) FILTER (WHERE r0 <= ceil(rn)) AS hi FROM c)
    SELECT NULL AS b, CASE WHEN floor(rn) = ceil(rn) THEN lo ELSE lo + (hi - lo) * (rn - floor(rn)) END AS v0 FROM m`;
  return { sql, params: p };
}

export function aggregateQuery(plan: AggregatePlan): { sql: string; params: SqlParams } {
  if (plan.source === 'timings') return timingQuery(plan);
  const p = new SqlParams();
  const source = plan.source ?? 'events';
  const from = sourceSql(plan, p);
  const groupCols = plan.groupBy.map(column);
  const select: string[] = [];
  if (plan.bucket) select.push(`${bucketSql(plan.bucket.interval, plan.bucket.segments, p)} AS b`);
  else select.push('NULL AS b');
  select.push(...groupCols.map((c, i) => `${c} AS g${i}`));
  select.push(...plan.terms.map((t, i) => `${aggregateSql(t.aggregate, t.filters, p, source)} AS v${i}`));
  const where = rangeSql(plan.from, plan.to, plan.filters, p);
  const types = plan.terms.map((t) => t.aggregate.where.type);
  if (source !== 'visitors' && types.length > 0 && types.every(Boolean)) {
    const distinct = [...new Set(types as string[])];
    where.push(source === 'events' ? `kind IN (${distinct.map(kindOf).join(', ')})` : `type IN (${distinct.map((t) => p.bind(t)).join(', ')})`);
  }
  const gAliases = groupCols.map((_, i) => `g${i}`);
  const keys = plan.bucket ? ['b', ...gAliases] : gAliases;
  const groupBy = keys.length ? `GROUP BY ${keys.join(', ')}` : '';
  if (plan.terms.length > 1 && visitorsOnly(plan)) {
    // Each visitor once per group first (one hash table on integers), then plain counts: faster
    // than one count(DISTINCT) per term (conversion_rate has two), and the same numbers.
    const flags = plan.terms.map((t, i) => (t.aggregate.where.type ? `, bool_or(${conditionSql(t.aggregate.where, [], p, source).join(' AND ')}) AS o${i}` : ''));
    const counts = plan.terms.map((t, i) => (t.aggregate.where.type ? `count(*) FILTER (WHERE o${i}) AS v${i}` : `count(*) AS v${i}`));
    const inner = `SELECT ${select.slice(0, 1 + groupCols.length).join(', ')}, vid${flags.join('')} FROM ${from} WHERE ${where.join(' AND ')} GROUP BY ${[...keys, 'vid'].join(', ')}`;
    return { sql: `SELECT ${plan.bucket ? 'b' : 'NULL AS b'}${gAliases.map((g) => `, ${g}`).join('')}, ${counts.join(', ')} FROM (${inner}) AS per_visitor ${groupBy}`, params: p };
  }
  const sql = `SELECT ${select.join(', ')} FROM ${from} WHERE ${where.join(' AND ')} ${groupBy}`;
  return { sql, params: p };
}

/** Only distinct visitors, of all events or of one type (visitors, conversion_rate's parts). */
function visitorsOnly(plan: AggregatePlan): boolean {
  return plan.terms.every((t) => {
    const a = t.aggregate;
    return a.op === 'distinct' && a.column === 'visitor' && t.filters.length === 0 && !a.where.status && !a.where.zeroResults && !a.where.firstOrder;
  });
}

const STEP_TYPES: Record<string, string> = { visit: 'page_view', payment_succeeded: 'payment' };

export function stepCondition(step: string): string {
  const kind = `kind = ${kindOf(STEP_TYPES[step] ?? step)}`;
  return step === 'payment_succeeded' ? `${kind} AND status = 'succeeded'` : kind;
}

/**
 * Ordered funnel: each step takes the earliest matching event at or after the previous step's
 * time and within the window of the visitor's first step (greedy earliest match is optimal).
 * Visitors are their integer ids and steps their type codes, so the scan and the joins compare
 * integers only. When the first step is a visit and the filters and groups are dimensions of
 * slot_visitors, each visitor's first visit comes from slot_visitors.first_visit (plus the raw
 * page views of the edge slots) and the raw scan reads only the later steps' events.
 */
export function funnelQuery(plan: FunnelPlan, opts: { rollups?: boolean } = {}): { sql: string; params: SqlParams } {
  const p = new SqlParams();
  const groupCols = plan.groupBy.map(column);
  const gSelect = groupCols.map((c, i) => `, ${c} AS g${i}`).join('');
  const dims = [...plan.filters.map((f) => f.dimension), ...plan.groupBy];
  const visitFirst = STEP_TYPES[plan.steps[0]!] === 'page_view' || plan.steps[0] === 'page_view';
  const fromRollup = opts.rollups !== false && visitFirst && dims.every((d) => (VISITOR_DIMENSIONS as readonly string[]).includes(d));
  const filtersSql = () => plan.filters.map((f) => ` AND ${filterSql(f, p)}`).join('');
  const stepCase = plan.steps.map((s, i) => `WHEN ${stepCondition(s)} THEN ${i + 1}`).join(' ');
  // Only the event types of the steps take part: the other rows never reach the joins. With the
  // first visits from the rollup, page views are step 1 whatever comes later (the first matching
  // step wins), so they stay out of the scan.
  const kinds = [...new Set(plan.steps.map((s) => kindOf(STEP_TYPES[s] ?? s)))].filter((k) => !(fromRollup && k === KIND.page_view));
  const eWhere = [...rangeSql(plan.from, plan.to, plan.filters, p), `kind IN (${kinds.length ? kinds.join(', ') : 0})`];
  const ctes = [`e AS (SELECT vid, ts, CASE ${stepCase} ELSE 0 END AS step${gSelect} FROM events WHERE ${eWhere.join(' AND ')})`];
  const firstOf = (src: string) => `s1 AS (SELECT vid, min(ts) AS t, min(ts) AS t0${groupCols.map((_, i) => `, arg_min(g${i}, ts) AS g${i}`).join('')} FROM ${src} GROUP BY vid)`;
  if (fromRollup) {
    const visits = unionSql(
      (slots) => `SELECT vid, first_visit AS ts${gSelect} FROM slot_visitors WHERE ${slots} AND first_visit IS NOT NULL${filtersSql()}`,
      (range) => `SELECT vid, ts${gSelect} FROM events WHERE ${range} AND kind = ${KIND.page_view}${filtersSql()}`,
      plan.from,
      plan.to,
      p,
    );
    ctes.push(firstOf(`(${visits}) AS v`));
  } else {
    ctes.push(firstOf('e WHERE step = 1'));
  }
  const window = p.bind(plan.windowMs);
  for (let k = 2; k <= plan.steps.length; k++) {
    ctes.push(
      `s${k} AS (SELECT prev.vid, min(e.ts) AS t, any_value(prev.t0) AS t0${groupCols.map((_, i) => `, any_value(prev.g${i}) AS g${i}`).join('')} ` +
        `FROM s${k - 1} prev JOIN e ON e.vid = prev.vid AND e.step = ${k} AND e.ts >= prev.t AND e.ts <= prev.t0 + ${window} GROUP BY prev.vid)`,
    );
  }
  const gAliases = groupCols.map((_, i) => `g${i}`);
  const unions = plan.steps
    .map((_, i) => `SELECT ${i + 1} AS k${gAliases.map((g) => `, ${g}`).join('')}, count(*) AS n FROM s${i + 1}${gAliases.length ? ` GROUP BY ${gAliases.join(', ')}` : ''}`)
    .join(' UNION ALL ');
  return { sql: `WITH ${ctes.join(', ')} ${unions}`, params: p };
}

export function valuesQuery(plan: ValuesPlan): { sql: string; params: SqlParams } {
  const p = new SqlParams();
  const col = column(plan.dimension);
  const where = [...rangeSql(plan.from, plan.to, [], p), `${col} <> ''`];
  if (plan.q) where.push(`contains(lower(${col}), ${p.bind(plan.q.toLowerCase())})`);
  return {
    sql: `SELECT ${col} AS value, count(*) AS n FROM events WHERE ${where.join(' AND ')} GROUP BY 1 ORDER BY n DESC, value LIMIT ${p.bind(plan.limit)}`,
    params: p,
  };
}
