import type { AggregateTerm, Filter } from '../../kpi/query';
import { MINUTE, type Interval, type OffsetSegment } from '../../kpi/time';

/**
 * Rollups in 15-minute slots kept current at ingest (same transaction as the events):
 * - `slot_counts`: counts and money sums per slot and per combination of a few dimensions;
 * - `slot_visitors`: the visitors seen per slot and combination, with whether they ordered.
 * A query uses them when everything it asks can be answered from them; the partial slots at the
 * edges of the range always come from the events, so answers equal the raw-event answer.
 * 15 minutes keeps 7-day charts (15m buckets) and half- and quarter-hour time zones on them.
 */

export const SLOT = 15 * MINUTE;

export type Source = 'events' | 'counts' | 'visitors';

export const COUNT_DIMENSIONS = ['channel', 'device', 'platform', 'region', 'category', 'status', 'method'] as const;
export const VISITOR_DIMENSIONS = ['channel', 'device', 'platform', 'region'] as const;

const within = (dims: readonly string[], names: string[]) => names.every((n) => dims.includes(n));

/** Buckets line up with slots: intervals and offsets in whole slots, transitions on a slot edge. */
export function slotAligned(bucket: { interval: Interval; segments: OffsetSegment[] } | null): boolean {
  if (!bucket) return true;
  if (bucket.interval.kind === 'fixed' && bucket.interval.ms % SLOT !== 0) return false;
  return bucket.segments.every((s) => s.offset % SLOT === 0 && (!Number.isFinite(s.until) || s.until % SLOT === 0));
}

/** The cheapest source that answers a term exactly. */
export function sourceFor(term: AggregateTerm, filters: Filter[], groupBy: string[], aligned: boolean): Source {
  if (!aligned) return 'events';
  const dims = [...filters, ...term.filters].map((f) => f.dimension).concat(groupBy);
  const a = term.aggregate;
  if ((a.op === 'count' || a.op === 'sum') && within(COUNT_DIMENSIONS, dims)) {
    return 'counts';
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
