import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../lib';
import type { BenchQuery } from '../overview';
import { num, rowsToAnswer } from './kpis';
import { PgConnection } from './pgwire';
import { asUser, batched, duAllocated, freePort, isRoot, ndjsonLines, readLoadRecord, run, step, waitFor, writeLoadRecord, type LoadRecord } from './proc';
import { COPY_COLUMNS, INDEXES, SCHEMA, kpiSql, visitorsHll } from './sql/postgres';
import type { Engine, ExtraQuery, LoadInfo, RangeCtx, SqlRow, Timed } from './types';

/**
 * PostgreSQL 15 as a local server process: its own data directory (cached under bench/cache by
 * event count), a free loopback port, trust auth, run as the postgres user when we are root.
 * Loaded with COPY FROM STDIN (NDJSON converted to COPY text in a stream), then indexes and
 * VACUUM ANALYZE. Queries go over a pool of persistent connections (as Grafana's PostgreSQL
 * datasource keeps them) with the simple query protocol; a query's time is the client's wall
 * time from sending it to the last row received.
 */

const BIN = process.env.BENCH_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const USER = isRoot ? 'postgres' : null;

/** Server settings: a tuned single-machine setup (see bench/compare.md "Method"). */
export const PG_SETTINGS: Record<string, string> = {
  shared_buffers: process.env.BENCH_PG_SHARED_BUFFERS ?? '2GB',
  effective_cache_size: '12GB',
  work_mem: process.env.BENCH_PG_WORK_MEM ?? '256MB',
  maintenance_work_mem: '1GB',
  max_parallel_workers_per_gather: process.env.BENCH_PG_PARALLEL ?? '2',
  max_parallel_maintenance_workers: '2',
  random_page_cost: '1.1',
  effective_io_concurrency: '200',
  jit: process.env.BENCH_PG_JIT ?? 'off',
  // Bulk load: COPY into a table created in the same transaction writes no WAL.
  wal_level: 'minimal',
  max_wal_senders: '0',
  max_wal_size: '8GB',
  checkpoint_timeout: '30min',
  log_min_messages: 'warning',
};

function pgLine(e: Record<string, unknown>): string {
  const out: string[] = [];
  for (const c of COPY_COLUMNS) {
    const v = e[c];
    if (c === 'ts') out.push(new Date(v as number | string).toISOString());
    else if (v === undefined || v === null) {
      // Dimensions absent from an event read as '' (as in shopmon); other fields are NULL.
      out.push(c === 'channel' || c === 'device' || c === 'platform' || c === 'region' || c === 'page_type' || c === 'category' ||
        c === 'product_id' || c === 'status' || c === 'method' || c === 'failure_reason' || c === 'seller_id' ? '' : '\\N');
    } else if (typeof v === 'number') out.push(String(v));
    else {
      const s = typeof v === 'string' ? v : JSON.stringify(v);
      out.push(/[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (ch) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[ch]!) : s);
    }
  }
  return out.join('\t') + '\n';
}

async function* copyText(file: string): AsyncGenerator<string> {
  for await (const line of ndjsonLines(file)) yield pgLine(JSON.parse(line) as Record<string, unknown>);
}

class Pool {
  private idle: PgConnection[] = [];
  private all: PgConnection[] = [];
  constructor(private readonly open: () => Promise<PgConnection>) {}

  async acquire(): Promise<PgConnection> {
    const c = this.idle.pop();
    if (c) return c;
    const fresh = await this.open();
    this.all.push(fresh);
    return fresh;
  }

  release(c: PgConnection): void {
    this.idle.push(c);
  }

  async warm(n: number): Promise<void> {
    const cs = await Promise.all(Array.from({ length: n }, () => this.acquire()));
    cs.forEach((c) => this.release(c));
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((c) => c.close().catch(() => undefined)));
    this.all = [];
    this.idle = [];
  }
}

export interface PostgresOptions {
  events: number;
  dataset: string;
  /** Where the data directory lives and stays (null: under tmpDir, removed at the end). */
  cacheDir: string | null;
  tmpDir: string;
  reload: boolean;
}

export class PostgresEngine implements Engine {
  readonly name = 'PostgreSQL 15';
  readonly method: string[] = [];
  private port = 0;
  private pool: Pool | null = null;
  private started = false;
  private hll = false;
  private readonly base: string;
  private readonly dataDir: string;
  private readonly runDir: string;

