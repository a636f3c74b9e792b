import {
  CATEGORIES,
  CATEGORY_URLS,
  ProductCatalog,
  QUERY_URLS,
  REGIONS,
  SHOP_ORIGIN,
  ZERO_RESULT_QUERIES,
} from './catalog';
import { Checkout } from './checkout';
import { SEARCH_FAILURE_ZERO_RESULTS, type Incident, windowOf } from './incidents';
import { Random, WeightedTable } from './random';
import { type PageType, SessionWriter } from './sessionWriter';
import type { DemoEvent, ProductListedEvent } from './types';
import { DEVICES, PLATFORMS, VisitorPool, WEB_SHARE } from './visitors';

/**
 * The demo shop's visitors: who comes, through which channel, and how far down the funnel
 * page_view -> impression -> product_view -> add_to_cart -> order -> payment each visit gets.
 */

export const CHANNELS = ['organic', 'paid_search', 'social', 'email', 'direct', 'app_push'] as const;
const SOCIAL = 2;
const WEB_CHANNELS = new WeightedTable<number>([[0, 33], [1, 25], [2, 13], [3, 9], [4, 20]]);
const APP_CHANNELS = new WeightedTable<number>([[0, 10], [1, 10], [2, 10], [3, 5], [4, 40], [5, 25]]);

/** Per channel: P(product_view), P(add_to_cart | product_view), P(order | add_to_cart), P(land on a product). */
const INTENT: ReadonlyArray<readonly [number, number, number, number]> = [
  [0.4, 0.29, 0.29, 0.35],
  [0.45, 0.3, 0.28, 0.55],
  [0.33, 0.22, 0.23, 0.45],
  [0.44, 0.32, 0.34, 0.3],
  [0.4, 0.31, 0.34, 0.1],
  [0.44, 0.32, 0.36, 0.4],
];
/** Visitors of the social spike: most land on the viral product and leave. */
const SPIKE_INTENT = [0.85, 0.05, 0.2, 0.8] as const;
/** Landing list page by channel: home, search, category. */
const LANDING: ReadonlyArray<WeightedTable<PageType>> = [
  [30, 35, 35],
  [20, 50, 30],
  [40, 0, 60],
  [50, 0, 50],
  [70, 15, 15],
  [50, 0, 50],
].map((w) => new WeightedTable<PageType>([['home', w[0]!], ['search', w[1]!], ['category', w[2]!]]));
const BROWSE = new WeightedTable<PageType>([['search', 45], ['category', 40], ['home', 15]]);
const REFERRERS: ReadonlyArray<readonly string[]> = [
  ['https://search.naver.com/search.naver', 'https://search.naver.com/search.naver', 'https://www.google.com/'],
  ['https://search.naver.com/search.naver', 'https://www.google.com/'],
  ['https://www.instagram.com/', 'https://www.youtube.com/', 'https://www.facebook.com/'],
  ['https://mail.naver.com/'],
  [],
  [],
];
/** Order propensity by device (desktop, mobile, tablet). */
const DEVICE_ORDER = [1.25, 0.88, 1.0];
const NEW_VISITOR_SHARE = 0.38;
const SIGNUP_WHILE_BROWSING = 0.012;
const SIGNUP_AT_CHECKOUT = 0.35;
const WITHDRAWAL = 0.002;
/** Share of arrivals that are a seller listing a product rather than a visit. */
export const LISTING_SHARE = 0.004;
const ZERO_RESULT_SHARE = 0.065;

/** Share of ordinary visits that come from social. */
export function socialShare(): number {
  const web = WEB_SHARE;
  return web * WEB_CHANNELS.share(SOCIAL) + (1 - web) * APP_CHANNELS.share(SOCIAL);
}

export interface ShopOptions {
  seed: number;
  /** Unique per run: prefixes session and order ids. */
  tag: string;
  incidents: readonly Incident[];
  /** Visitors known before the first event, so that early days have returning visitors too. */
  initialVisitors: number;
  schedule: (events: DemoEvent[]) => void;
}

export class DemoShop {
  readonly rng: Random;
  readonly catalog: ProductCatalog;
  readonly visitors: VisitorPool;
  private readonly writer: SessionWriter;
  private readonly checkout: Checkout;
  private readonly searchFailure: { start: number; end: number };
  private readonly viralProduct: number;
  private readonly list = new Int32Array(16);
  private listLength = 0;
  private sessions = 0;

