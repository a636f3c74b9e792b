import { resolve } from 'node:path';
import { parseRates } from '../kpi/currencies';
import { isValidTimeZone } from '../kpi/time';

/** Every setting of the KPI service, read once from SHOPMON_* variables; defaults work on one machine. */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  store: 'duckdb' | 'clickhouse';
  clickhouseUrl: string;
  clickhouseUser: string;
  clickhousePassword: string;
  clickhouseDatabase: string;
  clickhouseTimeoutSeconds: number;
  ingestKeys: string[];
  queryKeys: string[];
  currency: string;
  rates: Map<string, number>;
  retentionDays: number;
  timezone: string;
  maxEvents: number;
  maxBodyBytes: number;
  /** Events waiting for the writer above which ingest answers 503. */
  maxQueue: number;
  memoryLimit: string;
  logLevel: string;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8787,
  dataDir: './data',
  store: 'duckdb',
  clickhouseUrl: 'http://127.0.0.1:8123',
  clickhouseUser: 'default',
  clickhousePassword: '',
  clickhouseDatabase: 'shopmon',
  clickhouseTimeoutSeconds: 60,
  currency: 'KRW',
  retentionDays: 400,
  timezone: 'Asia/Seoul',
  maxEvents: 10_000,
  maxBodyBytes: 5 * 1024 * 1024,
  maxQueue: 200_000,
  memoryLimit: '512MB',
  logLevel: 'info',
} as const;

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

const list = (raw: string | undefined) => (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const store = env.SHOPMON_STORE ?? DEFAULTS.store;
  if (store !== 'duckdb' && store !== 'clickhouse') throw new Error(`SHOPMON_STORE must be duckdb or clickhouse, got "${store}"`);
  const currency = env.SHOPMON_CURRENCY ?? DEFAULTS.currency;
  const timezone = env.SHOPMON_TIMEZONE ?? DEFAULTS.timezone;
  if (!isValidTimeZone(timezone)) throw new Error(`SHOPMON_TIMEZONE: unknown IANA time zone "${timezone}"`);
  const clickhouseDatabase = env.SHOPMON_CLICKHOUSE_DATABASE ?? DEFAULTS.clickhouseDatabase;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(clickhouseDatabase)) {
    throw new Error(`SHOPMON_CLICKHOUSE_DATABASE must be a plain name (letters, digits, _), got "${clickhouseDatabase}"`);
  }
  const clickhouseUrl = env.SHOPMON_CLICKHOUSE_URL ?? DEFAULTS.clickhouseUrl;
  if (store === 'clickhouse' && !/^https?:\/\/[^/]+/.test(clickhouseUrl)) {
    throw new Error(`SHOPMON_CLICKHOUSE_URL must be an http(s) URL of ClickHouse's HTTP interface, got "${clickhouseUrl}"`);
  }
  return {
    host: env.SHOPMON_HOST ?? DEFAULTS.host,
    port: int(env, 'SHOPMON_PORT', DEFAULTS.port, 0),
    dataDir: resolve(env.SHOPMON_DATA_DIR ?? DEFAULTS.dataDir),
    store,
    clickhouseUrl,
    clickhouseUser: env.SHOPMON_CLICKHOUSE_USER ?? DEFAULTS.clickhouseUser,
    clickhousePassword: env.SHOPMON_CLICKHOUSE_PASSWORD ?? DEFAULTS.clickhousePassword,
    clickhouseDatabase,
    clickhouseTimeoutSeconds: int(env, 'SHOPMON_CLICKHOUSE_TIMEOUT_SECONDS', DEFAULTS.clickhouseTimeoutSeconds, 1),
    ingestKeys: list(env.SHOPMON_INGEST_KEYS),
    queryKeys: list(env.SHOPMON_QUERY_KEYS),
    currency,
    rates: parseRates(env.SHOPMON_CURRENCY_RATES ?? '', currency),
    retentionDays: int(env, 'SHOPMON_RETENTION_DAYS', DEFAULTS.retentionDays, 1),
    timezone,
    maxEvents: int(env, 'SHOPMON_MAX_EVENTS', DEFAULTS.maxEvents, 1),
    maxBodyBytes: int(env, 'SHOPMON_MAX_BODY_BYTES', DEFAULTS.maxBodyBytes, 1024),
    maxQueue: int(env, 'SHOPMON_MAX_QUEUE', DEFAULTS.maxQueue, 1),
    memoryLimit: env.SHOPMON_MEMORY_LIMIT ?? DEFAULTS.memoryLimit,
    logLevel: env.SHOPMON_LOG_LEVEL ?? DEFAULTS.logLevel,
  };
}
