import type { Aggregate, RowCondition } from '../../kpi/catalog';
import { DIMENSION_NAMES } from '../../kpi/catalog';
import type { AggregateTerm, Filter } from '../../kpi/query';
import { DAY, segmentSpans, type Interval, type OffsetSegment, type SegmentSpan } from '../../kpi/time';
import type { AggregatePlan, FunnelPlan, ValuesPlan } from '../query/plan';

/**
 * SQL for the ClickHouse store, in the dialect both Debian's ClickHouse 18.16 and current
 * releases run (no query parameters, no window functions, no toStartOfInterval, no arrayFold).
 * 18.16 has no bound parameters, so every value from a request is written as a literal by
 * `str`/`int`/`float` below, which escape or reject; identifiers come only from allow-lists.
 * The semantics are the DuckDB store's (duckdbSql.ts): the golden suite runs against both.
 */

/** A ClickHouse string literal: backslash, quote and control characters escaped. */
export function str(value: string): string {
  let out = "'";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

export function int(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
  return String(value);
}

export function float(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}

/** A database name as an identifier: letters, digits and underscores only. */
export function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw new Error(`not a plain identifier: ${JSON.stringify(name)}`);
  return name;
}

export function column(dimension: string): string {
  if (!DIMENSION_NAMES.has(dimension)) throw new Error(`not a dimension: ${dimension}`);
  return dimension;
}

function anyOf(parts: string[]): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

/** RE2 in both stores; DuckDB's regexp_full_match is a match of the whole value. */
const fullMatch = (col: string, pattern: string) => `match(${col}, ${str(`^(?:${pattern})$`)})`;

export function filterSql(f: Filter): string {
  const col = column(f.dimension);
  const list = f.values.map(str).join(', ');
  switch (f.op) {
    case 'eq':
    case 'in':
      return `${col} IN (${list})`;
    case 'neq':
    case 'not_in':
      return `${col} NOT IN (${list})`;
    case 'contains':
      return anyOf(f.values.map((v) => `position(${col}, ${str(v)}) > 0`));
    case 'not_contains':
      return `NOT ${anyOf(f.values.map((v) => `position(${col}, ${str(v)}) > 0`))}`;
    case 'regex':
      return anyOf(f.values.map((v) => fullMatch(col, v)));
    case 'not_regex':
      return `NOT ${anyOf(f.values.map((v) => fullMatch(col, v)))}`;
  }
}

function conditionSql(where: RowCondition, filters: Filter[]): string {
  const parts: string[] = [];
  if (where.type) parts.push(`type = ${str(where.type)}`);
  if (where.status) parts.push(`status = ${str(where.status)}`);
  if (where.zeroResults) parts.push('results = 0');
  // First-order terms read the first-order rows (firstOrderSource), where this always holds.
  for (const f of filters) parts.push(filterSql(f));
  return parts.length ? parts.join(' AND ') : '1';
}

/** percentile_cont: linear interpolation between the closest ranks of the sorted values. */
function quantileSql(col: string, q: number, cond: string, i: number): string {
  const s = `s_${i}`;
  const n = `n_${i}`;
  const pos = `p_${i}`;
  const values = `(arraySort(groupArrayIf(${col}, ${cond})) AS ${s})`;
  const lo = `${s}[toUInt64(floor(${pos})) + 1]`;
  const hi = `${s}[toUInt64(ceil(${pos})) + 1]`;
  return `if((length(${values}) AS ${n}) = 0, NULL, ${lo} + (${hi} - ${lo}) * (((${n} - 1) * ${float(q)} AS ${pos}) - floor(${pos})))`;
}

function aggregateSql(a: Aggregate, filters: Filter[], i: number): string {
  const cond = conditionSql(a.where, filters);
  switch (a.op) {
    case 'count':
      return `countIf(${cond})`;
    case 'sum':
      // sumIf answers 0 over no rows; SQL's sum (and the DuckDB store) answers NULL.
      return `if(countIf(${cond} AND amount IS NOT NULL) = 0, NULL, sumIf(amount, ${cond}))`;
    case 'distinct':
      return `uniqExactIf(${a.column === 'visitor' ? 'visitor_id' : 'session_id'}, ${cond})`;
    case 'quantile':
      return quantileSql(a.column === 'tti_ms' ? 'tti_ms' : 'load_ms', a.q, cond, i);
  }
}

/** A value per offset segment of the range, chosen by ts (the offset, or where the segment starts). */
function segmentCase(segments: OffsetSegment[], value: (s: SegmentSpan) => number): string {
  const spans = segmentSpans(segments);
  if (spans.length === 1) return int(value(spans[0]!));
  const arms = spans.slice(0, -1).map((s) => `ts < ${int(s.until)}, ${int(value(s))}`);
  return `multiIf(${arms.join(', ')}, ${int(value(spans[spans.length - 1]!))})`;
}

