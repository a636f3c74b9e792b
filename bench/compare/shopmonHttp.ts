import { QUERY_KEY } from '../lib';
import type { BenchQuery } from '../overview';
import { MAX_POINTS, type Answer, type RangeCtx, type Series, type Timed } from './types';

/**
 * A dashboard query sent to the KPI service over HTTP with a query key, as the datasource
 * backend plugin sends it, and its answer normalised for the comparison. Shared by the shopmon
 * engines (DuckDB store, ClickHouse store), so both are asked and read the same way.
 */

interface QueryBody {
  interval?: string;
  series: Series[];
  compare?: { offset_ms: number; series: Series[] };
}

interface FunnelBody {
  steps: Array<{ step: string; visitors: number }>;
}

/** Time = the client's wall time from the request to the end of the body (as bench/query.ts measures). */
export async function queryService(serviceUrl: string, engine: string, q: BenchQuery, range: RangeCtx): Promise<Timed> {
  const t0 = performance.now();
  const res = await fetch(serviceUrl + q.path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${QUERY_KEY}` },
    body: JSON.stringify({ ...q.body, from: range.from, to: range.to, max_points: MAX_POINTS, timezone: range.tz }),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${engine} ${q.name}: ${res.status} ${text}`);
  return { ms, answer: () => toAnswer(q, text) };
}

function toAnswer(q: BenchQuery, text: string): Answer {
  if (q.path === '/v1/funnel') {
    const body = JSON.parse(text) as FunnelBody;
    return { series: body.steps.map((s) => ({ labels: { step: s.step }, total: s.visitors })) };
  }
  const body = JSON.parse(text) as QueryBody;
  return { interval: body.interval, series: body.series, compare: body.compare?.series };
}
