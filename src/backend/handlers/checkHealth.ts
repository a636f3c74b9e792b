import type { HandlerDeps } from '../instance';
import { KpiError, NO_KEY } from '../kpiClient';
import type { CheckHealthRequest, CheckHealthResponse } from '../messages';

/**
 * CheckHealth ("Save & test"): the KPI service answers /healthz, and the configured query key
 * reads its catalog. Each failure says what to fix.
 */

function answer(status: 'OK' | 'ERROR', message: string, details: Record<string, unknown> = {}): CheckHealthResponse {
  return { status, message, jsonDetails: Buffer.from(JSON.stringify(details)) };
}

export async function checkHealth(req: CheckHealthRequest, deps: HandlerDeps): Promise<CheckHealthResponse> {
  const result = await runChecks(req, deps);
  deps.metrics.healthChecks.inc({ status: result.status });
  if (result.status !== 'OK') deps.log.info('health check failed', { message: result.message });
  return result;
}

async function runChecks(req: CheckHealthRequest, deps: HandlerDeps): Promise<CheckHealthResponse> {
  let instance;
  try {
    instance = deps.instances.get(req.pluginContext);
  } catch (e) {
    return answer('ERROR', (e as Error).message);
  }
  const { settings, client } = instance;
  if (settings.problem || !client.url) return answer('ERROR', settings.problem ?? 'No KPI service URL is configured.');
  if (!settings.queryKey) return answer('ERROR', NO_KEY, { url: client.url });
  try {
    await client.health();
    const catalog = await client.catalog();
    const metrics = catalog.metrics.length;
    return answer('OK', `OK: connected to the KPI service at ${client.url}; ${metrics} metrics available.`, { url: client.url, metrics });
  } catch (e) {
    if (e instanceof KpiError) return answer('ERROR', capitalise(e.message), { url: client.url, status: e.status });
    deps.log.error('health check failed unexpectedly', { error: e });
    return answer('ERROR', `Internal error in the shopmon plugin: ${(e as Error).message}`);
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
