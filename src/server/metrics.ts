import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service's Prometheus metrics; one registry per service instance so tests stay apart. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'shopmon_' });
  const secondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    httpRequests: new Counter({ name: 'shopmon_http_requests_total', help: 'HTTP requests by route, method and status', labelNames: ['route', 'method', 'status'], registers: [registry] }),
    httpErrors: new Counter({ name: 'shopmon_http_errors_total', help: 'HTTP answers with status >= 400 by route and status', labelNames: ['route', 'status'], registers: [registry] }),
    httpDuration: new Histogram({ name: 'shopmon_http_request_duration_seconds', help: 'HTTP request latency by route', labelNames: ['route', 'method', 'status'], buckets: secondsBuckets, registers: [registry] }),
    ingestAccepted: new Counter({ name: 'shopmon_ingest_events_accepted_total', help: 'Events accepted and durable', registers: [registry] }),
    ingestRejected: new Counter({ name: 'shopmon_ingest_events_rejected_total', help: 'Events rejected by validation', registers: [registry] }),
    ingestDuplicates: new Counter({ name: 'shopmon_ingest_events_duplicate_total', help: 'Events whose event_id was already accepted', registers: [registry] }),
    ingestOverload: new Counter({ name: 'shopmon_ingest_overload_total', help: 'Requests answered 503 because the writer queue was full', registers: [registry] }),
    storeWrite: new Histogram({ name: 'shopmon_store_write_duration_seconds', help: 'Duration of one group commit to the store', buckets: secondsBuckets, registers: [registry] }),
    storeWriteRows: new Counter({ name: 'shopmon_store_rows_written_total', help: 'Rows written by group commits', registers: [registry] }),
    queueDepth: new Gauge({ name: 'shopmon_ingest_queue_depth', help: 'Events accepted by validation and waiting for the writer', registers: [registry] }),
    queryDuration: new Histogram({ name: 'shopmon_query_duration_seconds', help: 'Query time by path (query, funnel, dimension_values, annotations) and store', labelNames: ['path', 'store'], buckets: secondsBuckets, registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
