import { SLOT } from '../query/rollups';
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

export interface VisitorRow {
  slot: number;
  visitor_id: string;
  channel: string;
  device: string;
  platform: string;
  region: string;
  ordered: boolean;
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

export function visitorRows(rows: StoredEvent[]): VisitorRow[] {
  const out = new Map<string, VisitorRow>();
  for (const e of rows) {
    const slot = Math.floor(e.ts / SLOT) * SLOT;
    const key = [slot, e.visitor_id, e.channel, e.device, e.platform, e.region].join(SEP);
    const row = out.get(key);
    if (row) row.ordered ||= e.type === 'order';
    else out.set(key, { slot, visitor_id: e.visitor_id, channel: e.channel, device: e.device, platform: e.platform, region: e.region, ordered: e.type === 'order' });
  }
  return [...out.values()];
}
