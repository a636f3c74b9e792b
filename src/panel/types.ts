import { ReducerID } from '@grafana/data';

/** Version of the saved options shape; `migrateOptions` upgrades anything older. */
export const OPTIONS_VERSION = 1;

export type PanelMode = 'scorecards' | 'funnel';
export type ComparisonDetection = 'label' | 'suffix';
export type TargetSource = 'field' | 'fixed';
export type ColorMode = 'value' | 'background' | 'none';
export type CardOrientation = 'auto' | 'horizontal' | 'vertical';
export type FunnelOrientation = 'horizontal' | 'vertical';

export interface ComparisonOptions {
  /** "label": a series with a `compare` label is the comparison of the series with otherwise equal labels. */
  detection: ComparisonDetection;
  /** For "suffix": name endings that mark a comparison series, separated by `|`. */
  suffix: string;
}

export interface TargetOptions {
  /** "field": the custom field config `target` (settable per KPI with overrides); "fixed": `value` below. */
  source: TargetSource;
  value?: number;
}

export interface FunnelOptions {
  orientation: FunnelOrientation;
  showFromFirst: boolean;
  showFromPrevious: boolean;
  showDropOff: boolean;
  /** Number field holding the step values of a table frame; empty: the first number field. */
  valueField?: string;
}

export interface ShopmonPanelOptions {
  mode: PanelMode;
  /** A standard reducer id (ReducerID): how a series becomes one value. */
  reduceCalc: string;
  comparison: ComparisonOptions;
  target: TargetOptions;
  colorMode: ColorMode;
  showSparkline: boolean;
  /** Cards never get narrower than this (px); the grid reflows instead. */
  minCardWidth: number;
  orientation: CardOrientation;
  funnel: FunnelOptions;
  optionsVersion?: number;
}

/** Custom field config: per field, so overrides can set it per KPI. */
export interface ShopmonFieldConfig {
  /** false for metrics where a drop is good (payment failure rate, refunds, latency). */
  higherIsBetter?: boolean;
  target?: number;
}

/** Every default of the panel, written once; module.ts and migrateOptions read them from here. */
export const DEFAULT_SUFFIXES = ' (previous period)| (1d ago)| (1w ago)| (1y ago)';

export const DEFAULT_OPTIONS: ShopmonPanelOptions = {
  mode: 'scorecards',
  reduceCalc: ReducerID.lastNotNull,
  comparison: { detection: 'label', suffix: DEFAULT_SUFFIXES },
  target: { source: 'field' },
  colorMode: 'value',
  showSparkline: true,
  minCardWidth: 180,
  orientation: 'auto',
  funnel: { orientation: 'horizontal', showFromFirst: true, showFromPrevious: true, showDropOff: true },
  optionsVersion: OPTIONS_VERSION,
};

export const DEFAULT_HIGHER_IS_BETTER = true;
/** Label that marks a comparison series in "by label" detection. */
export const COMPARE_LABEL = 'compare';
