import type { EventType } from '../../kpi/vocabulary';

/**
 * Small integer codes for the event types, stored next to `type` in the DuckDB events table so
 * scans compare one byte instead of a string. The codes are on disk: never renumber, only add.
 */
export const KIND: Readonly<Record<EventType, number>> = {
  page_view: 1,
  impression: 2,
  product_view: 3,
  add_to_cart: 4,
  search: 5,
  order: 6,
  payment: 7,
  refund: 8,
  signup: 9,
  withdrawal: 10,
  product_listed: 11,
};

export function kindOf(type: string): number {
  const k = (KIND as Record<string, number>)[type];
  if (k === undefined) throw new Error(`not an event type: ${type}`);
  return k;
}

/** The SQL that derives the code from a `type` column (used by the migration that adds it). */
export const KIND_CASE = `CASE type ${Object.entries(KIND)
  .map(([t, k]) => `WHEN '${t}' THEN ${k}`)
  .join(' ')} ELSE 0 END`;

/** Timing fields of page_view kept as value histograms (slot_timings.field). */
export const TIMING_FIELD = { tti_ms: 1, load_ms: 2 } as const;
