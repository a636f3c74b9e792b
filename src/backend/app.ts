import { callResource } from './handlers/callResource';
import { checkHealth } from './handlers/checkHealth';
import { collectMetrics } from './handlers/collectMetrics';
import { queryData } from './handlers/queryData';
import { createInstances, type HandlerDeps } from './instance';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import type { Handlers } from './server';

/**
 * The request handlers with what they share. main.ts loads this module only after the handshake
 * (Arrow, prom-client and the KPI modules are most of the start-up time) and right away, so it
 * is ready before Grafana's first request in practice; a request that comes earlier waits for it.
 */
export function createHandlers(log: Logger): Handlers & { close(): void } {
  const deps: HandlerDeps = { instances: createInstances(log), metrics: createMetrics(), log };
  return {
    queryData: (req, signal) => queryData(req, deps, signal),
    checkHealth: (req) => checkHealth(req, deps),
    callResource: (req, signal) => callResource(req, deps, signal),
    collectMetrics: () => collectMetrics(deps),
    close: () => deps.instances.clear(),
  };
}
