import { HOUR, offsetSegments, type Interval } from '../../../src/kpi/time';
import { FUNNEL_STEPS, previousOffset } from '../kpis';
import type { RangeCtx } from '../types';

/**
 * PostgreSQL 15: schema, indexes and the overview KPIs as plain SQL with the catalog's exact
 * semantics (DESIGN.md "Metrics"). Every query returns rows (g, b, v0[, v1]): group label, bucket
 * start in epoch ms (NULL = total over the whole range), raw term values.
 * Values are inlined literals (times as ISO 8601, the interval from a fixed list): nothing here
 * comes from a user.
 */

/** Typed columns like shopmon's store: dimensions NOT NULL with '' for "absent". */
export const SCHEMA = `
CREATE TABLE events (
  ts timestamptz NOT NULL,
  tti_ms double precision,
  load_ms double precision,
  amount double precision,
  position integer,
  quantity integer,
  results integer,
  event_id text NOT NULL,
  type text NOT NULL,
  visitor_id text NOT NULL,
  session_id text,
  user_id text,
  channel text NOT NULL DEFAULT '',
  device text NOT NULL DEFAULT '',
  platform text NOT NULL DEFAULT '',
  region text NOT NULL DEFAULT '',
  page_type text NOT NULL DEFAULT '',
  category text NOT NULL DEFAULT '',
  product_id text NOT NULL DEFAULT '',
  url text,
  referrer text,
  currency text,
  query text,
  order_id text,
  status text NOT NULL DEFAULT '',
  method text NOT NULL DEFAULT '',
  failure_reason text NOT NULL DEFAULT '',
  seller_id text NOT NULL DEFAULT '',
  props jsonb
)`;

export const COPY_COLUMNS = [
  'ts', 'tti_ms', 'load_ms', 'amount', 'position', 'quantity', 'results', 'event_id', 'type', 'visitor_id', 'session_id',
  'user_id', 'channel', 'device', 'platform', 'region', 'page_type', 'category', 'product_id', 'url', 'referrer',
  'currency', 'query', 'order_id', 'status', 'method', 'failure_reason', 'seller_id', 'props',
] as const;

/**
 * Indexes, each for a reason:
 * - primary key on event_id: the idempotency key an ingest path needs (INSERT ... ON CONFLICT DO NOTHING);
 * - BRIN on ts: range scans over all event types (visitors, conversion) read only the range's pages
 *   (the table is in time order, as live ingest leaves it);
 * - btree (type, ts) INCLUDE (visitor_id, status, results, tti_ms): every per-type KPI (page
 *   views, payments, searches, page_view TTI, the funnel's steps) becomes an index-only scan of its
 *   type and range, never touching the wide heap rows;
 * - partial btree (order_id, ts) WHERE type = 'order': "first order event of its order_id" is an
 *   anti-join probe per order;
 * - btree (ts) INCLUDE (visitor_id, type): distinct visitors and conversion over a range as an
 *   index-only scan (the heap rows are about 10x wider).
 */
export const INDEXES = [
  'ALTER TABLE events ADD PRIMARY KEY (event_id)',
  'CREATE INDEX events_ts_brin ON events USING brin (ts)',
  'CREATE INDEX events_type_ts ON events (type, ts) INCLUDE (visitor_id, status, results, tti_ms)',
  "CREATE INDEX events_orders ON events (order_id, ts) INCLUDE (event_id) WHERE type = 'order'",
  'CREATE INDEX events_ts_visitor ON events (ts) INCLUDE (visitor_id, type)',
];

