import type { AggregateTerm, Filter } from '../../kpi/query';
import { HOUR, type Interval, type OffsetSegment } from '../../kpi/time';

/**
 * Hourly rollups kept current at ingest (same transaction as the events):
 * - `hourly`: counts and money sums per hour and per combination of a few dimensions;
 * - `visitor_hourly`: the visitors seen per hour and combination, with whether they ordered.
 * A query uses them when everything it asks can be answered from them; the partial hours at the
 * edges of the range always come from the events, so answers equal the raw-event answer.
 */

export type Source = 'events' | 'hourly' | 'visitors';

export const HOURLY_DIMENSIONS = ['channel', 'device', 'platform', 'region', 'category', 'status', 'method'] as const;
export const VISITOR_DIMENSIONS = ['channel', 'device', 'platform', 'region'] as const;

const within = (dims: readonly string[], names: string[]) => names.every((n) => dims.includes(n));

/** Buckets line up with UTC hours: whole-hour intervals and offsets, transitions on the hour. */
export function hourAligned(bucket: { interval: Interval; segments: OffsetSegment[] } | null): boolean {
  if (!bucket) return true;
  if (bucket.interval.kind === 'fixed' && bucket.interval.ms % HOUR !== 0) return false;
  return bucket.segments.every((s) => s.offset % HOUR === 0 && (!Number.isFinite(s.until) || s.until % HOUR === 0));
}

/** The cheapest source that answers a term exactly. */
export function sourceFor(term: AggregateTerm, filters: Filter[], groupBy: string[], aligned: boolean): Source {
  if (!aligned) return 'events';
  const dims = [...filters, ...term.filters].map((f) => f.dimension).concat(groupBy);
  const a = term.aggregate;
  if ((a.op === 'count' || a.op === 'sum') && within(HOURLY_DIMENSIONS, dims)) {
    return 'hourly';
  }
  if (a.op === 'distinct' && a.column === 'visitor' && (a.where.type === undefined || a.where.type === 'order') && !a.where.status && within(VISITOR_DIMENSIONS, dims)) {
    return 'visitors';
  }
  return 'events';
}

/** Hours fully inside [from, to): [h0, h1). Events outside it are read raw. */
export function fullHours(from: number, to: number): { h0: number; h1: number } {
  const h0 = Math.ceil(from / HOUR) * HOUR;
  const h1 = Math.floor(to / HOUR) * HOUR;
  return h1 > h0 ? { h0, h1 } : { h0: to, h1: to };
}
