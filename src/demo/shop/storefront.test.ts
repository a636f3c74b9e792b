import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sample, startTestShop } from './testShop';

type Shop = Awaited<ReturnType<typeof startTestShop>>;

async function call(shop: Shop, method: string, path: string, body?: unknown) {
  const res = await fetch(shop.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

async function buy(shop: Shop, method: string) {
  const product = (await call(shop, 'GET', '/')).body.products[0].id as string;
  const cart = await call(shop, 'POST', '/cart', { product_id: product, quantity: 2 });
  const order = await call(shop, 'POST', '/checkout', { cart_id: cart.body.cart_id });
  return call(shop, 'POST', '/pay', { order_id: order.body.order_id, method });
}

describe('demo storefront', () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startTestShop({ SHOP_GATEWAY_TIMEOUT_MS: '200' }, { latencyScale: 0.2 });
  });
  afterAll(async () => {
    await shop.stop();
  });

  it('answers every page a shopper browses', async () => {
    const home = await call(shop, 'GET', '/');
    expect(home.status).toBe(200);
    expect(home.body.products.length).toBeGreaterThan(0);
    const id = home.body.products[0].id;
    const product = await call(shop, 'GET', `/product/${id}`);
    expect(product).toMatchObject({ status: 200, body: { product: { id, currency: 'KRW' } } });
    expect((await call(shop, 'GET', '/category/electronics')).body.products.length).toBeGreaterThan(0);
    // Now and then everything a query matches is sold out (as in the generator): look at a few.
    const searches = await Promise.all(Array.from({ length: 6 }, () => call(shop, 'GET', `/search?q=${encodeURIComponent('노트북')}`)));
    expect(searches.every((s) => s.status === 200)).toBe(true);
    const found = searches.filter((s) => s.body.total > 0);
    expect(found.length).toBeGreaterThanOrEqual(4);
    expect(found[0]!.body.products.every((p: { category: string }) => p.category === 'electronics')).toBe(true);
    expect((await call(shop, 'GET', '/search?q=asdf')).body.total).toBe(0);
    expect((await call(shop, 'GET', '/cart')).status).toBe(200);
    expect((await call(shop, 'GET', '/checkout')).status).toBe(200);
  });

  it('answers wrong requests with a status and an error code', async () => {
    expect(await call(shop, 'GET', '/search')).toMatchObject({ status: 400, body: { error: { code: 'missing_query' } } });
    expect(await call(shop, 'GET', '/product/p1')).toMatchObject({ status: 404, body: { error: { code: 'unknown_product' } } });
    expect(await call(shop, 'GET', '/category/cars')).toMatchObject({ status: 404 });
    expect(await call(shop, 'POST', '/cart', { product_id: 'p100000', quantity: 0 })).toMatchObject({ status: 400, body: { error: { code: 'bad_quantity' } } });
    expect(await call(shop, 'POST', '/checkout', { cart_id: 'c-none' })).toMatchObject({ status: 409, body: { error: { code: 'empty_cart' } } });
    expect(await call(shop, 'POST', '/pay', { order_id: 'o-none', method: 'card' })).toMatchObject({ status: 404 });
    expect(await call(shop, 'POST', '/pay', { order_id: 'o-none', method: 'cash' })).toMatchObject({ status: 400, body: { error: { code: 'bad_method' } } });
    expect(await call(shop, 'GET', '/nowhere')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('takes an order from cart to payment, once', async () => {
    const product = (await call(shop, 'GET', '/')).body.products[1];
    const cart = await call(shop, 'POST', '/cart', { product_id: product.id, quantity: 3 });
    expect(cart).toMatchObject({ status: 201, body: { amount: product.price * 3 } });
    const order = await call(shop, 'POST', '/checkout', { cart_id: cart.body.cart_id, order_id: 'o-test-1' });
    expect(order).toMatchObject({ status: 201, body: { order_id: 'o-test-1', amount: product.price * 3, status: 'pending' } });
    expect((await call(shop, 'POST', '/checkout', { cart_id: cart.body.cart_id, order_id: 'o-test-1' })).status).toBe(409);
    let paid = await call(shop, 'POST', '/pay', { order_id: 'o-test-1', method: 'kakaopay' });
    for (let i = 0; paid.status !== 200 && i < 20; i++) paid = await call(shop, 'POST', '/pay', { order_id: 'o-test-1', method: 'kakaopay' });
    expect(paid).toMatchObject({ status: 200, body: { status: 'succeeded', amount: product.price * 3 } });
    expect((await call(shop, 'POST', '/pay', { order_id: 'o-test-1', method: 'card' })).status).toBe(409);
  });

  it('fails most card payments with 502 gateway_timeout during the payment outage, slowly', async () => {
    let timeoutCount = 0;
    shop.incidents.set('payment_outage', true);
    try {
      const answers = await Promise.all(Array.from({ length: 30 }, () => buy(shop, 'card')));
      const timeouts = answers.filter((a) => a.status === 502);
      timeoutCount = timeouts.length;
      expect(timeouts.length).toBeGreaterThanOrEqual(12);
      expect(timeouts[0]!.body).toMatchObject({ status: 'failed', failure_reason: 'gateway_timeout' });
      const wallet = await Promise.all(Array.from({ length: 10 }, () => buy(shop, 'naverpay')));
      expect(wallet.filter((a) => a.status === 502).length).toBeLessThanOrEqual(1);
    } finally {
      shop.incidents.set('payment_outage', false);
    }
    const metrics = (await call(shop, 'GET', '/metrics')).body as string;
    expect(sample(metrics, 'http_errors_total{route="/pay",method="POST",status="502"}')).toBeGreaterThanOrEqual(12);
    // The 502s waited for the gateway timeout (200 ms, run at 0.2 of real time here: 40 ms).
    expect(sample(metrics, 'shop_payment_gateway_duration_seconds_bucket{le="0.025",method="card",outcome="timeout"}')).toBe(0);
    expect(sample(metrics, 'shop_payment_gateway_duration_seconds_count{method="card",outcome="timeout"}')).toBe(timeoutCount);
  });

  it('returns empty searches while the search index is failing', async () => {
    shop.incidents.set('search_index_failure', true);
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => call(shop, 'GET', `/search?q=${encodeURIComponent('선크림')}`)));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(answers.filter((a) => a.body.total === 0).length).toBeGreaterThanOrEqual(12);
    } finally {
      shop.incidents.set('search_index_failure', false);
    }
  });

  it('exposes HTTP, database pool, incident and Node runtime metrics', async () => {
    const res = await fetch(`${shop.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    for (const name of [
      'http_requests_total',
      'http_request_duration_seconds',
      'http_errors_total',
      'db_pool_connections',
      'db_pool_max_connections',
      'db_pool_acquire_duration_seconds',
      'db_query_duration_seconds',
      'shop_payment_gateway_duration_seconds',
      'shop_incident_active',
      'shop_events_sent_total',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_gc_duration_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, 'http_requests_total{route="/product/:id",method="GET",status="200"}')).toBeGreaterThan(0);
    expect(sample(text, 'http_request_duration_seconds_count{route="/search",method="GET",status="200"}')).toBeGreaterThan(0);
    for (const state of ['in_use', 'idle', 'waiting']) expect(sample(text, `db_pool_connections{state="${state}"}`)).toBeGreaterThanOrEqual(0);
  });
});

describe('demo storefront under concurrent load', () => {
  it('moves the pool gauges: all connections in use, requests waiting, then idle again', async () => {
    const shop = await startTestShop({ SHOP_DB_POOL_SIZE: '2' }, { latencyScale: 4 });
    try {
      const seen = { inUse: 0, waiting: 0 };
      let done = false;
      const load = Promise.all(Array.from({ length: 40 }, (_, i) => call(shop, 'GET', i % 2 ? '/' : '/search?q=nike'))).finally(() => (done = true));
      while (!done) {
        const text = await (await fetch(`${shop.url}/metrics`)).text();
        seen.inUse = Math.max(seen.inUse, sample(text, 'db_pool_connections{state="in_use"}') ?? 0);
        seen.waiting = Math.max(seen.waiting, sample(text, 'db_pool_connections{state="waiting"}') ?? 0);
        await new Promise((r) => setTimeout(r, 5));
      }
      const answers = await load;
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(seen.inUse).toBe(2);
      expect(seen.waiting).toBeGreaterThan(5);
      const after = await (await fetch(`${shop.url}/metrics`)).text();
      expect(sample(after, 'db_pool_connections{state="in_use"}')).toBe(0);
      expect(sample(after, 'db_pool_connections{state="waiting"}')).toBe(0);
      expect(sample(after, 'db_pool_connections{state="idle"}')).toBe(2);
      expect(sample(after, 'db_pool_max_connections')).toBe(2);
    } finally {
      await shop.stop();
    }
  });

  it('answers 503 db_busy when a request waits longer than the acquire timeout', async () => {
    const shop = await startTestShop({ SHOP_DB_POOL_SIZE: '1', SHOP_DB_ACQUIRE_TIMEOUT_MS: '5' }, { latencyScale: 10 });
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, () => call(shop, 'GET', '/search?q=nike')));
      const busy = answers.filter((a) => a.status === 503);
      expect(busy.length).toBeGreaterThan(0);
      expect(busy[0]!.body).toMatchObject({ error: { code: 'db_busy' } });
      const text = await (await fetch(`${shop.url}/metrics`)).text();
      expect(sample(text, 'db_pool_acquire_timeouts_total')).toBe(busy.length);
    } finally {
      await shop.stop();
    }
  });
});

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

(haveOpenssl() ? describe : describe.skip)('demo storefront over HTTPS', () => {
  it('serves the same shop on the TLS port with the configured certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shop-tls-'));
    const cert = join(dir, 'shop.crt');
    const key = join(dir, 'shop.key');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=demo-shop', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const shop = await startTestShop({ SHOP_TLS_PORT: '0', SHOP_TLS_CERT: cert, SHOP_TLS_KEY: key }, { tls: { cert: readFileSync(cert), key: readFileSync(key) } });
    try {
      expect(shop.tlsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const { status, subject, validTo } = await new Promise<{ status: number; subject: string; validTo: string }>((resolve, reject) => {
        const req = httpsRequest(`${shop.tlsUrl}/healthz`, { agent: new Agent({ rejectUnauthorized: false }) }, (res) => {
          const peer = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, subject: peer.subject.CN, validTo: peer.valid_to }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
      expect(subject).toBe('demo-shop');
      const daysLeft = (Date.parse(validTo) - Date.now()) / 86_400_000;
      expect(daysLeft).toBeGreaterThan(28);
      expect(daysLeft).toBeLessThan(31);
    } finally {
      await shop.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
