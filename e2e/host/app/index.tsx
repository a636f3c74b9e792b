import {
  CoreApp,
  createTheme,
  DataSourcePlugin,
  formattedValueToString,
  getValueFormat,
  PanelPlugin,
  ThemeContext,
  type DataQuery,
  type DataSourceSettings,
  type FieldConfigSource,
  type GrafanaTheme2,
  type MetricFindValue,
} from '@grafana/data';
import { setBackendSrv, setDataSourceSrv, setTemplateSrv } from '@grafana/runtime';
import { GlobalStyles } from '@grafana/ui';
import React, { type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { installAmd } from './amd';
import { createBackendSrv, requestLog, type RecordedRequest } from './backendSrv';
import { ConfigPage } from './ConfigPage';
import { PanelPage, type PanelArgs } from './PanelPage';
import { QueryPage, type QueryPageState } from './QueryPage';
import { HarnessDataSourceSrv, pluginFor, type AnyDataSourcePlugin } from './registry';
import { makeRange, runQuery, toPlain, type PlainResult, type RunArgs } from './runQuery';
import { sharedModules } from './shared';
import { registerStandardOptions } from './standardOptions';
import { HarnessTemplateSrv, type HarnessVariable } from './templateSrv';
import { harnessIds } from './testIds';

/**
 * The harness page: Grafana's runtime services set up over the e2e host, our built plugins
 * loaded from /public/plugins/<id>/module.js, and `window.harness`, which the specs drive
 * through Playwright (mount a page, run a query, read what came back).
 */

export interface PluginChecks {
  datasource: { isDataSourcePlugin: boolean; hasConfigEditor: boolean; hasQueryEditor: boolean };
  panel: { isPanelPlugin: boolean; hasPanel: boolean };
}

export interface Harness {
  ready: Promise<PluginChecks>;
  setTheme(mode: 'light' | 'dark'): void;
  setVariables(variables: HarnessVariable[]): void;
  showConfig(uid: string): Promise<void>;
  showQueryEditor(args: { uid: string; query: DataQuery; range: { from: number; to: number }; maxDataPoints?: number }): Promise<void>;
  queryPage(): QueryPageState;
  runQuery(args: RunArgs): Promise<PlainResult>;
  showPanel(args: PanelArgs & RunArgs & { pluginId?: string }): Promise<PlainResult>;
  metricFindQuery(uid: string, query: string, range: { from: number; to: number }): Promise<MetricFindValue[]>;
  format(value: number, unit: string, decimals?: number): string;
  requests(): RecordedRequest[];
}

declare global {
  interface Window {
    harness: Harness;
  }
}

const DATASOURCE_ID = 'shopmon-kpi-datasource';
const PANEL_ID = 'shopmon-kpi-panel';

installAmd(sharedModules);
registerStandardOptions();
const templateSrv = new HarnessTemplateSrv();
const dataSourceSrv = new HarnessDataSourceSrv();
setBackendSrv(createBackendSrv());
setTemplateSrv(templateSrv);
setDataSourceSrv(dataSourceSrv);

const container = document.getElementById('root')!;
const root = createRoot(container);
let theme: GrafanaTheme2 = createTheme({ colors: { mode: 'dark' } });
let content: ReactNode = null;
let renderKey = 0;

function render(): void {
  document.body.style.background = theme.colors.background.canvas;
  root.render(
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <div data-testid={harnessIds.page} key={renderKey} style={{ padding: 16, background: theme.colors.background.primary, display: 'inline-block', minWidth: 640 }}>
        {content}
      </div>
    </ThemeContext.Provider>,
  );
}

function show(node: ReactNode): void {
  renderKey++;
  content = node;
  render();
}

async function datasourcePlugin(): Promise<AnyDataSourcePlugin> {
  const meta = dataSourceSrv.getList({ type: DATASOURCE_ID })[0]?.meta;
  if (!meta) throw new Error(`no datasource of type ${DATASOURCE_ID} in /api/frontend/settings`);
  return (await pluginFor(DATASOURCE_ID, meta)) as AnyDataSourcePlugin;
}

async function panelPlugin(id = PANEL_ID): Promise<PanelPlugin> {
  const meta = dataSourceSrv.panelMeta(id);
  if (!meta) throw new Error(`no panel plugin ${id} in /api/frontend/settings`);
  return (await pluginFor(id, meta)) as PanelPlugin;
}

async function checkPlugins(): Promise<PluginChecks> {
  await dataSourceSrv.init();
  const ds = await datasourcePlugin();
  const panel = await panelPlugin();
  return {
    datasource: { isDataSourcePlugin: ds instanceof DataSourcePlugin, hasConfigEditor: Boolean(ds.components.ConfigEditor), hasQueryEditor: Boolean(ds.components.QueryEditor) },
    panel: { isPanelPlugin: panel instanceof PanelPlugin, hasPanel: Boolean(panel.panel) },
  };
}

const queryState: QueryPageState = { query: { refId: 'A' }, runs: 0, result: null };

/** Saved options through the plugin's migration handler, as Grafana's PanelModel does on load. */
async function migrated(plugin: PanelPlugin, options: Record<string, unknown>, fieldConfig: FieldConfigSource | undefined): Promise<Record<string, unknown>> {
  if (!plugin.onPanelMigration) return options;
  const model = { id: 1, type: PANEL_ID, options, fieldConfig: fieldConfig ?? { defaults: {}, overrides: [] }, pluginVersion: undefined };
  if (plugin.shouldMigrate && !plugin.shouldMigrate(model as never)) return options;
  return (await plugin.onPanelMigration(model as never)) as Record<string, unknown>;
}

window.harness = {
  ready: checkPlugins(),
  setTheme(mode) {
    theme = createTheme({ colors: { mode } });
    render();
  },
  setVariables: (variables) => templateSrv.setVariables(variables),
  async showConfig(uid) {
    const plugin = await datasourcePlugin();
    const res = await fetch(`/api/datasources/uid/${uid}`);
    const settings = (await res.json()) as DataSourceSettings;
    show(<ConfigPage plugin={plugin} initial={settings} />);
  },
  async showQueryEditor({ uid, query: given, range, maxDataPoints = 1000 }) {
    const ds = await dataSourceSrv.get(uid);
    // A new query ({refId} only) gets the datasource's defaults, as Grafana's query editor rows do.
    const query = Object.keys(given).length === 1 ? { ...ds.getDefaultQuery?.(CoreApp.PanelEditor), ...given } : given;
    queryState.query = query;
    queryState.runs = 0;
    queryState.result = null;
    show(<QueryPage ds={ds} initial={query} range={range} maxDataPoints={maxDataPoints} state={queryState} />);
  },
  queryPage: () => queryState,
  runQuery: async (args) => toPlain(await runQuery(args)),
  async showPanel(args) {
    const plugin = await panelPlugin(args.pluginId);
    const data = await runQuery(args);
    const options = await migrated(plugin, args.options, args.fieldConfig);
    show(<PanelPage plugin={plugin} data={data} title={args.title} options={options} fieldConfig={args.fieldConfig} width={args.width} height={args.height} />);
    return toPlain(data);
  },
  async metricFindQuery(uid, query, range) {
    const ds = await dataSourceSrv.get(uid);
    if (!ds.metricFindQuery) throw new Error(`${uid} has no metricFindQuery`);
    return ds.metricFindQuery(query, { range: makeRange(range) });
  },
  format: (value, unit, decimals) => formattedValueToString(getValueFormat(unit)(value, decimals)),
  requests: () => [...requestLog],
};

render();
