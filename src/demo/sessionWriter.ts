import { CATEGORY_NAMES, ProductCatalog } from './catalog';
import { Random } from './random';
import type { DemoEvent, DemoEventType, PageViewEvent } from './types';

/**
 * Writes the events of one visit: the visit's envelope fields on every event, a clock that moves
 * forward as the visitor clicks, and page views with realistic load times.
 */

export const PAGE_TYPES = ['home', 'search', 'category', 'product', 'cart', 'checkout'] as const;
export type PageType = (typeof PAGE_TYPES)[number];

/** Median load_ms by device (desktop, mobile, tablet); apps render faster than mobile web. */
const LOAD_MEDIAN_MS = [950, 1650, 1300];
const APP_SPEEDUP = 0.75;
const PAGE_WEIGHT: Record<PageType, number> = {
  home: 1,
  search: 1.2,
  category: 1.05,
  product: 1.1,
  cart: 0.9,
  checkout: 1.3,
};

type Mutable = Record<string, string | number>;

export class SessionWriter {
  events: DemoEvent[] = [];
  /** The visitor's clock, epoch ms. */
  t = 0;
  visitorId = '';
  sessionId: string | undefined;
  userId: string | undefined;
  channel = '';
  device = '';
  platform = '';
  region = '';
  referrer: string | undefined;
  private loadMedian = 1000;

  constructor(
    private readonly rng: Random,
    private readonly catalog: ProductCatalog,
  ) {}

  begin(t: number, deviceIndex: number, app: boolean): void {
    this.events = [];
    this.t = t;
    this.loadMedian = LOAD_MEDIAN_MS[deviceIndex]! * (app ? APP_SPEEDUP : 1);
  }

  /** Moves the clock by a whole number of milliseconds. */
  wait(ms: number): void {
    this.t += Math.round(ms);
  }

  /** An event of this visit with its envelope; `category` and `product` are indexes or -1. */
  emit(type: DemoEventType, pageType: PageType | undefined, category: number, product: number): Mutable {
    const e: Mutable = { event_id: '', type, ts: this.t, visitor_id: this.visitorId };
    if (this.sessionId !== undefined) e.session_id = this.sessionId;
    if (this.userId !== undefined) e.user_id = this.userId;
    e.channel = this.channel;
    e.device = this.device;
    e.platform = this.platform;
    e.region = this.region;
    if (pageType !== undefined) e.page_type = pageType;
    if (category >= 0) e.category = CATEGORY_NAMES[category]!;
    if (product >= 0) e.product_id = this.catalog.ids[product]!;
    this.events.push(e as unknown as DemoEvent);
    return e;
  }

  pageView(pageType: PageType, category: number, product: number, url: string): void {
    const rng = this.rng;
    const load = Math.min(600_000, Math.round(40 + rng.lognormal(this.loadMedian * PAGE_WEIGHT[pageType], 0.45)));
    const tti = Math.min(600_000, Math.round(load * rng.lognormal(1.2, 0.25)));
    const e = this.emit('page_view', pageType, category, product) as unknown as PageViewEvent;
    e.url = url;
    if (this.referrer !== undefined) e.referrer = this.referrer;
    e.tti_ms = tti;
    e.load_ms = load;
    this.referrer = url;
    this.wait(load);
  }

  impression(pageType: PageType, product: number, position: number): void {
    const e = this.emit('impression', pageType, this.catalog.category[product]!, product);
    e.position = position;
    this.wait(30 + this.rng.int(250));
  }
}
