import type { FastifyInstance } from 'fastify';
import { publicCatalog, DIMENSION_NAMES } from '../../kpi/catalog';
import { parseTimeField, resolveQuery } from '../../kpi/query';
import { DAY } from '../../kpi/time';
import { ApiError } from '../errors';
import { runQuery } from '../query/engine';
import { funnelAnswer, resolveFunnel } from '../query/funnel';
import type { Service } from '../service';
import { StoreUnavailableError } from '../store/types';

function intParam(value: unknown, field: string, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ApiError(400, 'bad_parameter', `must be an integer from 1 to ${max}`, field);
  return n;
}

function timeParam(value: unknown, field: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const text = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  const parsed = parseTimeField(text, field);
  if (!parsed.ok) throw new ApiError(400, 'bad_parameter', parsed.error.message, field);
  return parsed.value;
}

/**
 * Store errors caused by the request (a regex RE2 rejects) become 400s naming the field; a store
 * that does not answer is a 503 the client may retry.
 */
function storeError(e: unknown): never {
  if (e instanceof StoreUnavailableError) throw new ApiError(503, 'store_unavailable', `the event store is unavailable; retry later (${e.message.split('\n')[0]})`);
  const message = e instanceof Error ? e.message : String(e);
  if (/regex|regular expression/i.test(message)) throw new ApiError(400, 'bad_regex', `the store rejected a regular expression: ${message.split('\n')[0]}`, 'filters');
  throw e;
}

export function registerQueryRoutes(app: FastifyInstance, svc: Service): void {
  const timed = async <T>(path: string, work: () => Promise<T>): Promise<T> => {
    const end = svc.metrics.queryDuration.startTimer({ path, store: svc.store.name });
    try {
      return await work().catch(storeError);
    } finally {
      end();
    }
  };

  app.get('/v1/catalog', async (request) => {
    svc.auth(request, 'query');
    return publicCatalog(svc.catalog);
  });

  app.post('/v1/query', async (request) => {
    svc.auth(request, 'query');
    const resolved = resolveQuery(request.body, svc.catalog, { timezone: svc.config.timezone, now: Date.now() });
    if (!resolved.ok) throw new ApiError(400, 'bad_query', resolved.error.message, resolved.error.field);
    return timed('query', () => runQuery(resolved.value, svc.store, svc.catalog));
  });

  app.post('/v1/funnel', async (request) => {
    svc.auth(request, 'query');
    const plan = resolveFunnel(request.body, Date.now());
    if (!plan.ok) throw new ApiError(400, 'bad_query', plan.error.message, plan.error.field);
    return timed('funnel', async () => funnelAnswer(plan.value, await svc.store.funnel(plan.value)));
  });

  app.get<{ Params: { name: string }; Querystring: Record<string, string | undefined> }>('/v1/dimensions/:name/values', async (request) => {
    svc.auth(request, 'query');
    const { name } = request.params;
    if (!DIMENSION_NAMES.has(name)) throw new ApiError(404, 'unknown_dimension', `unknown dimension "${name}"; see GET /v1/catalog`, 'name');
    const now = Date.now();
    const q = request.query;
    const to = timeParam(q.to, 'to', now);
    const from = timeParam(q.from, 'from', to - 7 * DAY);
    if (to < from) throw new ApiError(400, 'bad_parameter', 'must not be before from', 'to');
    const limit = intParam(q.limit, 'limit', 100, 1000);
    const search = q.q ?? '';
    if (search.length > 200) throw new ApiError(400, 'bad_parameter', 'at most 200 characters', 'q');
    const values = await timed('dimension_values', () => svc.store.dimensionValues({ dimension: name, from, to, q: search, limit }));
    return { values };
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/v1/annotations', async (request) => {
    svc.auth(request, 'query');
    const now = Date.now();
    const q = request.query;
    const to = timeParam(q.to, 'to', now);
    const from = timeParam(q.from, 'from', to - 7 * DAY);
    const tags = (q.tags ?? '').split(',').map((t) => t.trim()).filter(Boolean);
    const limit = intParam(q.limit, 'limit', 100, 1000);
    return { annotations: await timed('annotations', () => svc.store.annotations(from, to, tags, limit)) };
  });

  app.post('/v1/annotations', async (request, reply) => {
    svc.auth(request, 'ingest');
    const body = request.body as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'bad_body', 'the body must be a JSON object', 'body');
    const time = timeParam(body.time ?? Date.now(), 'time', Date.now());
    const timeEnd = timeParam(body.time_end ?? time, 'time_end', time);
    if (timeEnd < time) throw new ApiError(400, 'bad_parameter', 'must not be before time', 'time_end');
    if (typeof body.title !== 'string' || body.title.trim() === '' || body.title.length > 200) {
      throw new ApiError(400, 'bad_parameter', 'is required: a string of 1 to 200 characters', 'title');
    }
    const text = body.text ?? '';
    if (typeof text !== 'string' || text.length > 4000) throw new ApiError(400, 'bad_parameter', 'must be a string of at most 4000 characters', 'text');
    const tags = body.tags ?? [];
    if (!Array.isArray(tags) || tags.length > 20 || !tags.every((t) => typeof t === 'string' && t.length <= 64)) {
      throw new ApiError(400, 'bad_parameter', 'must be an array of at most 20 strings of up to 64 characters', 'tags');
    }
    const saved = await svc.store.addAnnotation({ time, time_end: timeEnd, title: body.title, text, tags: tags as string[] }).catch(storeError);
    return reply.code(201).send(saved);
  });
}
