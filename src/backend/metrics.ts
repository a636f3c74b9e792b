import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The plugin process's own metrics, which Grafana scrapes through CollectMetrics and serves at
 * /metrics/plugins/shopmon-kpi-datasource: Node's defaults plus query and resource counters.
 */

export interface PluginMetrics {
  registry: Registry;
  queries: Counter<'kind' | 'status'>;
  queryDuration: Histogram<'kind'>;
  resourceCalls: Counter<'route' | 'status'>;
  healthChecks: Counter<'status'>;
}

export function createMetrics(): PluginMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    queries: new Counter({ name: 'shopmon_plugin_queries_total', help: 'Queries answered, by kind (kpi, funnel) and DataResponse status', labelNames: ['kind', 'status'], registers: [registry] }),
    queryDuration: new Histogram({
      name: 'shopmon_plugin_query_duration_seconds',
      help: 'Time to answer one query, KPI service call and frame encoding included',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    resourceCalls: new Counter({ name: 'shopmon_plugin_resource_calls_total', help: 'CallResource requests, by route and status', labelNames: ['route', 'status'], registers: [registry] }),
    healthChecks: new Counter({ name: 'shopmon_plugin_health_checks_total', help: 'CheckHealth results, by status', labelNames: ['status'], registers: [registry] }),
  };
}
