import { tzOffset, type Interval } from '../../../src/kpi/time';
import { FUNNEL_STEPS, previousOffset } from '../kpis';
import type { RangeCtx } from '../types';

/**
 * ClickHouse (written for Debian's 18.16, which lacks DateTime64, toStartOfInterval, window
 * functions and query parameters; the SQL also runs on current releases): schema and the overview
 * KPIs. Every query returns (g, b, v0[, v1]) like the PostgreSQL twin; totals over the whole
 * range come from WITH TOTALS (one scan), the funnel returns one row of step counts.
 */

/**
 * `ts` keeps the epoch milliseconds as sent (DateTime is whole seconds in 18.16 and the funnel
 * needs the order of events inside a second). Daily partitions let a range query skip whole days;
 * ORDER BY (type, ts) makes every per-type KPI read only its type's granules of the range.
 */
export const SCHEMA = `
CREATE TABLE events (
  ts UInt64,
  event_id String,
  type String,
  visitor_id String,
  session_id String,
  user_id String,
  channel String,
  device String,
  platform String,
  region String,
  page_type String,
  category String,
  product_id String,
  url String,
  referrer String,
  tti_ms Float64,
  load_ms Float64,
  position UInt32,
  quantity UInt32,
  amount Float64,
  currency String,
  query String,
  results UInt32,
  order_id String,
  status String,
  method String,
  failure_reason String,
  seller_id String
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(toDateTime(intDiv(ts, 1000), 'Asia/Seoul'))
ORDER BY (type, ts)`;

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Bucket start in epoch ms, aligned in the query time zone. */
export function bucket(interval: Interval, tz: string, at: number, col = 'ts'): string {
  const dt = `toDateTime(intDiv(${col}, 1000))`;
  const ms = (dateTime: string) => `toUInt64(toUInt32(${dateTime})) * 1000`;
  const z = quote(tz);
  if (interval.kind === 'fixed') {
    // Whole-minute alignment is the same in every whole-hour zone; the hour needs the zone.
    if (interval.ms === 60_000) return ms(`toStartOfMinute(${dt})`);
    if (interval.ms === 300_000) return ms(`toStartOfFiveMinute(${dt})`);
    if (interval.ms === 900_000) return ms(`toStartOfFifteenMinutes(${dt})`);
    if (interval.ms === 3_600_000) return ms(`toStartOfHour(${dt}, ${z})`);
    // 18.16 has no toStartOfInterval: local-clock arithmetic with the zone's offset (no DST in the range).
    const off = tzOffset(tz, at);
    return `(intDiv(${col} + ${off}, ${interval.ms}) * ${interval.ms} - ${off})`;
  }
  if (interval.kind === 'days' && interval.days === 1) return ms(`toStartOfDay(${dt}, ${z})`);
  throw new Error(`no ClickHouse bucket for ${interval.text}`);
}

/** The first order event of each order_id (over all time) whose time falls in [from, to). */
function firstOrders(from: number, to: number): string {
  return `(SELECT min(ts) AS t, argMin(amount, ts) AS amt, argMin(channel, ts) AS ch, argMin(category, ts) AS cat
    FROM events WHERE type = 'order' GROUP BY order_id HAVING t >= ${from} AND t < ${to})`;
}

const STEP_SQL: Record<string, string> = {
  visit: "type = 'page_view'",
  payment_succeeded: "type = 'payment' AND status = 'succeeded'",
};
const STEP_TYPE: Record<string, string> = { visit: 'page_view', payment_succeeded: 'payment' };

function stepEvents(range: RangeCtx): string {
  const types = [...new Set(FUNNEL_STEPS.map((s) => STEP_TYPE[s] ?? s))].map(quote).join(', ');
  const arms = FUNNEL_STEPS.map((s, i) => `${STEP_SQL[s] ?? `type = ${quote(s)}`}, ${i + 1}`).join(', ');
  return `SELECT visitor_id, ts, multiIf(${arms}, 0) AS step FROM events
    WHERE type IN (${types}) AND ts >= ${range.from} AND ts < ${range.to}`;
}

/**
 * The catalog's ordered funnel, exactly: per visitor the step times t1..tn found greedily in the
 * visitor's events (t1 = first step-1 time, t_k = earliest step-k event at or after t_{k-1} and
 * within the window of t1), with array functions (18.16 has no arrayFold or window functions).
 */
function funnelExact(range: RangeCtx): string {
  const window = range.to - range.from;
  const ts: string[] = ['arrayReduce(\'min\', arrayFilter((x, s) -> s = 1, tss, sts)) AS t1'];
  for (let k = 2; k <= FUNNEL_STEPS.length; k++) {
    ts.push(`if(t${k - 1} = 0, toUInt64(0), arrayReduce('min', arrayFilter((x, s) -> s = ${k} AND x >= t${k - 1} AND x <= t1 + ${window}, tss, sts))) AS t${k}`);
  }
  const counts = FUNNEL_STEPS.map((_, i) => `countIf(t${i + 1} > 0)`).join(', ');
  return `SELECT '' AS g, 0 AS b, ${counts} FROM (
    SELECT groupArray(ts) AS tss, groupArray(step) AS sts, ${ts.join(',\n      ')}
    FROM (${stepEvents(range)}) GROUP BY visitor_id)`;
}

