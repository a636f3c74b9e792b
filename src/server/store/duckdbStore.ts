import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { AggregatePlan, AggregateRow, FunnelPlan, FunnelRow, ValuesPlan } from '../query/plan';
import { aggregateQuery, funnelQuery, valuesQuery, type SqlParams } from './duckdbSql';
import { SLOT } from '../query/rollups';
import { KIND, KIND_CASE, TIMING_FIELD, kindOf } from './eventKinds';
import { countRows, timingRows, totalRows, visitorRows, type CountRow, type TimingRow, type TotalRow, type VisitorRow } from './rollupRows';
import { VisitorIds } from './visitorIds';
import type { Key } from '../ingest/recentKeys';
import { annotationsFromRows, type Annotation, type EventStore, type StoredEvent } from './types';

/**
 * The embedded store: one DuckDB file in the data dir. One connection writes (group commits),
 * a few others read; DuckDB's MVCC keeps readers on committed data.
 */

export const MIGRATIONS: string[] = [
  `CREATE TABLE events (
    ts BIGINT NOT NULL,
    received BIGINT NOT NULL,
    eid UBIGINT NOT NULL,
    type VARCHAR NOT NULL,
    visitor_id VARCHAR NOT NULL,
    session_id VARCHAR,
    user_id VARCHAR,
    channel VARCHAR NOT NULL,
    device VARCHAR NOT NULL,
    platform VARCHAR NOT NULL,
    region VARCHAR NOT NULL,
    page_type VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    product_id VARCHAR NOT NULL,
    url VARCHAR,
    referrer VARCHAR,
    tti_ms DOUBLE,
    load_ms DOUBLE,
    position INTEGER,
    quantity INTEGER,
    amount DOUBLE,
    currency VARCHAR,
    query VARCHAR NOT NULL,
    results INTEGER,
    order_id VARCHAR,
    first_order BOOLEAN NOT NULL,
    status VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    failure_reason VARCHAR NOT NULL,
    seller_id VARCHAR NOT NULL,
    props VARCHAR
  )`,
  `CREATE TABLE annotations (
    id BIGINT PRIMARY KEY,
    time BIGINT NOT NULL,
    time_end BIGINT NOT NULL,
    title VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    tags VARCHAR NOT NULL
  )`,
  `CREATE TABLE hourly (
    hour BIGINT NOT NULL,
    type VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    device VARCHAR NOT NULL,
    platform VARCHAR NOT NULL,
    region VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    zero BOOLEAN NOT NULL,
    first_order BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    amount DOUBLE
  );
  INSERT INTO hourly SELECT ts // 3600000 * 3600000, type, channel, device, platform, region, category, status, method,
    coalesce(results = 0, false), first_order, count(*), sum(amount) FROM events GROUP BY ALL;
  CREATE TABLE visitor_hourly (
    hour BIGINT NOT NULL,
    visitor_id VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    device VARCHAR NOT NULL,
    platform VARCHAR NOT NULL,
    region VARCHAR NOT NULL,
    ordered BOOLEAN NOT NULL
  );
  INSERT INTO visitor_hourly SELECT ts // 3600000 * 3600000, visitor_id, channel, device, platform, region, bool_or(type = 'order')
    FROM events GROUP BY ALL;`,
  // 15-minute slots replace the hourly rollups (7-day charts use 15m buckets).
  `DROP TABLE hourly;
  DROP TABLE visitor_hourly;
  CREATE TABLE slot_counts (
    slot BIGINT NOT NULL,
    type VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    device VARCHAR NOT NULL,
    platform VARCHAR NOT NULL,
    region VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    zero BOOLEAN NOT NULL,
    first_order BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    amount DOUBLE
  );
  INSERT INTO slot_counts SELECT ts // 900000 * 900000, type, channel, device, platform, region, category, status, method,
    coalesce(results = 0, false), first_order, count(*), sum(amount) FROM events GROUP BY ALL ORDER BY 1;
  CREATE TABLE slot_visitors (
    slot BIGINT NOT NULL,
    visitor_id VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    device VARCHAR NOT NULL,
    platform VARCHAR NOT NULL,
    region VARCHAR NOT NULL,
    ordered BOOLEAN NOT NULL
  );
  INSERT INTO slot_visitors SELECT ts // 900000 * 900000, visitor_id, channel, device, platform, region, bool_or(type = 'order')
    FROM events GROUP BY ALL ORDER BY 1;`,
  // Integers for what the slow queries compare: visitor ids (a dictionary) and event types
  // (kind codes); slot_visitors on integer ids; slot_totals for queries without dimensions;
  // slot_timings, exact value histograms of page_view timings, for whole-range percentiles.
  `CREATE TABLE visitor_ids (visitor_id VARCHAR NOT NULL, vid INTEGER NOT NULL);
  INSERT INTO visitor_ids SELECT visitor_id, CAST(row_number() OVER (ORDER BY min(ts), visitor_id) AS INTEGER) FROM events GROUP BY visitor_id;
  ALTER TABLE events ADD COLUMN vid INTEGER;
  ALTER TABLE events ADD COLUMN kind UTINYINT;
  UPDATE events SET vid = v.vid FROM visitor_ids v WHERE v.visitor_id = events.visitor_id;
  UPDATE events SET kind = ${KIND_CASE};
  DROP TABLE slot_visitors;
  CREATE TABLE slot_visitors (
    slot BIGINT NOT NULL,
    vid INTEGER NOT NULL,
    channel VARCHAR NOT NULL,
    device VARCHAR NOT NULL,
    platform VARCHAR NOT NULL,
    region VARCHAR NOT NULL,
    ordered BOOLEAN NOT NULL
  );
  INSERT INTO slot_visitors SELECT ts // 900000 * 900000, vid, channel, device, platform, region, bool_or(kind = ${KIND.order})
    FROM events GROUP BY ALL ORDER BY 1;
  CREATE TABLE slot_totals (
    slot BIGINT NOT NULL,
    type VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    zero BOOLEAN NOT NULL,
    first_order BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    amount DOUBLE
  );
  INSERT INTO slot_totals SELECT slot, type, status, zero, first_order, sum(n), sum(amount) FROM slot_counts GROUP BY ALL ORDER BY 1;
  CREATE TABLE slot_timings (slot BIGINT NOT NULL, field UTINYINT NOT NULL, value DOUBLE NOT NULL, n BIGINT NOT NULL);
  INSERT INTO slot_timings SELECT * FROM (
    SELECT ts // 900000 * 900000 AS slot, ${TIMING_FIELD.tti_ms} AS field, tti_ms AS value, count(*) AS n FROM events WHERE kind = ${KIND.page_view} AND tti_ms IS NOT NULL GROUP BY ALL
    UNION ALL SELECT ts // 900000 * 900000, ${TIMING_FIELD.load_ms}, load_ms, count(*) FROM events WHERE kind = ${KIND.page_view} AND load_ms IS NOT NULL GROUP BY ALL
  ) ORDER BY slot;`,
  // The earliest page_view per slot_visitors row: the funnel's first step without the raw page views.
  `DROP TABLE slot_visitors;
  CREATE TABLE slot_visitors (
    slot BIGINT NOT NULL,
    vid INTEGER NOT NULL,
    channel VARCHAR NOT NULL,
    device VARCHAR NOT NULL,
    platform VARCHAR NOT NULL,
    region VARCHAR NOT NULL,
    ordered BOOLEAN NOT NULL,
    first_visit BIGINT
  );
  INSERT INTO slot_visitors SELECT ts // 900000 * 900000, vid, channel, device, platform, region, bool_or(kind = ${KIND.order}),
    min(ts) FILTER (WHERE kind = ${KIND.page_view}) FROM events GROUP BY ALL ORDER BY 1;`,
];

