/** When the demo shop's customers shop: Asia/Seoul days and weeks, without Date in the hot loop. */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** Asia/Seoul has no daylight saving time. */
export const SEOUL_OFFSET = 9 * HOUR;

/** Relative traffic by Seoul hour: night low, lunch bump, evening peak. */
const HOURLY = [
  0.62, 0.4, 0.25, 0.16, 0.12, 0.13, 0.2, 0.34, 0.52, 0.66, 0.76, 0.84, 0.96, 0.93, 0.85, 0.84, 0.87, 0.92, 0.98,
  1.1, 1.27, 1.38, 1.32, 0.98,
];
/** Relative traffic by Seoul weekday, Sunday first. */
const WEEKLY = [1.16, 0.95, 0.94, 0.96, 0.97, 1.0, 1.18];

const MEAN = (HOURLY.reduce((a, b) => a + b, 0) / 24) * (WEEKLY.reduce((a, b) => a + b, 0) / 7);

/** Traffic at `ts` relative to the weekly average (which is 1). */
export function seasonality(ts: number): number {
  const local = ts + SEOUL_OFFSET;
  const day = Math.floor(local / DAY);
  // Hourly values sit at the middle of their hour; interpolating avoids steps at every full hour.
  const x = (local - day * DAY) / HOUR - 0.5;
  const h = Math.floor(x);
  const f = x - h;
  const hourly = HOURLY[(h + 24) % 24]! * (1 - f) + HOURLY[(h + 25) % 24]! * f;
  const weekday = WEEKLY[(((day + 4) % 7) + 7) % 7]!; // 1970-01-01 was a Thursday
  return (hourly * weekday) / MEAN;
}

/** Epoch ms of Seoul midnight of the local day containing `ts`. */
export function seoulMidnight(ts: number): number {
  return Math.floor((ts + SEOUL_OFFSET) / DAY) * DAY - SEOUL_OFFSET;
}

/**
 * The cumulative amount of traffic over [start, end), scaled to `total`, and its inverse: the
 * time by which a given number of events should have happened. Queries that mostly move forward
 * are O(1).
 */
export class TrafficCurve {
  private readonly cumulative: Float64Array;
  private readonly step: number;
  private cursor = 0;

  constructor(
    readonly start: number,
    readonly end: number,
    intensity: (ts: number) => number,
    readonly total: number,
  ) {
    const span = end - start;
    this.step = Math.max(MINUTE, Math.ceil(span / 500_000));
    const buckets = Math.max(1, Math.ceil(span / this.step));
    this.cumulative = new Float64Array(buckets + 1);
    let sum = 0;
    for (let i = 0; i < buckets; i++) {
      const from = start + i * this.step;
      const to = Math.min(end, from + this.step);
      sum += intensity((from + to) / 2) * (to - from);
      this.cumulative[i + 1] = sum;
    }
    const scale = sum > 0 ? total / sum : 0;
    for (let i = 0; i <= buckets; i++) this.cumulative[i] = this.cumulative[i]! * scale;
  }

  /** The time at which `amount` of the total has happened; `end` once it is all used. */
  timeAt(amount: number): number {
    const c = this.cumulative;
    const last = c.length - 1;
    if (amount >= this.total) return this.end;
    if (amount <= 0) return this.start;
    while (this.cursor > 0 && c[this.cursor]! > amount) this.cursor--;
    while (this.cursor < last - 1 && c[this.cursor + 1]! <= amount) this.cursor++;
    const i = this.cursor;
    const from = this.start + i * this.step;
    const to = Math.min(this.end, from + this.step);
    const lo = c[i]!;
    const hi = c[i + 1]!;
    return hi > lo ? from + ((amount - lo) / (hi - lo)) * (to - from) : from;
  }
}
