/**
 * TypeScript shapes of the pluginv2 messages in proto/backend.proto, as @grpc/proto-loader
 * decodes them with LOADER_OPTIONS (keepCase, int64 as number, enums as strings, defaults set,
 * bytes as Buffer). Only the fields our .proto declares.
 */

export interface User {
  login: string;
  name: string;
  email: string;
  role: string;
}

export interface DataSourceInstanceSettings {
  id: number;
  name: string;
  url: string;
  jsonData: Uint8Array;
  decryptedSecureJsonData: Record<string, string>;
  lastUpdatedMS: number;
  uid: string;
}

export interface PluginContext {
  orgId: number;
  pluginId: string;
  user: User | null;
  dataSourceInstanceSettings: DataSourceInstanceSettings | null;
  grafanaConfig: Record<string, string>;
  pluginVersion: string;
  userAgent: string;
}

export interface TimeRange {
  fromEpochMS: number;
  toEpochMS: number;
}

export interface DataQuery {
  refId: string;
  maxDataPoints: number;
  intervalMS: number;
  timeRange: TimeRange | null;
  json: Uint8Array;
  queryType: string;
}

export interface QueryDataRequest {
  pluginContext: PluginContext | null;
  headers: Record<string, string>;
  queries: DataQuery[];
}

export type ErrorSource = 'plugin' | 'downstream';

export interface DataResponse {
  frames: Uint8Array[];
  error: string;
  status: number;
  errorSource: ErrorSource | '';
}

export interface QueryDataResponse {
  responses: Record<string, DataResponse>;
}

export interface CheckHealthRequest {
  pluginContext: PluginContext | null;
  headers: Record<string, string>;
}

export type HealthStatus = 'UNKNOWN' | 'OK' | 'ERROR';

export interface CheckHealthResponse {
  status: HealthStatus;
  message: string;
  jsonDetails: Uint8Array;
}

export interface CollectMetricsResponse {
  metrics: { prometheus: Uint8Array };
}

export interface StringList {
  values: string[];
}

export interface CallResourceRequest {
  pluginContext: PluginContext | null;
  path: string;
  method: string;
  url: string;
  headers: Record<string, StringList>;
  body: Uint8Array;
}

export interface CallResourceResponse {
  code: number;
  headers: Record<string, StringList>;
  body: Uint8Array;
}

/** Header lookup ignoring case: Grafana sends "FromAlert", over HTTP it arrives as "Fromalert". */
export function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
}
