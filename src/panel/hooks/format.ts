import {
  DisplayProcessor,
  Field,
  FieldColorModeId,
  formattedValueToString,
  getDisplayProcessor,
  GrafanaTheme2,
  InterpolateFunction,
  TimeZone,
} from '@grafana/data';

import { labels } from '../labels';

export interface ViewModelContext {
  theme: GrafanaTheme2;
  replaceVariables: InterpolateFunction;
  timeZone?: TimeZone;
}

export const MINUS = '\u2212';

/** Grafana sets `field.display` (unit, decimals, mappings, thresholds) in panels; build one for raw frames. */
export function displayOf(field: Field, ctx: ViewModelContext): DisplayProcessor {
  return field.display ?? getDisplayProcessor({ field, theme: ctx.theme, timeZone: ctx.timeZone });
}

/** The value as the field config formats it; the field's "No value" text (or a dash) for null. */
export function formatValue(display: DisplayProcessor, field: Field, value: number | null): string {
  if (value === null) return field.config.noValue ?? labels.noValue;
  return formattedValueToString(display(value));
}

const PERCENT_UNITS = new Set(['percent', 'percentunit']);

/**
 * "+1.2 K" / "−340": the magnitude formatted with the field's unit and decimals, with an explicit
 * sign. The difference of two percentages is in percentage points ("−2.0 pp"), so it is not
 * mistaken for the relative change shown next to it.
 */
export function formatSigned(display: DisplayProcessor, value: number, unit?: string): string {
  const sign = value > 0 ? '+' : value < 0 ? MINUS : '';
  const shown = display(Math.abs(value));
  if (unit && PERCENT_UNITS.has(unit)) return `${sign}${shown.prefix ?? ''}${shown.text} pp`;
  return sign + formattedValueToString(shown);
}

/** "45.3%", "+12.5%"; a dash for null (a ratio with no base). */
export function formatPercent(value: number | null, signed = false): string {
  if (value === null) return labels.noValue;
  const abs = Math.abs(value);
  const text = `${abs >= 1000 ? abs.toFixed(0) : abs.toFixed(1)}%`;
  if (!signed) return value < 0 ? MINUS + text : text;
  return (value > 0 ? '+' : value < 0 ? MINUS : '') + text;
}

/** a / b in percent, or null when it has no meaning (no value, zero or negative base). */
export function percentOf(a: number | null, b: number | null): number | null {
  if (a === null || b === null || !(b > 0)) return null;
  return (a / b) * 100;
}

/**
 * The colour the field config gives this value, or undefined when the user configured none:
 * thresholds mode with only the base step and the base colour "text" (our default) means "no colour".
 */
export function configuredColor(field: Field, color: string | undefined): string | undefined {
  const mode = field.config.color?.mode ?? FieldColorModeId.Thresholds;
  if (mode === FieldColorModeId.Thresholds) {
    const steps = field.config.thresholds?.steps ?? [];
    if (steps.length <= 1 && (steps[0]?.color ?? 'text') === 'text') return undefined;
  }
  return color;
}

export function interpolate(text: string, field: Field, ctx: ViewModelContext): string {
  return ctx.replaceVariables(text, field.state?.scopedVars);
}
