import { buildCatalog } from '../kpi/catalog';
import { seriesName, type ShopmonQuery } from '../kpi/datasourceQuery';
import { encodeFrame, type FieldConfig, type Frame, type FrameField, type FrameMeta } from './arrowFrame';
import type { FunnelAnswer, FunnelStep, QueryAnswer, Series } from './kpiTypes';

/**
 * KPI service answers as Grafana data frames.
 * - format "timeseries": one frame per series (dataplane "timeseries-multi"), labels on the value
 *   field: what alert rules need, and every panel reads it.
 * - format "table": one wide frame, time and one column per series (alerts get "timeseries-multi").
 * - format "total": one single-value frame per series ("numeric-multi").
 * - funnel: one table frame (step, visitors, from_previous, from_first, after the group label
 *   columns); alerts get "numeric-multi" frames labelled with step and measure instead, because
 *   alerting reads a table with several number columns as an error.
 * Comparison series carry the label compare="<compare>" and the legend suffix of seriesName.
 */

export interface FrameContext {
  refId: string;
  fromAlert: boolean;
  /** The request body sent to the KPI service, shown in Grafana's query inspector. */
  executed?: unknown;
}

const TYPE_VERSION: [number, number] = [0, 1];

interface NamedSeries {
  display: string;
  labels: Record<string, string>;
  series: Series;
}

// Titles do not depend on the currency; the catalog is only read for them.
const TITLES = new Map(buildCatalog('KRW').metrics.map((m) => [m.name, m.title]));
const titleOf = (metric: string) => TITLES.get(metric);

/** Current series first, then comparison series, each with its legend and labels. */
function namedSeries(q: ShopmonQuery, answer: QueryAnswer): NamedSeries[] {
  const current = answer.series.map((s) => ({ display: seriesName(q, s.labels, false, titleOf), labels: s.labels, series: s }));
  const compare = (answer.compare?.series ?? []).map((s) => ({
    display: seriesName(q, s.labels, true, titleOf),
    labels: { ...s.labels, compare: q.compare ?? 'none' },
    series: s,
  }));
  return [...current, ...compare];
}

function firstMeta(frames: Frame[], ctx: FrameContext, extra: FrameMeta): Frame[] {
  const first = frames[0];
  if (first) first.meta = { ...first.meta, ...extra, ...(ctx.executed !== undefined ? { executedQueryString: JSON.stringify(ctx.executed) } : {}) };
  return frames;
}

/** A typed frame without fields: the dataplane way to say "no data" for a multi-frame type. */
function emptyFrame(ctx: FrameContext, type: string): Frame {
  return { name: '', refId: ctx.refId, meta: { type, typeVersion: TYPE_VERSION }, fields: [] };
}

function timeseriesMulti(named: NamedSeries[], base: FieldConfig, ctx: FrameContext): Frame[] {
  const meta: FrameMeta = { type: 'timeseries-multi', typeVersion: TYPE_VERSION };
  if (named.length === 0) return [emptyFrame(ctx, meta.type!)];
  return named.map(({ display, labels, series }) => {
    const points = series.points ?? [];
    return {
      name: display,
      refId: ctx.refId,
      meta: { ...meta },
      fields: [
        { name: 'time', type: 'time', values: points.map((p) => p[0]) },
        { name: 'value', type: 'number', values: points.map((p) => p[1]), labels, config: { ...base, displayNameFromDS: display } },
      ],
    };
  });
}

function timeseriesWide(named: NamedSeries[], base: FieldConfig, ctx: FrameContext): Frame[] {
  // Series of one answer share their bucket starts; the union keeps a gap visible as null if not.
  const times = [...new Set(named.flatMap(({ series }) => (series.points ?? []).map((p) => p[0])))].sort((a, b) => a - b);
  const columns: FrameField[] = named.map(({ display, labels, series }) => {
    const byTime = new Map(series.points ?? []);
    return { name: display, type: 'number', values: times.map((t) => byTime.get(t) ?? null), labels, config: { ...base, displayNameFromDS: display } };
  });
  return [
    {
      name: ctx.refId,
      refId: ctx.refId,
      meta: { type: 'timeseries-wide', typeVersion: TYPE_VERSION, preferredVisualisationType: 'table' },
      fields: [{ name: 'time', type: 'time', values: times }, ...columns],
    },
  ];
}

