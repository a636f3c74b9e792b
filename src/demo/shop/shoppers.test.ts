import { INGEST_KEY, startTestServer, type TestServer } from '../../server/testServer';
import { ManualIncidents, sample, startTestShop } from './testShop';

/**
 * Virtual shoppers browse a real storefront and their events land in a real KPI service (both
 * on free loopback ports). Visits run at 1/500 of real time: a 5-minute visit takes 0.6 s.
 */

const total = async (server: TestServer, metric: string, from: number) => {
  const res = await server.post('/v1/query', { metric, from, to: Date.now() + 60_000, format: 'total' });
  expect(res.status).toBe(200);
  return res.body.series[0]?.total as number | null;
};

describe('virtual shoppers -> storefront -> KPI service', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.cleanup();
  });

  it('browse over HTTP and send what happened as valid business events', async () => {
    const started = Date.now() - 1_000;
    const shop = await startTestShop({ SHOP_RATE: '400', SHOPMON_URL: server.url, SHOPMON_INGEST_KEY: INGEST_KEY, SHOP_GATEWAY_TIMEOUT_MS: '500' }, { timeScale: 0.002, latencyScale: 0.1 });
    // Let them shop until enough visits and checkouts happened (a fixed wait failed on a busy machine).
    let before = '';
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      before = await (await fetch(`${shop.url}/metrics`)).text();
      const enough = (sample(before, 'shop_visits_total{kind="visit"}') ?? 0) > 50 && (sample(before, 'http_requests_total{route="/checkout",method="POST",status="201"}') ?? 0) > 0;
      if (enough) break;
    }
    await shop.stop();

    // The shoppers made real requests...
    expect(sample(before, 'http_requests_total{route="/",method="GET",status="200"}')).toBeGreaterThan(0);
    expect(sample(before, 'http_requests_total{route="/product/:id",method="GET",status="200"}')).toBeGreaterThan(0);
    expect(sample(before, 'http_requests_total{route="/cart",method="POST",status="201"}')).toBeGreaterThan(0);
    expect(sample(before, 'http_requests_total{route="/checkout",method="POST",status="201"}')).toBeGreaterThan(0);
    expect(sample(before, 'shop_visits_total{kind="visit"}')).toBeGreaterThan(50);

    // ...and every event they sent was accepted, none rejected.
    const after = await shop.metrics.registry.getSingleMetricAsString('shop_events_sent_total');
    const accepted = sample(after, 'shop_events_sent_total{result="accepted"}') ?? 0;
    expect(accepted).toBeGreaterThan(500);
    expect(sample(after, 'shop_events_sent_total{result="rejected"}') ?? 0).toBe(0);
    expect(sample(after, 'shop_events_sent_total{result="failed"}') ?? 0).toBe(0);

    const pageViews = await total(server, 'page_views', started);
    expect(pageViews).toBeGreaterThan(50);
    expect(await total(server, 'visitors', started)).toBeGreaterThan(20);
    expect(await total(server, 'searches', started)).toBeGreaterThan(0);
    expect(await total(server, 'add_to_carts', started)).toBeGreaterThan(0);
    // Page load and TTI carry the storefront's own answer time on top of the browser's.
    expect(await total(server, 'tti_p75', started)).toBeGreaterThan(100);
    // Orders exist only where checkout answered 201: never more than the storefront took.
    const orders = (await total(server, 'orders', started)) ?? 0;
    expect(orders).toBeLessThanOrEqual(sample(before, 'http_requests_total{route="/checkout",method="POST",status="201"}')! + 20);
    const payments = (await total(server, 'payments', started)) ?? 0;
    expect(payments).toBeLessThanOrEqual(orders * 3);
  });

  it('marks a scripted incident on the dashboards: an annotation and the incident gauge', async () => {
    const incidents = new ManualIncidents();
    incidents.set('payment_outage', true);
    const shop = await startTestShop({ SHOPMON_URL: server.url, SHOPMON_INGEST_KEY: INGEST_KEY }, { incidents });
    try {
      let titles: string[] = [];
      for (let i = 0; i < 50 && titles.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const found = await server.get('/v1/annotations?tags=incident,payment_outage');
        expect(found.status).toBe(200);
        titles = found.body.annotations.map((a: { title: string }) => a.title);
      }
      expect(titles).toEqual(['Demo incident: payment outage']);
      const text = await (await fetch(`${shop.url}/metrics`)).text();
      expect(sample(text, 'shop_incident_active{incident="payment_outage"}')).toBe(1);
      expect(sample(text, 'shop_incident_active{incident="traffic_spike"}')).toBe(0);
    } finally {
      await shop.stop();
    }
  });
});
