import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PoolStats } from './pool';

/**
 * The storefront's Prometheus metrics, named as a Node web service usually names them (no
 * prefix), so the System dashboard reads the shop and the KPI service (prefix `shopmon_`) with
 * one `(shopmon_)?` pattern. One registry per shop instance keeps tests apart.
 */

export const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createShopMetrics(poolStats: () => PoolStats) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['route', 'method', 'status'] as const;
  const metrics = {
    registry,
    httpRequests: new Counter({ name: 'http_requests_total', help: 'HTTP requests by route, method and status', labelNames, registers: [registry] }),
    httpDuration: new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request latency by route, method and status', labelNames, buckets: SECONDS_BUCKETS, registers: [registry] }),
    httpErrors: new Counter({ name: 'http_errors_total', help: 'HTTP answers with a server error (5xx) by route, method and status', labelNames, registers: [registry] }),
    dbPool: new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections by state: in_use (lent out), idle (open, free), waiting (requests queued for one)',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const s = poolStats();
        this.set({ state: 'in_use' }, s.inUse);
        this.set({ state: 'idle' }, s.idle);
        this.set({ state: 'waiting' }, s.waiting);
      },
    }),
    dbPoolMax: new Gauge({
      name: 'db_pool_max_connections',
      help: 'Configured size of the database pool',
      registers: [registry],
      collect() {
        this.set(poolStats().max);
      },
    }),
    dbAcquire: new Histogram({ name: 'db_pool_acquire_duration_seconds', help: 'Time a request waited for a database connection', buckets: SECONDS_BUCKETS, registers: [registry] }),
    dbAcquireTimeouts: new Counter({ name: 'db_pool_acquire_timeouts_total', help: 'Requests that gave up waiting for a database connection', registers: [registry] }),
    dbQuery: new Histogram({ name: 'db_query_duration_seconds', help: 'Simulated database query time by query', labelNames: ['query'] as const, buckets: SECONDS_BUCKETS, registers: [registry] }),
    gateway: new Histogram({
      name: 'shop_payment_gateway_duration_seconds',
      help: 'Payment gateway call time by method and outcome (succeeded, declined, timeout)',
      labelNames: ['method', 'outcome'] as const,
      buckets: SECONDS_BUCKETS,
      registers: [registry],
    }),
    incidentActive: new Gauge({ name: 'shop_incident_active', help: '1 while a scripted demo incident is on', labelNames: ['incident'] as const, registers: [registry] }),
    shoppersActive: new Gauge({ name: 'shop_virtual_shoppers_active', help: 'Virtual shoppers browsing right now', registers: [registry] }),
    visits: new Counter({ name: 'shop_visits_total', help: 'Visits started by virtual shoppers, by kind (visit, spike, listing)', labelNames: ['kind'] as const, registers: [registry] }),
    eventsSent: new Counter({ name: 'shop_events_sent_total', help: 'Business events handed to the KPI service, by result (accepted, duplicate, rejected, failed)', labelNames: ['result'] as const, registers: [registry] }),
    alertsReceived: new Counter({ name: 'shop_alert_notifications_total', help: 'Grafana alert notifications received by the demo webhook, by status', labelNames: ['status'] as const, registers: [registry] }),
  };
  return metrics;
}

export type ShopMetrics = ReturnType<typeof createShopMetrics>;
