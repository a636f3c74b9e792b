import { DAY } from '../../kpi/time';

/**
 * Idempotency keys seen recently, in one set per receive day so old days drop off whole.
 * Kept for `days` (8 by default: the contract promises at least 7).
 */
export class RecentKeys {
  private readonly days = new Map<number, Set<string>>();

  constructor(private readonly windowDays = 8) {}

  has(key: string): boolean {
    for (const set of this.days.values()) if (set.has(key)) return true;
    return false;
  }

  add(key: string, receivedMs: number): void {
    const day = Math.floor(receivedMs / DAY);
    let set = this.days.get(day);
    if (!set) {
      set = new Set();
      this.days.set(day, set);
      this.prune(receivedMs);
    }
    set.add(key);
  }

  delete(key: string): void {
    for (const set of this.days.values()) set.delete(key);
  }

  get size(): number {
    let n = 0;
    for (const set of this.days.values()) n += set.size;
    return n;
  }

  prune(nowMs: number): void {
    const oldest = Math.floor(nowMs / DAY) - this.windowDays;
    for (const day of this.days.keys()) if (day < oldest) this.days.delete(day);
  }
}
