import type { Filter, KpiQueryRequest } from './query';
import type { Compare, Format } from './vocabulary';

/**
 * The query JSON a Grafana panel saves for the shopmon datasource. The frontend editor writes it,
 * Grafana stores it in dashboards and alert rules, and the backend plugin turns it into a
 * /v1/query or /v1/funnel call with `toKpiRequest` / `toFunnelRequest`. Template variables are
 * already replaced (by the frontend's applyTemplateVariables) when it reaches the backend.
 */

export const QUERY_MODEL_VERSION = 1;

export type EditorMode = 'builder' | 'code';
export type QueryKind = 'kpi' | 'funnel';

export interface ShopmonQuery {
  refId: string;
  hide?: boolean;
  /** Which API the query calls; default "kpi". */
  queryKind?: QueryKind;
  editorMode?: EditorMode;
  /** Builder mode: one catalog metric. */
  metric?: string;
  /** Code mode: a KPI expression (may carry its own `by (...)`). */
  expr?: string;
  filters?: Filter[];
  groupBy?: string[];
  /** "auto" (from maxDataPoints / the panel interval) or a duration such as 5m, 1h, 1d. */
  interval?: string;
  compare?: Compare;
  format?: Format;
  /** Legend text; {{dimension}} is replaced by the series label, {{metric}} by the metric name. */
  alias?: string;
  limit?: number;
  other?: boolean;
  /** Time zone of bucket alignment; empty: the datasource default. */
  timezone?: string;
  funnelSteps?: string[];
  funnelWindow?: string;
  /** Version of the query model that saved this query (see migrateQuery). */
  modelVersion?: number;
}

export const DEFAULT_QUERY: Omit<ShopmonQuery, 'refId'> = {
  queryKind: 'kpi',
  editorMode: 'builder',
  metric: 'orders',
  filters: [],
  groupBy: [],
  interval: 'auto',
  compare: 'none',
  format: 'timeseries',
  modelVersion: QUERY_MODEL_VERSION,
};

/** Upgrades queries saved by older versions; unknown fields are kept. */
export function migrateQuery<T extends Partial<ShopmonQuery>>(q: T): T {
  const out: T = { ...q };
  if (out.editorMode === undefined) out.editorMode = out.expr && !out.metric ? 'code' : 'builder';
  out.modelVersion = QUERY_MODEL_VERSION;
  return out;
}

export interface RequestContext {
  from: number;
  to: number;
  /** Grafana's maxDataPoints; alerting writes 43200 when a query sets none. */
  maxDataPoints?: number;
  /** Grafana's intervalMs; alerting writes 1000 when a query sets none (never use it as 1 s buckets). */
  intervalMs?: number;
  timezone?: string;
}

/** True when the query has something to run. */
export function isRunnable(q: ShopmonQuery): boolean {
  if (q.hide) return false;
  if ((q.queryKind ?? 'kpi') === 'funnel') return true;
  return (q.editorMode ?? 'builder') === 'code' ? Boolean(q.expr?.trim()) : Boolean(q.metric);
}

/** Filter rows still being edited in the builder (no dimension or no values) are left out. */
function completeFilters(filters: Filter[] | undefined): Filter[] {
  return (filters ?? []).filter((f) => f.dimension && Array.isArray(f.values) && f.values.length > 0);
}

/** The /v1/query body for a saved query. The bucket size comes from the query or from the range and maxDataPoints. */
export function toKpiRequest(q: ShopmonQuery, ctx: RequestContext): KpiQueryRequest {
  const code = (q.editorMode ?? 'builder') === 'code';
  const points = Math.min(Math.max(1, Math.floor(ctx.maxDataPoints ?? 1000)), 1500);
  const body: KpiQueryRequest = {
    from: ctx.from,
    to: ctx.to,
    // An alert rule copied from a panel may still say $__interval: Grafana does not expand it there.
    interval: q.interval && q.interval !== 'auto' && !q.interval.startsWith('$') ? q.interval : 'auto',
    max_points: points,
    filters: completeFilters(q.filters),
    group_by: q.groupBy ?? [],
    compare: q.compare ?? 'none',
    format: q.format ?? 'timeseries',
  };
  if (code) body.expr = q.expr ?? '';
  else body.metric = q.metric ?? '';
  const tz = q.timezone || ctx.timezone;
  if (tz) body.timezone = tz;
  if (q.limit) body.limit = q.limit;
  if (q.other) body.other = true;
  return body;
}

export function toFunnelRequest(q: ShopmonQuery, ctx: RequestContext) {
  return {
    from: ctx.from,
    to: ctx.to,
    ...(q.funnelSteps?.length ? { steps: q.funnelSteps } : {}),
    filters: completeFilters(q.filters),
    group_by: q.groupBy ?? [],
    ...(q.funnelWindow ? { window: q.funnelWindow } : {}),
  };
}

/**
 * Legend text of a series: the alias with {{dimension}} / {{metric}} replaced, or a default: the
 * metric's title when the caller knows it ("Payment failure rate"), else its name or expression.
 */
export function seriesName(q: ShopmonQuery, labels: Record<string, string>, comparison = false, titleOf?: (metric: string) => string | undefined): string {
  const code = (q.editorMode ?? 'builder') === 'code';
  const metric = code ? (q.expr ?? '') : (q.metric ?? '');
  const title = (!code && titleOf?.(metric)) || metric;
  let name: string;
  if (q.alias) {
    name = q.alias.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, key: string) => (key === 'metric' ? metric : (labels[key] ?? '')));
  } else {
    const parts = Object.entries(labels).map(([k, v]) => `${k}=${v === '' ? '(none)' : v}`);
    name = parts.length ? `${title} {${parts.join(', ')}}` : title;
  }
  return comparison ? `${name} (${q.compare === 'previous_period' ? 'previous period' : `${q.compare} ago`})` : name;
}
