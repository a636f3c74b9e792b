import {
  applyFieldOverrides,
  EventBusSrv,
  getPanelOptionsWithDefaults,
  LoadingState,
  type FieldConfigSource,
  type PanelData,
  type PanelPlugin,
} from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { PanelChrome, useTheme2 } from '@grafana/ui';
import React, { useMemo } from 'react';

/**
 * Stands in for Grafana's PanelStateWrapper: options merged with the plugin's defaults
 * (getPanelOptionsWithDefaults from @grafana/data), field config applied with the plugin's
 * field config registry (applyFieldOverrides), PanelChrome (from @grafana/ui) around the panel
 * with the query error as its status, and the panel component with the props Grafana passes.
 */

export interface PanelArgs {
  title: string;
  options: Record<string, unknown>;
  fieldConfig?: FieldConfigSource;
  width: number;
  height: number;
}

interface Props extends PanelArgs {
  plugin: PanelPlugin;
  data: PanelData;
}

const eventBus = new EventBusSrv();
const replaceVariables = (text: string, scopedVars?: Parameters<ReturnType<typeof getTemplateSrv>['replace']>[1]) => getTemplateSrv().replace(text, scopedVars);

export function PanelPage({ plugin, data, title, options, fieldConfig, width, height }: Props) {
  const theme = useTheme2();
  const withDefaults = useMemo(
    () => getPanelOptionsWithDefaults({ plugin, currentOptions: options, currentFieldConfig: fieldConfig ?? { defaults: {}, overrides: [] }, isAfterPluginChange: false }),
    [plugin, options, fieldConfig],
  );
  const series = useMemo(
    () =>
      applyFieldOverrides({
        data: data.series,
        fieldConfig: withDefaults.fieldConfig,
        fieldConfigRegistry: plugin.fieldConfigRegistry,
        replaceVariables,
        theme,
        timeZone: 'browser',
      }),
    [data, withDefaults, plugin, theme],
  );
  const Panel = plugin.panel;
  if (!Panel) return null;
  const error = data.errors?.[0] ?? data.error;
  return (
    <PanelChrome width={width} height={height} title={title} statusMessage={error?.message} loadingState={data.state ?? LoadingState.Done}>
      {(innerWidth, innerHeight) => (
        <Panel
          id={1}
          data={{ ...data, series }}
          timeRange={data.timeRange}
          timeZone="browser"
          options={withDefaults.options}
          fieldConfig={withDefaults.fieldConfig}
          transparent={false}
          width={innerWidth}
          height={innerHeight}
          renderCounter={0}
          title={title}
          eventBus={eventBus}
          onOptionsChange={() => undefined}
          onFieldConfigChange={() => undefined}
          replaceVariables={replaceVariables}
          onChangeTimeRange={() => undefined}
        />
      )}
    </PanelChrome>
  );
}