export interface DuckdbStoreOptions {
  dataDir: string;
  memoryLimit?: string;
  threads?: number;
}

export async function openDuckdbStore(opts: DuckdbStoreOptions): Promise<EventStore> {
  mkdirSync(opts.dataDir, { recursive: true });
  const instance = await DuckDBInstance.create(join(opts.dataDir, 'shopmon.duckdb'), {
    memory_limit: opts.memoryLimit ?? '1GB',
    threads: String(opts.threads ?? 2),
  });
  const writer = await instance.connect();
  await migrate(writer);
  const readers = await Promise.all([1, 2, 3, 4].map(() => instance.connect()));
  return new DuckdbStore(instance, writer, readers, opts.dataDir, await loadVisitorIds(writer));
}

async function loadVisitorIds(c: DuckDBConnection): Promise<VisitorIds> {
  const [ids, vids] = (await c.runAndReadAll('SELECT visitor_id, vid FROM visitor_ids')).getColumns();
  const map = new Map<string, number>();
  let max = 0;
  (ids ?? []).forEach((id, i) => {
    const vid = Number(vids![i]);
    map.set(String(id), vid);
    if (vid > max) max = vid;
  });
  // Ids of rolled-back or pruned visitors are not in the table; never hand them out again.
  const top = Number((await c.runAndReadAll('SELECT coalesce(max(vid), 0) FROM events')).getRows()[0]?.[0] ?? 0);
  return new VisitorIds(map, Math.max(max, top));
}

