import type { HandlerDeps } from '../instance';
import { KpiError, type RawAnswer } from '../kpiClient';
import type { CallResourceRequest, CallResourceResponse, StringList } from '../messages';
import { MissingSettingsError } from '../settings';
import { validateExpression } from '../validateExpression';

/**
 * CallResource: the query editor's HTTP API (/api/datasources/uid/<uid>/resources/<path>).
 * `catalog`, `dimensions/<name>/values` and `annotations` are proxied to the KPI service with
 * the datasource's key, so the browser never holds it; `validate` checks a KPI expression (see
 * validateExpression.ts) and answers {ok, error:{message,line,column}}.
 */

interface Answer {
  code: number;
  contentType: string;
  body: Uint8Array;
}

type Route = { method: string; pattern: RegExp; name: string; run: (req: CallResourceRequest, match: RegExpExecArray, deps: HandlerDeps, signal?: AbortSignal) => Promise<Answer> };

const json = (code: number, value: unknown): Answer => ({ code, contentType: 'application/json', body: Buffer.from(JSON.stringify(value)) });
const problem = (code: number, errorCode: string, message: string) => json(code, { error: { code: errorCode, message } });

function passOn(raw: RawAnswer): Answer {
  return { code: raw.status, contentType: raw.contentType || 'application/json', body: raw.body };
}

/** The query string of the request, keeping only the parameters the service documents. */
function forwardedQuery(url: string, allowed: readonly string[]): string {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  const params = new URLSearchParams(query);
  const out = new URLSearchParams();
  for (const name of allowed) {
    const value = params.get(name);
    if (value !== null) out.set(name, value);
  }
  const text = out.toString();
  return text ? `?${text}` : '';
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

async function validate(req: CallResourceRequest, deps: HandlerDeps, signal?: AbortSignal): Promise<Answer> {
  let expr: unknown;
  try {
    expr = (JSON.parse(Buffer.from(req.body).toString('utf8')) as { expr?: unknown }).expr;
  } catch {
    expr = undefined;
  }
  if (typeof expr !== 'string') return problem(400, 'bad_body', 'send a JSON body {"expr": "<KPI expression>"}');
  let catalog = null;
  try {
    catalog = await deps.instances.get(req.pluginContext).client.catalog({ signal });
  } catch {
    catalog = null;
  }
  return json(200, validateExpression(expr, catalog));
}

const ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^catalog$/,
    name: 'catalog',
    run: async (req, _m, deps, signal) => passOn(await deps.instances.get(req.pluginContext).client.raw('GET', '/v1/catalog', undefined, { signal })),
  },
  {
    method: 'GET',
    pattern: /^dimensions\/([^/]+)\/values$/,
    name: 'dimension_values',
    run: async (req, m, deps, signal) => {
      // The path arrives percent-encoded or not depending on the Grafana version: encode once.
      const name = encodeURIComponent(safeDecode(m[1]!));
      const path = `/v1/dimensions/${name}/values${forwardedQuery(req.url, ['from', 'to', 'q', 'limit'])}`;
      return passOn(await deps.instances.get(req.pluginContext).client.raw('GET', path, undefined, { signal }));
    },
  },
  {
    method: 'GET',
    pattern: /^annotations$/,
    name: 'annotations',
    run: async (req, _m, deps, signal) => passOn(await deps.instances.get(req.pluginContext).client.raw('GET', `/v1/annotations${forwardedQuery(req.url, ['from', 'to', 'tags', 'limit'])}`, undefined, { signal })),
  },
  { method: 'POST', pattern: /^validate$/, name: 'validate', run: (req, _m, deps, signal) => validate(req, deps, signal) },
];

function route(req: CallResourceRequest): { route: Route; match: RegExpExecArray } | Answer {
  const path = req.path.replace(/^\/+|\/+$/g, '');
  const matching = ROUTES.map((r) => ({ route: r, match: r.pattern.exec(path) })).filter((m): m is { route: Route; match: RegExpExecArray } => m.match !== null);
  if (matching.length === 0) return problem(404, 'not_found', `no resource "${path}"; this datasource serves catalog, dimensions/<name>/values, annotations and validate`);
  const method = (req.method || 'GET').toUpperCase();
  const hit = matching.find((m) => m.route.method === method);
  return hit ?? problem(405, 'method_not_allowed', `${path} answers ${matching.map((m) => m.route.method).join(', ')}, not ${method}`);
}

function toResponse(answer: Answer): CallResourceResponse {
  const headers: Record<string, StringList> = { 'Content-Type': { values: [answer.contentType] }, 'Cache-Control': { values: ['no-store'] } };
  return { code: answer.code, headers, body: answer.body };
}

export async function callResource(req: CallResourceRequest, deps: HandlerDeps, signal?: AbortSignal): Promise<CallResourceResponse> {
  const found = route(req);
  let answer: Answer;
  let name = 'unknown';
  if ('code' in found) answer = found;
  else {
    name = found.route.name;
    try {
      answer = await found.route.run(req, found.match, deps, signal);
    } catch (e) {
      if (e instanceof KpiError) answer = problem(e.status, e.status === 401 ? 'key_rejected' : 'kpi_service', e.message);
      else if (e instanceof MissingSettingsError) answer = problem(400, 'no_settings', e.message);
      else {
        deps.log.error('resource call failed unexpectedly', { path: req.path, error: e });
        answer = problem(500, 'internal', `internal error in the shopmon plugin: ${(e as Error).message}`);
      }
    }
  }
  deps.metrics.resourceCalls.inc({ route: name, status: String(answer.code) });
  return toResponse(answer);
}
