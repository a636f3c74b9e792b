import { LiveTraffic } from './live';
import { HOUR } from './seasonality';
import type { DemoEvent } from './types';

// 2026-03-10 21:00 Asia/Seoul: evening peak; 04:00: night low.
const EVENING = Date.UTC(2026, 2, 10, 12, 0);
const NIGHT = Date.UTC(2026, 2, 10, 19, 0);

function run(start: number, seconds: number, rate = 20): DemoEvent[][] {
  const live = new LiveTraffic({ seed: 1, rate, now: start });
  const ticks: DemoEvent[][] = [];
  for (let s = 1; s <= seconds; s++) ticks.push(live.tick(start + s * 1000));
  return ticks;
}

describe('LiveTraffic', () => {
  it('emits events of the past second, in time order, with fresh ids', () => {
    const ticks = run(EVENING, 120);
    let last = EVENING;
    const problems: string[] = [];
    ticks.forEach((events, i) => {
      const now = EVENING + (i + 1) * 1000;
      for (const e of events) {
        if (e.ts < last || e.ts > now || e.ts < now - 1000) problems.push(`${e.event_id} at ${e.ts} in tick ${now}`);
        last = e.ts;
      }
    });
    expect(problems).toEqual([]);
    const all = ticks.flat();
    expect(new Set(all.map((e) => e.event_id)).size).toBe(all.length);
    expect(all[0]!.event_id).toMatch(/^l1-[0-9a-z]+-0$/);
  });

  it('follows the rate and the time of day', () => {
    const evening = run(EVENING, 300).flat().length / 300;
    const night = run(NIGHT, 300).flat().length / 300;
    // rate 20/s on average; the evening peak is well above it, the night far below.
    expect(evening).toBeGreaterThan(25);
    expect(evening).toBeLessThan(50);
    expect(night).toBeLessThan(8);
  });

  it('skips a long pause instead of catching up in one burst', () => {
    const live = new LiveTraffic({ seed: 1, rate: 20, now: EVENING });
    live.tick(EVENING + 1000);
    const after = live.tick(EVENING + HOUR);
    expect(after.length).toBeLessThan(2000);
  });
});
