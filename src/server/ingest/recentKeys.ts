import { DAY } from '../../kpi/time';

/**
 * An open-addressing hash set of 64-bit keys held as two uint32 halves: about 16 bytes a key
 * instead of the ~80 a JS string in a Set costs, which matters with millions of event ids a week.
 */
class KeyTable {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private used: Uint8Array;
  size = 0;

  constructor(capacity = 1 << 16) {
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.used = new Uint8Array(capacity);
  }

  private slot(hi: number, lo: number): number {
    const mask = this.used.length - 1;
    // The key is already a hash: its low bits are uniform enough to index with.
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    while (this.used[i] === 1 && (this.hi[i] !== hi || this.lo[i] !== lo)) i = (i + 1) & mask;
    return i;
  }

  has(hi: number, lo: number): boolean {
    return this.used[this.slot(hi, lo)] === 1;
  }

  add(hi: number, lo: number): void {
    if ((this.size + 1) * 2 > this.used.length) this.grow();
    const i = this.slot(hi, lo);
    if (this.used[i] === 1) return;
    this.used[i] = 1;
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.size++;
  }

  delete(hi: number, lo: number): void {
    const i = this.slot(hi, lo);
    if (this.used[i] !== 1) return;
    // Rebuild the probe chain after the hole so later lookups still find their keys.
    this.used[i] = 0;
    this.size--;
    const mask = this.used.length - 1;
    for (let j = (i + 1) & mask; this.used[j] === 1; j = (j + 1) & mask) {
      const h = this.hi[j]!;
      const l = this.lo[j]!;
      this.used[j] = 0;
      this.size--;
      this.add(h, l);
    }
  }

  private grow(): void {
    const { hi, lo, used } = this;
    this.hi = new Uint32Array(used.length * 2);
    this.lo = new Uint32Array(used.length * 2);
    this.used = new Uint8Array(used.length * 2);
    this.size = 0;
    for (let i = 0; i < used.length; i++) if (used[i] === 1) this.add(hi[i]!, lo[i]!);
  }
}

/** A 64-bit idempotency key as two uint32 halves. */
export interface Key {
  hi: number;
  lo: number;
}

/**
 * Idempotency keys seen recently, in one table per receive day so old days drop off whole.
 * Kept for `windowDays` (8 by default: the contract promises at least 7).
 */
export class RecentKeys {
  private readonly days = new Map<number, KeyTable>();

  constructor(private readonly windowDays = 8) {}

  has(k: Key): boolean {
    for (const table of this.days.values()) if (table.has(k.hi, k.lo)) return true;
    return false;
  }

  add(k: Key, receivedMs: number): void {
    const day = Math.floor(receivedMs / DAY);
    let table = this.days.get(day);
    if (!table) {
      table = new KeyTable();
      this.days.set(day, table);
      this.prune(receivedMs);
    }
    table.add(k.hi, k.lo);
  }

  delete(k: Key): void {
    for (const table of this.days.values()) table.delete(k.hi, k.lo);
  }

  get size(): number {
    let n = 0;
    for (const table of this.days.values()) n += table.size;
    return n;
  }

  prune(nowMs: number): void {
    const oldest = Math.floor(nowMs / DAY) - this.windowDays;
    for (const day of this.days.keys()) if (day < oldest) this.days.delete(day);
  }
}
