import { isReducerID, PanelModel } from '@grafana/data';

import {
  CardOrientation,
  ColorMode,
  ComparisonDetection,
  DEFAULT_OPTIONS,
  FunnelOrientation,
  OPTIONS_VERSION,
  PanelMode,
  ShopmonPanelOptions,
  TargetSource,
} from './types';

type Loose = Record<string, unknown>;

const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

const bool = (value: unknown, fallback: boolean) => (typeof value === 'boolean' ? value : fallback);
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * Options as the panel uses them: every field present and valid, unknown values replaced by
 * defaults, so a hand-edited or older dashboard JSON never breaks rendering.
 */
export function normalizeOptions(raw: unknown): ShopmonPanelOptions {
  const o = isObject(raw) ? raw : {};
  const d = DEFAULT_OPTIONS;
  const comparison = isObject(o.comparison) ? o.comparison : {};
  const target = isObject(o.target) ? o.target : {};
  const funnel = isObject(o.funnel) ? o.funnel : {};
  return {
    mode: oneOf<PanelMode>(o.mode, ['scorecards', 'funnel'], d.mode),
    reduceCalc: typeof o.reduceCalc === 'string' && isReducerID(o.reduceCalc) ? o.reduceCalc : d.reduceCalc,
    comparison: {
      detection: oneOf<ComparisonDetection>(comparison.detection, ['label', 'suffix'], d.comparison.detection),
      suffix: typeof comparison.suffix === 'string' ? comparison.suffix : d.comparison.suffix,
    },
    target: { source: oneOf<TargetSource>(target.source, ['field', 'fixed'], d.target.source), value: num(target.value) },
    colorMode: oneOf<ColorMode>(o.colorMode, ['value', 'background', 'none'], d.colorMode),
    showSparkline: bool(o.showSparkline, d.showSparkline),
    minCardWidth: Math.max(40, num(o.minCardWidth) ?? d.minCardWidth),
    orientation: oneOf<CardOrientation>(o.orientation, ['auto', 'horizontal', 'vertical'], d.orientation),
    funnel: {
      orientation: oneOf<FunnelOrientation>(funnel.orientation, ['horizontal', 'vertical'], d.funnel.orientation),
      showFromFirst: bool(funnel.showFromFirst, d.funnel.showFromFirst),
      showFromPrevious: bool(funnel.showFromPrevious, d.funnel.showFromPrevious),
      showDropOff: bool(funnel.showDropOff, d.funnel.showDropOff),
      valueField: typeof funnel.valueField === 'string' && funnel.valueField ? funnel.valueField : undefined,
    },
    optionsVersion: OPTIONS_VERSION,
  };
}

/** Runs when a dashboard saved by another plugin version (or without optionsVersion) loads. */
export function migrateOptions(panel: Pick<PanelModel<unknown>, 'options'>): ShopmonPanelOptions {
  return normalizeOptions(panel.options);
}

/**
 * Grafana also migrates whenever the saved pluginVersion differs; this catches options saved by
 * another options shape under the same plugin version. No optionsVersion means the first shape.
 */
export function needsMigration(panel: PanelModel<unknown>): boolean {
  const version = isObject(panel.options) ? (panel.options.optionsVersion ?? 1) : 0;
  return version !== OPTIONS_VERSION;
}

const STAT_COLOR_MODES: Record<string, ColorMode> = { value: 'value', background: 'background', background_solid: 'background', none: 'none' };

/** Keeps what carries over when a Stat panel is switched to this panel: calculation, colour, orientation, sparkline. */
export function fromStatPanel(prevPluginId: string, prevOptions: Loose): Partial<ShopmonPanelOptions> {
  if (prevPluginId !== 'stat') return {};
  const out: Partial<ShopmonPanelOptions> = {};
  const calcs = isObject(prevOptions.reduceOptions) ? prevOptions.reduceOptions.calcs : undefined;
  if (Array.isArray(calcs) && typeof calcs[0] === 'string' && isReducerID(calcs[0])) out.reduceCalc = calcs[0];
  const colorMode = STAT_COLOR_MODES[String(prevOptions.colorMode)];
  if (colorMode) out.colorMode = colorMode;
  if (prevOptions.orientation === 'horizontal' || prevOptions.orientation === 'vertical') out.orientation = prevOptions.orientation;
  if (prevOptions.graphMode === 'none') out.showSparkline = false;
  return out;
}