  constructor(private readonly opts: PostgresOptions) {
    this.base = opts.cacheDir ?? join(opts.tmpDir, 'pg');
    this.dataDir = join(this.base, 'data');
    this.runDir = join(opts.tmpDir, 'pg-run');
  }

  private pg(cmd: string, args: string[]) {
    return asUser(USER, join(BIN, cmd), args);
  }

  private own(path: string): void {
    if (USER) {
      const id = spawnSync('id', ['-u', USER], { encoding: 'utf8' });
      const gid = spawnSync('id', ['-g', USER], { encoding: 'utf8' });
      chownSync(path, Number(id.stdout.trim()), Number(gid.stdout.trim()));
    }
  }

  private async startServer(): Promise<void> {
    mkdirSync(this.runDir, { recursive: true });
    this.own(this.runDir);
    this.port = await freePort();
    const settings = { ...PG_SETTINGS, listen_addresses: '127.0.0.1', port: String(this.port), unix_socket_directories: this.runDir };
    const o = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`).join(' ');
    const [cmd, args] = this.pg('pg_ctl', ['-D', this.dataDir, '-l', join(this.runDir, 'postgres.log'), '-o', o, '-w', '-t', '300', 'start']);
    await run(cmd, args);
    this.started = true;
    await waitFor('PostgreSQL', async () => {
      const c = await this.connect();
      await c.close();
      return true;
    });
    this.pool = new Pool(() => this.connect());
  }

  private connect(): Promise<PgConnection> {
    return PgConnection.open({ host: '127.0.0.1', port: this.port, user: 'postgres', database: 'postgres' });
  }

  async start(): Promise<LoadInfo> {
    if (!existsSync(join(BIN, 'postgres'))) {
      throw new Error(`PostgreSQL 15 is not installed at ${BIN}: apt-get install -y postgresql-15 (or set BENCH_PG_BIN)`);
    }
    const recordFile = join(this.base, 'load.json');
    let record = this.opts.reload ? null : readLoadRecord(recordFile, this.opts.events);
    if (record && !existsSync(join(this.dataDir, 'PG_VERSION'))) record = null;
    if (record) {
      log(`PostgreSQL: reusing the loaded data directory ${this.dataDir} (loaded ${record.at})`);
      await this.startServer();
    } else {
      record = await this.load(recordFile);
    }
    const c = await this.pool!.acquire();
    const r = await c.query(`SELECT pg_total_relation_size('events'), pg_relation_size('events'), pg_indexes_size('events'),
      (SELECT reltuples::bigint FROM pg_class WHERE relname = 'events'), version()`);
    this.pool!.release(c);
    const [total, heap, indexes, , version] = r.rows[0]!;
    await this.pool!.warm(16);
    this.hll = existsSync('/usr/share/postgresql/15/extension/hll.control') && (await this.sql('CREATE EXTENSION IF NOT EXISTS hll').then(() => true, () => false));
    this.method.push(
      `${String(version).split(',')[0]}; settings: ${Object.entries(PG_SETTINGS).map(([k, v]) => `${k}=${v}`).join(', ')}.`,
      `Load: COPY FROM STDIN (NDJSON converted to COPY text in a stream by the benchmark) into a table created in the same transaction (no WAL with wal_level=minimal), then ${INDEXES.length} indexes, VACUUM ANALYZE, CHECKPOINT.`,
      `Queries: plain SQL (bench/compare/sql/postgres.ts) over persistent connections (a small wire-protocol client, simple query protocol); time = client wall time from sending the query to its last row.`,
      `Indexes (${mb(Number(indexes))} next to a ${mb(Number(heap))} table): primary key on event_id (idempotent ingest), BRIN (ts), (type, ts) INCLUDE (visitor_id, status, results, tti_ms),`,
      `partial (order_id, ts) WHERE type = 'order', (ts) INCLUDE (visitor_id, type); every query's plan is an index-only scan (the BRIN index is never chosen over the covering btree).`,
      'SQL choices: date_bin on the timestamptz (exact for Asia/Seoul, a whole-hour offset; AT TIME ZONE per row cost about a third more), distinct visitors as a',
      'SELECT DISTINCT subquery (parallel hash aggregate) rather than count(DISTINCT) (sort), the first order of each order_id as a NOT EXISTS anti-join on the partial index,',
      'percentile_cont with GROUPING SETS for the buckets and the total in one scan, the funnel as per-visitor arrays of step times plus a LATERAL greedy match',
      '(the textbook chain of self-joins per step gets a nested-loop plan from the planner: 54 s on 10M events).',
      ...(this.hll ? ['An approximate variant of "visitors total" with postgresql-15-hll (hll_add_agg over the same rows) is timed apart.'] : []),
    );
    return {
      loadMs: record.loadMs,
      loadNote: `${Object.entries(record.steps).map(([k, v]) => `${k} ${(v / 1000).toFixed(0)} s`).join(', ')}${record.at ? ` (loaded ${record.at.slice(0, 16).replace('T', ' ')})` : ''}`,
      bytes: Number(total),
      dirBytes: duAllocated(this.dataDir),
      sizeNote: `table ${mb(Number(heap))} + indexes ${mb(Number(indexes))}`,
      rows: record.rows,
    };
  }

  private async load(recordFile: string): Promise<LoadRecord> {
    log(`PostgreSQL: loading ${this.opts.dataset} into ${this.dataDir}`);
    rmSync(this.base, { recursive: true, force: true });
    mkdirSync(this.base, { recursive: true, mode: 0o700 });
    this.own(this.base);
    const steps: Record<string, number> = {};
    const t0 = performance.now();
    await step(steps, 'initdb', async () => {
      const [cmd, args] = this.pg('initdb', ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']);
      await run(cmd, args);
    });
    await this.startServer();
    const c = await this.pool!.acquire();
    const copied = await step(steps, 'COPY', async () => {
      await c.query(`BEGIN; ${SCHEMA};`);
      const tag = await c.copyIn(`COPY events (${COPY_COLUMNS.join(', ')}) FROM STDIN`, batched(copyText(this.opts.dataset)));
      await c.query('COMMIT');
      return Number(tag.split(' ')[1] ?? 0);
    });
    await step(steps, 'indexes', async () => {
      for (const sql of INDEXES) await c.query(sql);
    });
    await step(steps, 'VACUUM ANALYZE', async () => {
      await c.query('VACUUM (ANALYZE) events');
      await c.query('CHECKPOINT');
    });
    this.pool!.release(c);
    const record: LoadRecord = { events: this.opts.events, loadMs: performance.now() - t0, steps, at: new Date().toISOString(), rows: copied };
    writeLoadRecord(recordFile, record);
    log(`PostgreSQL: ${copied} rows loaded in ${(record.loadMs / 1000).toFixed(1)} s`);
    return record;
  }

  /** Runs one SQL text on a pooled connection; returns rows as (g, b, v...) and the wall time. */
  async sql(sql: string): Promise<{ ms: number; rows: SqlRow[] }> {
    const c = await this.pool!.acquire();
    try {
      const t0 = performance.now();
      const r = await c.query(sql);
      const ms = performance.now() - t0;
      return { ms, rows: r.rows.map((row) => ({ g: row[0] ?? '', b: num(row[1]), v: row.slice(2).map(num) })) };
    } finally {
      this.pool!.release(c);
    }
  }

  async run(q: BenchQuery, range: RangeCtx): Promise<Timed> {
    const { ms, rows } = await this.sql(kpiSql(q.name, range));
    return { ms, answer: () => rowsToAnswer(q.name, rows, range) };
  }

  pids(): number[] {
    try {
      const pid = Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? [pid] : [];
    } catch {
      return [];
    }
  }

  /** With postgresql-15-hll: distinct visitors as a HyperLogLog over the raw rows (approximate). */
  extras(): ExtraQuery[] {
    if (!this.hll) return [];
    return [
      {
        name: 'visitors total (hll, approximate)',
        like: 'visitors total',
        note: 'postgresql-15-hll: hll_cardinality(hll_add_agg(hll_hash_text(visitor_id))) over the same rows',
        run: async (range) => {
          const { ms, rows } = await this.sql(visitorsHll(range));
          return { ms, answer: () => rowsToAnswer('visitors total', rows, range) };
        },
      },
    ];
  }

  /** EXPLAIN (ANALYZE, BUFFERS) of one query, for the notes. */
  async explain(q: BenchQuery, range: RangeCtx): Promise<string> {
    const c = await this.pool!.acquire();
    try {
      const r = await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${kpiSql(q.name, range)}`);
      return r.rows.map((x) => x[0]).join('\n');
    } finally {
      this.pool!.release(c);
    }
  }

  async stop(): Promise<void> {
    await this.pool?.close();
    this.pool = null;
    if (this.started) {
      const [cmd, args] = this.pg('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
      await run(cmd, args, { allowFailure: true });
      this.started = false;
    }
    if (!this.opts.cacheDir) rmSync(this.base, { recursive: true, force: true });
  }
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
