import { EventQueue } from './eventQueue';
import { incidentsFor, SPIKE_SOCIAL_FACTOR, windowOf } from './incidents';
import { Random } from './random';
import { DAY, seasonality, TrafficCurve } from './seasonality';
import { DemoShop, socialShare } from './shop';
import type { DemoEvent } from './types';

export type { DemoEvent } from './types';
export { incidentsFor, type Incident, type IncidentName } from './incidents';

/**
 * The deterministic demo traffic of a time range: the same options give the same events, in
 * non-decreasing `ts`, with ids `d<seed>-<n>` in that order.
 */

export interface GenerateOptions {
  seed: number;
  /** About how many events to make (within 1%). */
  events: number;
  days: number;
  /** Epoch ms, exclusive end of the data. */
  end: number;
  /** Scripted incidents; default true. */
  incidents?: boolean;
}

/** Average events of an ordinary visit and of a visit from the social spike (measured). */
export const EVENTS_PER_VISIT = 12.6;
const EVENTS_PER_SPIKE_VISIT = 4.4;

export function checkGenerateOptions(opts: GenerateOptions): void {
  if (!Number.isSafeInteger(opts.seed)) throw new RangeError(`seed must be an integer, got ${opts.seed}`);
  if (!Number.isSafeInteger(opts.events) || opts.events < 0) {
    throw new RangeError(`events must be a whole number >= 0, got ${opts.events}`);
  }
  if (!(opts.days > 0) || !Number.isFinite(opts.days)) throw new RangeError(`days must be > 0, got ${opts.days}`);
  if (!Number.isSafeInteger(opts.end)) throw new RangeError(`end must be epoch milliseconds, got ${opts.end}`);
}

/**
 * How the social spike is made: a share of the arrivals in its window are spike visits, and
 * the window carries more events so that ordinary visits go on at their usual pace.
 */
export function spikeShape(): { visitShare: number; trafficFactor: number } {
  const extra = (SPIKE_SOCIAL_FACTOR - 1) * socialShare();
  return {
    visitShare: extra / (1 + extra),
    trafficFactor: 1 + (extra * EVENTS_PER_SPIKE_VISIT) / EVENTS_PER_VISIT,
  };
}

export function* generateEvents(opts: GenerateOptions): Generator<DemoEvent> {
  checkGenerateOptions(opts);
  const { seed, events: total, end } = opts;
  const start = end - opts.days * DAY;
  const incidents = incidentsFor(opts);
  const spike = windowOf(incidents, 'traffic_spike');
  const { visitShare, trafficFactor } = spikeShape();
  const queue = new EventQueue();
  let generated = 0;
  const keep = (events: DemoEvent[]): void => {
    let n = events.length;
    while (n > 0 && events[n - 1]!.ts >= end) n--;
    events.length = n;
    generated += n;
    queue.push(events);
  };
  const shop = new DemoShop({
    seed,
    tag: `d${seed}`,
    incidents,
    initialVisitors: Math.round((total / EVENTS_PER_VISIT) * 0.1),
    schedule: keep,
  });
  const curve = new TrafficCurve(
    start,
    end,
    (ts) => seasonality(ts) * (ts >= spike.start && ts < spike.end ? trafficFactor : 1),
    total,
  );
  const rng = new Random(seed, 3);
  const prefix = `d${seed}-`;
  let emitted = 0;
  let previous = start;
  // Each arrival is placed where the traffic curve reaches the events made so far (plus jitter):
  // the total lands within one visit of `events` and the shape follows the curve.
  while (generated < total) {
    let t = Math.floor(curve.timeAt(generated + (rng.next() - 0.5) * EVENTS_PER_VISIT));
    if (t < previous) t = previous;
    if (t >= end) break;
    previous = t;
    while (queue.peekTs() <= t) {
      const e = queue.pop();
      e.event_id = prefix + emitted++;
      yield e;
    }
    const spiking = t >= spike.start && t < spike.end && rng.chance(visitShare);
    keep(shop.arrival(t, spiking));
  }
  while (queue.size > 0) {
    const e = queue.pop();
    e.event_id = prefix + emitted++;
    yield e;
  }
}
