import {
  dateTime,
  LoadingState,
  rangeUtil,
  type DataFrame,
  type DataQuery,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  type PanelData,
  type TimeRange,
} from '@grafana/data';
import { getDataSourceSrv, getTemplateSrv } from '@grafana/runtime';
import { from, isObservable, lastValueFrom, scan, type Observable } from 'rxjs';

/**
 * What Grafana's PanelQueryRunner and runRequest do for one panel, in short: the request a
 * dashboard panel sends (range, interval from the range and maxDataPoints, scopedVars
 * __interval / __interval_ms, queries the datasource's filterQuery keeps), every response
 * packet merged by key, and PanelData with state Error when a packet carries errors.
 */

export interface RunArgs {
  uid: string;
  targets: DataQuery[];
  range: { from: number; to: number };
  maxDataPoints?: number;
  timezone?: string;
  panelId?: number;
}

export interface PlainField {
  name: string;
  type: string;
  labels?: Record<string, string>;
  config: Record<string, unknown>;
  values: unknown[];
}

export interface PlainFrame {
  name?: string;
  refId?: string;
  meta?: Record<string, unknown>;
  fields: PlainField[];
}

export interface PlainResult {
  state: string;
  errors: Array<{ message?: string; refId?: string; status?: number }>;
  frames: PlainFrame[];
}

let requestCount = 0;

export function makeRange(r: { from: number; to: number }): TimeRange {
  const fromTime = dateTime(r.from);
  const toTime = dateTime(r.to);
  return { from: fromTime, to: toTime, raw: { from: fromTime, to: toTime } };
}

export async function runQuery(args: RunArgs): Promise<PanelData> {
  const ds = await getDataSourceSrv().get(args.uid);
  const range = makeRange(args.range);
  const maxDataPoints = args.maxDataPoints ?? 1000;
  const { interval, intervalMs } = rangeUtil.calculateInterval(range, maxDataPoints);
  getTemplateSrv().updateTimeRange(range);
  const targets = args.targets.filter((t) => (ds.filterQuery ? ds.filterQuery(t) : true));
  const request: DataQueryRequest<DataQuery> = {
    app: 'dashboard',
    requestId: `Q${++requestCount}`,
    dashboardUID: 'shopmon-e2e',
    panelId: args.panelId ?? 1,
    interval,
    intervalMs,
    maxDataPoints,
    range,
    rangeRaw: range.raw,
    scopedVars: { __interval: { text: interval, value: interval }, __interval_ms: { text: String(intervalMs), value: intervalMs } },
    targets,
    timezone: args.timezone ?? 'browser',
    startTime: Date.now(),
  };
  if (targets.length === 0) return { state: LoadingState.Done, series: [], timeRange: range };
  const result = ds.query(request) as Observable<DataQueryResponse> | Promise<DataQueryResponse>;
  const stream = isObservable(result) ? result : from(result);
  const packets = await lastValueFrom(stream.pipe(scan((acc, packet) => new Map(acc).set(packet.key ?? 'A', packet), new Map<string, DataQueryResponse>())));
  const series: DataFrame[] = [];
  const errors: DataQueryError[] = [];
  for (const packet of packets.values()) {
    series.push(...packet.data);
    if (packet.errors) errors.push(...packet.errors);
    else if (packet.error) errors.push(packet.error);
  }
  return { state: errors.length > 0 ? LoadingState.Error : LoadingState.Done, series, errors, error: errors[0], timeRange: range, request };
}

export function toPlain(data: PanelData): PlainResult {
  return {
    state: data.state,
    errors: (data.errors ?? []).map((e) => ({ message: e.message, refId: e.refId, status: e.status })),
    frames: data.series.map((f) => ({
      name: f.name,
      refId: f.refId,
      meta: f.meta as Record<string, unknown> | undefined,
      fields: f.fields.map((field) => ({
        name: field.name,
        type: field.type,
        labels: field.labels,
        config: field.config as Record<string, unknown>,
        values: Array.from(field.values),
      })),
    })),
  };
}
