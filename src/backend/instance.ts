import { createKpiClient, type KpiClient } from './kpiClient';
import type { Logger } from './logger';
import type { PluginMetrics } from './metrics';
import { createInstanceCache, type DatasourceSettings, type InstanceCache } from './settings';

/** What the handlers share: one KPI client per datasource instance, metrics and the logger. */

export interface Instance {
  settings: DatasourceSettings;
  client: KpiClient;
}

export interface HandlerDeps {
  instances: InstanceCache<Instance>;
  metrics: PluginMetrics;
  log: Logger;
}

export function createInstances(log: Logger): InstanceCache<Instance> {
  return createInstanceCache<Instance>(
    (settings, ds) => {
      log.debug('datasource instance created', { uid: ds.uid, name: ds.name, url: settings.url ?? '', problem: settings.problem ?? '' });
      return { settings, client: createKpiClient(settings) };
    },
    // Settings were saved again: calls under way on the old client may still finish.
    (old) => old.client.close(old.settings.timeoutMs + 1000),
  );
}
