import type {
  AnnotationSupport,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceInstanceSettings,
  LegacyMetricFindQueryOptions,
  MetricFindValue,
  ScopedVars,
  TestDataSourceResponse,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv, toDataQueryError, type TemplateSrv } from '@grafana/runtime';
import { from, merge, type Observable } from 'rxjs';
import { DEFAULT_QUERY, isRunnable, migrateQuery, type ShopmonQuery } from '../kpi/datasourceQuery';
import { AnnotationQueryEditor } from './components/AnnotationQueryEditor';
import { annotationsFrame, prepareAnnotation, splitTags, toAnnotationQuery } from './data/annotations';
import { interpolateExpression, interpolateQuery, interpolateText, resolverFrom, type RefResolver } from './data/interpolation';
import { parseVariableQuery } from './data/variableQuery';
import { labels } from './labels';
import {
  isAnnotationQuery,
  type CatalogResponse,
  type DimensionValue,
  type DimensionValuesResponse,
  type KpiAnnotation,
  type ShopmonAnnotationQuery,
  type ShopmonOptions,
  type ValidateResponse,
} from './types';

/** The catalog changes only with a service upgrade; editors open often. */
const CATALOG_TTL_MS = 5 * 60_000;
/** The service's maximum, so a variable lists every value it can. */
const VARIABLE_VALUES_LIMIT = 1000;

export interface ValuesOptions {
  from?: number;
  to?: number;
  q?: string;
  limit?: number;
}

export class ShopmonDataSource extends DataSourceWithBackend<ShopmonQuery, ShopmonOptions> {
  private catalog?: { expires: number; promise: Promise<CatalogResponse> };

  override annotations: AnnotationSupport<ShopmonQuery> = {
    prepareAnnotation,
    prepareQuery: (anno) => toAnnotationQuery(anno.target),
    QueryEditor: AnnotationQueryEditor,
    getDefaultQuery: () => toAnnotationQuery(),
  };

  constructor(
    instanceSettings: DataSourceInstanceSettings<ShopmonOptions>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv(),
  ) {
    super(instanceSettings);
  }

  override getDefaultQuery(): Partial<ShopmonQuery> {
    // A copy, so no editor can change the shared default's arrays.
    return JSON.parse(JSON.stringify(DEFAULT_QUERY)) as Partial<ShopmonQuery>;
  }

  /** Hidden queries and queries with nothing to run never reach the backend. */
  override filterQuery(query: ShopmonQuery): boolean {
    return isAnnotationQuery(query) || isRunnable(migrateQuery(query));
  }

  private resolver(scopedVars: ScopedVars = {}): RefResolver {
    return resolverFrom((target, format) => this.templateSrv.replace(target, scopedVars, format));
  }

  override applyTemplateVariables(query: ShopmonQuery, scopedVars: ScopedVars): ShopmonQuery {
    const resolve = this.resolver(scopedVars);
    if (isAnnotationQuery(query)) return { ...query, tags: interpolateText(query.tags ?? '', resolve) } as ShopmonAnnotationQuery;
    return interpolateQuery(migrateQuery(query), resolve);
  }

  /** KPI and funnel queries go to the backend; annotation targets are answered from the annotations resource. */
  override query(request: DataQueryRequest<ShopmonQuery>): Observable<DataQueryResponse> {
    const annotationTargets = request.targets.filter(isAnnotationQuery);
    if (annotationTargets.length === 0) return super.query(request);
    const annotations = from(this.runAnnotations(annotationTargets, request));
    const rest = request.targets.filter((t) => !isAnnotationQuery(t));
    return rest.length === 0 ? annotations : merge(super.query({ ...request, targets: rest }), annotations);
  }

  private async runAnnotations(targets: ShopmonAnnotationQuery[], request: DataQueryRequest<ShopmonQuery>): Promise<DataQueryResponse> {
    const data = [];
    try {
      for (const target of targets) {
        const q = this.applyTemplateVariables(target, request.scopedVars) as ShopmonAnnotationQuery;
        const found = await this.getAnnotations(request.range.from.valueOf(), request.range.to.valueOf(), splitTags(q.tags), q.limit);
        data.push(annotationsFrame(target.refId, found));
      }
      return { data, key: 'annotations' };
    } catch (e) {
      return { data, key: 'annotations', error: toDataQueryError(e) };
    }
  }

