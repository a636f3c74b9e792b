import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import type { Key } from '../ingest/recentKeys';
import { mergeParts, type AggregatePlan, type AggregateRow, type FunnelPlan, type FunnelRow, type ValuesPlan } from '../query/plan';
import { aggregateQuery, funnelQuery, identifier, int, needsFirstOrders, str, valuesQuery } from './clickhouseSql';
import { annotationsFromRows, StoreUnavailableError, type Annotation, type EventStore, type StoredEvent } from './types';

/**
 * The scale-out store: events in a ClickHouse ReplacingMergeTree. The service stays stateless
 * (any number of instances in front of one ClickHouse): idempotency is checked against the table
 * itself, first orders are found at query time, annotation ids need no counter.
 *
 * Duplicates: a batch's event ids are looked up before the insert (a retry of anything already
 * stored, from any instance, is dropped), and checked again after it; if two instances inserted
 * the same event at the same instant, the affected partitions are merged with OPTIMIZE ... FINAL
 * before either answers, and the sorting key (type, ts, eid) makes the merge collapse the pair.
 */

export interface ClickhouseStoreOptions {
  url: string;
  user: string;
  password: string;
  database: string;
  /** Per-request timeout (SHOPMON_CLICKHOUSE_TIMEOUT_SECONDS); queries over it fail as 503 store_unavailable. */
  timeoutMs?: number;
}

const MIGRATIONS = (db: string): string[][] => [
  [
    `CREATE TABLE IF NOT EXISTS ${db}.events (
      ts Int64, received Int64, eid UInt64, type String, visitor_id String,
      session_id Nullable(String), user_id Nullable(String),
      channel String, device String, platform String, region String, page_type String, category String, product_id String,
      url Nullable(String), referrer Nullable(String), tti_ms Nullable(Float64), load_ms Nullable(Float64),
      position Nullable(Int32), quantity Nullable(Int32), amount Nullable(Float64), currency Nullable(String),
      query String, results Nullable(Int32), order_id Nullable(String),
      status String, method String, failure_reason String, seller_id String, props Nullable(String)
    ) ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(toDateTime(intDiv(ts, 1000), 'UTC'))
    ORDER BY (type, ts, eid)`,
    `CREATE TABLE IF NOT EXISTS ${db}.annotations (
      id UInt64, time Int64, time_end Int64, title String, text String, tags String
    ) ENGINE = ReplacingMergeTree ORDER BY (time, id)`,
  ],
];

/** Rows per lookup query: keeps the SQL text well under ClickHouse's 256 KiB max_query_size. */
const LOOKUP_CHUNK = 2000;

const eidOf = (k: Key) => ((BigInt(k.hi) << 32n) | BigInt(k.lo)).toString();
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

interface JsonCompact {
  data: unknown[][];
}

/** Connection-level failures (refused, reset, timeout) mean the store is down, not that the query is wrong. */
function unavailable(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | null;
  const code = err?.code ?? '';
  const message = err?.message ?? '';
  return /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|UND_ERR)/.test(code) || /timeout|socket hang up|ECONNREFUSED|ECONNRESET/i.test(message);
}

export async function openClickhouseStore(opts: ClickhouseStoreOptions): Promise<EventStore> {
  const db = identifier(opts.database);
  const client = createClient({
    url: opts.url,
    username: opts.user,
    password: opts.password,
    request_timeout: opts.timeoutMs ?? 60_000,
    log: { level: ClickHouseLogLevel.OFF },
  });
  const store = new ClickhouseStore(client, db);
  try {
    await store.migrate();
  } catch (e) {
    await client.close();
    if (unavailable(e)) throw new Error(`ClickHouse at ${opts.url} did not answer (${(e as Error).message}); check SHOPMON_CLICKHOUSE_URL`);
    throw new Error(`ClickHouse at ${opts.url}: ${(e as Error).message.split('\n')[0]}`);
  }
  return store;
}

