import { incidentsFor, type Incident, type IncidentName } from '../incidents';
import { DAY } from '../seasonality';

/**
 * When the live shop has its scripted incidents. The generator places the payment outage, the
 * search index failure and the traffic spike inside a run; the live shop repeats the layout of a
 * one-day run on a shorter cycle (default 3 h), so a demo sees each incident and its alert
 * within hours instead of once a day. Order, relative position and relative length are the
 * generator's; the cycle starts at multiples of its length since the epoch.
 */

/** The incidents of a one-day run, in ms from the start of that day. */
const DAY_LAYOUT: readonly Incident[] = incidentsFor({ days: 1, end: DAY, incidents: true });

export class IncidentClock {
  constructor(readonly cycleMs: number | null) {
    if (cycleMs !== null && !(cycleMs > 0)) throw new RangeError(`cycle must be > 0 ms, got ${cycleMs}`);
  }

  /** The incidents of the cycle that contains `now`, in epoch ms. */
  cycle(now: number): Incident[] {
    if (this.cycleMs === null) return [];
    const start = Math.floor(now / this.cycleMs) * this.cycleMs;
    const scale = this.cycleMs / DAY;
    return DAY_LAYOUT.map((i) => ({ ...i, start: start + Math.round(i.start * scale), end: start + Math.round(i.end * scale) }));
  }

  active(now: number): Incident[] {
    return this.cycle(now).filter((i) => now >= i.start && now < i.end);
  }

  isActive(name: IncidentName, now: number): boolean {
    return this.active(now).some((i) => i.name === name);
  }
}
