import type { HandlerDeps } from '../instance';
import type { CollectMetricsResponse } from '../messages';

/** CollectMetrics: the plugin process's Prometheus text, which Grafana re-exposes. */
export async function collectMetrics(deps: Pick<HandlerDeps, 'metrics'>): Promise<CollectMetricsResponse> {
  return { metrics: { prometheus: Buffer.from(await deps.metrics.registry.metrics()) } };
}
