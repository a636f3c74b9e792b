import type { PluginHost } from '../../src/backend/testHost';
import type { DataQuery, DataResponse, QueryDataResponse, User } from '../../src/backend/messages';
import type { DatasourceStore, DatasourceRecord } from './datasources';
import { decodeFrames, FrameDecodeError, type FrameJSON } from './frames';

/**
 * POST /api/ds/query as Grafana's query service handles it (pkg/services/query): each query's
 * datasource looked up by uid (or datasourceId), from/to parsed (epoch ms strings or now-6h),
 * one QueryData call per datasource with every query of it, refId default "A",
 * maxDataPoints default 100, intervalMs default 1000, the whole query object as the JSON, and
 * the answer `{results:{<refId>:{status, frames, error, errorSource}}}` with frames as data
 * frame JSON; HTTP 400 when any query failed (Grafana's default without the multi-status flag).
 */

export interface ApiAnswer {
  status: number;
  body: unknown;
}

export interface ResultJSON {
  status: number;
  frames?: FrameJSON[];
  error?: string;
  errorSource?: string;
}

const UNITS: Record<string, number> = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 };

/** Grafana's legacydata.NewDataTimeRange subset: epoch ms, "now", "now-<n><s|m|h|d|w>". */
export function parseTime(text: unknown, now = Date.now()): number {
  const s = String(text ?? '').trim();
  if (/^\d+$/.test(s)) return Number(s);
  if (s === 'now') return now;
  const rel = /^now-(\d+)([smhdw])$/.exec(s);
  if (rel) return now - Number(rel[1]) * UNITS[rel[2]!]!;
  throw new Error(`cannot parse time "${s}"`);
}

type Query = Record<string, unknown> & { refId?: string; datasource?: { uid?: string; type?: string } | string; datasourceId?: number };

export interface QueryServiceDeps {
  plugin: PluginHost;
  datasources: DatasourceStore;
  appUrl: string;
  /** Things a real Grafana would do differently or silently (dropped metadata keys, status 0...). */
  problems: string[];
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : fallback;
}

export function toDataQuery(q: Query, from: number, to: number): DataQuery {
  return {
    refId: typeof q.refId === 'string' && q.refId !== '' ? q.refId : 'A',
    maxDataPoints: numberOr(q.maxDataPoints, 100),
    intervalMS: numberOr(q.intervalMs, 1000),
    timeRange: { fromEpochMS: from, toEpochMS: to },
    json: Buffer.from(JSON.stringify(q)),
    queryType: typeof q.queryType === 'string' ? q.queryType : '',
  };
}

/** A plugin DataResponse as Grafana writes it to the browser; frames decoded strictly. */
export function toResultJSON(r: DataResponse, problems: string[]): ResultJSON {
  let status = r.status;
  if (status === 0) {
    problems.push(`a response had status 0 (Grafana turns it into 500)${r.error ? `: ${r.error}` : ''}`);
    status = 500;
  }
  const out: ResultJSON = { status };
  if (r.error) {
    out.error = r.error;
    out.errorSource = r.errorSource || 'plugin';
  }
  const decoded = decodeFrames(r.frames);
  for (const d of decoded) problems.push(...d.dropped.map((k) => `metadata key ${k} is not in Grafana's frame model and is dropped`));
  out.frames = decoded.map((d) => d.json);
  return out;
}

function datasourceOf(q: Query, store: DatasourceStore): DatasourceRecord | undefined {
  const uid = typeof q.datasource === 'string' ? q.datasource : q.datasource?.uid;
  if (uid) return store.get(uid);
  return typeof q.datasourceId === 'number' ? store.byId(q.datasourceId) : undefined;
}

export async function runQueryData(
  deps: QueryServiceDeps,
  body: { queries?: Query[]; from?: unknown; to?: unknown },
  opts: { headers?: Record<string, string>; user?: User; now?: number } = {},
): Promise<ApiAnswer> {
  const queries = body.queries ?? [];
  if (queries.length === 0) return { status: 400, body: { message: 'No queries found' } };
  let from: number;
  let to: number;
  try {
    from = parseTime(body.from, opts.now);
    to = parseTime(body.to, opts.now);
  } catch (e) {
    return { status: 400, body: { message: (e as Error).message } };
  }
  const byDatasource = new Map<DatasourceRecord, Query[]>();
  for (const q of queries) {
    const ds = datasourceOf(q, deps.datasources);
    if (!ds) return { status: 404, body: { message: 'Data source not found' } };
    byDatasource.set(ds, [...(byDatasource.get(ds) ?? []), q]);
  }
  const results: Record<string, ResultJSON> = {};
  for (const [ds, dsQueries] of byDatasource) {
    let answer: QueryDataResponse;
    try {
      answer = await deps.plugin.queryData(
        { pluginContext: deps.datasources.pluginContext(ds, opts.user, deps.appUrl), queries: dsQueries.map((q) => toDataQuery(q, from, to)) },
        opts.headers ?? {},
      );
    } catch (e) {
      return { status: 500, body: { message: 'Query data error', error: (e as Error).message } };
    }
    try {
      for (const [refId, r] of Object.entries(answer.responses)) results[refId] = toResultJSON(r, deps.problems);
    } catch (e) {
      if (!(e instanceof FrameDecodeError)) throw e;
      deps.problems.push(`QueryData frames Grafana cannot read: ${e.message}`);
      return { status: 500, body: { message: 'Query data error', error: e.message } };
    }
  }
  const failed = Object.values(results).some((r) => r.error);
  return { status: failed ? 400 : 200, body: { results } };
}
