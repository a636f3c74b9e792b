import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real ClickHouse server (Debian's clickhouse-server) for tests: a plain process with a
 * generated config in a temp dir, HTTP and native ports picked free on loopback. It can be
 * stopped and started again on the same ports and data, to test outages. Given a `dir`, the
 * data lives there and outlives the server (the benchmark caches a 10M-event load that way).
 */

export const CLICKHOUSE_SERVER = process.env.SHOPMON_TEST_CLICKHOUSE_SERVER ?? '/usr/sbin/clickhouse-server';

export function clickhouseInstalled(): boolean {
  return existsSync(CLICKHOUSE_SERVER);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function configXml(dir: string, httpPort: number, tcpPort: number, markCacheBytes: number): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <mark_cache_size>${markCacheBytes}</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
</yandex>
`;
}

const usersXml = (maxThreads: number, maxMemoryBytes: number) => `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_threads>${maxThreads}</max_threads><max_memory_usage>${maxMemoryBytes}</max_memory_usage></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <shopmon><password>s3cret pass</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></shopmon>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

export interface TestClickhouse {
  url: string;
  /** A user with a password, to test credentials. */
  user: { name: string; password: string };
  /** Runs one statement as the default user; returns the body. */
  query(sql: string): Promise<string>;
  /** The server's process id while it runs. */
  pid(): number | undefined;
  /** Kills the server (SIGKILL): an outage. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and data. */
  start(): Promise<void>;
  /** Stops the server; removes its directory unless it was given as `dir` (then stops it gracefully). */
  cleanup(): Promise<void>;
}

export interface TestClickhouseOptions {
  /** Directory for the data, config and logs, kept after cleanup (default: a temp dir, removed). */
  dir?: string;
  /** Profile settings of every user (defaults: 2 threads, 2 GB per query). */
  maxThreads?: number;
  maxMemoryBytes?: number;
  /** Server mark cache (default 256 MiB). */
  markCacheBytes?: number;
}

export async function startTestClickhouse(opts: TestClickhouseOptions = {}): Promise<TestClickhouse> {
  const persistent = opts.dir !== undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'shopmon-ch-'));
  for (const d of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, d), { recursive: true });
  const httpPort = await freePort();
  let tcpPort = await freePort();
  while (tcpPort === httpPort) tcpPort = await freePort();
  writeFileSync(join(dir, 'config.xml'), configXml(dir, httpPort, tcpPort, opts.markCacheBytes ?? 268_435_456));
  writeFileSync(join(dir, 'users.xml'), usersXml(opts.maxThreads ?? 2, opts.maxMemoryBytes ?? 2_000_000_000));
  const url = `http://127.0.0.1:${httpPort}`;
  let child: ChildProcess | null = null;

  const query = async (sql: string): Promise<string> => {
    const res = await fetch(`${url}/`, { method: 'POST', body: sql });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`ClickHouse ${res.status}: ${text.slice(0, 500)}`);
    return text;
  };

  const start = async () => {
    const proc = spawn(CLICKHOUSE_SERVER, [`--config-file=${join(dir, 'config.xml')}`], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderr = '';
    let exited = false;
    proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    proc.once('exit', () => (exited = true));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) throw new Error(`clickhouse-server exited: ${stderr}`);
      try {
        if ((await query('SELECT 1')).trim() === '1') return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`clickhouse-server did not answer within 60 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const stop = async (signal: NodeJS.Signals) => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      proc.kill(signal);
    });
  };
  const kill = () => stop('SIGKILL');

  await start();
  return {
    url,
    user: { name: 'shopmon', password: 's3cret pass' },
    query,
    pid: () => child?.pid,
    kill,
    start,
    cleanup: async () => {
      if (persistent) {
        await stop('SIGTERM');
        return;
      }
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
