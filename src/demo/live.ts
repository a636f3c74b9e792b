import { EventQueue } from './eventQueue';
import { EVENTS_PER_VISIT } from './generator';
import { MINUTE, seasonality } from './seasonality';
import { DemoShop } from './shop';
import type { DemoEvent } from './types';

/**
 * Live demo traffic: visits start as the wall clock moves and their events come out when their
 * time has come, so every event carries ts = now. No incidents are scripted in live mode.
 */

export interface LiveOptions {
  seed: number;
  /** Events per second on average over a week; the hour of day and weekday shape it. */
  rate: number;
  /** Epoch ms when the traffic starts. */
  now: number;
}

/** Visits already under way when live traffic starts, so the first seconds look like any others. */
const WARM_UP = 30 * MINUTE;
/** A longer pause (a suspended laptop) is skipped rather than made up for in one burst. */
const MAX_CATCH_UP = 10_000;
/** Returning visitors known at the start (about a day's visits at the default rate). */
const MAX_INITIAL_VISITORS = 50_000;

export class LiveTraffic {
  private readonly shop: DemoShop;
  private readonly queue = new EventQueue();
  private readonly prefix: string;
  private generated = 0;
  private budget = 0;
  private last: number;
  private emitted = 0;

  constructor(private readonly opts: LiveOptions) {
    if (!(opts.rate > 0)) throw new RangeError(`rate must be > 0 events/s, got ${opts.rate}`);
    // Ids must differ from earlier runs of the same seed, or the service would drop them as retries.
    const tag = `l${opts.seed}-${Math.floor(opts.now / 1000).toString(36)}`;
    this.prefix = `${tag}-`;
    this.shop = new DemoShop({
      seed: opts.seed,
      tag,
      incidents: [],
      initialVisitors: Math.min(MAX_INITIAL_VISITORS, Math.round(((opts.rate * 86_400) / EVENTS_PER_VISIT) * 0.3)),
      schedule: (events) => this.accept(events),
    });
    this.last = opts.now - WARM_UP;
    for (let t = this.last + 1_000; t <= opts.now; t += 1_000) this.startVisits(t);
    while (this.queue.peekTs() < opts.now) this.queue.pop();
  }

  /** Events whose time has come by `now`, in time order. */
  tick(now: number): DemoEvent[] {
    this.startVisits(now);
    const out: DemoEvent[] = [];
    while (this.queue.peekTs() <= now) {
      const e = this.queue.pop();
      e.event_id = this.prefix + this.emitted++;
      out.push(e);
    }
    return out;
  }

  private startVisits(now: number): void {
    const from = Math.max(this.last, now - MAX_CATCH_UP);
    if (now <= from) return;
    this.last = now;
    this.budget += (this.opts.rate * seasonality(now) * (now - from)) / 1000;
    while (this.generated < this.budget) {
      const t = from + Math.floor(this.shop.rng.next() * (now - from));
      this.accept(this.shop.arrival(t, false));
    }
  }

  private accept(events: DemoEvent[]): void {
    this.generated += events.length;
    this.queue.push(events);
  }
}
