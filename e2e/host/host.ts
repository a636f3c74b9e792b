import type { PluginHost } from '../../src/backend/testHost';
import { DatasourceStore, type DatasourceRecord } from './datasources';
import { startGrafanaServer, type GrafanaServer, type PluginSlot } from './grafanaServer';
import { DATASOURCE_ID } from './paths';
import { readPluginJson, startBackendPlugin, stopBackendPlugin } from './pluginProcess';

/**
 * The e2e host: the HTTP server standing in for Grafana and our backend plugin process behind
 * it, with the datasources a test defines. `stop` stops both (plugin first, as Grafana does on
 * shutdown).
 */

export interface Host {
  url: string;
  plugin: PluginHost;
  datasources: DatasourceStore;
  server: GrafanaServer;
  addDatasource(init: Partial<DatasourceRecord> & { uid: string; name: string }): DatasourceRecord;
  stop(): Promise<void>;
}

export async function startHost(): Promise<Host> {
  const datasources = new DatasourceStore(readPluginJson(DATASOURCE_ID).info.version);
  const slot: PluginSlot = {};
  const server = await startGrafanaServer(slot, datasources);
  let plugin: PluginHost;
  try {
    plugin = await startBackendPlugin(`${server.url}/`);
  } catch (e) {
    await server.close();
    throw e;
  }
  slot.plugin = plugin;
  return {
    url: server.url,
    plugin,
    datasources,
    server,
    addDatasource: (init) => datasources.add(init),
    async stop() {
      await stopBackendPlugin(plugin);
      await server.close();
    },
  };
}
