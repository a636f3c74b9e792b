import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ROOT, log, startService, type Service } from '../lib';
import type { BenchQuery } from '../overview';
import { queryService } from './shopmonHttp';
import type { Engine, LoadInfo, RangeCtx, Timed } from './types';

/**
 * shopmon: the KPI service (bench/lib.ts startService) over a copy of the store that
 * `npm run bench:ingest` loaded (bench/cache/store-<events>), so the cached store is never
 * written and nothing else can hold its DuckDB lock. Queries go over HTTP (./shopmonHttp.ts).
 */

export interface ShopmonOptions {
  events: number;
  store: string;
  tmpDir: string;
}

/** Load time of the cached store as bench/ingest.md reports it, when it is for the same data set. */
function ingestReport(events: number): { ms: number; note: string } | null {
  const file = join(ROOT, 'bench', 'ingest.md');
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  if (!text.includes(`(${events.toLocaleString('en-US')} events`)) return null;
  const wall = /\| wall time \| ([\d.]+) s \|/.exec(text);
  const rate = /\| durable events\/s \| ([\d,]+) \|/.exec(text);
  if (!wall) return null;
  return { ms: Number(wall[1]) * 1000, note: `from bench/ingest.md: HTTP ingest, durable, ${rate?.[1] ?? '?'} events/s` };
}

export class ShopmonEngine implements Engine {
  readonly name = 'shopmon';
  readonly method: string[] = [];
  private svc: Service | null = null;
  private readonly copy: string;

  constructor(private readonly opts: ShopmonOptions) {
    this.copy = join(opts.tmpDir, 'shopmon-store');
  }

  async start(): Promise<LoadInfo> {
    if (!existsSync(join(this.opts.store, 'shopmon.duckdb'))) {
      throw new Error(`${this.opts.store} has no loaded store: run BENCH_EVENTS=${this.opts.events} npm run bench:ingest first`);
    }
    rmSync(this.copy, { recursive: true, force: true });
    mkdirSync(this.copy, { recursive: true });
    for (const f of readdirSync(this.opts.store)) copyFileSync(join(this.opts.store, f), join(this.copy, f));
    const bytes = readdirSync(this.copy).reduce((n, f) => n + statSync(join(this.copy, f)).size, 0);
    const rows = await countRows(join(this.copy, 'shopmon.duckdb'));
    log(`shopmon: store copied to ${this.copy} (${rows} events)`);
    this.svc = await startService(this.copy);
    const ingest = ingestReport(this.opts.events);
    this.method.push(
      'KPI service (src/server) started by bench/lib.ts on a copy of bench/cache/store-<events> (loaded through HTTP by npm run bench:ingest): a DuckDB file with',
      'the events plus 15-minute rollups kept at ingest (counts/sums per slot and a few dimensions; visitors per slot), which the engine uses when a query allows it.',
      'Queries from bench/overview.ts over HTTP with a query key (max_points 1000, Asia/Seoul), as the datasource backend plugin sends them.',
    );
    return {
      loadMs: ingest?.ms ?? null,
      loadNote: ingest?.note ?? 'loaded by npm run bench:ingest (no report for this data set)',
      bytes,
      dirBytes: bytes,
      sizeNote: 'DuckDB file: events + rollups',
      rows,
    };
  }

  run(q: BenchQuery, range: RangeCtx): Promise<Timed> {
    return queryService(this.svc!.url, this.name, q, range);
  }

  async stop(): Promise<void> {
    await this.svc?.stop();
    this.svc = null;
    rmSync(this.copy, { recursive: true, force: true });
  }
}

async function countRows(file: string): Promise<number> {
  const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const c = await db.connect();
  try {
    const r = await c.runAndReadAll('SELECT count(*) FROM events');
    return Number(r.getRows()[0]?.[0] ?? 0);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}