/** The SQL twin of kpi/time bucketKey (and of duckdbSql's bucketSql). */
export function bucketSql(interval: Interval, segments: OffsetSegment[]): string {
  const off = segmentCase(segments, (s) => s.offset);
  const local = `(ts + ${off})`;
  switch (interval.kind) {
    case 'fixed': {
      const ms = int(interval.ms);
      const floor = `(intDiv(${local}, ${ms}) * ${ms})`;
      if (segments.length === 1) return `(${floor} - ${off})`;
      // As kpi/time bucketKey: a bucket that began before the last transition began in the offset before it.
      const start = segmentCase(segments, (s) => (Number.isFinite(s.start) ? s.start : 0));
      const previous = segmentCase(segments, (s) => s.previous);
      return `if(${floor} - ${off} < ${start}, ${floor} - ${previous}, ${floor} - ${off})`;
    }
    case 'days':
      return `(intDiv(intDiv(${local}, ${DAY}), ${interval.days}) * ${interval.days * DAY})`;
    case 'weeks':
      return `((intDiv(intDiv(${local}, ${DAY}) - 4, ${7 * interval.weeks}) * ${7 * interval.weeks} + 4) * ${DAY})`;
    case 'months': {
      const t = `toDateTime(intDiv(${local}, 1000), 'UTC')`;
      const month = `(intDiv(toYear(${t}) * 12 + toMonth(${t}) - 1, ${interval.months}) * ${interval.months})`;
      return `(toInt64(toDateTime(addMonths(toDate('1970-01-01'), ${month} - ${1970 * 12}), 'UTC')) * 1000)`;
    }
  }
}

const rangeSql = (from: number, to: number, filters: Filter[]) => [`ts >= ${int(from)}`, `ts < ${int(to)}`, ...filters.map(filterSql)];

/** Columns a first-order row can carry: the attributes of the order's earliest order event. */
const FIRST_ORDER_COLUMNS = [...new Set(['amount', 'visitor_id', 'session_id', 'status', 'results', 'tti_ms', 'load_ms', ...DIMENSION_NAMES])];

/** The columns a plan reads from first-order rows (argMin per column is the costly part). */
function firstOrderColumns(plan: AggregatePlan): string[] {
  const used = new Set<string>(['amount', ...plan.groupBy, ...plan.filters.map((f) => f.dimension)]);
  for (const t of plan.terms) {
    for (const f of t.filters) used.add(f.dimension);
    const a = t.aggregate;
    if (a.op === 'distinct') used.add(a.column === 'visitor' ? 'visitor_id' : 'session_id');
    if (a.op === 'quantile') used.add(a.column);
    if (a.where.status) used.add('status');
    if (a.where.zeroResults) used.add('results');
  }
  return FIRST_ORDER_COLUMNS.filter((c) => used.has(c));
}

/**
 * Orders count once, at their earliest order event over all time. ClickHouse computes that at
 * query time (min(ts) per order_id), so no flag has to be kept current across instances and
 * late events: only order_ids with an order event in the range take part, and an order whose
 * earliest event is before `from` drops out in the outer WHERE. (The aliases differ from the
 * column names: ClickHouse aliases are visible in the whole SELECT.)
 */
function firstOrderSource(table: string, plan: AggregatePlan): string {
  const columns = firstOrderColumns(plan);
  const inRange = `SELECT order_id FROM ${table} WHERE type = 'order' AND ts >= ${int(plan.from)} AND ts < ${int(plan.to)} AND order_id IS NOT NULL`;
  const firsts = `SELECT min(ts) AS fo_ts, ${columns.map((c) => `argMin(${c}, ts) AS fo_${c}`).join(', ')} FROM ${table}
    WHERE type = 'order' AND ts < ${int(plan.to)} AND order_id IN (${inRange}) GROUP BY order_id`;
  return `(SELECT fo_ts AS ts, 'order' AS type, ${columns.map((c) => `fo_${c} AS ${c}`).join(', ')} FROM (${firsts}))`;
}

export const needsFirstOrders = (t: AggregateTerm) => t.aggregate.where.firstOrder === true;