  /** Template variable queries; see data/variableQuery.ts for the forms. */
  override async metricFindQuery(query: unknown, options?: LegacyMetricFindQueryOptions): Promise<MetricFindValue[]> {
    const text = typeof query === 'string' ? query : String((query as { query?: unknown } | null)?.query ?? '');
    const parsed = parseVariableQuery(interpolateExpression(text, this.resolver(options?.scopedVars)));
    if (!parsed.ok) throw new Error(parsed.message);
    const q = parsed.query;
    if (q.kind === 'dimension_values') {
      const values = await this.getDimensionValues(q.dimension, {
        from: options?.range?.from.valueOf(),
        to: options?.range?.to.valueOf(),
        q: q.search,
        limit: VARIABLE_VALUES_LIMIT,
      });
      return values.map((v) => ({ text: v.value, value: v.value }));
    }
    const catalog = await this.getCatalog();
    if (q.kind === 'metrics') {
      const area = q.area?.toLowerCase();
      return catalog.metrics.filter((m) => !area || m.area.toLowerCase() === area).map((m) => ({ text: m.name, value: m.name }));
    }
    const metric = q.metric ? catalog.metrics.find((m) => m.name === q.metric) : undefined;
    if (q.metric && !metric) throw new Error(labels.variableQuery.unknownMetric(q.metric));
    const names = metric ? metric.dimensions : catalog.dimensions.map((d) => d.name);
    return names.map((name) => ({ text: name, value: name }));
  }

  /** Names of the dashboard's variables (without "$"), offered by the editors. */
  getVariableNames(): string[] {
    return (this.templateSrv?.getVariables?.() ?? []).map((v) => v.name);
  }

  /** The metric catalog, cached for a few minutes; a failed load is not cached. */
  getCatalog(): Promise<CatalogResponse> {
    const now = Date.now();
    if (!this.catalog || this.catalog.expires <= now) {
      const promise = this.getResource<CatalogResponse>('catalog').then((c) => ({ metrics: c?.metrics ?? [], dimensions: c?.dimensions ?? [] }));
      this.catalog = { expires: now + CATALOG_TTL_MS, promise };
      promise.catch(() => {
        if (this.catalog?.promise === promise) this.catalog = undefined;
      });
    }
    return this.catalog.promise;
  }

  async getDimensionValues(dimension: string, options: ValuesOptions = {}): Promise<DimensionValue[]> {
    const params: Record<string, string | number> = {};
    if (options.from !== undefined) params.from = Math.floor(options.from);
    if (options.to !== undefined) params.to = Math.ceil(options.to);
    if (options.q) params.q = options.q;
    if (options.limit) params.limit = options.limit;
    const answer = await this.getResource<DimensionValuesResponse>(`dimensions/${encodeURIComponent(dimension)}/values`, params);
    return answer?.values ?? [];
  }

  /** Full validation by the service (syntax and catalog); the editor checks syntax locally as you type. */
  validateExpression(expr: string): Promise<ValidateResponse> {
    return this.postResource<ValidateResponse>('validate', { expr });
  }

  async getAnnotations(fromMs: number, toMs: number, tags: string[], limit?: number): Promise<KpiAnnotation[]> {
    const params: Record<string, string | number> = { from: Math.floor(fromMs), to: Math.ceil(toMs) };
    if (tags.length > 0) params.tags = tags.join(',');
    if (limit) params.limit = limit;
    const answer = await this.getResource<{ annotations?: KpiAnnotation[] }>('annotations', params);
    return answer?.annotations ?? [];
  }

  /** The backend's health check reaches the KPI service with the saved key; its message is shown as is. */
  override testDatasource(): Promise<TestDataSourceResponse> {
    this.catalog = undefined;
    return super.testDatasource();
  }
}

/** A message a user can act on, from a resource call that failed. */
export function errorMessage(e: unknown): string {
  const err = e as { data?: { error?: { message?: string }; message?: string }; message?: string; statusText?: string };
  return err?.data?.error?.message ?? err?.data?.message ?? err?.message ?? err?.statusText ?? String(e);
}
