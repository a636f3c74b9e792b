import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startTestClickhouse, type TestClickhouse } from '../../src/server/testClickhouse';
import { sendFile } from '../ingestClient';
import { log, startService, type Service } from '../lib';
import type { BenchQuery } from '../overview';
import { CH_THREADS } from './clickhouse';
import { duAllocated, readLoadRecord, step, writeLoadRecord, type LoadRecord } from './proc';
import { queryService } from './shopmonHttp';
import type { Engine, LoadInfo, RangeCtx, Timed } from './types';

/**
 * shopmon on its ClickHouse store (SHOPMON_STORE=clickhouse): Debian's clickhouse-server as a
 * local process (src/server/testClickhouse.ts, data dir cached under bench/cache by event count)
 * and the KPI service in front of it. The data goes in through the service's HTTP ingest, as
 * bench/ingest.ts sends it to the DuckDB store, so the load time is our ingest path on
 * ClickHouse; the queries are the shopmon engine's (./shopmonHttp.ts), same bodies, same timing.
 */

const DATABASE = 'shopmon';
const CONCURRENCY = 4;
const BATCH = 5000;

export interface ShopmonClickhouseOptions {
  events: number;
  dataset: string;
  cacheDir: string | null;
  tmpDir: string;
  reload: boolean;
}

export class ShopmonClickhouseEngine implements Engine {
  readonly name = 'shopmon (ClickHouse store)';
  readonly method: string[] = [];
  private ch: TestClickhouse | null = null;
  private svc: Service | null = null;
  private readonly base: string;

  constructor(private readonly opts: ShopmonClickhouseOptions) {
    this.base = opts.cacheDir ?? join(opts.tmpDir, 'shopmon-clickhouse');
  }

  async start(): Promise<LoadInfo> {
    const recordFile = join(this.base, 'load.json');
    let record = this.opts.reload ? null : readLoadRecord(recordFile, this.opts.events);
    // ClickHouse keeps a database's tables under <path>/data/<database> (its <path> is base/data).
    if (record && !existsSync(join(this.base, 'data', 'data', DATABASE))) record = null;
    if (record) {
      log(`${this.name}: reusing the loaded ClickHouse directory ${this.base} (loaded ${record.at})`);
      await this.startServers();
      if ((await this.partsToMerge()).length) {
        // An earlier OPTIMIZE merged nothing (before optimize() retried): finish it and count it in the load.
        const t0 = performance.now();
        await step(record.steps, 'OPTIMIZE FINAL (finished on reuse)', () => this.optimize());
        record.loadMs += performance.now() - t0;
        writeLoadRecord(recordFile, record);
      }
    } else {
      record = await this.load(recordFile);
    }
    const [bytes, rows, parts] = (await this.ch!.query(`SELECT sum(bytes_on_disk), sum(rows), count() FROM system.parts WHERE active AND database = '${DATABASE}' AND table = 'events' FORMAT TSV`))
      .trim().split('\t').map(Number);
    const version = (await this.ch!.query('SELECT version()')).trim();
    const ingest = record.steps['HTTP ingest'];
    this.method.push(
      `KPI service (src/server) with SHOPMON_STORE=clickhouse, started by bench/lib.ts, in front of ClickHouse ${version} (Debian; a local server started by`,
      `src/server/testClickhouse.ts, max_threads=${CH_THREADS} like the raw ClickHouse engine), database ${DATABASE}: the store's own ReplacingMergeTree`,
      `PARTITION BY UTC month ORDER BY (type, ts, eid), no rollups; ${parts} active parts.`,
      `Load: the NDJSON file through the service's HTTP ingest (POST /v1/events, bodies of ${BATCH} lines, ${CONCURRENCY} keep-alive clients, bench/ingestClient.ts as`,
      'npm run bench:ingest uses it; each batch is looked up by event id before the insert and checked after it), then OPTIMIZE TABLE ... PARTITION ... FINAL',
      'for every partition, as for raw ClickHouse (the store itself only optimizes when it finds a double).',
      `${ingest && record.rows ? `Ingest alone: ${Math.round(record.rows / (ingest / 1000)).toLocaleString('en-US')} events/s. ` : ''}Queries: exactly the shopmon engine's (same HTTP bodies, same timing).`,
    );
    return {
      loadMs: record.loadMs,
      loadNote: `${Object.entries(record.steps).map(([k, v]) => `${k} ${(v / 1000).toFixed(0)} s`).join(', ')} (loaded ${record.at.slice(0, 16).replace('T', ' ')})`,
      bytes: bytes ?? 0,
      dirBytes: duAllocated(join(this.base, 'data')),
      sizeNote: `${parts} parts of ${DATABASE}.events (compressed columns + marks + primary index)`,
      rows: rows ?? 0,
    };
  }

