import type { FastifyInstance } from 'fastify';
import type { ValidationContext } from '../../kpi/events';
import { ApiError } from '../errors';
import { prepareBatch, parseNdjson, type BodyItem } from '../ingest/ingest';
import type { Service } from '../service';

/** Reads the body into items: JSON array, {"events": [...]}, or NDJSON lines. */
function bodyItems(body: unknown, maxEvents: number): Array<BodyItem | null> {
  let items: Array<BodyItem | null>;
  if (typeof body === 'string') items = parseNdjson(body);
  else if (Array.isArray(body)) items = body.map((value: unknown) => ({ value }));
  else if (typeof body === 'object' && body !== null && Array.isArray((body as { events?: unknown }).events)) {
    items = (body as { events: unknown[] }).events.map((value) => ({ value }));
  } else if (typeof body === 'object' && body !== null) {
    throw new ApiError(400, 'bad_body', 'the body must be a JSON array of events, {"events": [...]}, or NDJSON', 'events');
  } else {
    throw new ApiError(400, 'bad_body', 'the body is empty; send a JSON array of events, {"events": [...]}, or NDJSON', 'events');
  }
  const count = items.reduce((n, i) => n + (i ? 1 : 0), 0);
  if (count > maxEvents) {
    throw new ApiError(413, 'too_many_events', `${count} events in one request; the limit is ${maxEvents}`, 'events');
  }
  if (count === 0) throw new ApiError(400, 'no_events', 'the body holds no events', 'events');
  return items;
}

export function registerEventRoutes(app: FastifyInstance, svc: Service): void {
  app.post('/v1/events', async (request, reply) => {
    svc.auth(request, 'ingest');
    const items = bodyItems(request.body, svc.config.maxEvents);
    const ctx: ValidationContext = {
      now: Date.now(),
      retentionDays: svc.config.retentionDays,
      currency: svc.config.currency,
      rates: svc.config.rates,
    };
    if (svc.writer.saturated(items.length)) {
      svc.metrics.ingestOverload.inc();
      reply.header('Retry-After', '1');
      throw new ApiError(503, 'overloaded', `the writer has ${svc.writer.depth} events queued; retry after 1 s`);
    }
    const batch = prepareBatch(items, ctx, svc.recentKeys, svc.firstOrders);
    let existing = 0;
    try {
      existing = await svc.writer.write(batch.rows, batch.demote);
    } catch (e) {
      batch.undo();
      request.log.error({ err: e }, 'store write failed');
      reply.header('Retry-After', '1');
      throw new ApiError(503, 'store_unavailable', 'the events could not be stored; nothing of this request was kept, retry it');
    }
    const accepted = batch.rows.length - existing;
    const duplicates = batch.duplicates + existing;
    svc.metrics.ingestAccepted.inc(accepted);
    svc.metrics.ingestDuplicates.inc(duplicates);
    svc.metrics.ingestRejected.inc(batch.rejected.length);
    const answer = { accepted, duplicates, rejected: batch.rejected };
    if (accepted === 0 && duplicates === 0) {
      return reply.code(400).send({
        ...answer,
        error: { code: 'all_rejected', message: 'every event of the request was rejected; see rejected[]', field: 'events' },
      });
    }
    return answer;
  });
}
