import { createTheme, DataFrame, FieldConfig, FieldType, InterpolateFunction, Labels, toDataFrame } from '@grafana/data';

import { ViewModelContext } from '../hooks/format';
import { DEFAULT_OPTIONS, ShopmonPanelOptions } from '../types';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2026, 10, 1);
export const theme = createTheme();
export const identity: InterpolateFunction = (s) => s;
export const ctx: ViewModelContext = { theme, replaceVariables: identity, timeZone: 'utc' };

export function options(overrides: Partial<ShopmonPanelOptions> = {}): ShopmonPanelOptions {
  return { ...DEFAULT_OPTIONS, ...overrides };
}

interface SeriesInit {
  refId?: string;
  labels?: Labels;
  config?: FieldConfig;
  /** Frame name, as our datasource sets it (legend text, with " (1d ago)" for comparisons). */
  frameName?: string;
}

/** A shopmon-style time series frame: time + "value" with labels and displayNameFromDS. */
export function seriesFrame(name: string, values: Array<number | null>, init: SeriesInit = {}): DataFrame {
  return toDataFrame({
    name: init.frameName ?? name,
    refId: init.refId ?? 'A',
    fields: [
      { name: 'time', type: FieldType.time, values: values.map((_, i) => T0 + i * HOUR) },
      { name: 'value', type: FieldType.number, values, labels: init.labels, config: { displayNameFromDS: name, ...init.config } },
    ],
  });
}

/** Our /v1/funnel frame: step, visitors, from_previous, from_first. */
export function funnelFrame(steps: Array<[string, number | null]>, init: { refId?: string; name?: string; config?: FieldConfig } = {}): DataFrame {
  const first = steps[0]?.[1] ?? 0;
  return toDataFrame({
    name: init.name ?? init.refId ?? 'A',
    refId: init.refId ?? 'A',
    fields: [
      { name: 'step', type: FieldType.string, values: steps.map((s) => s[0]) },
      { name: 'visitors', type: FieldType.number, values: steps.map((s) => s[1]), config: init.config },
      { name: 'from_previous', type: FieldType.number, values: steps.map((s, i) => (i === 0 ? 100 : ((s[1] ?? 0) / (steps[i - 1]![1] || 1)) * 100)) },
      { name: 'from_first', type: FieldType.number, values: steps.map((s) => ((s[1] ?? 0) / (first || 1)) * 100) },
    ],
  });
}

/** A plain, non-shopmon table: name / value. */
export function nameValueTable(rows: Array<[string, number | null]>, config?: FieldConfig): DataFrame {
  return toDataFrame({
    refId: 'A',
    fields: [
      { name: 'name', type: FieldType.string, values: rows.map((r) => r[0]) },
      { name: 'value', type: FieldType.number, values: rows.map((r) => r[1]), config },
    ],
  });
}
