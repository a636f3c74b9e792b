import { CATEGORY_NAMES, ProductCatalog, SHOP_ORIGIN } from './catalog';
import { chooseMethod, PAYMENT_METHODS, paymentFailure } from './payments';
import { Random } from './random';
import { DAY, HOUR } from './seasonality';
import { SessionWriter } from './sessionWriter';
import { CURRENCY, type DemoEvent, type RefundEvent } from './types';

/** The buying end of a visit: cart, order, payment attempts with retries, and later refunds. */

/** Refunds per successful order; about 3% of all orders since ~97% of orders end up paid. */
const REFUND_SHARE = 0.031;
/** A failed payment is retried this often (same or another method). */
const RETRY_SHARE = 0.65;
const MAX_ATTEMPTS = 3;
const CART_URL = `${SHOP_ORIGIN}/cart`;
const CHECKOUT_URL = `${SHOP_ORIGIN}/checkout`;

export interface CheckoutDeps {
  rng: Random;
  catalog: ProductCatalog;
  writer: SessionWriter;
  /** Prefix of order ids, unique per run. */
  tag: string;
  /** [start, end) of the card gateway outage; empty when there is none. */
  outage: { start: number; end: number };
  /** Hands over events that happen long after the visit (refunds). */
  schedule: (events: DemoEvent[]) => void;
}

export class Checkout {
  private orders = 0;
  private readonly cart: number[] = [];
  private readonly quantities: number[] = [];

  constructor(private readonly deps: CheckoutDeps) {}

  /** Starts an empty cart for a new visit. */
  reset(): void {
    this.cart.length = 0;
    this.quantities.length = 0;
  }

  /** add_to_cart on the product page the visitor is on. */
  addToCart(product: number): void {
    const { rng, catalog, writer } = this.deps;
    writer.wait(rng.lognormal(15_000, 0.6));
    const u = rng.next();
    const quantity = u < 0.8 ? 1 : u < 0.94 ? 2 : 3;
    const e = writer.emit('add_to_cart', 'product', catalog.category[product]!, product);
    e.quantity = quantity;
    e.amount = catalog.price[product]! * quantity;
    e.currency = CURRENCY;
    this.cart.push(product);
    this.quantities.push(quantity);
  }

  viewCart(): void {
    const { rng, writer } = this.deps;
    writer.wait(rng.lognormal(4_000, 0.5));
    writer.pageView('cart', -1, -1, CART_URL);
    writer.wait(rng.lognormal(20_000, 0.6));
  }

  openCheckout(): void {
    const { rng, writer } = this.deps;
    writer.pageView('checkout', -1, -1, CHECKOUT_URL);
    writer.wait(rng.lognormal(45_000, 0.5));
  }

  /** Places the order and pays for it, retrying failed payments now and then. */
  order(app: boolean): void {
    const { rng, catalog, writer, tag, outage } = this.deps;
    const main = this.cart[0] ?? catalog.sample(rng);
    const category = catalog.category[main]!;
    let amount = 0;
    for (let i = 0; i < this.cart.length; i++) amount += catalog.price[this.cart[i]!]! * this.quantities[i]!;
    if (amount === 0) amount = catalog.price[main]!;
    const orderId = `o-${tag}-${this.orders++}`;
    const order = writer.emit('order', 'checkout', category, main);
    order.order_id = orderId;
    order.amount = amount;
    order.currency = CURRENCY;

    let method = chooseMethod(rng, app);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      writer.wait(attempt === 1 ? rng.lognormal(12_000, 0.5) : rng.lognormal(40_000, 0.6));
      const failure = paymentFailure(rng, method, writer.t >= outage.start && writer.t < outage.end);
      const payment = writer.emit('payment', 'checkout', category, main);
      payment.order_id = orderId;
      payment.status = failure === null ? 'succeeded' : 'failed';
      payment.method = PAYMENT_METHODS[method]!;
      payment.amount = amount;
      payment.currency = CURRENCY;
      if (failure === null) {
        if (rng.chance(REFUND_SHARE)) this.scheduleRefund(orderId, amount, category, main);
        return;
      }
      payment.failure_reason = failure;
      if (!rng.chance(RETRY_SHARE)) return;
      if (rng.chance(0.45)) method = chooseMethod(rng, app);
    }
  }

  private scheduleRefund(orderId: string, paid: number, category: number, product: number): void {
    const { rng, catalog, writer, schedule } = this.deps;
    const partial = rng.chance(0.25);
    const amount = partial ? Math.max(100, Math.round((paid * rng.uniform(0.2, 0.7)) / 100) * 100) : paid;
    const refund: Record<string, string | number> = {
      event_id: '',
      type: 'refund',
      ts: writer.t + Math.round(Math.max(HOUR, rng.lognormal(3 * DAY, 0.7))),
      visitor_id: writer.visitorId,
    };
    if (writer.userId !== undefined) refund.user_id = writer.userId;
    refund.channel = writer.channel;
    refund.device = writer.device;
    refund.platform = writer.platform;
    refund.region = writer.region;
    refund.category = CATEGORY_NAMES[category]!;
    refund.product_id = catalog.ids[product]!;
    refund.order_id = orderId;
    refund.amount = amount;
    refund.currency = CURRENCY;
    schedule([refund as unknown as RefundEvent]);
  }
}
