import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { log } from '../lib';
import type { BenchQuery } from '../overview';
import { KPIS, num, rowsToAnswer } from './kpis';
import { duAllocated, freePort, readLoadRecord, step, waitFor, writeLoadRecord, type LoadRecord } from './proc';
import { SCHEMA, funnelWindowFunnel, kpiSql } from './sql/clickhouse';
import type { Engine, ExtraQuery, LoadInfo, RangeCtx, SqlRow, Timed } from './types';

/**
 * ClickHouse (Debian's clickhouse-server, 18.16) as a plain server process with a generated
 * config under a temp dir, its data directory cached under bench/cache by event count, HTTP on a
 * free loopback port. Loaded by streaming the NDJSON file to the HTTP interface
 * (INSERT ... FORMAT JSONEachRow), then OPTIMIZE ... FINAL per partition. Queries go over HTTP
 * keep-alive (as Grafana's ClickHouse datasource can), FORMAT JSONCompact; a query's time is
 * the client's wall time from the request to the end of the body.
 */

const SERVER = process.env.BENCH_CH_SERVER ?? '/usr/sbin/clickhouse-server';
export const CH_THREADS = process.env.BENCH_CH_THREADS ?? '2';

function configXml(dataDir: string, runDir: string, httpPort: number, tcpPort: number): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${runDir}/server.log</log><errorlog>${runDir}/server.err.log</errorlog><size>100M</size><count>1</count></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dataDir}/</path>
  <tmp_path>${runDir}/tmp/</tmp_path>
  <user_files_path>${runDir}/user_files/</user_files_path>
  <format_schema_path>${runDir}/format_schemas/</format_schema_path>
  <mark_cache_size>1073741824</mark_cache_size>
  <uncompressed_cache_size>1073741824</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <keep_alive_timeout>30</keep_alive_timeout>
  <users_config>${runDir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default>
    <max_threads>${CH_THREADS}</max_threads>
    <max_memory_usage>8000000000</max_memory_usage>
    <use_uncompressed_cache>0</use_uncompressed_cache>
  </default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

interface JsonCompact {
  data: unknown[][];
  totals?: unknown[];
}

export interface ClickhouseOptions {
  events: number;
  dataset: string;
  cacheDir: string | null;
  tmpDir: string;
  reload: boolean;
}

export class ClickhouseEngine implements Engine {
  readonly name = 'ClickHouse';
  readonly method: string[] = [];
  private url = '';
  private child: ChildProcess | null = null;
  private readonly base: string;
  private readonly dataDir: string;
  private readonly runDir: string;

  constructor(private readonly opts: ClickhouseOptions) {
    this.base = opts.cacheDir ?? join(opts.tmpDir, 'clickhouse');
    this.dataDir = join(this.base, 'data');
    this.runDir = join(opts.tmpDir, 'clickhouse-run');
  }

  private async startServer(): Promise<void> {
    for (const d of [this.dataDir, this.runDir, join(this.runDir, 'tmp'), join(this.runDir, 'user_files'), join(this.runDir, 'format_schemas')]) {
      mkdirSync(d, { recursive: true });
    }
    const httpPort = await freePort();
    let tcpPort = await freePort();
    while (tcpPort === httpPort) tcpPort = await freePort();
    const config = join(this.runDir, 'config.xml');
    writeFileSync(config, configXml(this.dataDir, this.runDir, httpPort, tcpPort));
    writeFileSync(join(this.runDir, 'users.xml'), USERS_XML);
    this.url = `http://127.0.0.1:${httpPort}/`;
    const child = spawn(SERVER, [`--config-file=${config}`], { cwd: this.runDir, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    let exited = false;
    child.once('exit', () => (exited = true));
    await waitFor('ClickHouse', async () => {
      if (exited) throw new Error(`clickhouse-server exited: ${stderr}`);
      return (await this.query('SELECT 1')).trim() === '1';
    }, 120_000);
  }

  /** One statement over HTTP; returns the body, throws with ClickHouse's message on an error. */
  async query(sql: string, params: Record<string, string> = {}): Promise<string> {
    const qs = new URLSearchParams(params).toString();
    const res = await fetch(this.url + (qs ? `?${qs}` : ''), { method: 'POST', body: sql });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`ClickHouse ${res.status}: ${text.slice(0, 1000)}\n${sql.slice(0, 2000)}`);
    return text;
  }

  async start(): Promise<LoadInfo> {
    if (!existsSync(SERVER)) {
      throw new Error(`${SERVER} is missing: apt-get update && apt-get install -y clickhouse-server clickhouse-client (or set BENCH_CH_SERVER)`);
    }
    const recordFile = join(this.base, 'load.json');
    let record = this.opts.reload ? null : readLoadRecord(recordFile, this.opts.events);
    if (record && !existsSync(this.dataDir)) record = null;
    if (record) {
      log(`ClickHouse: reusing the loaded data directory ${this.dataDir} (loaded ${record.at})`);
      await this.startServer();
    } else {
      record = await this.load(recordFile);
    }
    const [bytes, rows, parts] = (await this.query(`SELECT sum(bytes_on_disk), sum(rows), count() FROM system.parts WHERE active AND database = 'default' AND table = 'events' FORMAT TSV`))
      .trim().split('\t').map(Number);
    const version = (await this.query('SELECT version()')).trim();
    this.method.push(
      `ClickHouse ${version} (Debian), MergeTree PARTITION BY local day ORDER BY (type, ts), ts as UInt64 epoch ms; max_threads=${CH_THREADS}; ${parts} active parts.`,
      'Load: the NDJSON file streamed to the HTTP interface (INSERT INTO events FORMAT JSONEachRow, input_format_skip_unknown_fields=1), then OPTIMIZE TABLE ... PARTITION ... FINAL for every partition.',
      'Queries: SQL in bench/compare/sql/clickhouse.ts over HTTP keep-alive, FORMAT JSONCompact; time = client wall time from the request to the end of the body.',
      'SQL choices: buckets with toStartOfFiveMinute / toStartOfFifteenMinutes / toStartOfHour(t, tz) (18.16 has no toStartOfInterval), uniqExact for visitors,',
      'totals of distinct counts and percentiles WITH TOTALS (same scan), first orders as min(ts)/argMin per order_id over the order granules,',
      'percentile_cont as arraySort(groupArray(x)) plus linear interpolation (18.16 has no interpolating exact quantile: quantileExact takes a nearest rank,',
      'quantile/quantileTDigest are approximate), the exact funnel with per-visitor arrays (groupArray + arrayFilter/arrayReduce, no arrayFold in 18.16).',
      'ClickHouse\'s own windowFunnel is timed apart: it is not the catalog\'s definition (it follows every step-1 event, not only the first; in 18.16 it takes',
      'UInt32/DateTime times and keeps them as Int32, so a 30-day range in milliseconds overflows: we pass the time since the range start in 10 ms units for 30 d).',
      'No LowCardinality (experimental in 18.16), materialized views or projections: the raw events table only, like PostgreSQL.',
    );
    return {
      loadMs: record.loadMs,
      loadNote: `${Object.entries(record.steps).map(([k, v]) => `${k} ${(v / 1000).toFixed(0)} s`).join(', ')} (loaded ${record.at.slice(0, 16).replace('T', ' ')})`,
      bytes: bytes ?? 0,
      dirBytes: duAllocated(this.dataDir),
      sizeNote: `${parts} parts (compressed columns + marks + primary index)`,
      rows: rows ?? 0,
    };
  }

  private async load(recordFile: string): Promise<LoadRecord> {
    log(`ClickHouse: loading ${this.opts.dataset} into ${this.dataDir}`);
    rmSync(this.base, { recursive: true, force: true });
    mkdirSync(this.base, { recursive: true });
    const steps: Record<string, number> = {};
    const t0 = performance.now();
    await step(steps, 'start', () => this.startServer());
    await this.query(SCHEMA);
    await step(steps, 'INSERT JSONEachRow', () => this.insertFile());
    await step(steps, 'OPTIMIZE FINAL', async () => {
      const partitions = (await this.query(`SELECT DISTINCT partition FROM system.parts WHERE active AND table = 'events' FORMAT TSV`)).trim().split('\n').filter(Boolean);
      for (const p of partitions) await this.query(`OPTIMIZE TABLE events PARTITION ${p} FINAL`);
    });
    const rows = Number((await this.query('SELECT count() FROM events')).trim());
    const record: LoadRecord = { events: this.opts.events, loadMs: performance.now() - t0, steps, at: new Date().toISOString(), rows };
    writeLoadRecord(recordFile, record);
    log(`ClickHouse: ${rows} rows loaded in ${(record.loadMs / 1000).toFixed(1)} s`);
    return record;
  }

  private insertFile(): Promise<void> {
    const qs = new URLSearchParams({ query: 'INSERT INTO events FORMAT JSONEachRow', input_format_skip_unknown_fields: '1' });
    return new Promise((resolve, reject) => {
      const req = request(`${this.url}?${qs}`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`ClickHouse INSERT ${res.statusCode}: ${body.slice(0, 2000)}`))));
      });
      req.on('error', reject);
      createReadStream(this.opts.dataset, { highWaterMark: 1 << 20 }).on('error', reject).pipe(req);
    });
  }

  private async rows(sql: string, shape: 'series' | 'total' | 'funnel'): Promise<{ ms: number; rows: SqlRow[] }> {
    const t0 = performance.now();
    const text = await this.query(`${sql} FORMAT JSONCompact`);
    const ms = performance.now() - t0;
    const json = JSON.parse(text) as JsonCompact;
    let rows: SqlRow[];
    if (shape === 'funnel') {
      const v = json.data[0]?.slice(2).map(num) ?? [];
      rows = v.map((n, i) => ({ g: '', b: i + 1, v: [n] }));
    } else {
      rows = json.data.map((r) => ({ g: String(r[0] ?? ''), b: shape === 'total' ? null : num(r[1]), v: r.slice(2).map(num) }));
      if (json.totals) rows.push({ g: String(json.totals[0] ?? ''), b: null, v: json.totals.slice(2).map(num) });
    }
    return { ms, rows };
  }

  async run(q: BenchQuery, range: RangeCtx): Promise<Timed> {
    const { ms, rows } = await this.rows(kpiSql(q.name, range), KPIS[q.name]!.shape);
    return { ms, answer: () => rowsToAnswer(q.name, rows, range) };
  }

  extras(): ExtraQuery[] {
    return [
      {
        name: 'funnel (windowFunnel)',
        like: 'funnel',
        note: 'ClickHouse windowFunnel instead of the exact ordered funnel',
        run: async (range) => {
          const { ms, rows } = await this.rows(funnelWindowFunnel(range), 'funnel');
          return { ms, answer: () => rowsToAnswer('funnel', rows, range) };
        },
      },
    ];
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    if (!this.opts.cacheDir) rmSync(this.base, { recursive: true, force: true });
  }
}
