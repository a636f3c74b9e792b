import type { Filter, AggregateTerm } from '../../kpi/query';
import type { Interval, OffsetSegment } from '../../kpi/time';
import type { Source } from './rollups';

/** What the query engine asks a store for: one scan, grouped by bucket and dimensions. */
export interface AggregatePlan {
  from: number;
  to: number;
  filters: Filter[];
  groupBy: string[];
  /** null: totals over the range only. */
  bucket: { interval: Interval; segments: OffsetSegment[] } | null;
  terms: AggregateTerm[];
  /** Which table answers: the events, or a rollup (see rollups.ts); default events. */
  source?: Source;
}

/** `bucket` is a bucket key (see kpi/time bucketKey), or null for a whole-range total row. */
export interface AggregateRow {
  bucket: number | null;
  groups: string[];
  values: Array<number | null>;
}

export interface FunnelPlan {
  steps: string[];
  from: number;
  to: number;
  filters: Filter[];
  groupBy: string[];
  windowMs: number;
}

/** Visitors that reached each step, per group. */
export interface FunnelRow {
  groups: string[];
  visitors: number[];
}

export interface ValuesPlan {
  dimension: string;
  from: number;
  to: number;
  q: string;
  limit: number;
}