/** One scan answering the plan's terms; all of them first-order terms or none (the store splits them). */
export function aggregateQuery(table: string, plan: AggregatePlan): string {
  const firstOrders = plan.terms.length > 0 && plan.terms.every(needsFirstOrders);
  const from = firstOrders ? firstOrderSource(table, plan) : table;
  const groupCols = plan.groupBy.map(column);
  const select = [plan.bucket ? `${bucketSql(plan.bucket.interval, plan.bucket.segments)} AS b` : 'NULL AS b'];
  select.push(...groupCols.map((c, i) => `${c} AS g${i}`));
  select.push(...plan.terms.map((t, i) => `${aggregateSql(t.aggregate, t.filters, i)} AS v${i}`));
  const where = rangeSql(plan.from, plan.to, plan.filters);
  const types = plan.terms.map((t) => t.aggregate.where.type);
  if (!firstOrders && types.length > 0 && types.every(Boolean)) where.push(`type IN (${[...new Set(types)].map((t) => str(t!)).join(', ')})`);
  const keys = [...(plan.bucket ? ['b'] : []), ...groupCols.map((_, i) => `g${i}`)];
  return `SELECT ${select.join(', ')} FROM ${from} WHERE ${where.join(' AND ')}${keys.length ? ` GROUP BY ${keys.join(', ')}` : ''}`;
}

const STEP_CONDITIONS: Record<string, string> = {
  visit: "type = 'page_view'",
  payment_succeeded: "type = 'payment' AND status = 'succeeded'",
};
const STEP_TYPES: Record<string, string> = { visit: 'page_view', payment_succeeded: 'payment' };
const NEVER = '9223372036854775807';

/**
 * The ordered funnel of the DuckDB store, per visitor with arrays: t1 is the earliest step-1
 * time, each next step the earliest matching time at or after the previous one and within the
 * window of t1 (greedy earliest match is optimal); NEVER marks a step not reached.
 */
export function funnelQuery(table: string, plan: FunnelPlan): string {
  const where = rangeSql(plan.from, plan.to, plan.filters);
  where.push(`type IN (${[...new Set(plan.steps.map((s) => STEP_TYPES[s] ?? s))].map(str).join(', ')})`);
  const step = `multiIf(${plan.steps.map((s, i) => `${STEP_CONDITIONS[s] ?? `type = ${str(s)}`}, ${i + 1}`).join(', ')}, 0)`;
  const groupCols = plan.groupBy.map(column);
  const window = int(plan.windowMs);
  const perVisitor = [
    `min(ts) AS t1`,
    ...groupCols.map((c, i) => `argMin(${c}, ts) AS g${i}`),
  ];
  const arrays = plan.steps.slice(1).map((_, j) => `groupArrayIf(ts, step = ${j + 2}) AS a${j + 2}`);
  const inner = `SELECT visitor_id, ${step} AS step, ts${groupCols.map((c) => `, ${c}`).join('')} FROM ${table} WHERE ${where.join(' AND ')}`;
  // t1 and the groups come from step-1 rows only; the arrays from every row of the visitor.
  const firsts = `SELECT visitor_id, ${perVisitor.join(', ')} FROM (${inner}) WHERE step = 1 GROUP BY visitor_id`;
  const rest = `SELECT visitor_id, ${arrays.length ? arrays.join(', ') : '1 AS none'} FROM (${inner}) WHERE step > 1 GROUP BY visitor_id`;
  // One subquery per step: each step's time reads the previous one as a column. (As aliases in
  // one SELECT, 18.16 expands t(k-1) into t(k) twice per step and the query grows as 2^steps.)
  const gAliases = groupCols.map((_, i) => `g${i}`);
  const arrayCols = plan.steps.slice(1).map((_, j) => `a${j + 2}`);
  const source = plan.steps.length > 1 ? `(${firsts}) ALL LEFT JOIN (${rest}) USING visitor_id` : `(${firsts})`;
  let layer = `SELECT ${[...gAliases, 't1', ...arrayCols].join(', ')} FROM ${source}`;
  for (let k = 2; k <= plan.steps.length; k++) {
    const c = `arrayFilter(x -> x >= t${k - 1} AND x <= t1 + ${window}, a${k})`;
    layer = `SELECT *, if(t${k - 1} = ${NEVER}, toInt64(${NEVER}), if(empty(${c}), toInt64(${NEVER}), arrayReduce('min', ${c}))) AS t${k} FROM (${layer})`;
  }
  const reached = plan.steps.map((_, i) => `countIf(t${i + 1} != ${NEVER}) AS n${i + 1}`);
  return `SELECT ${[...gAliases, ...reached].join(', ')} FROM (${layer})${gAliases.length ? ` GROUP BY ${gAliases.join(', ')}` : ''}`;
}

export function valuesQuery(table: string, plan: ValuesPlan): string {
  const col = column(plan.dimension);
  const where = [...rangeSql(plan.from, plan.to, []), `${col} != ''`];
  if (plan.q) where.push(`position(lowerUTF8(${col}), ${str(plan.q.toLowerCase())}) > 0`);
  return `SELECT ${col} AS value, count() AS n FROM ${table} WHERE ${where.join(' AND ')} GROUP BY value ORDER BY n DESC, value LIMIT ${int(plan.limit)}`;
}