/**
 * The same funnel with ClickHouse's windowFunnel: the idiomatic way, but not the same definition
 * (see bench/compare.md). windowFunnel takes UInt32 or DateTime timestamps in 18.16 and keeps them
 * in an Int32 internally (times past 2^31 are lost), so times are counted from the range start in
 * the finest unit (1, 10, 100 ms ...) that keeps the range under 2^31.
 */
export function funnelWindowFunnel(range: RangeCtx): string {
  const span = range.to - range.from;
  const unit = windowFunnelUnit(range);
  const conds = FUNNEL_STEPS.map((_, i) => `step = ${i + 1}`).join(', ');
  const counts = FUNNEL_STEPS.map((_, i) => `countIf(level >= ${i + 1})`).join(', ');
  return `SELECT '' AS g, 0 AS b, ${counts} FROM (
    SELECT windowFunnel(${Math.ceil(span / unit)})(toUInt32(intDiv(ts - ${range.from}, ${unit})), ${conds}) AS level
    FROM (${stepEvents(range)}) GROUP BY visitor_id)`;
}

/** The time unit windowFunnel works in for a range (see funnelWindowFunnel). */
export function windowFunnelUnit(range: RangeCtx): number {
  let unit = 1;
  while ((range.to - range.from) / unit >= 2 ** 31) unit *= 10;
  return unit;
}

/** percentile_cont (linear interpolation between closest ranks) over a sorted array. */
function percentileCont(column: string, q: number): { with: string; value: string } {
  return {
    with: `arraySort(groupArray(${column})) AS s_, length(s_) AS n_, (n_ - 1) * ${q} AS pos_, toUInt64(floor(pos_)) + 1 AS lo_, toUInt64(ceil(pos_)) + 1 AS hi_`,
    value: `if(n_ = 0, nan, s_[lo_] + (s_[hi_] - s_[lo_]) * (pos_ - floor(pos_)))`,
  };
}

/** The SQL of one overview query over one range. */
export function kpiSql(name: string, range: RangeCtx): string {
  const inRange = `ts >= ${range.from} AND ts < ${range.to}`;
  const B = bucket(range.interval, range.tz, range.from);
  const Bt = bucket(range.interval, range.tz, range.from, 't');
  switch (name) {
    case 'page views':
      return `SELECT '' AS g, ${B} AS b, count() FROM events WHERE type = 'page_view' AND ${inRange} GROUP BY b`;
    case 'unique visitors':
      return `SELECT '' AS g, ${B} AS b, uniqExact(visitor_id) FROM events WHERE ${inRange} GROUP BY b WITH TOTALS`;
    case 'visitors total':
      return `SELECT '' AS g, 0 AS b, uniqExact(visitor_id) FROM events WHERE ${inRange}`;
    case 'orders vs previous period': {
      const from = range.from - previousOffset(range);
      return `SELECT if(t >= ${range.from}, '', 'prev') AS g, ${Bt} AS b, count() FROM ${firstOrders(from, range.to)} GROUP BY g, b`;
    }
    case 'GMV':
      return `SELECT '' AS g, ${Bt} AS b, sum(amt) FROM ${firstOrders(range.from, range.to)} GROUP BY b`;
    case 'AOV':
      return `SELECT '' AS g, 0 AS b, sum(amt), count() FROM ${firstOrders(range.from, range.to)}`;
    case 'conversion rate':
      return `SELECT '' AS g, ${B} AS b, uniqExactIf(visitor_id, type = 'order'), uniqExact(visitor_id) FROM events WHERE ${inRange} GROUP BY b WITH TOTALS`;
    case 'payment failure rate':
      return `SELECT '' AS g, ${B} AS b, countIf(status = 'failed'), count() FROM events WHERE type = 'payment' AND ${inRange} GROUP BY b`;
    case 'zero-result rate':
      return `SELECT '' AS g, ${B} AS b, countIf(results = 0), count() FROM events WHERE type = 'search' AND ${inRange} GROUP BY b`;
    case 'orders by channel':
      return `SELECT ch AS g, ${Bt} AS b, count() FROM ${firstOrders(range.from, range.to)} GROUP BY g, b`;
    case 'top categories by GMV':
      return `SELECT cat AS g, 0 AS b, sum(amt) AS gmv FROM ${firstOrders(range.from, range.to)} GROUP BY g ORDER BY gmv DESC, g LIMIT 10`;
    case 'TTI p75': {
      const p = percentileCont('tti_ms', 0.75);
      return `WITH ${p.with} SELECT '' AS g, ${B} AS b, ${p.value} FROM events WHERE type = 'page_view' AND ${inRange} GROUP BY b WITH TOTALS`;
    }
    case 'funnel':
      return funnelExact(range);
    default:
      throw new Error(`no ClickHouse SQL for ${name}`);
  }
}
