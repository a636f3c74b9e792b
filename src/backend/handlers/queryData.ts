import { isRunnable, migrateQuery, toFunnelRequest, toKpiRequest, type QueryKind, type RequestContext, type ShopmonQuery } from '../../kpi/datasourceQuery';
import { encodeFrames, funnelFrames, kpiFrames } from '../frames';
import type { HandlerDeps, Instance } from '../instance';
import { KpiError } from '../kpiClient';
import { headerValue, type DataQuery, type DataResponse, type ErrorSource, type QueryDataRequest, type QueryDataResponse } from '../messages';

/**
 * QueryData: every query of the request runs in parallel and answers on its own. A failing
 * query becomes an error inside its DataResponse (a gRPC error would fail all of them), and a
 * hidden or empty query answers with no frames.
 */

const ok = (frames: Uint8Array[]): DataResponse => ({ frames, error: '', status: 200, errorSource: '' });
const failed = (status: number, error: string, errorSource: ErrorSource): DataResponse => ({ frames: [], error, status, errorSource });

class BadQuery extends Error {}

const KINDS: readonly QueryKind[] = ['kpi', 'funnel'];

/** The saved query JSON with its refId; `queryType` stands in for a missing queryKind. */
export function parseQuery(dq: DataQuery): ShopmonQuery & { queryKind: QueryKind } {
  let raw: unknown;
  try {
    raw = dq.json.length === 0 ? {} : JSON.parse(Buffer.from(dq.json).toString('utf8'));
  } catch {
    throw new BadQuery('the query is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BadQuery('the query must be a JSON object');
  const q = migrateQuery({ ...(raw as Partial<ShopmonQuery>), refId: dq.refId });
  const kind = q.queryKind ?? ((KINDS as readonly string[]).includes(dq.queryType) ? (dq.queryType as QueryKind) : 'kpi');
  if (!KINDS.includes(kind)) throw new BadQuery(`unknown queryKind ${JSON.stringify(kind)}: use "kpi" or "funnel"`);
  return { ...q, queryKind: kind };
}

function requestContext(dq: DataQuery, instance: Instance): RequestContext {
  const range = dq.timeRange;
  if (!range || !(range.toEpochMS > 0)) throw new BadQuery('the query has no time range');
  // Grafana leaves 0 for "not set"; toKpiRequest picks the bucket size from the range then.
  return {
    from: range.fromEpochMS,
    to: range.toEpochMS,
    maxDataPoints: dq.maxDataPoints > 0 ? dq.maxDataPoints : undefined,
    intervalMs: dq.intervalMS > 0 ? dq.intervalMS : undefined,
    timezone: instance.settings.timezone,
  };
}

async function answerQuery(q: ShopmonQuery & { queryKind: QueryKind }, dq: DataQuery, instance: Instance, fromAlert: boolean, signal: AbortSignal | undefined): Promise<DataResponse> {
  if (!isRunnable(q)) return ok([]);
  const ctx = requestContext(dq, instance);
  const frameCtx = { refId: dq.refId, fromAlert };
  if (q.queryKind === 'funnel') {
    const body = toFunnelRequest(q, ctx);
    const answer = await instance.client.funnel(body, { signal });
    return ok(encodeFrames(funnelFrames(answer, { ...frameCtx, executed: body })));
  }
  const body = toKpiRequest(q, ctx);
  const answer = await instance.client.query(body, { signal });
  return ok(encodeFrames(kpiFrames(q, answer, { ...frameCtx, executed: body })));
}

export async function queryData(req: QueryDataRequest, deps: HandlerDeps, signal?: AbortSignal): Promise<QueryDataResponse> {
  const fromAlert = headerValue(req.headers, 'FromAlert') === 'true';
  let instance: Instance | null = null;
  let setupError: DataResponse | null = null;
  try {
    instance = deps.instances.get(req.pluginContext);
  } catch (e) {
    setupError = failed(400, (e as Error).message, 'plugin');
  }

  const one = async (dq: DataQuery): Promise<DataResponse> => {
    if (setupError || !instance) return setupError ?? failed(500, 'no datasource instance', 'plugin');
    const end = deps.metrics.queryDuration.startTimer();
    let kind = 'invalid';
    let response: DataResponse;
    try {
      const q = parseQuery(dq);
      kind = q.queryKind;
      response = await answerQuery(q, dq, instance, fromAlert, signal);
    } catch (e) {
      if (e instanceof KpiError) response = failed(e.status, e.message, e.source);
      else if (e instanceof BadQuery) response = failed(400, e.message, 'plugin');
      else {
        deps.log.error('query failed unexpectedly', { refId: dq.refId, error: e });
        response = failed(500, `internal error in the shopmon plugin: ${(e as Error).message ?? String(e)}`, 'plugin');
      }
    }
    const seconds = end({ kind });
    deps.metrics.queries.inc({ kind, status: String(response.status) });
    const fields = { refId: dq.refId, kind, status: response.status, ms: Math.round(seconds * 1000), fromAlert };
    if (response.error) deps.log.warn('query failed', { ...fields, error: response.error, errorSource: response.errorSource });
    else deps.log.debug('query answered', { ...fields, frames: response.frames.length });
    return response;
  };

  const answers = await Promise.all(req.queries.map(async (dq) => [dq.refId, await one(dq)] as const));
  return { responses: Object.fromEntries(answers) };
}