const lit = (ms: number) => `'${new Date(ms).toISOString()}'::timestamptz`;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The bucket start (timestamptz) of `col` in the query time zone. A fixed interval that divides
 * the zone's UTC offset over the whole range (Asia/Seoul is UTC+9 all year: any bucket dividing
 * an hour) aligns the same in UTC, so date_bin runs on the timestamptz directly: the same buckets
 * without a time zone conversion per row (which costs about a third of a scan's time).
 * Otherwise the local wall clock: date_bin / date_trunc on ts AT TIME ZONE.
 */
export function bucket(interval: Interval, tz: string, range: { from: number; to: number }, col = 'ts'): string {
  const z = quote(tz);
  switch (interval.kind) {
    case 'fixed': {
      const segments = offsetSegments(tz, range.from, range.to);
      if (segments.every((s) => s.offset % interval.ms === 0) && HOUR % interval.ms === 0) {
        return `date_bin(interval '${interval.ms} milliseconds', ${col}, timestamptz '2000-01-01 00:00:00+00')`;
      }
      return `(date_bin(interval '${interval.ms} milliseconds', ${col} AT TIME ZONE ${z}, timestamp '2000-01-01') AT TIME ZONE ${z})`;
    }
    case 'days':
      return interval.days === 1
        ? `date_trunc('day', ${col}, ${z})`
        : `(date_bin(interval '${interval.days} days', ${col} AT TIME ZONE ${z}, timestamp '1970-01-01') AT TIME ZONE ${z})`;
    case 'weeks':
      if (interval.weeks !== 1) throw new Error('only 1w buckets');
      return `date_trunc('week', ${col}, ${z})`;
    case 'months':
      if (interval.months !== 1) throw new Error('only 1M buckets');
      return `date_trunc('month', ${col}, ${z})`;
  }
}

const epochMs = (expr: string) => `(extract(epoch FROM ${expr}) * 1000)::bigint`;

/** Order events that are the first of their order_id (over all time), inside [from, to). */
function firstOrders(from: number, to: number): string {
  return `SELECT o.ts, o.amount, o.channel, o.category FROM events o
    WHERE o.type = 'order' AND o.ts >= ${lit(from)} AND o.ts < ${lit(to)}
      AND NOT EXISTS (SELECT 1 FROM events p WHERE p.type = 'order' AND p.order_id = o.order_id
                      AND p.ts <= o.ts AND (p.ts < o.ts OR p.event_id < o.event_id))`;
}

const STEP_SQL: Record<string, string> = {
  visit: "type = 'page_view'",
  payment_succeeded: "type = 'payment' AND status = 'succeeded'",
};
const STEP_TYPE: Record<string, string> = { visit: 'page_view', payment_succeeded: 'payment' };

/**
 * Ordered funnel as the catalog defines it: per visitor, step 1 at its first time t1, each later
 * step at the earliest matching event at or after the previous step's time and within the window
 * of t1 (the greedy earliest match is optimal). One index scan of the steps' event types, one
 * hash aggregate per visitor collecting each step's times, then the greedy match per visitor over
 * those small arrays. (A chain of self-joins, one per step, gives the same numbers but the planner
 * cannot estimate the rows of the chained steps and picks nested loops: seconds on 200k events.)
 */
function funnel(range: RangeCtx): string {
  const steps = FUNNEL_STEPS;
  const types = [...new Set(steps.map((s) => STEP_TYPE[s] ?? s))].map(quote).join(', ');
  const window = `interval '${range.to - range.from} milliseconds'`;
  const arrays = steps.map((s, i) => `array_agg(ts) FILTER (WHERE ${STEP_SQL[s] ?? `type = ${quote(s)}`}) AS a${i + 1}`).join(',\n      ');
  const laterals = steps.map((_, i) =>
    i === 0
      ? 'CROSS JOIN LATERAL (SELECT min(x) AS t1 FROM unnest(a1) x) l1'
      : `CROSS JOIN LATERAL (SELECT min(x) AS t${i + 1} FROM unnest(a${i + 1}) x WHERE x >= l${i}.t${i} AND x <= l1.t1 + ${window}) l${i + 1}`,
  );
  const counts = steps.map((_, i) => `count(t${i + 1})`).join(', ');
  const values = steps.map((_, i) => `(${i + 1}, c[${i + 1}])`).join(', ');
  return `SELECT '' AS g, k::bigint AS b, n FROM (
    SELECT ARRAY[${counts}] AS c FROM (
      SELECT visitor_id,
      ${arrays}
      FROM events WHERE type IN (${types}) AND ts >= ${lit(range.from)} AND ts < ${lit(range.to)}
      GROUP BY visitor_id) v
    ${laterals.join('\n    ')}) f
  CROSS JOIN LATERAL (VALUES ${values}) AS s(k, n)`;
}

/** The SQL of one overview query over one range. */
export function kpiSql(name: string, range: RangeCtx): string {
  const F = lit(range.from);
  const T = lit(range.to);
  const inRange = `ts >= ${F} AND ts < ${T}`;
  const B = bucket(range.interval, range.tz, range);
  const byBucket = (select: string, from: string) => `SELECT '' AS g, ${epochMs('b')} AS b, ${select} FROM (${from}) x GROUP BY b`;
  switch (name) {
    case 'page views':
      return `SELECT '' AS g, ${epochMs('b')} AS b, n FROM (SELECT ${B} AS b, count(*) AS n FROM events WHERE type = 'page_view' AND ${inRange} GROUP BY 1) x`;
    case 'unique visitors':
      return `${byBucket('count(*)', `SELECT DISTINCT ${B} AS b, visitor_id FROM events WHERE ${inRange}`)}
        UNION ALL SELECT '', NULL, count(*) FROM (SELECT DISTINCT visitor_id FROM events WHERE ${inRange}) y`;
    case 'visitors total':
      return `SELECT '' AS g, NULL::bigint AS b, count(*) FROM (SELECT DISTINCT visitor_id FROM events WHERE ${inRange}) y`;
    case 'orders vs previous period': {
      const from = range.from - previousOffset(range);
      const Bp = bucket(range.interval, range.tz, { from, to: range.to });
      return `SELECT CASE WHEN ts >= ${F} THEN '' ELSE 'prev' END AS g, ${epochMs('b')} AS b, count(*)
        FROM (SELECT ts, ${Bp} AS b FROM (${firstOrders(from, range.to)}) o) x GROUP BY 1, b`;
    }
    case 'GMV':
      return byBucket('sum(amount)', `SELECT ${B} AS b, amount FROM (${firstOrders(range.from, range.to)}) o`);
    case 'AOV':
      return `SELECT '' AS g, NULL::bigint AS b, sum(amount), count(*) FROM (${firstOrders(range.from, range.to)}) o`;
    case 'conversion rate':
      return `SELECT '' AS g, ${epochMs('b')} AS b, count(*) FILTER (WHERE ordered), count(*)
        FROM (SELECT ${B} AS b, visitor_id, bool_or(type = 'order') AS ordered FROM events WHERE ${inRange} GROUP BY 1, 2) x GROUP BY b
        UNION ALL SELECT '', NULL, count(*) FILTER (WHERE ordered), count(*)
        FROM (SELECT visitor_id, bool_or(type = 'order') AS ordered FROM events WHERE ${inRange} GROUP BY 1) y`;
    case 'payment failure rate':
      return byBucket(`count(*) FILTER (WHERE status = 'failed'), count(*)`, `SELECT ${B} AS b, status FROM events WHERE type = 'payment' AND ${inRange}`);
    case 'zero-result rate':
      return byBucket('count(*) FILTER (WHERE results = 0), count(*)', `SELECT ${B} AS b, results FROM events WHERE type = 'search' AND ${inRange}`);
    case 'orders by channel':
      return `SELECT channel AS g, ${epochMs('b')} AS b, count(*) FROM (SELECT ${B} AS b, channel FROM (${firstOrders(range.from, range.to)}) o) x GROUP BY 1, b`;
    case 'top categories by GMV':
      return `SELECT category AS g, NULL::bigint AS b, sum(amount) AS gmv FROM (${firstOrders(range.from, range.to)}) o
        GROUP BY category ORDER BY gmv DESC NULLS LAST, category LIMIT 10`;
    case 'TTI p75':
      return `SELECT '' AS g, ${epochMs('b')} AS b, percentile_cont(0.75) WITHIN GROUP (ORDER BY tti_ms)
        FROM (SELECT ${B} AS b, tti_ms FROM events WHERE type = 'page_view' AND ${inRange}) x GROUP BY GROUPING SETS ((b), ())`;
    case 'funnel':
      return funnel(range);
    default:
      throw new Error(`no PostgreSQL SQL for ${name}`);
  }
}

/** Distinct visitors over the range as a HyperLogLog (postgresql-15-hll): approximate, reported apart. */
export function visitorsHll(range: RangeCtx): string {
  return `SELECT '' AS g, NULL::bigint AS b, round(hll_cardinality(hll_add_agg(hll_hash_text(visitor_id))))::bigint
    FROM events WHERE ts >= ${lit(range.from)} AND ts < ${lit(range.to)}`;
}