class ClickhouseStore implements EventStore {
  readonly name = 'clickhouse';
  readonly rollups = false;
  private readonly events: string;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly db: string,
  ) {
    this.events = `${db}.events`;
  }

  /** Every statement is idempotent, so instances starting together cannot trip over each other. */
  async migrate(): Promise<void> {
    await this.command(`CREATE DATABASE IF NOT EXISTS ${this.db}`);
    await this.command(`CREATE TABLE IF NOT EXISTS ${this.db}.schema_version (version UInt32, applied_at Int64) ENGINE = TinyLog`);
    const rows = await this.rows(`SELECT max(version) FROM ${this.db}.schema_version`);
    const current = Number(rows[0]?.[0] ?? 0);
    const migrations = MIGRATIONS(this.db);
    for (let v = current; v < migrations.length; v++) {
      for (const statement of migrations[v]!) await this.command(statement);
      await this.command(`INSERT INTO ${this.db}.schema_version VALUES (${v + 1}, ${int(Date.now())})`);
    }
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      if (unavailable(e)) throw new StoreUnavailableError(`ClickHouse did not answer: ${(e as Error).message}`);
      const message = (e as Error).message ?? String(e);
      if (/re2|regular expression|regexp/i.test(message)) throw new Error(`invalid regular expression: ${message.split('\n')[0]}`);
      throw e;
    }
  }

  private command(sql: string): Promise<void> {
    return this.guard(async () => {
      await this.client.command({ query: sql });
    });
  }

  private rows(sql: string): Promise<unknown[][]> {
    return this.guard(async () => {
      const result = await this.client.query({ query: sql, format: 'JSONCompact' });
      return ((await result.json()) as JsonCompact).data;
    });
  }

  /** Event ids of `rows` stored at least `min` times, looked up by the sorting key. */
  private async stored(rows: StoredEvent[], min: number): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < rows.length; i += LOOKUP_CHUNK) {
      const tuples = rows.slice(i, i + LOOKUP_CHUNK).map((r) => `(${str(r.type)}, ${int(r.ts)}, ${eidOf(r.key)})`);
      const sql = `SELECT eid FROM ${this.events} WHERE (type, ts, eid) IN (${tuples.join(', ')}) GROUP BY eid HAVING count() >= ${min}`;
      for (const r of await this.rows(sql)) found.add(String(r[0]));
    }
    return found;
  }

  async append(rows: StoredEvent[]): Promise<ReadonlySet<StoredEvent>> {
    if (rows.length === 0) return new Set();
    const already = await this.stored(rows, 1);
    const existing = new Set(rows.filter((r) => already.has(eidOf(r.key))));
    const fresh = existing.size ? rows.filter((r) => !existing.has(r)) : rows;
    if (fresh.length === 0) return existing;
    await this.guard(() => this.client.insert({ table: this.events, values: fresh.map(toRow), format: 'JSONEachRow' }));
    await this.collapseDoubles(fresh);
    return existing;
  }

  /**
   * Another instance stored some of the same events at the same time (both lookups ran before
   * either insert): merge the pairs away before answering. OPTIMIZE does nothing while a
   * background merge holds the parts, so check again until they are gone.
   */
  private async collapseDoubles(rows: StoredEvent[]): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const doubled = await this.stored(rows, 2);
      if (doubled.size === 0) return;
      const months = new Set(rows.filter((r) => doubled.has(eidOf(r.key))).map((r) => monthOf(r.ts)));
      try {
        for (const m of months) await this.command(`OPTIMIZE TABLE ${this.events} PARTITION ${m} FINAL`);
      } catch {
        // A Distributed table (cluster set-up, README) cannot be optimized from here: the
        // replicas' background merges collapse the pair.
        return;
      }
      rows = rows.filter((r) => doubled.has(eidOf(r.key)));
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * attempt));
    }
    // Still merging after ~10 s: the rows are stored once the background merge ends (README, limits).
  }

  recentKeys(): Promise<Key[]> {
    // Duplicates are looked up in ClickHouse at append time; nothing to preload.
    return Promise.resolve([]);
  }

  firstOrders(): Promise<null> {
    // First orders are found at query time (clickhouseSql firstOrderSource): the service keeps no map.
    return Promise.resolve(null);
  }

  async aggregate(plan: AggregatePlan): Promise<AggregateRow[]> {
    // First-order terms read their own source (clickhouseSql firstOrderSource): one query each kind.
    const first = plan.terms.flatMap((t, i) => (needsFirstOrders(t) ? [i] : []));
    const other = plan.terms.flatMap((t, i) => (needsFirstOrders(t) ? [] : [i]));
    const n = plan.groupBy.length;
    const parts = await Promise.all(
      [other, first]
        .filter((index) => index.length > 0)
        .map(async (index) => {
          const rows = await this.rows(aggregateQuery(this.events, { ...plan, terms: index.map((i) => plan.terms[i]!) }));
          return { index, rows: rows.map((r) => ({ bucket: num(r[0]), groups: r.slice(1, 1 + n).map((g) => String(g ?? '')), values: r.slice(1 + n).map(num) })) };
        }),
    );
    return mergeParts(plan.terms.length, parts);
  }

  async funnel(plan: FunnelPlan): Promise<FunnelRow[]> {
    const n = plan.groupBy.length;
    const rows = await this.rows(funnelQuery(this.events, plan));
    return rows.map((r) => ({ groups: r.slice(0, n).map((g) => String(g ?? '')), visitors: r.slice(n).map((v) => Number(v)) }));
  }

  async dimensionValues(plan: ValuesPlan): Promise<Array<{ value: string; count: number }>> {
    return (await this.rows(valuesQuery(this.events, plan))).map((r) => ({ value: String(r[0]), count: Number(r[1]) }));
  }

  async addAnnotation(a: Omit<Annotation, 'id'>): Promise<Annotation> {
    // Unique without a counter shared by instances: time of creation in µs plus a random part.
    const id = Date.now() * 1000 + Math.floor(Math.random() * 1000);
    const row = { id, time: a.time, time_end: a.time_end, title: a.title, text: a.text, tags: JSON.stringify(a.tags) };
    await this.guard(() => this.client.insert({ table: `${this.db}.annotations`, values: [row], format: 'JSONEachRow' }));
    return { id, ...a };
  }

  async annotations(from: number, to: number, tags: string[], limit: number): Promise<Annotation[]> {
    const rows = await this.rows(
      `SELECT id, time, time_end, title, text, tags FROM ${this.db}.annotations FINAL WHERE time < ${int(to)} AND time_end >= ${int(from)} ORDER BY time, id LIMIT 10000`,
    );
    return annotationsFromRows(rows, tags, limit);
  }

  async countEvents(): Promise<number> {
    return Number((await this.rows(`SELECT count() FROM ${this.events} FINAL`))[0]?.[0] ?? 0);
  }

  async prune(beforeMs: number): Promise<number> {
    const n = Number((await this.rows(`SELECT count() FROM ${this.events} WHERE ts < ${int(beforeMs)}`))[0]?.[0] ?? 0);
    if (n > 0) await this.command(`ALTER TABLE ${this.events} DELETE WHERE ts < ${int(beforeMs)}`);
    return n;
  }

  async healthy(): Promise<boolean> {
    try {
      return (await this.client.ping()).success;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

const monthOf = (ts: number) => {
  const d = new Date(ts);
  return d.getUTCFullYear() * 100 + d.getUTCMonth() + 1;
};

function toRow(e: StoredEvent): Record<string, unknown> {
  return {
    ts: e.ts,
    received: e.received,
    eid: eidOf(e.key),
    type: e.type,
    visitor_id: e.visitor_id,
    session_id: e.session_id,
    user_id: e.user_id,
    channel: e.channel,
    device: e.device,
    platform: e.platform,
    region: e.region,
    page_type: e.page_type,
    category: e.category,
    product_id: e.product_id,
    url: e.url,
    referrer: e.referrer,
    tti_ms: e.tti_ms,
    load_ms: e.load_ms,
    position: e.position,
    quantity: e.quantity,
    amount: e.amount,
    currency: e.currency,
    query: e.query ?? '',
    results: e.results,
    order_id: e.order_id,
    status: e.status ?? '',
    method: e.method,
    failure_reason: e.failure_reason,
    seller_id: e.seller_id,
    props: e.props,
  };
}
