import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from './main';

/** A real KPI service on a free loopback port with a DuckDB file in a temp dir, for tests. */
export const INGEST_KEY = 'test-ingest-key';
export const QUERY_KEY = 'test-query-key';

export interface TestServer extends RunningServer {
  dataDir: string;
  post(path: string, body: unknown, opts?: { key?: string | null; contentType?: string }): Promise<{ status: number; body: any; headers: Headers }>;
  get(path: string, key?: string | null): Promise<{ status: number; body: any }>;
  restart(): Promise<TestServer>;
  cleanup(): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'shopmon-test-'));
}

export function testEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    SHOPMON_PORT: '0',
    SHOPMON_HOST: '127.0.0.1',
    SHOPMON_DATA_DIR: dataDir,
    SHOPMON_INGEST_KEYS: INGEST_KEY,
    SHOPMON_QUERY_KEYS: QUERY_KEY,
    SHOPMON_LOG_LEVEL: 'silent',
    SHOPMON_MEMORY_LIMIT: '256MB',
    ...extra,
  };
}

export async function startTestServer(extra: Record<string, string> = {}, dataDir = tempDataDir()): Promise<TestServer> {
  const server = await startServer(testEnv(dataDir, extra));
  const post: TestServer['post'] = async (path, body, opts = {}) => {
    const key = opts.key === undefined ? (path.startsWith('/v1/events') ? INGEST_KEY : QUERY_KEY) : opts.key;
    const res = await fetch(server.url + path, {
      method: 'POST',
      headers: {
        'content-type': opts.contentType ?? 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
  const get: TestServer['get'] = async (path, key = QUERY_KEY) => {
    const res = await fetch(server.url + path, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    const text = await res.text();
    return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  };
  const ts: TestServer = {
    ...server,
    dataDir,
    post,
    get,
    restart: async () => {
      await server.stop();
      return startTestServer(extra, dataDir);
    },
    cleanup: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return ts;
}
