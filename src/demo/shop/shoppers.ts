import { EVENTS_PER_VISIT, spikeShape } from '../generator';
import { Random } from '../random';
import { seasonality } from '../seasonality';
import { DemoShop } from '../shop';
import type { DemoEvent, RefundEvent } from '../types';
import type { ShopMetrics } from './metrics';
import { runVisit } from './shopper';
import type { IncidentSource } from './storefront';

/**
 * Virtual shoppers: visits arrive as the wall clock moves, at `rate` business events per second
 * on average over a week (shaped by the hour of day and the weekday, like the generator's live
 * mode), more of them during the scripted traffic spike, and each visit browses the storefront
 * over HTTP (shopper.ts).
 */

export interface ShoppersOptions {
  baseUrl: string;
  rate: number;
  seed: number;
  incidents: IncidentSource;
  push(event: DemoEvent): void;
  metrics?: ShopMetrics;
  /** Real ms per plan ms: 1 in the live shop; tests run visits faster. */
  timeScale?: number;
  /** Visits in progress above which new arrivals are skipped (a shop this slow turns people away). */
  maxActive?: number;
  now?: () => number;
  tickMs?: number;
}

const TICK_MS = 1_000;
const MAX_CATCH_UP_MS = 10_000;
/** Returning visitors known at the start (about a day of visits at the default rate). */
const INITIAL_VISITORS = 30_000;

export class VirtualShoppers {
  private readonly shop: DemoShop;
  private readonly rng: Random;
  private readonly abort = new AbortController();
  private readonly active = new Set<Promise<void>>();
  /** Refunds the generator planned, by order; they happen only for orders that got paid. */
  private readonly plannedRefunds = new Map<string, RefundEvent>();
  private readonly dueRefunds: Array<{ at: number; event: RefundEvent }> = [];
  private timer: NodeJS.Timeout | null = null;
  private last: number;
  private budget = 0;
  private generated = 0;
  visits = 0;
  skipped = 0;

  constructor(private readonly opts: ShoppersOptions) {
    if (!(opts.rate >= 0)) throw new RangeError(`rate must be >= 0, got ${opts.rate}`);
    const now = this.now();
    this.rng = new Random(opts.seed, 21);
    this.shop = new DemoShop({
      seed: opts.seed,
      tag: `v${opts.seed}-${Math.floor(now / 1000).toString(36)}`,
      incidents: [],
      initialVisitors: Math.min(INITIAL_VISITORS, Math.round((opts.rate * 86_400) / EVENTS_PER_VISIT)),
      schedule: (events) => {
        for (const e of events) if (e.type === 'refund') this.plannedRefunds.set(e.order_id, e);
      },
    });
    this.last = now;
  }

  get activeVisits(): number {
    return this.active.size;
  }

  start(): void {
    if (this.timer || this.opts.rate === 0) return;
    this.timer = setInterval(() => this.tick(this.now()), this.opts.tickMs ?? TICK_MS);
  }

  /** Stops new visits, ends the ones under way and waits for them. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort();
    await Promise.allSettled([...this.active]);
  }

  /** Starts the visits due by `now`; releases refunds that are due. */
  tick(now: number): void {
    const from = Math.max(this.last, now - MAX_CATCH_UP_MS);
    this.last = now;
    const spike = this.opts.incidents.isActive('traffic_spike', now);
    const { visitShare, trafficFactor } = spikeShape();
    if (now > from) this.budget += (this.opts.rate * seasonality(now) * (spike ? trafficFactor : 1) * (now - from)) / 1000;
    while (this.generated < this.budget) {
      const spiking = spike && this.rng.chance(visitShare);
      const plan = this.shop.arrival(now, spiking);
      this.generated += plan.length;
      this.launch(plan, now, spiking);
    }
    this.releaseRefunds(now);
  }

  private launch(plan: DemoEvent[], arrival: number, spiking: boolean): void {
    const kind = plan.length === 1 && plan[0]!.type === 'product_listed' ? 'listing' : spiking ? 'spike' : 'visit';
    if (this.active.size >= (this.opts.maxActive ?? 5_000)) {
      this.skipped++;
      return;
    }
    this.visits++;
    this.opts.metrics?.visits.inc({ kind });
    this.opts.metrics?.shoppersActive.inc();
    const scale = this.opts.timeScale ?? 1;
    const planStart = plan[0]?.ts ?? arrival;
    const orders = new Set(plan.flatMap((e) => (e.type === 'order' ? [e.order_id] : [])));
    const realTime = (planTs: number) => arrival + (planTs - planStart) * scale;
    const visit: Promise<void> = runVisit(plan, {
      baseUrl: this.opts.baseUrl,
      push: this.opts.push,
      signal: this.abort.signal,
      rng: this.rng,
      realTime,
      realDuration: (ms) => ms * scale,
      now: () => this.now(),
      onPaid: (orderId) => {
        const refund = this.plannedRefunds.get(orderId);
        if (refund) this.dueRefunds.push({ at: realTime(refund.ts), event: refund });
      },
    })
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        for (const id of orders) this.plannedRefunds.delete(id);
        this.active.delete(visit);
        this.opts.metrics?.shoppersActive.dec();
      });
    this.active.add(visit);
  }

  private releaseRefunds(now: number): void {
    for (let i = this.dueRefunds.length - 1; i >= 0; i--) {
      const due = this.dueRefunds[i]!;
      if (due.at > now) continue;
      this.dueRefunds.splice(i, 1);
      this.opts.push({ ...due.event, ts: now });
    }
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}