function numericMulti(named: NamedSeries[], base: FieldConfig, ctx: FrameContext): Frame[] {
  const meta: FrameMeta = { type: 'numeric-multi', typeVersion: TYPE_VERSION };
  if (named.length === 0) return [emptyFrame(ctx, meta.type!)];
  return named.map(({ display, labels, series }) => ({
    name: display,
    refId: ctx.refId,
    meta: { ...meta },
    fields: [{ name: 'value', type: 'number', values: [series.total], labels, config: { ...base, displayNameFromDS: display } }],
  }));
}

/** Frames for a /v1/query answer, by the query's format. */
export function kpiFrames(q: ShopmonQuery, answer: QueryAnswer, ctx: FrameContext): Frame[] {
  // higherIsBetter is the panel's custom field property: a drop in orders shows red, in failures green.
  const base: FieldConfig = {
    unit: answer.unit || 'short',
    ...(typeof answer.higher_is_better === 'boolean' ? { custom: { higherIsBetter: answer.higher_is_better } } : {}),
  };
  const named = namedSeries(q, answer);
  const custom = { custom: { interval: answer.interval } };
  switch (q.format ?? 'timeseries') {
    case 'total':
      return firstMeta(numericMulti(named, base, ctx), ctx, custom);
    case 'table':
      return firstMeta(ctx.fromAlert ? timeseriesMulti(named, base, ctx) : timeseriesWide(named, base, ctx), ctx, custom);
    default:
      return firstMeta(timeseriesMulti(named, base, ctx), ctx, custom);
  }
}

type FunnelGroup = { labels: Record<string, string>; steps: FunnelStep[] };

function funnelGroups(answer: FunnelAnswer): FunnelGroup[] {
  return answer.groups ?? [{ labels: {}, steps: answer.steps ?? [] }];
}

const MEASURES = [
  ['visitors', 'short'],
  ['from_previous', 'percent'],
  ['from_first', 'percent'],
] as const;

function funnelTable(groups: FunnelGroup[], ctx: FrameContext): Frame {
  const labelNames = [...new Set(groups.flatMap((g) => Object.keys(g.labels)))];
  const rows = groups.flatMap((g) => g.steps.map((step) => ({ labels: g.labels, step })));
  const labelColumns: FrameField[] = labelNames.map((name) => ({ name, type: 'string', values: rows.map((r) => r.labels[name] ?? '') }));
  const measures: FrameField[] = MEASURES.map(([name, unit]) => ({ name, type: 'number', values: rows.map((r) => r.step[name]), config: { unit } }));
  return {
    name: ctx.refId,
    refId: ctx.refId,
    meta: { preferredVisualisationType: 'table', custom: { kind: 'funnel', steps: groups[0]?.steps.map((s) => s.step) ?? [] } },
    fields: [...labelColumns, { name: 'step', type: 'string', values: rows.map((r) => r.step.step) }, ...measures],
  };
}

function funnelNumeric(groups: FunnelGroup[], ctx: FrameContext): Frame[] {
  const frames: Frame[] = groups.flatMap((g) =>
    g.steps.flatMap((step) =>
      MEASURES.map(([measure, unit]): Frame => {
        const labels = { ...g.labels, step: step.step, measure };
        return {
          name: `${step.step} ${measure}`,
          refId: ctx.refId,
          meta: { type: 'numeric-multi', typeVersion: TYPE_VERSION },
          fields: [{ name: measure, type: 'number', values: [step[measure]], labels, config: { unit } }],
        };
      }),
    ),
  );
  return frames.length > 0 ? frames : [emptyFrame(ctx, 'numeric-multi')];
}

/** Frames for a /v1/funnel answer. */
export function funnelFrames(answer: FunnelAnswer, ctx: FrameContext): Frame[] {
  const groups = funnelGroups(answer);
  return firstMeta(ctx.fromAlert ? funnelNumeric(groups, ctx) : [funnelTable(groups, ctx)], ctx, {});
}

export function encodeFrames(frames: Frame[]): Uint8Array[] {
  return frames.map(encodeFrame);
}
