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

/**
 * Rows of several store queries over the same plan, each answering some of its terms (`index`:
 * their positions in the plan), merged back into one row per bucket and group.
 */
export function mergeParts(termCount: number, parts: Array<{ index: number[]; rows: AggregateRow[] }>): AggregateRow[] {
  const merged = new Map<string, AggregateRow>();
  for (const { index, rows } of parts) {
    for (const row of rows) {
      const id = JSON.stringify([row.bucket, row.groups]);
      let m = merged.get(id);
      if (!m) {
        m = { bucket: row.bucket, groups: row.groups, values: new Array<number | null>(termCount).fill(null) };
        merged.set(id, m);
      }
      index.forEach((termIndex, j) => (m!.values[termIndex] = row.values[j] ?? null));
    }
  }
  return [...merged.values()];
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