async function migrate(c: DuckDBConnection): Promise<void> {
  await c.run('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at BIGINT NOT NULL)');
  const rows = (await c.runAndReadAll('SELECT coalesce(max(version), 0) FROM schema_version')).getRows();
  const current = Number(rows[0]?.[0] ?? 0);
  for (let v = current; v < MIGRATIONS.length; v++) {
    await c.run('BEGIN');
    for (const statement of MIGRATIONS[v]!.split(/;\s*\n/).filter((x) => x.trim())) await c.run(statement);
    await c.run('INSERT INTO schema_version VALUES ($1, $2)', [v + 1, Date.now()]);
    await c.run('COMMIT');
  }
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function str(a: DuckDBAppender, v: string | null): void {
  if (v === null) a.appendNull();
  else a.appendVarchar(v);
}
function dbl(a: DuckDBAppender, v: number | null): void {
  if (v === null) a.appendNull();
  else a.appendDouble(v);
}
function int(a: DuckDBAppender, v: number | null): void {
  if (v === null) a.appendNull();
  else a.appendInteger(v);
}

function appendRow(a: DuckDBAppender, e: StoredEvent, vid: number): void {
  a.appendBigInt(BigInt(e.ts));
  a.appendBigInt(BigInt(e.received));
  a.appendUBigInt((BigInt(e.key.hi) << 32n) | BigInt(e.key.lo));
  a.appendVarchar(e.type);
  a.appendVarchar(e.visitor_id);
  str(a, e.session_id);
  str(a, e.user_id);
  a.appendVarchar(e.channel);
  a.appendVarchar(e.device);
  a.appendVarchar(e.platform);
  a.appendVarchar(e.region);
  a.appendVarchar(e.page_type);
  a.appendVarchar(e.category);
  a.appendVarchar(e.product_id);
  str(a, e.url);
  str(a, e.referrer);
  dbl(a, e.tti_ms);
  dbl(a, e.load_ms);
  int(a, e.position);
  int(a, e.quantity);
  dbl(a, e.amount);
  str(a, e.currency);
  a.appendVarchar(e.query ?? '');
  int(a, e.results);
  str(a, e.order_id);
  a.appendBoolean(e.first_order);
  a.appendVarchar(e.status ?? '');
  a.appendVarchar(e.method);
  a.appendVarchar(e.failure_reason);
  a.appendVarchar(e.seller_id);
  str(a, e.props);
  a.appendInteger(vid);
  a.appendUTinyInt(kindOf(e.type));
  a.endRow();
}

function appendCounts(a: DuckDBAppender, r: CountRow): void {
  a.appendBigInt(BigInt(r.slot));
  a.appendVarchar(r.type);
  a.appendVarchar(r.channel);
  a.appendVarchar(r.device);
  a.appendVarchar(r.platform);
  a.appendVarchar(r.region);
  a.appendVarchar(r.category);
  a.appendVarchar(r.status);
  a.appendVarchar(r.method);
  a.appendBoolean(r.zero);
  a.appendBoolean(r.first_order);
  a.appendBigInt(BigInt(r.n));
  dbl(a, r.amount);
  a.endRow();
}

function appendTotals(a: DuckDBAppender, r: TotalRow): void {
  a.appendBigInt(BigInt(r.slot));
  a.appendVarchar(r.type);
  a.appendVarchar(r.status);
  a.appendBoolean(r.zero);
  a.appendBoolean(r.first_order);
  a.appendBigInt(BigInt(r.n));
  dbl(a, r.amount);
  a.endRow();
}

function appendTiming(a: DuckDBAppender, r: TimingRow): void {
  a.appendBigInt(BigInt(r.slot));
  a.appendUTinyInt(r.field);
  a.appendDouble(r.value);
  a.appendBigInt(BigInt(r.n));
  a.endRow();
}

function appendVisitorId(a: DuckDBAppender, [visitorId, vid]: [string, number]): void {
  a.appendVarchar(visitorId);
  a.appendInteger(vid);
  a.endRow();
}

function appendVisitor(a: DuckDBAppender, r: VisitorRow): void {
  a.appendBigInt(BigInt(r.slot));
  a.appendInteger(r.vid);
  a.appendVarchar(r.channel);
  a.appendVarchar(r.device);
  a.appendVarchar(r.platform);
  a.appendVarchar(r.region);
  a.appendBoolean(r.ordered);
  if (r.first_visit === null) a.appendNull();
  else a.appendBigInt(BigInt(r.first_visit));
  a.endRow();
}

class DuckdbStore implements EventStore {
  readonly name = 'duckdb';
  private next = 0;
  private readonly busy: number[];
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly readers: DuckDBConnection[],
    private readonly dataDir: string,
    private readonly visitorIds: VisitorIds,
  ) {
    this.busy = readers.map(() => 0);
  }

  private reader(): DuckDBConnection {
    this.next = (this.next + 1) % this.readers.length;
    return this.readers[this.next]!;
  }

  /**
   * A connection runs one query at a time: a dashboard's queries go to the least busy reader, so
   * a slow one (the funnel) does not hold up the quick ones queued behind it.
   */
  private async rows(sql: string, params: SqlParams): Promise<unknown[][]> {
    let i = 0;
    for (let j = 1; j < this.readers.length; j++) if (this.busy[j]! < this.busy[i]!) i = j;
    this.busy[i]!++;
    try {
      const result = await this.readers[i]!.runAndReadAll(sql, params.values);
      return result.getRows() as unknown[][];
    } finally {
      this.busy[i]!--;
    }
  }

  async append(rows: StoredEvent[], demote: string[]): Promise<void> {
    if (rows.length === 0) return;
    const { vids, fresh } = this.visitorIds.assign(rows.map((e) => e.visitor_id));
    await this.writer.run('BEGIN');
    try {
      await this.appendAll('visitor_ids', fresh, appendVisitorId);
      const events = await this.writer.createAppender('events');
      try {
        rows.forEach((e, i) => appendRow(events, e, vids[i]!));
      } finally {
        events.closeSync();
      }
      const counts = countRows(rows);
      await this.appendAll('slot_counts', counts, appendCounts);
      await this.appendAll('slot_totals', totalRows(counts), appendTotals);
      await this.appendAll('slot_visitors', visitorRows(rows, vids), appendVisitor);
      await this.appendAll('slot_timings', timingRows(rows), appendTiming);
      for (const orderId of demote) await this.demote(orderId);
      await this.writer.run('COMMIT');
    } catch (e) {
      await this.writer.run('ROLLBACK').catch(() => undefined);
      this.visitorIds.forget(fresh);
      throw e;
    }
  }

  private async appendAll<T>(table: string, rows: T[], append: (a: DuckDBAppender, row: T) => void): Promise<void> {
    const a = await this.writer.createAppender(table);
    try {
      for (const row of rows) append(a, row);
    } finally {
      a.closeSync();
    }
  }

  /** An earlier order event arrived late: the old first-order row loses its flag, and the rollup follows. */
  private async demote(orderId: string): Promise<void> {
    const stale = "type = 'order' AND order_id = $1 AND first_order AND ts > (SELECT min(ts) FROM events WHERE type = 'order' AND order_id = $1)";
    const result = await this.writer.runAndReadAll(
      `SELECT ts, channel, device, platform, region, category, status, method, amount FROM events WHERE ${stale}`,
      [orderId],
    );
    const corrections: CountRow[] = [];
    for (const r of result.getRows()) {
      const amount = r[8] === null ? null : Number(r[8]);
      const base = {
        slot: Math.floor(Number(r[0]) / SLOT) * SLOT,
        type: 'order',
        channel: String(r[1]),
        device: String(r[2]),
        platform: String(r[3]),
        region: String(r[4]),
        category: String(r[5]),
        status: String(r[6]),
        method: String(r[7]),
        zero: false,
      };
      corrections.push({ ...base, first_order: true, n: -1, amount: amount === null ? null : -amount });
      corrections.push({ ...base, first_order: false, n: 1, amount });
    }
    await this.writer.run(`UPDATE events SET first_order = false WHERE ${stale}`, [orderId]);
    await this.appendAll('slot_counts', corrections, appendCounts);
    await this.appendAll('slot_totals', totalRows(corrections), appendTotals);
  }

  async recentKeys(sinceMs: number): Promise<Key[]> {
    const result = await this.reader().runAndReadAll(
      'SELECT CAST(eid >> 32 AS UINTEGER), CAST(eid & 4294967295 AS UINTEGER) FROM events WHERE received >= $1',
      [sinceMs],
    );
    const [hi, lo] = result.getColumns();
    return (hi ?? []).map((h, i) => ({ hi: Number(h), lo: Number(lo![i]) }));
  }

  async firstOrders(): Promise<Map<string, number>> {
    const result = await this.reader().runAndReadAll("SELECT order_id, min(ts) FROM events WHERE type = 'order' GROUP BY order_id");
    return new Map(result.getRows().map((r) => [String(r[0]), Number(r[1])]));
  }

  async aggregate(plan: AggregatePlan): Promise<AggregateRow[]> {
    const { sql, params } = aggregateQuery(plan);
    const n = plan.groupBy.length;
    return (await this.rows(sql, params)).map((r) => ({
      bucket: num(r[0]),
      groups: r.slice(1, 1 + n).map((g) => String(g ?? '')),
      values: r.slice(1 + n).map(num),
    }));
  }

  async funnel(plan: FunnelPlan): Promise<FunnelRow[]> {
    const { sql, params } = funnelQuery(plan);
    const byGroup = new Map<string, FunnelRow>();
    for (const r of await this.rows(sql, params)) {
      const groups = r.slice(1, 1 + plan.groupBy.length).map((g) => String(g ?? ''));
      const id = JSON.stringify(groups);
      const row = byGroup.get(id) ?? { groups, visitors: plan.steps.map(() => 0) };
      row.visitors[Number(r[0]) - 1] = Number(r[r.length - 1]);
      byGroup.set(id, row);
    }
    return [...byGroup.values()];
  }

  async dimensionValues(plan: ValuesPlan): Promise<Array<{ value: string; count: number }>> {
    const { sql, params } = valuesQuery(plan);
    return (await this.rows(sql, params)).map((r) => ({ value: String(r[0]), count: Number(r[1]) }));
  }

  async addAnnotation(a: Omit<Annotation, 'id'>): Promise<Annotation> {
    const rows = (await this.writer.runAndReadAll('SELECT coalesce(max(id), 0) + 1 FROM annotations')).getRows();
    const id = Number(rows[0]?.[0] ?? 1);
    await this.writer.run('INSERT INTO annotations VALUES ($1, $2, $3, $4, $5, $6)', [id, a.time, a.time_end, a.title, a.text, JSON.stringify(a.tags)]);
    return { id, ...a };
  }

  async annotations(from: number, to: number, tags: string[], limit: number): Promise<Annotation[]> {
    const result = await this.reader().runAndReadAll(
      'SELECT id, time, time_end, title, text, tags FROM annotations WHERE time < $2 AND time_end >= $1 ORDER BY time LIMIT $3',
      [from, to, 10_000],
    );
    return annotationsFromRows(result.getRows() as unknown[][], tags, limit);
  }

  async countEvents(): Promise<number> {
    const rows = (await this.reader().runAndReadAll('SELECT count(*) FROM events')).getRows();
    return Number(rows[0]?.[0] ?? 0);
  }

  async prune(beforeMs: number): Promise<number> {
    const slot = Math.floor(beforeMs / SLOT) * SLOT;
    await this.writer.run('BEGIN');
    try {
      const result = await this.writer.run('DELETE FROM events WHERE ts < $1', [slot]);
      await this.writer.run('DELETE FROM slot_counts WHERE slot < $1', [slot]);
      await this.writer.run('DELETE FROM slot_visitors WHERE slot < $1', [slot]);
      await this.writer.run('DELETE FROM slot_totals WHERE slot < $1', [slot]);
      await this.writer.run('DELETE FROM slot_timings WHERE slot < $1', [slot]);
      // A visitor whose events are all gone leaves the dictionary too (retention covers its id).
      const gone = Number(result.rowsChanged) > 0
        ? (await this.writer.runAndReadAll('DELETE FROM visitor_ids WHERE vid NOT IN (SELECT vid FROM events) RETURNING visitor_id')).getRows()
        : [];
      await this.writer.run('COMMIT');
      this.visitorIds.remove(gone.map((r) => String(r[0])));
      return Number(result.rowsChanged);
    } catch (e) {
      await this.writer.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  async healthy(): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.writer.run('SELECT 1');
      accessSync(this.dataDir, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer.run('CHECKPOINT').catch(() => undefined);
    for (const c of [this.writer, ...this.readers]) c.closeSync();
    this.instance.closeSync();
  }
}
