import { useMemo } from 'react';

import { DataFrame, DisplayProcessor, Field, formattedValueToString, InterpolateFunction, LinkModel, TimeZone } from '@grafana/data';
import { useTheme2 } from '@grafana/ui';

import { labels } from '../labels';
import { DEFAULT_HIGHER_IS_BETTER, ShopmonPanelOptions } from '../types';
import { pairComparisons } from './comparison';
import { configuredColor, displayOf, formatPercent, formatSigned, formatValue, interpolate, ViewModelContext } from './format';
import { describeFields, extractSeries, hasRows, reduceSeries, SeriesRef, toNumberOrNull } from './series';
import { CardModel, DeltaModel, Direction, Sentiment, SparklineModel, TargetModel, ScorecardsData, ViewModel } from './viewModel.types';

export function higherIsBetter(field: Field): boolean {
  const v = field.config.custom?.higherIsBetter;
  return typeof v === 'boolean' ? v : DEFAULT_HIGHER_IS_BETTER;
}

export function sentimentOf(direction: Direction, higherBetter: boolean): Sentiment {
  if (direction === 'flat') return 'neutral';
  return (direction === 'up') === higherBetter ? 'good' : 'bad';
}

export function buildDelta(
  current: number | null,
  previous: number | null,
  higherBetter: boolean,
  display: DisplayProcessor,
  field: Field,
  comparisonName: string
): DeltaModel | null {
  if (current === null || previous === null) return null;
  const absolute = current - previous;
  const percent = previous > 0 ? (absolute / previous) * 100 : null;
  const direction: Direction = absolute > 0 ? 'up' : absolute < 0 ? 'down' : 'flat';
  return {
    absolute,
    percent,
    absoluteText: formatSigned(display, absolute, field.config.unit),
    percentText: formatPercent(percent, true),
    direction,
    sentiment: sentimentOf(direction, higherBetter),
    comparisonName,
    previousText: formatValue(display, field, previous),
  };
}

/** Attainment is value/target for higher-is-better metrics and target/value for lower-is-better ones. */
export function buildTarget(value: number | null, target: number | null, higherBetter: boolean, display: DisplayProcessor): TargetModel | null {
  if (target === null) return null;
  let attainment: number | null = null;
  if (value !== null && target > 0) attainment = higherBetter ? (value / target) * 100 : value > 0 ? (target / value) * 100 : null;
  const met = value === null ? null : higherBetter ? value >= target : value <= target;
  return { value: target, text: formattedValueToString(display(target)), attainment, attainmentText: formatPercent(attainment), met };
}

function targetFor(series: SeriesRef, options: ShopmonPanelOptions): number | null {
  if (options.target.source === 'fixed') return toNumberOrNull(options.target.value);
  return toNumberOrNull(series.field.config.custom?.target);
}

function sparklineFor(base: SeriesRef, comparison?: SeriesRef): SparklineModel | null {
  if (base.values.filter((v) => v !== null).length < 2) return null;
  const comp = comparison && comparison.values.length > 1 ? { values: comparison.values, times: comparison.times } : undefined;
  return { values: base.values, times: base.times, comparison: comp };
}

function linksFor(series: SeriesRef, display: ReturnType<DisplayProcessor>): LinkModel[] {
  if (!series.field.getLinks) return [];
  const rows = series.rows;
  return rows?.length === 1 ? series.field.getLinks({ valueRowIndex: rows[0] }) : series.field.getLinks({ calculatedValue: display });
}

function ariaLabelOf(card: Omit<CardModel, 'ariaLabel'>): string {
  const parts = [`${card.title}: ${card.valueText}`];
  const d = card.delta;
  if (d) {
    const mood = d.sentiment === 'good' ? labels.scorecards.better : d.sentiment === 'bad' ? labels.scorecards.worse : labels.scorecards.unchanged;
    parts.push(`${d.absoluteText} (${d.percentText}) ${labels.scorecards.vs(d.comparisonName)}, ${mood}`);
  }
  if (card.target) parts.push(`${card.target.attainmentText} ${labels.scorecards.ofTarget} ${card.target.text}`);
  return parts.join(', ');
}

function buildCard(base: SeriesRef, comparison: SeriesRef | undefined, comparisonName: string, options: ShopmonPanelOptions, ctx: ViewModelContext): CardModel {
  const { field } = base;
  const display = displayOf(field, ctx);
  const value = reduceSeries(base, options.reduceCalc);
  const higherBetter = higherIsBetter(field);
  const displayValue = display(value);
  const previous = comparison ? reduceSeries(comparison, options.reduceCalc) : null;
  const card: Omit<CardModel, 'ariaLabel'> = {
    key: base.key,
    title: interpolate(base.name, field, ctx),
    value,
    formatted: value === null ? { text: formatValue(display, field, null) } : displayValue,
    valueText: formatValue(display, field, value),
    color: value === null ? undefined : configuredColor(field, displayValue.color),
    higherIsBetter: higherBetter,
    delta: buildDelta(value, previous, higherBetter, display, field, comparisonName),
    target: buildTarget(value, targetFor(base, options), higherBetter, display),
    sparkline: sparklineFor(base, comparison),
    links: linksFor(base, displayValue),
  };
  return { ...card, ariaLabel: ariaLabelOf(card) };
}

/** The scorecards view model: one card per series (or table row), each with its comparison when one is found. */
export function buildScorecards(frames: DataFrame[], options: ShopmonPanelOptions, ctx: ViewModelContext): ViewModel<ScorecardsData> {
  if (!hasRows(frames)) return { status: 'nodata', message: labels.noData };
  const series = extractSeries(frames);
  if (series.length === 0) return { status: 'unsupported', message: labels.scorecards.unsupported(describeFields(frames)) };
  const pairs = pairComparisons(series, options.comparison);
  const cards = pairs.map(({ base, comparison, comparisonName }) => buildCard(base, comparison, comparisonName ?? '', options, ctx));
  return { status: 'ready', cards };
}

export function useScorecards(frames: DataFrame[], options: ShopmonPanelOptions, replaceVariables: InterpolateFunction, timeZone?: TimeZone) {
  const theme = useTheme2();
  return useMemo(() => buildScorecards(frames, options, { theme, replaceVariables, timeZone }), [frames, options, theme, replaceVariables, timeZone]);
}
