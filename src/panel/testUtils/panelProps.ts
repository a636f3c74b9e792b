import { applyFieldOverrides, DataFrame, EventBusSrv, FieldConfigSource, getDefaultTimeRange, LoadingState, PanelProps } from '@grafana/data';

import { plugin } from '../module';
import { ShopmonPanelOptions } from '../types';
import { identity, options, theme } from './frames';

/** What Grafana hands a panel component; tests override what they need. */
export function panelProps(series: DataFrame[], overrides: Partial<PanelProps<ShopmonPanelOptions>> = {}): PanelProps<ShopmonPanelOptions> {
  const timeRange = getDefaultTimeRange();
  return {
    id: 1,
    data: { state: LoadingState.Done, series, timeRange },
    timeRange,
    timeZone: 'utc',
    options: options(),
    transparent: false,
    width: 800,
    height: 300,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 0,
    title: 'KPIs',
    eventBus: new EventBusSrv(),
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: identity,
    onChangeTimeRange: jest.fn(),
    ...overrides,
  };
}

/**
 * Frames as Grafana gives them to the panel: plugin field config defaults and the dashboard's
 * overrides applied, `display` and `getLinks` set. Needs registerStubEditors() first.
 */
export function withFieldConfig(frames: DataFrame[], fieldConfig: FieldConfigSource): DataFrame[] {
  const defaults = plugin.fieldConfigDefaults.defaults;
  return applyFieldOverrides({
    data: frames,
    fieldConfig: { defaults: { ...defaults, ...fieldConfig.defaults, custom: { ...defaults.custom, ...fieldConfig.defaults.custom } }, overrides: fieldConfig.overrides },
    fieldConfigRegistry: plugin.fieldConfigRegistry,
    replaceVariables: identity,
    theme,
    timeZone: 'utc',
  });
}
