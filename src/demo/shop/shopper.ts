import { setTimeout as sleep } from 'node:timers/promises';
import { chooseMethod, PAYMENT_METHODS } from '../payments';
import type { Random } from '../random';
import type { DemoEvent, PageViewEvent, PaymentEvent } from '../types';

/**
 * One virtual shopper: replays a visit the demo generator planned (who, from where, which
 * pages, what goes into the cart) against the real storefront over HTTP, and reports what
 * actually happened as business events. The storefront has the last word: a search that comes
 * back empty is sent with 0 results, a page's server time is added to its load and TTI, an
 * order exists only if checkout answered, and payments are attempted, retried and reported
 * from the gateway's real answers.
 */

/** A failed payment is tried again this often, sometimes with another method (as the generator does). */
const RETRY_SHARE = 0.65;
const SWITCH_METHOD_SHARE = 0.45;
const MAX_ATTEMPTS = 3;
/** After an empty search many visitors give up. */
const LEAVE_AFTER_EMPTY_SEARCH = 0.5;
const MAX_MS = 600_000;

export interface VisitContext {
  baseUrl: string;
  push(event: DemoEvent): void;
  signal: AbortSignal;
  rng: Random;
  /** Real epoch ms of a moment of the plan (the plan's clock starts at the visit's arrival). */
  realTime(planTs: number): number;
  /** Real ms for a plan duration. */
  realDuration(planMs: number): number;
  now(): number;
  /** A payment of this order succeeded (its planned refund may happen now). */
  onPaid?(orderId: string): void;
}

export interface VisitResult {
  sent: number;
  requests: number;
  leftEarly: boolean;
}

interface Answer {
  status: number;
  ms: number;
  json: Record<string, unknown> | null;
}

async function call(ctx: VisitContext, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
  const started = performance.now();
  try {
    const res = await fetch(ctx.baseUrl + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: ctx.signal,
    });
    const text = await res.text();
    let json: Record<string, unknown> | null = null;
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      json = null;
    }
    return { status: res.status, ms: performance.now() - started, json };
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    return { status: 0, ms: performance.now() - started, json: null };
  }
}

function pagePath(plan: readonly DemoEvent[], i: number, e: PageViewEvent, cartId: string | null): string {
  switch (e.page_type) {
    case 'search': {
      const search = plan.slice(i + 1).find((x) => x.type === 'search' || x.type === 'page_view');
      return `/search?q=${encodeURIComponent(search?.type === 'search' ? search.query : 'nike')}`;
    }
    case 'category':
      return `/category/${encodeURIComponent(e.category ?? 'fashion')}`;
    case 'product':
      return `/product/${encodeURIComponent(e.product_id ?? '')}`;
    case 'cart':
      return `/cart${cartId ? `?cart_id=${encodeURIComponent(cartId)}` : ''}`;
    case 'checkout':
      return `/checkout${cartId ? `?cart_id=${encodeURIComponent(cartId)}` : ''}`;
    default:
      return '/';
  }
}

export async function runVisit(plan: readonly DemoEvent[], ctx: VisitContext): Promise<VisitResult> {
  const result: VisitResult = { sent: 0, requests: 0, leftEarly: false };
  const send = (e: DemoEvent) => {
    ctx.push({ ...e, ts: ctx.now() } as DemoEvent);
    result.sent++;
  };
  const request = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    result.requests++;
    return call(ctx, method, path, body);
  };
  const app = plan.some((e) => e.platform !== undefined && e.platform !== 'web');
  let cartId: string | null = null;
  let lastResults: number | null = null;
  const placed = new Set<string>();
  const paymentsDone = new Set<string>();

  for (let i = 0; i < plan.length; i++) {
    const e = plan[i]!;
    const wait = ctx.realTime(e.ts) - ctx.now();
    if (wait > 0) await sleep(wait, undefined, { signal: ctx.signal });
    switch (e.type) {
      case 'page_view': {
        const answer = await request('GET', pagePath(plan, i, e, cartId));
        lastResults = e.page_type === 'search' && typeof answer.json?.total === 'number' ? answer.json.total : null;
        const server = Math.round(answer.ms);
        send({ ...e, load_ms: Math.min(MAX_MS, e.load_ms + server), tti_ms: Math.min(MAX_MS, e.tti_ms + server) });
        if (answer.status === 0 || answer.status >= 500) return { ...result, leftEarly: true };
        break;
      }
      case 'search': {
        const results = lastResults ?? e.results;
        send({ ...e, results });
        if (results === 0 && e.results > 0 && ctx.rng.chance(LEAVE_AFTER_EMPTY_SEARCH)) return { ...result, leftEarly: true };
        break;
      }
      case 'impression':
        // Nothing was listed on an empty result page.
        if (lastResults !== 0) send(e);
        break;
      case 'add_to_cart': {
        const answer = await request('POST', '/cart', { ...(cartId ? { cart_id: cartId } : {}), product_id: e.product_id, quantity: e.quantity });
        if (answer.status !== 201) break;
        cartId = typeof answer.json?.cart_id === 'string' ? answer.json.cart_id : cartId;
        send(e);
        break;
      }
      case 'order': {
        if (!cartId) break;
        const answer = await request('POST', '/checkout', { cart_id: cartId, order_id: e.order_id });
        if (answer.status !== 201) return { ...result, leftEarly: true };
        placed.add(e.order_id);
        send({ ...e, amount: typeof answer.json?.amount === 'number' ? answer.json.amount : e.amount });
        break;
      }
      case 'payment':
        // The planned attempts only say how the visitor means to pay; the gateway decides.
        if (placed.has(e.order_id) && !paymentsDone.has(e.order_id)) {
          paymentsDone.add(e.order_id);
          await pay(e, app, ctx, request, send);
        }
        break;
      default:
        send(e);
    }
  }
  return result;
}

async function pay(
  planned: PaymentEvent,
  app: boolean,
  ctx: VisitContext,
  request: (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<Answer>,
  send: (e: DemoEvent) => void,
): Promise<void> {
  let method = planned.method;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (attempt > 1) await sleep(ctx.realDuration(ctx.rng.lognormal(40_000, 0.6)), undefined, { signal: ctx.signal });
    const answer = await request('POST', '/pay', { order_id: planned.order_id, method });
    // No answer, or the shop itself failed before the gateway: no payment attempt was made.
    const reachedGateway = answer.status === 200 || answer.status === 402 || answer.status === 502;
    if (reachedGateway) {
      const ok = answer.status === 200;
      const payment: PaymentEvent = { ...planned, method, status: ok ? 'succeeded' : 'failed' };
      delete payment.failure_reason;
      if (!ok) payment.failure_reason = typeof answer.json?.failure_reason === 'string' ? answer.json.failure_reason : 'gateway_error';
      if (typeof answer.json?.amount === 'number') payment.amount = answer.json.amount;
      send(payment);
      if (ok) {
        ctx.onPaid?.(planned.order_id);
        return;
      }
    } else if (answer.status !== 0 && answer.status !== 503) {
      return;
    }
    if (!ctx.rng.chance(RETRY_SHARE)) return;
    if (ctx.rng.chance(SWITCH_METHOD_SHARE)) method = PAYMENT_METHODS[chooseMethod(ctx.rng, app)]!;
  }
}
