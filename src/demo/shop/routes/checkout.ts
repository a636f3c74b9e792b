import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { PAYMENT_METHODS } from '../../payments';
import type { CartItem } from '../database';
import { isPaymentMethod } from '../gateway';
import { HttpError, type StorefrontDeps } from '../storefront';

/** Buying: add to cart, place the order, pay for it. */

const MAX_QUANTITY = 99;
const MAX_ID = 128;

function body(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new HttpError(400, 'bad_body', 'send a JSON object');
  return raw as Record<string, unknown>;
}

function optionalId(value: unknown, field: string, prefix: string): string {
  if (value === undefined || value === null || value === '') return `${prefix}-${randomUUID()}`;
  if (typeof value !== 'string' || value.length > MAX_ID) throw new HttpError(400, `bad_${field}`, `${field} must be a string of at most ${MAX_ID} characters`);
  return value;
}

export function registerCheckoutRoutes(app: FastifyInstance, deps: StorefrontDeps): void {
  const { db, gateway, incidents } = deps;
  const now = deps.now ?? Date.now;

  app.post('/cart', async (request, reply) => {
    const b = body(request.body);
    const cartId = optionalId(b.cart_id, 'cart_id', 'c');
    const quantity = b.quantity ?? 1;
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      throw new HttpError(400, 'bad_quantity', `quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
    }
    const index = typeof b.product_id === 'string' ? db.productIndex(b.product_id) : undefined;
    if (index === undefined) throw new HttpError(404, 'unknown_product', `no product ${JSON.stringify(b.product_id)}`);
    const items = await db.withConnection(async (c) => {
      const product = await c.query('products.by_id', () => db.product(index));
      return c.query('carts.upsert', () => {
        const next: CartItem[] = [...(db.cart(cartId) ?? []), { product_id: product.id, quantity, price: product.price }];
        db.saveCart(cartId, next);
        return next;
      });
    });
    return reply.code(201).send({ cart_id: cartId, items, amount: items.reduce((sum, i) => sum + i.price * i.quantity, 0) });
  });

  app.post('/checkout', async (request, reply) => {
    const b = body(request.body);
    if (typeof b.cart_id !== 'string' || b.cart_id === '') throw new HttpError(400, 'missing_cart', 'cart_id is required');
    const cartId = b.cart_id;
    const orderId = optionalId(b.order_id, 'order_id', 'o');
    const order = await db.withConnection(async (c) => {
      await c.query('tx.begin', () => undefined);
      const items = await c.query('carts.by_id', () => db.cart(cartId));
      if (!items || items.length === 0) throw new HttpError(409, 'empty_cart', `cart ${cartId} is empty`);
      if (db.order(orderId)) throw new HttpError(409, 'duplicate_order', `order ${orderId} exists already`);
      const placed = { order_id: orderId, amount: items.reduce((sum, i) => sum + i.price * i.quantity, 0), currency: 'KRW' as const, status: 'pending' as const, items };
      await c.query('orders.insert', () => db.saveOrder(placed));
      await c.query('tx.commit', () => undefined);
      return placed;
    });
    return reply.code(201).send({ order_id: order.order_id, amount: order.amount, currency: order.currency, status: order.status });
  });

  app.post('/pay', async (request, reply) => {
    const b = body(request.body);
    if (typeof b.order_id !== 'string' || b.order_id === '') throw new HttpError(400, 'missing_order', 'order_id is required');
    if (!isPaymentMethod(b.method)) throw new HttpError(400, 'bad_method', `method must be one of ${PAYMENT_METHODS.join(', ')}`);
    const orderId = b.order_id;
    const method = b.method;
    // The transaction (and so the pooled connection) stays open across the gateway call, as in
    // many shops: when the gateway hangs, requests queue for connections and every page slows.
    return db.withConnection(async (c) => {
      await c.query('tx.begin', () => undefined);
      const order = await c.query('orders.by_id', () => db.order(orderId));
      if (!order) throw new HttpError(404, 'unknown_order', `no order ${orderId}`);
      if (order.status === 'paid') throw new HttpError(409, 'already_paid', `order ${orderId} is paid already`);
      const result = await gateway.charge(method, incidents.isActive('payment_outage', now()));
      await c.query('payments.insert', () => {
        if (result.outcome === 'succeeded') order.status = 'paid';
      });
      await c.query('tx.commit', () => undefined);
      const answer = { order_id: orderId, method, amount: order.amount, currency: order.currency };
      if (result.outcome === 'succeeded') return reply.code(200).send({ ...answer, status: 'succeeded' });
      if (result.outcome === 'declined') return reply.code(402).send({ ...answer, status: 'failed', failure_reason: result.reason });
      return reply.code(502).send({ ...answer, status: 'failed', failure_reason: result.reason, error: { code: 'gateway_timeout', message: 'the payment gateway did not answer in time' } });
    });
  });
}
