import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import type { Incident, IncidentName } from '../incidents';
import type { ShopDatabase } from './database';
import type { PaymentGateway } from './gateway';
import type { ShopMetrics } from './metrics';
import { PoolClosedError, PoolTimeoutError } from './pool';
import { registerCheckoutRoutes } from './routes/checkout';
import { registerPageRoutes } from './routes/pages';
import type { SearchIndex } from './searchIndex';

/**
 * The demo storefront: a small JSON-over-HTTP shop (home, search, category, product, cart,
 * checkout, pay) on a pooled, simulated database and a simulated payment gateway, instrumented
 * like a production Node service. Errors answer `{"error":{"code","message"}}`.
 */

export interface IncidentSource {
  isActive(name: IncidentName, now: number): boolean;
  active(now: number): Incident[];
}

export interface StorefrontDeps {
  db: ShopDatabase;
  search: SearchIndex;
  gateway: PaymentGateway;
  incidents: IncidentSource;
  metrics: ShopMetrics;
  logLevel: string;
  now?: () => number;
  https?: { key: Buffer; cert: Buffer };
}

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export const errorBody = (code: string, message: string) => ({ error: { code, message } });

interface AlertWebhook {
  status?: string;
  alerts?: Array<{ status?: string; labels?: Record<string, string>; annotations?: Record<string, string> }>;
}

export function buildStorefront(deps: StorefrontDeps): FastifyInstance {
  const app = Fastify({
    logger: { level: deps.logLevel },
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    ...(deps.https ? { https: deps.https } : {}),
  }) as unknown as FastifyInstance;
  const { metrics } = deps;

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof HttpError) return reply.code(error.status).send(errorBody(error.code, error.message));
    if (error instanceof PoolTimeoutError) {
      request.log.warn({ waitedMs: error.waitedMs }, 'database pool exhausted');
      return reply.code(503).header('retry-after', '1').send(errorBody('db_busy', 'the shop is busy, try again in a moment'));
    }
    if (error instanceof PoolClosedError) return reply.code(503).send(errorBody('shutting_down', 'the shop is shutting down'));
    const status = (error as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) return reply.code(status).send(errorBody('bad_request', error.message));
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(errorBody('internal', 'internal error'));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody('not_found', `no page ${request.method} ${request.url.split('?')[0]}`)));

  app.addHook('onResponse', async (request, reply) => {
    const labels = { route: request.routeOptions.url ?? 'unmatched', method: request.method, status: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) metrics.httpErrors.inc(labels);
    if (reply.statusCode >= 500 || reply.elapsedTime > 1000) request.log.warn({ ...labels, ms: Math.round(reply.elapsedTime) }, 'slow or failed request');
  });

  app.get('/healthz', async (_request, reply) => {
    const pool = deps.db.pool.stats();
    return reply.send({ status: 'ok', pool, incidents: deps.incidents.active((deps.now ?? Date.now)()).map((i) => i.name) });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(text);
  });

  // Grafana's webhook contact point posts here by default: the demo has somewhere to send alerts.
  app.post('/hooks/grafana-alerts', async (request, reply) => {
    const body = (request.body ?? {}) as AlertWebhook;
    for (const alert of body.alerts ?? []) {
      const status = alert.status === 'resolved' ? 'resolved' : 'firing';
      metrics.alertsReceived.inc({ status });
      request.log.info({ alert: alert.labels?.alertname, status, summary: alert.annotations?.summary }, 'grafana alert notification');
    }
    return reply.code(204).send();
  });

  registerPageRoutes(app, deps);
  registerCheckoutRoutes(app, deps);
  return app;
}