  constructor(private readonly opts: ShopOptions) {
    this.rng = new Random(opts.seed, 0);
    this.catalog = new ProductCatalog(opts.seed);
    this.visitors = new VisitorPool(opts.seed);
    this.writer = new SessionWriter(this.rng, this.catalog);
    this.checkout = new Checkout({
      rng: this.rng,
      catalog: this.catalog,
      writer: this.writer,
      tag: opts.tag,
      outage: windowOf(opts.incidents, 'payment_outage'),
      schedule: opts.schedule,
    });
    this.searchFailure = windowOf(opts.incidents, 'search_index_failure');
    this.viralProduct = this.catalog.sample(new Random(opts.seed, 2), 1);
    for (let i = 0; i < opts.initialVisitors; i++) this.visitors.add(this.rng);
  }

  /** Whatever happens at `ts`: usually a visit, now and then a seller listing a product. */
  arrival(ts: number, spike: boolean): DemoEvent[] {
    if (!spike && this.rng.chance(LISTING_SHARE)) return [this.listing(ts)];
    return this.visit(ts, spike);
  }

  listing(ts: number): DemoEvent {
    const { catalog, rng } = this;
    const product = catalog.list(rng);
    const seller = catalog.seller[product]!;
    const e: ProductListedEvent = {
      event_id: '',
      type: 'product_listed',
      ts,
      visitor_id: catalog.sellerVisitorIds[seller]!,
      channel: 'direct',
      device: 'desktop',
      platform: 'web',
      region: catalog.sellerRegions[seller]!,
      category: CATEGORIES[catalog.category[product]!]!.name,
      product_id: catalog.ids[product]!,
      seller_id: catalog.sellerIds[seller]!,
    };
    return e;
  }

  /** One visit, its events in time order. */
  visit(ts: number, spike: boolean): DemoEvent[] {
    const { rng, visitors, writer, checkout } = this;
    const { v, isNew, app, channel, member, loggedIn } = this.arrive(ts, spike);
    const device = visitors.device[v]!;
    const intent = spike ? SPIKE_INTENT : INTENT[channel]!;
    const orderBoost = DEVICE_ORDER[device]! * (loggedIn ? 1.2 : isNew ? 0.85 : 1);
    const views = rng.chance(intent[0]);
    const carts = views && rng.chance(intent[1] * Math.sqrt(orderBoost));
    const orders = carts && rng.chance(intent[2] * Math.sqrt(orderBoost));

    let product = -1;
    if (views && rng.chance(intent[3])) {
      product = spike && rng.chance(0.9) ? this.viralProduct : this.catalog.sample(rng);
      this.viewProduct(product);
    } else {
      this.listPage(LANDING[channel]!.pick(rng));
    }
    if (writer.userId === undefined && member < 0 && !orders && rng.chance(SIGNUP_WHILE_BROWSING)) {
      this.signup(v, 'home');
    }
    if (!views) {
      // Bounce after the landing page, or look around without opening a product.
      if (rng.chance(0.45)) for (let n = Math.min(5, 1 + rng.geometric(0.5)); n > 0; n--) this.listPage(BROWSE.pick(rng));
    } else {
      const more = product >= 0 ? (spike ? 0 : rng.geometric(0.55)) : 1 + rng.geometric(0.5);
      for (let n = Math.min(more, 7); n > 0; n--) {
        if (this.listLength === 0 || rng.chance(0.45)) this.listPage(BROWSE.pick(rng));
        product = this.listLength > 0 && rng.chance(0.8) ? this.fromList() : this.catalog.sample(rng);
        this.viewProduct(product);
      }
    }
    if (carts) {
      checkout.addToCart(product);
      if (rng.chance(0.22)) {
        product = this.listLength > 0 ? this.fromList() : this.catalog.sample(rng);
        this.viewProduct(product);
        checkout.addToCart(product);
      }
      checkout.viewCart();
      if (orders || rng.chance(0.35)) checkout.openCheckout();
    }
    if (orders) {
      // Checkout asks guests to log in or sign up; members log in, some others sign up.
      if (writer.userId === undefined && member >= 0) writer.userId = visitors.userId(member);
      else if (writer.userId === undefined && rng.chance(SIGNUP_AT_CHECKOUT)) this.signup(v, 'checkout');
      checkout.order(app);
    }
    if (writer.userId !== undefined && rng.chance(WITHDRAWAL)) {
      writer.wait(rng.lognormal(30_000, 0.5));
      writer.emit('withdrawal', undefined, -1, -1);
      visitors.user[v] = -1;
    }
    return writer.events;
  }