  private async startServers(): Promise<void> {
    mkdirSync(this.base, { recursive: true });
    this.ch = await startTestClickhouse({ dir: this.base, maxThreads: Number(CH_THREADS), maxMemoryBytes: 8_000_000_000, markCacheBytes: 1 << 30 });
    const serviceDir = join(this.opts.tmpDir, 'shopmon-clickhouse-service');
    mkdirSync(serviceDir, { recursive: true });
    this.svc = await startService(serviceDir, {
      SHOPMON_STORE: 'clickhouse',
      SHOPMON_CLICKHOUSE_URL: this.ch.url,
      SHOPMON_CLICKHOUSE_DATABASE: DATABASE,
      SHOPMON_CLICKHOUSE_USER: this.ch.user.name,
      SHOPMON_CLICKHOUSE_PASSWORD: this.ch.user.password,
    });
  }

  private async load(recordFile: string): Promise<LoadRecord> {
    log(`${this.name}: loading ${this.opts.dataset} through the KPI service into ${this.base}`);
    rmSync(this.base, { recursive: true, force: true });
    const steps: Record<string, number> = {};
    const t0 = performance.now();
    await step(steps, 'start', () => this.startServers());
    const sent = await step(steps, 'HTTP ingest', () => sendFile(this.svc!.url, this.opts.dataset, { concurrency: CONCURRENCY, batch: BATCH, label: this.name }));
    log(`${this.name}: ${sent.accepted} events accepted in ${sent.seconds.toFixed(1)} s (${Math.round(sent.accepted / sent.seconds)} events/s, ${sent.retries503} 503 retries)`);
    await step(steps, 'OPTIMIZE FINAL', () => this.optimize());
    const rows = Number((await this.ch!.query(`SELECT count() FROM ${DATABASE}.events`)).trim());
    const record: LoadRecord = { events: this.opts.events, loadMs: performance.now() - t0, steps, at: new Date().toISOString(), rows };
    writeLoadRecord(recordFile, record);
    log(`${this.name}: ${rows} rows stored in ${(record.loadMs / 1000).toFixed(1)} s`);
    return record;
  }

  /** Partitions of the events table that still have more than one active part. */
  private async partsToMerge(): Promise<string[]> {
    const sql = `SELECT partition FROM system.parts WHERE active AND database = '${DATABASE}' AND table = 'events' GROUP BY partition HAVING count() > 1 FORMAT TSV`;
    return (await this.ch!.query(sql)).trim().split('\n').filter(Boolean);
  }

  /**
   * OPTIMIZE ... FINAL for every partition until each is one part: 18.16 returns silently,
   * merging nothing, while a background merge holds the parts (right after a long ingest).
   */
  private async optimize(): Promise<void> {
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      const partitions = await this.partsToMerge();
      if (partitions.length === 0) return;
      if (Date.now() > deadline) throw new Error(`${DATABASE}.events: partitions ${partitions.join(', ')} still have several parts after 30 min of OPTIMIZE FINAL`);
      for (const p of partitions) await this.ch!.query(`OPTIMIZE TABLE ${DATABASE}.events PARTITION ${p} FINAL`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  run(q: BenchQuery, range: RangeCtx): Promise<Timed> {
    return queryService(this.svc!.url, this.name, q, range);
  }

  pids(): number[] {
    return [this.ch?.pid(), this.svc?.child.pid].filter((p): p is number => p !== undefined);
  }

  async stop(): Promise<void> {
    await this.svc?.stop();
    this.svc = null;
    await this.ch?.cleanup();
    this.ch = null;
    if (!this.opts.cacheDir) rmSync(this.base, { recursive: true, force: true });
    rmSync(join(this.opts.tmpDir, 'shopmon-clickhouse-service'), { recursive: true, force: true });
  }
}
