import { clickhouseInstalled, CLICKHOUSE_SERVER, startTestClickhouse, type TestClickhouse } from './testClickhouse';

/**
 * The stores a service suite runs against. Each suite that uses ClickHouse shares one server per
 * test file (started on first use) and gets its own database in it.
 */
export const STORES = ['duckdb', 'clickhouse'] as const;
export type StoreName = (typeof STORES)[number];

let server: Promise<TestClickhouse> | null = null;
let databases = 0;

export function sharedClickhouse(): Promise<TestClickhouse> {
  if (!clickhouseInstalled()) {
    throw new Error(`${CLICKHOUSE_SERVER} is missing: the ClickHouse parity tests need Debian's clickhouse-server (apt-get install -y clickhouse-server)`);
  }
  server ??= startTestClickhouse();
  return server;
}

/** Service settings for a store: none for DuckDB; a fresh database on the shared server for ClickHouse. */
export async function storeEnv(store: StoreName): Promise<Record<string, string>> {
  if (store === 'duckdb') return {};
  const ch = await sharedClickhouse();
  return {
    SHOPMON_STORE: 'clickhouse',
    SHOPMON_CLICKHOUSE_URL: ch.url,
    SHOPMON_CLICKHOUSE_USER: ch.user.name,
    SHOPMON_CLICKHOUSE_PASSWORD: ch.user.password,
    SHOPMON_CLICKHOUSE_DATABASE: `test_${process.pid}_${++databases}`,
  };
}

/** Stops the shared ClickHouse of this test file, if one was started. */
export async function stopSharedClickhouse(): Promise<void> {
  const s = server;
  server = null;
  if (s) await (await s).cleanup();
}
