import type { AggregateTerm, Filter } from '../../kpi/query';
import { MINUTE, type Interval, type OffsetSegment } from '../../kpi/time';

/**
 * Rollups in 15-minute slots kept current at ingest (same transaction as the events):
 * - `slot_counts`: counts and money sums per slot and per combination of a few dimensions;
 * - `slot_totals`: the same counts and sums without dimensions (a few rows per slot), for the
 *   queries that neither filter nor group;
 * - `slot_visitors`: the visitors (integer ids) seen per slot and combination, with whether they ordered;
 * - `slot_timings`: per slot, how many page_views had each exact tti_ms / load_ms value, for
 *   whole-range percentiles without dimensions.
 * A query uses them when everything it asks can be answered from them; the partial slots at the
 * edges of the range always come from the events, so answers equal the raw-event answer.
 * 15 minutes keeps 7-day charts (15m buckets) and half- and quarter-hour time zones on them.
 */

export const SLOT = 15 * MINUTE;

export type Source = 'events' | 'counts' | 'totals' | 'visitors' | 'timings';

export const COUNT_DIMENSIONS = ['channel', 'device', 'platform', 'region', 'category', 'status', 'method'] as const;
export const VISITOR_DIMENSIONS = ['channel', 'device', 'platform', 'region'] as const;

const within = (dims: readonly string[], names: string[]) => names.every((n) => dims.includes(n));

/** Buckets line up with slots: intervals and offsets in whole slots, transitions on a slot edge. */
export function slotAligned(bucket: { interval: Interval; segments: OffsetSegment[] } | null): boolean {
  if (!bucket) return true;
  if (bucket.interval.kind === 'fixed' && bucket.interval.ms % SLOT !== 0) return false;
  return bucket.segments.every((s) => s.offset % SLOT === 0 && (!Number.isFinite(s.until) || s.until % SLOT === 0));
}

/**
 * The cheapest source that answers a term exactly. `bucketed` is false for a whole-range total
 * (the only shape the percentile histograms answer: a percentile per bucket reads the events).
 */
export function sourceFor(term: AggregateTerm, filters: Filter[], groupBy: string[], aligned: boolean, bucketed = true): Source {
  if (!aligned) return 'events';
  const dims = [...filters, ...term.filters].map((f) => f.dimension).concat(groupBy);
  const a = term.aggregate;
  if ((a.op === 'count' || a.op === 'sum') && dims.length === 0) return 'totals';
  if ((a.op === 'count' || a.op === 'sum') && within(COUNT_DIMENSIONS, dims)) {
    return 'counts';
  }
  if (a.op === 'quantile' && !bucketed && dims.length === 0 && a.where.type === 'page_view' && !a.where.status && !a.where.zeroResults && !a.where.firstOrder) {
    return 'timings';
  }
  if (a.op === 'distinct' && a.column === 'visitor' && (a.where.type === undefined || a.where.type === 'order') && !a.where.status && within(VISITOR_DIMENSIONS, dims)) {
    return 'visitors';
  }
  return 'events';
}

/** Slots fully inside [from, to): [s0, s1). Events outside it are read raw. */
export function fullSlots(from: number, to: number): { s0: number; s1: number } {
  const s0 = Math.ceil(from / SLOT) * SLOT;
  const s1 = Math.floor(to / SLOT) * SLOT;
  return s1 > s0 ? { s0, s1 } : { s0: to, s1: to };
}
