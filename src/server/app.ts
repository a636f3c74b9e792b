import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import { ApiError, errorBody } from './errors';
import { registerEventRoutes } from './routes/events';
import { registerQueryRoutes } from './routes/query';
import type { Service } from './service';

function parseJson(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    // Plain JSON.parse: objects from requests are never merged into others, so a "__proto__"
    // key stays an own property (and validation rejects it as an unknown field).
    return JSON.parse(body);
  } catch (e) {
    throw new ApiError(400, 'bad_json', `the body is not valid JSON: ${(e as Error).message}`, 'body');
  }
}

/** Maps framework errors to our error shape: a code, a message, the field; never a stack trace. */
function toApiError(e: FastifyError | ApiError | Error): ApiError {
  if (e instanceof ApiError) return e;
  const fe = e as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'body_too_large', 'the body is larger than the limit (SHOPMON_MAX_BODY_BYTES)', 'body');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported_media_type', 'send application/json or application/x-ndjson', 'content-type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'no_events', 'the body is empty', 'body');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'bad_content_length', 'Content-Length does not match the body', 'body');
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new ApiError(fe.statusCode, 'bad_request', fe.message);
  }
  return new ApiError(500, 'internal', 'internal error; the service log has the details');
}

export function buildApp(svc: Service): FastifyInstance {
  const app = Fastify({
    logger: { level: svc.config.logLevel },
    // One log line per request, written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: svc.config.maxBodyBytes,
    return503OnClosing: true,
  });
  app.removeAllContentTypeParsers();
  // Bodies arrive as one buffer, decoded once: decoding chunk by chunk showed up in profiles.
  app.addContentTypeParser(['application/json', 'application/x-ndjson', 'text/plain'], { parseAs: 'buffer' }, (request, body, done) => {
    const text = (body as Buffer).toString('utf8');
    const type = request.headers['content-type'] ?? '';
    if (/x-ndjson|text\/plain/i.test(type)) return done(null, text);
    try {
      done(null, parseJson(text));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const api = toApiError(error);
    if (api.status >= 500 && api.code === 'internal') request.log.error({ err: error }, 'request failed');
    return reply.code(api.status).send(errorBody(api.code, api.message, api.field));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    svc.metrics.httpRequests.inc({ route, method: request.method, status });
    svc.metrics.httpDuration.observe({ route, method: request.method, status }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 400) svc.metrics.httpErrors.inc({ route, status });
    request.log.info({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
  });

  app.get('/healthz', async (_request, reply) => {
    const ok = await svc.store.healthy();
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'store unavailable', store: svc.store.name, queue: svc.writer.depth });
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('Content-Type', svc.metrics.registry.contentType);
    return svc.metrics.registry.metrics();
  });
  registerEventRoutes(app, svc);
  registerQueryRoutes(app, svc);
  return app;
}
