import {
  DataSourcePlugin,
  PanelPlugin,
  type DataSourceApi,
  type DataSourceInstanceSettings,
  type DataSourcePluginMeta,
  type DataSourceRef,
  type PanelPluginMeta,
} from '@grafana/data';
import type { DataSourceSrv, GetDataSourceListFilters } from '@grafana/runtime';
import { loadPluginModule } from './amd';

/**
 * The plugins and datasources of the harness page: Grafana's plugin importer (module.js through
 * the AMD shim, `plugin.meta` set from plugin.json) and a DataSourceSrv over the host's
 * /api/frontend/settings, creating datasource instances the way Grafana's DatasourceSrv does.
 */

export interface FrontendSettings {
  datasources: Record<string, DataSourceInstanceSettings>;
  panels: Record<string, PanelPluginMeta>;
}

export class PluginCheckError extends Error {}

const plugins = new Map<string, Promise<AnyDataSourcePlugin | PanelPlugin>>();

async function importPlugin(id: string, meta: DataSourcePluginMeta | PanelPluginMeta): Promise<AnyDataSourcePlugin | PanelPlugin> {
  const exports = await loadPluginModule(id);
  const plugin = exports.plugin;
  if (!(plugin instanceof DataSourcePlugin) && !(plugin instanceof PanelPlugin)) {
    throw new PluginCheckError(`${id}/module.js exports no DataSourcePlugin or PanelPlugin of Grafana's @grafana/data (did it bundle its own copy?)`);
  }
  plugin.meta = meta as never;
  return plugin;
}

export function pluginFor(id: string, meta: DataSourcePluginMeta | PanelPluginMeta): Promise<AnyDataSourcePlugin | PanelPlugin> {
  let p = plugins.get(id);
  if (!p) {
    p = importPlugin(id, meta);
    plugins.set(id, p);
  }
  return p;
}

export async function fetchFrontendSettings(): Promise<FrontendSettings> {
  const res = await fetch('/api/frontend/settings');
  if (!res.ok) throw new Error(`/api/frontend/settings answered ${res.status}`);
  return (await res.json()) as FrontendSettings;
}

export class HarnessDataSourceSrv implements DataSourceSrv {
  private settings: FrontendSettings = { datasources: {}, panels: {} };
  private instances = new Map<string, DataSourceApi>();

  async init(): Promise<void> {
    this.settings = await fetchFrontendSettings();
    this.instances.clear();
  }

  /** Grafana's reload fetches the frontend settings again and forgets the instances. */
  reload(): Promise<void> {
    return this.init();
  }

  panelMeta(id: string): PanelPluginMeta | undefined {
    return this.settings.panels[id];
  }

  getList(filters: GetDataSourceListFilters = {}): DataSourceInstanceSettings[] {
    return Object.values(this.settings.datasources).filter((ds) => !filters.type || ds.type === filters.type);
  }

  getInstanceSettings(ref?: DataSourceRef | string | null): DataSourceInstanceSettings | undefined {
    const all = Object.values(this.settings.datasources);
    if (ref === null || ref === undefined) return all.find((ds) => ds.isDefault);
    const key = typeof ref === 'string' ? ref : ref.uid;
    return all.find((ds) => ds.uid === key || ds.name === key);
  }

  async get(ref?: DataSourceRef | string | null): Promise<DataSourceApi> {
    const settings = this.getInstanceSettings(ref);
    if (!settings) throw new Error(`Datasource ${JSON.stringify(ref)} was not found`);
    const cached = this.instances.get(settings.uid);
    if (cached) return cached;
    const plugin = await pluginFor(settings.type, settings.meta);
    if (!(plugin instanceof DataSourcePlugin)) throw new PluginCheckError(`${settings.type} is not a datasource plugin`);
    const instance = new plugin.DataSourceClass(settings) as DataSourceApi;
    instance.components = plugin.components;
    instance.meta = settings.meta;
    this.instances.set(settings.uid, instance);
    return instance;
  }

  registerRuntimeDataSource(): void {
    throw new Error('runtime datasources are not supported by the e2e host');
  }
}

/** A datasource plugin of any datasource class. */
export type AnyDataSourcePlugin = DataSourcePlugin<DataSourceApi>;
