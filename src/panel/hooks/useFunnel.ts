import { useMemo } from 'react';

import { DataFrame, InterpolateFunction, TimeZone } from '@grafana/data';
import { useTheme2 } from '@grafana/ui';

import { labels } from '../labels';
import { ShopmonPanelOptions } from '../types';
import { configuredColor, displayOf, formatPercent, formatValue, interpolate, percentOf, ViewModelContext } from './format';
import { RawFunnel, readFunnels } from './funnelFrames';
import { hasRows } from './series';
import { FunnelData, FunnelModel, FunnelStepModel, ViewModel } from './viewModel.types';

/**
 * Percentages come from the step values themselves (never from a display min/max), so an
 * auto Min or a custom Max in the field config cannot distort them.
 */
export function computeSteps(raw: RawFunnel, ctx: ViewModelContext): FunnelStepModel[] {
  const first = raw.steps[0]?.value ?? null;
  const firstComparison = raw.steps[0]?.comparison ?? null;
  const all = raw.steps.flatMap((s) => [s.value ?? 0, s.comparison ?? 0]);
  const scaleMax = Math.max(0, ...all);
  const ratio = (v: number | null) => (v !== null && scaleMax > 0 ? v / scaleMax : 0);
  return raw.steps.map((step, i) => {
    const display = displayOf(step.field, ctx);
    const previous = i === 0 ? step.value : (raw.steps[i - 1]!.value ?? null);
    const dropOff = i > 0 && previous !== null && step.value !== null ? previous - step.value : null;
    const comparison =
      step.comparison === undefined
        ? null
        : { value: step.comparison, valueText: formatValue(display, step.field, step.comparison), barRatio: ratio(step.comparison), fromFirst: percentOf(step.comparison, firstComparison) };
    const model: Omit<FunnelStepModel, 'ariaLabel'> = {
      key: step.key,
      name: interpolate(step.name, step.field, ctx),
      value: step.value,
      valueText: formatValue(display, step.field, step.value),
      fromFirst: percentOf(step.value, first),
      fromPrevious: percentOf(step.value, previous),
      dropOff,
      dropOffPercent: dropOff === null ? null : percentOf(dropOff, previous),
      dropOffText: dropOff === null ? labels.noValue : formatValue(display, step.field, dropOff),
      barRatio: ratio(step.value),
      color: step.value === null ? undefined : configuredColor(step.field, display(step.value).color),
      comparison,
    };
    return { ...model, ariaLabel: stepAriaLabel(model, i) };
  });
}

function stepAriaLabel(step: Omit<FunnelStepModel, 'ariaLabel'>, index: number): string {
  const parts = [`${step.name}: ${step.valueText}`];
  if (index > 0) parts.push(`${formatPercent(step.fromPrevious)} ${labels.funnel.fromPrevious}`);
  parts.push(`${formatPercent(step.fromFirst)} ${labels.funnel.fromFirst}`);
  if (index > 0) parts.push(`${labels.funnel.dropOff} ${step.dropOffText} (${formatPercent(step.dropOffPercent)})`);
  if (step.comparison) parts.push(`${labels.funnel.comparison}: ${step.comparison.valueText}`);
  return parts.join(', ');
}

function computeFunnel(raw: RawFunnel, ctx: ViewModelContext): FunnelModel {
  const field = raw.steps[0]?.field;
  const title = raw.title && field ? interpolate(raw.title, field, ctx) : raw.title;
  return { key: raw.key, title, steps: computeSteps(raw, ctx), comparisonName: raw.comparisonName };
}

/** The funnel view model: steps with conversion and drop-off, or a message saying what is wrong. */
export function buildFunnel(frames: DataFrame[], options: ShopmonPanelOptions, ctx: ViewModelContext): ViewModel<FunnelData> {
  if (!hasRows(frames)) return { status: 'nodata', message: labels.noData };
  const read = readFunnels(frames, options);
  if (!read.ok) return { status: 'unsupported', message: read.message };
  const steps = read.funnels.flatMap((f) => f.steps);
  for (const step of steps) {
    for (const v of [step.value, step.comparison]) {
      if (v !== null && v !== undefined && v < 0) {
        return { status: 'unsupported', message: labels.funnel.negative(step.name, formatValue(displayOf(step.field, ctx), step.field, v)) };
      }
    }
  }
  if (steps.every((s) => s.value === null)) return { status: 'nodata', message: labels.noData };
  return { status: 'ready', funnels: read.funnels.map((f) => computeFunnel(f, ctx)) };
}

export function useFunnel(frames: DataFrame[], options: ShopmonPanelOptions, replaceVariables: InterpolateFunction, timeZone?: TimeZone) {
  const theme = useTheme2();
  return useMemo(() => buildFunnel(frames, options, { theme, replaceVariables, timeZone }), [frames, options, theme, replaceVariables, timeZone]);
}
