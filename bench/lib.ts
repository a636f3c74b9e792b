import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** Shared pieces of the benchmarks: the cached data set, a KPI service child process, stats. */

export const ROOT = join(__dirname, '..');
export const CACHE = join(ROOT, 'bench', 'cache');
export const INGEST_KEY = 'bench-ingest';
export const QUERY_KEY = 'bench-query';
/** The data set ends here (fixed, so the cached file is the same on every run). */
export const DATA_END = Date.parse('2026-11-01T00:00:00+09:00');
export const DATA_DAYS = 30;

export function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

export function datasetPath(events: number): string {
  return join(CACHE, `events-${events}-${DATA_DAYS}d-seed1.ndjson`);
}

/** The deterministic generator's events as NDJSON, made once and reused. */
export function ensureDataset(events: number): string {
  mkdirSync(CACHE, { recursive: true });
  const file = datasetPath(events);
  if (existsSync(file) && statSync(file).size > 0) return file;
  log(`generating ${events} events over ${DATA_DAYS} days into ${file} (cached for later runs)`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/demo/main.ts', '--events', String(events), '--days', String(DATA_DAYS), '--seed', '1', '--end', String(DATA_END), '--out', `${file}.part`],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('the generator failed');
  spawnSync('mv', [`${file}.part`, file]);
  return file;
}

export interface Service {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
  peakRssBytes(): number;
}

export function startService(dataDir: string, env: Record<string, string> = {}): Promise<Service> {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      SHOPMON_PORT: '0',
      SHOPMON_DATA_DIR: dataDir,
      SHOPMON_INGEST_KEYS: INGEST_KEY,
      SHOPMON_QUERY_KEYS: QUERY_KEY,
      SHOPMON_RETENTION_DAYS: '100000',
      SHOPMON_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, rss(child.pid))), 200);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        resolve({
          url: m[1]!,
          child,
          peakRssBytes: () => Math.max(peak, hwm(child.pid)),
          stop: () =>
            new Promise((done) => {
              peak = Math.max(peak, hwm(child.pid));
              clearInterval(sample);
              // Already gone (crashed or killed by someone else): 'exit' will not fire again.
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearInterval(sample);
      reject(new Error(`service exited with ${code}: ${out}`));
    });
  });
}

function procStatus(pid: number | undefined, field: string): number {
  if (!pid) return 0;
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
const rss = (pid: number | undefined) => procStatus(pid, 'VmRSS');
const hwm = (pid: number | undefined) => procStatus(pid, 'VmHWM');

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * p;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.ceil(pos)]! - s[lo]!) * (pos - lo);
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
