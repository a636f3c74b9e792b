import { incidentsFor } from '../incidents';
import { DAY, HOUR, MINUTE } from '../seasonality';
import { IncidentClock } from './incidentClock';

describe('IncidentClock', () => {
  const cycle = 3 * HOUR;
  const clock = new IncidentClock(cycle);
  const start = 1_800_000_000_000 - (1_800_000_000_000 % cycle);

  it('repeats the one-day layout of the generator, squeezed into each cycle', () => {
    const day = incidentsFor({ days: 1, end: DAY });
    const inCycle = clock.cycle(start + 10 * MINUTE);
    expect(inCycle.map((i) => i.name)).toEqual(day.map((i) => i.name));
    for (const [k, i] of inCycle.entries()) {
      expect(i.start).toBe(start + Math.round(day[k]!.start / 8));
      expect(i.end - i.start).toBe(Math.round((day[k]!.end - day[k]!.start) / 8));
      expect(i.end).toBeLessThanOrEqual(start + cycle);
    }
    expect(clock.cycle(start + cycle + 1)[0]!.start).toBe(inCycle[0]!.start + cycle);
  });

  it('says which incident is on at a moment, and none outside them', () => {
    const outage = clock.cycle(start).find((i) => i.name === 'payment_outage')!;
    expect(clock.isActive('payment_outage', outage.start)).toBe(true);
    expect(clock.isActive('payment_outage', outage.end - 1)).toBe(true);
    expect(clock.isActive('payment_outage', outage.end)).toBe(false);
    expect(clock.active(start)).toEqual([]);
    expect(outage.end - outage.start).toBe(7.5 * MINUTE);
  });

  it('has no incidents when switched off', () => {
    const off = new IncidentClock(null);
    expect(off.cycle(start)).toEqual([]);
    expect(off.isActive('traffic_spike', start)).toBe(false);
  });
});
