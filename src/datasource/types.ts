import type { DataSourceJsonData } from '@grafana/data';
import type { ShopmonQuery } from '../kpi/datasourceQuery';

/** jsonData of a shopmon datasource; the same names are used in provisioning YAML. */
export interface ShopmonOptions extends DataSourceJsonData {
  /** Base URL of the KPI service. */
  url?: string;
  /** IANA time zone for bucket alignment when a query sets none; empty: the service default. */
  timezone?: string;
  /** How long the backend waits for the KPI service. */
  timeoutSeconds?: number;
}

/** Stored encrypted by Grafana; the browser only learns whether it is set. */
export interface ShopmonSecureJsonData {
  queryKey?: string;
}

/** The URL is required; this is the address `npm start` serves, shown as an example. */
export const EXAMPLE_SERVICE_URL = 'http://127.0.0.1:8787';
/** The backend's defaults (src/backend/config.ts), shown as placeholder and bound. */
export const DEFAULT_TIMEOUT_SECONDS = 30;
export const MAX_TIMEOUT_SECONDS = 300;

/** One metric of GET /v1/catalog. */
export interface CatalogMetric {
  name: string;
  title: string;
  description: string;
  unit: string;
  kind: string;
  area: string;
  dimensions: string[];
  higher_is_better: boolean;
}

export interface CatalogDimension {
  name: string;
  title: string;
}

export interface CatalogResponse {
  metrics: CatalogMetric[];
  dimensions: CatalogDimension[];
}

export interface DimensionValue {
  value: string;
  count: number;
}

export interface DimensionValuesResponse {
  values: DimensionValue[];
}

export interface ExpressionProblem {
  message: string;
  line: number;
  column: number;
}

/** Answer of the `validate` resource. */
export interface ValidateResponse {
  ok: boolean;
  error?: ExpressionProblem;
}

/** One annotation of GET /v1/annotations (times in epoch ms). */
export interface KpiAnnotation {
  id: number;
  time: number;
  time_end: number;
  title: string;
  text: string;
  tags: string[];
}

export const ANNOTATION_QUERY_TYPE = 'annotations';

/** The target of a dashboard annotation backed by the KPI service's annotations. */
export interface ShopmonAnnotationQuery extends ShopmonQuery {
  queryType: typeof ANNOTATION_QUERY_TYPE;
  /** Comma-separated tags; an annotation matches when it has all of them. Empty: all. */
  tags?: string;
}

export function isAnnotationQuery(q: ShopmonQuery): q is ShopmonAnnotationQuery {
  return (q as { queryType?: unknown }).queryType === ANNOTATION_QUERY_TYPE;
}
