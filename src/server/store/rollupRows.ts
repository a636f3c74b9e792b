import { SLOT } from '../query/rollups';
import { TIMING_FIELD } from './eventKinds';
import type { StoredEvent } from './types';

/** The rollup rows of a batch (see query/rollups.ts), aggregated in memory before appending. */

export interface CountRow {
  slot: number;
  type: string;
  channel: string;
  device: string;
  platform: string;
  region: string;
  category: string;
  status: string;
  method: string;
  zero: boolean;
  first_order: boolean;
  n: number;
  amount: number | null;
}

/** slot_totals: slot_counts without the dimensions, for queries that neither filter nor group. */
export interface TotalRow {
  slot: number;
  type: string;
  status: string;
  zero: boolean;
  first_order: boolean;
  n: number;
  amount: number | null;
}

export interface VisitorRow {
  slot: number;
  vid: number;
  channel: string;
  device: string;
  platform: string;
  region: string;
  ordered: boolean;
  /** The earliest page_view of the row, if any: step 1 of the default funnel. */
  first_visit: number | null;
}

const SEP = '\u0001';

export function countRows(rows: StoredEvent[]): CountRow[] {
  const out = new Map<string, CountRow>();
  for (const e of rows) {
    const slot = Math.floor(e.ts / SLOT) * SLOT;
    const status = e.status ?? '';
    const zero = e.results === 0;
    const key = [slot, e.type, e.channel, e.device, e.platform, e.region, e.category, status, e.method, zero, e.first_order].join(SEP);
    const row = out.get(key);
    if (row) {
      row.n++;
      if (e.amount !== null) row.amount = (row.amount ?? 0) + e.amount;
    } else {
      out.set(key, {
        slot,
        type: e.type,
        channel: e.channel,
        device: e.device,
        platform: e.platform,
        region: e.region,
        category: e.category,
        status,
        method: e.method,
        zero,
        first_order: e.first_order,
        n: 1,
        amount: e.amount,
      });
    }
  }
  return [...out.values()];
}

/** The same sums as countRows (or its corrections) with the dimensions dropped. */
export function totalRows(counts: CountRow[]): TotalRow[] {
  const out = new Map<string, TotalRow>();
  for (const c of counts) {
    const key = [c.slot, c.type, c.status, c.zero, c.first_order].join(SEP);
    const row = out.get(key);
    if (row) {
      row.n += c.n;
      if (c.amount !== null) row.amount = (row.amount ?? 0) + c.amount;
    } else {
      out.set(key, { slot: c.slot, type: c.type, status: c.status, zero: c.zero, first_order: c.first_order, n: c.n, amount: c.amount });
    }
  }
  return [...out.values()];
}

/** `vids[i]` is the integer id of `rows[i].visitor_id` (see visitorIds.ts). */
export function visitorRows(rows: StoredEvent[], vids: number[]): VisitorRow[] {
  const out = new Map<string, VisitorRow>();
  rows.forEach((e, i) => {
    const slot = Math.floor(e.ts / SLOT) * SLOT;
    const vid = vids[i]!;
    const key = [slot, vid, e.channel, e.device, e.platform, e.region].join(SEP);
    const visit = e.type === 'page_view' ? e.ts : null;
    const row = out.get(key);
    if (row) {
      row.ordered ||= e.type === 'order';
      if (visit !== null && (row.first_visit === null || visit < row.first_visit)) row.first_visit = visit;
    } else {
      out.set(key, { slot, vid, channel: e.channel, device: e.device, platform: e.platform, region: e.region, ordered: e.type === 'order', first_visit: visit });
    }
  });
  return [...out.values()];
}

/** slot_timings: how many page_views of a slot had each exact tti_ms / load_ms value. */
export interface TimingRow {
  slot: number;
  field: number;
  value: number;
  n: number;
}

export function timingRows(rows: StoredEvent[]): TimingRow[] {
  const out = new Map<string, TimingRow>();
  const add = (slot: number, field: number, value: number | null) => {
    if (value === null || value === undefined) return;
    const key = `${slot}${SEP}${field}${SEP}${value}`;
    const row = out.get(key);
    if (row) row.n++;
    else out.set(key, { slot, field, value, n: 1 });
  };
  for (const e of rows) {
    if (e.type !== 'page_view') continue;
    const slot = Math.floor(e.ts / SLOT) * SLOT;
    add(slot, TIMING_FIELD.tti_ms, e.tti_ms);
    add(slot, TIMING_FIELD.load_ms, e.load_ms);
  }
  return [...out.values()];
}