  /** Picks who comes, from where, and starts the visit's writer. */
  private arrive(ts: number, spike: boolean) {
    const { rng, visitors, writer, checkout } = this;
    const isNew = spike ? rng.chance(0.85) : visitors.size === 0 || rng.chance(NEW_VISITOR_SHARE);
    const v = isNew ? visitors.add(rng, spike) : visitors.pickReturning(rng);
    const platform = visitors.platform[v]!;
    const device = visitors.device[v]!;
    const app = platform !== 0;
    const channel = spike ? SOCIAL : (app ? APP_CHANNELS : WEB_CHANNELS).pick(rng);
    const member = visitors.user[v]!;
    const loggedIn = member >= 0 && rng.chance(0.8);

    writer.begin(ts, device, app);
    writer.visitorId = visitors.visitorId(v);
    writer.sessionId = `s-${this.opts.tag}-${(this.sessions++).toString(36)}`;
    writer.userId = loggedIn ? visitors.userId(member) : undefined;
    writer.channel = CHANNELS[channel]!;
    writer.device = DEVICES[device]!;
    writer.platform = PLATFORMS[platform]!;
    writer.region = REGIONS.items[visitors.region[v]!]!;
    const referrers = REFERRERS[channel]!;
    writer.referrer = referrers.length > 0 ? rng.pick(referrers) : undefined;
    this.listLength = 0;
    checkout.reset();
    return { v, isNew, app, channel, member, loggedIn };
  }

  private signup(v: number, pageType: PageType): void {
    const { writer, visitors } = this;
    const user = visitors.newUser();
    visitors.user[v] = user;
    writer.wait(this.rng.lognormal(40_000, 0.5));
    writer.userId = visitors.userId(user);
    writer.emit('signup', pageType, -1, -1);
  }

  /** A product from the list on screen, the first positions far more likely. */
  private fromList(): number {
    return this.list[Math.floor(this.listLength * Math.pow(this.rng.next(), 1.8))]!;
  }

  private viewProduct(product: number): void {
    const { writer, catalog, rng } = this;
    const category = catalog.category[product]!;
    writer.pageView('product', category, product, catalog.urls[product]!);
    writer.emit('product_view', 'product', category, product);
    writer.wait(rng.lognormal(30_000, 0.8));
  }

  private listPage(pageType: PageType): void {
    const { writer, catalog, rng } = this;
    let category = -1;
    let shown: number;
    if (pageType === 'search') {
      category = rng.int(CATEGORIES.length);
      const failing = writer.t >= this.searchFailure.start && writer.t < this.searchFailure.end;
      const typo = rng.chance(ZERO_RESULT_SHARE * 0.7);
      const query = typo ? rng.pick(ZERO_RESULT_QUERIES) : rng.pick(CATEGORIES[category]!.queries);
      const zero = typo || rng.chance(ZERO_RESULT_SHARE * 0.3) || (failing && rng.chance(SEARCH_FAILURE_ZERO_RESULTS));
      const results = zero ? 0 : Math.max(1, Math.round(rng.lognormal(140, 1.1)));
      writer.pageView('search', -1, -1, QUERY_URLS.get(query)!);
      const e = writer.emit('search', 'search', typo ? -1 : category, -1);
      e.query = query;
      e.results = results;
      shown = Math.min(results, 3 + rng.int(4));
    } else if (pageType === 'category') {
      category = catalog.category[catalog.sample(rng)]!;
      writer.pageView('category', category, -1, CATEGORY_URLS[category]!);
      shown = 3 + rng.int(4);
    } else {
      writer.pageView('home', -1, -1, `${SHOP_ORIGIN}/`);
      shown = 4 + rng.int(5);
    }
    this.listLength = 0;
    for (let position = 1; position <= shown; position++) {
      const product = catalog.sample(rng, category);
      writer.impression(pageType, product, position);
      this.list[this.listLength++] = product;
    }
    writer.wait(rng.lognormal(15_000, 0.7));
  }
}
