import type { FastifyInstance } from 'fastify';
import type { IncidentName } from '../incidents';
import type { ShopConfig } from './config';
import { ShopDatabase } from './database';
import { EventSink } from './eventSink';
import { PaymentGateway } from './gateway';
import { IncidentClock } from './incidentClock';
import { createShopMetrics, type ShopMetrics } from './metrics';
import { SearchIndex } from './searchIndex';
import { VirtualShoppers } from './shoppers';
import { buildStorefront, type IncidentSource } from './storefront';

/** The whole demo shop: storefront (HTTP and optional HTTPS), virtual shoppers and event sink. */

export interface ShopOptions {
  config: ShopConfig;
  tls?: { key: Buffer; cert: Buffer };
  /** Tests replace the incident clock and run visits and database delays faster. */
  incidents?: IncidentSource;
  timeScale?: number;
  latencyScale?: number;
  log?: (line: string) => void;
}

export interface RunningShop {
  url: string;
  tlsUrl: string | null;
  metrics: ShopMetrics;
  db: ShopDatabase;
  sink: EventSink;
  shoppers: VirtualShoppers;
  app: FastifyInstance;
  stop(): Promise<void>;
}

const INCIDENT_NAMES: readonly IncidentName[] = ['payment_outage', 'search_index_failure', 'traffic_spike'];
const INCIDENT_CHECK_MS = 5_000;

function listenUrl(app: FastifyInstance, scheme: string, host: string): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${shown}:${port}`;
}

export async function startShop(opts: ShopOptions): Promise<RunningShop> {
  const { config } = opts;
  const log = opts.log ?? ((line: string) => process.stderr.write(`demo-shop: ${line}\n`));
  const clock = new IncidentClock(config.incidentCycleMs);
  const incidents: IncidentSource = opts.incidents ?? clock;
  // The metrics read the pool's gauges, and the database records into the metrics.
  const holder: { db?: ShopDatabase } = {};
  const metrics = createShopMetrics(() => holder.db?.pool.stats() ?? { inUse: 0, idle: 0, waiting: 0, size: 0, max: config.poolSize });
  const db = new ShopDatabase({ seed: config.seed, poolSize: config.poolSize, acquireTimeoutMs: config.acquireTimeoutMs, metrics, latencyScale: opts.latencyScale });
  holder.db = db;
  const search = new SearchIndex(db, config.seed);
  const gateway = new PaymentGateway({ seed: config.seed, timeoutMs: config.gatewayTimeoutMs, metrics, latencyScale: opts.latencyScale });
  const deps = { db, search, gateway, incidents, metrics, logLevel: config.logLevel };
  const app = buildStorefront(deps);
  await app.listen({ host: config.host, port: config.port });
  const url = listenUrl(app, 'http', config.host);
  let tlsApp: FastifyInstance | null = null;
  if (config.tls && opts.tls) {
    tlsApp = buildStorefront({ ...deps, https: opts.tls });
    await tlsApp.listen({ host: config.host, port: config.tls.port });
  }
  const tlsUrl = tlsApp ? listenUrl(tlsApp, 'https', config.host) : null;

  const sink = new EventSink({ url: config.kpiUrl, key: config.ingestKey, idPrefix: `shop${config.seed}-${Date.now().toString(36)}-`, metrics, log });
  sink.start();
  const shoppers = new VirtualShoppers({
    baseUrl: url.replace('://0.0.0.0:', '://127.0.0.1:'),
    rate: config.rate,
    seed: config.seed,
    incidents,
    push: (e) => sink.push(e),
    metrics,
    timeScale: opts.timeScale,
  });
  shoppers.start();

  const announced = new Set<string>();
  const checkIncidents = () => {
    const now = Date.now();
    const active = incidents.active(now);
    for (const name of INCIDENT_NAMES) metrics.incidentActive.set({ incident: name }, active.some((i) => i.name === name) ? 1 : 0);
    for (const i of active) {
      const key = `${i.name}@${i.start}`;
      if (announced.has(key)) continue;
      announced.add(key);
      log(`incident started: ${i.description} (until ${new Date(i.end).toISOString()})`);
      void sink.annotate({ time: i.start, time_end: i.end, title: `Demo incident: ${i.name.replace(/_/g, ' ')}`, text: i.description, tags: ['incident', 'demo', i.name] });
    }
  };
  checkIncidents();
  const incidentTimer = setInterval(checkIncidents, INCIDENT_CHECK_MS);
  incidentTimer.unref();

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(incidentTimer);
      await shoppers.stop();
      await Promise.all([app.close(), tlsApp?.close()]);
      await sink.stop();
      await db.close();
    })());
  return { url, tlsUrl, metrics, db, sink, shoppers, app, stop };
}
