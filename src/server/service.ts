import type { FastifyRequest } from 'fastify';
import { buildCatalog, type Catalog } from '../kpi/catalog';
import { DAY } from '../kpi/time';
import type { Config } from './config';
import { ApiError } from './errors';
import { FirstOrders } from './ingest/firstOrders';
import { GroupWriter } from './ingest/groupWriter';
import { RecentKeys } from './ingest/recentKeys';
import { bearer, keyMatches, loadKeys, type KeyKind, type KeySet } from './keys';
import { createMetrics, type Metrics } from './metrics';
import { openClickhouseStore } from './store/clickhouseStore';
import { openDuckdbStore } from './store/duckdbStore';
import type { EventStore } from './store/types';

/** Everything a route needs, wired once at start. */
export interface Service {
  config: Config;
  keys: KeySet;
  store: EventStore;
  catalog: Catalog;
  metrics: Metrics;
  writer: GroupWriter;
  recentKeys: RecentKeys;
  /** null when the store finds first orders itself (ClickHouse). */
  firstOrders: FirstOrders | null;
  auth(request: FastifyRequest, kind: KeyKind): void;
}

const IDEMPOTENCY_DAYS = 8;

export async function openStore(config: Config): Promise<EventStore> {
  if (config.store === 'clickhouse') {
    return openClickhouseStore({
      url: config.clickhouseUrl,
      user: config.clickhouseUser,
      password: config.clickhousePassword,
      database: config.clickhouseDatabase,
      timeoutMs: config.clickhouseTimeoutSeconds * 1000,
    });
  }
  return openDuckdbStore({ dataDir: config.dataDir, memoryLimit: config.memoryLimit });
}

export async function createService(config: Config): Promise<Service> {
  const keys = loadKeys(config.dataDir, config.ingestKeys, config.queryKeys);
  const store = await openStore(config);
  const metrics = createMetrics();
  const recentKeys = new RecentKeys(IDEMPOTENCY_DAYS);
  const now = Date.now();
  for (const key of await store.recentKeys(now - IDEMPOTENCY_DAYS * DAY)) recentKeys.add(key, now);
  const known = await store.firstOrders();
  const firstOrders = known ? new FirstOrders(known) : null;
  const writer = new GroupWriter(store, config.maxQueue, {
    onCommit: (rows, seconds) => {
      metrics.storeWrite.observe(seconds);
      metrics.storeWriteRows.inc(rows);
    },
    onQueue: (depth) => metrics.queueDepth.set(depth),
  });
  const auth = (request: FastifyRequest, kind: KeyKind) => {
    const token = bearer(request.headers.authorization);
    if (!token) throw new ApiError(401, 'missing_key', `send "Authorization: Bearer <${kind} key>"`, 'authorization');
    if (keyMatches(token, keys[kind])) return;
    const other: KeyKind = kind === 'ingest' ? 'query' : 'ingest';
    if (keyMatches(token, keys[other])) {
      const article = (k: KeyKind) => (k === 'ingest' ? 'an ingest' : 'a query');
      throw new ApiError(401, 'wrong_key_kind', `this is ${article(other)} key; ${request.url.split('?')[0]} needs ${article(kind)} key`, 'authorization');
    }
    throw new ApiError(401, 'unknown_key', `unknown ${kind} key`, 'authorization');
  };
  return { config, keys, store, catalog: buildCatalog(config.currency), metrics, writer, recentKeys, firstOrders, auth };
}
