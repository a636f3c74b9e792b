import { intervalMs, parseInterval } from '../../kpi/time';

/** Every setting of the demo shop, read once from the environment; each default is written here only. */

export const SHOP_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  kpiUrl: 'http://127.0.0.1:8787',
  /** Business events per second, averaged over a week (the hour of day and weekday shape it). */
  rate: 10,
  seed: 1,
  /** The scripted incidents repeat on this cycle, as in a one-day demo run squeezed into it. */
  incidentCycle: '3h',
  poolSize: 5,
  acquireTimeoutMs: 2_000,
  gatewayTimeoutMs: 3_000,
  logLevel: 'info',
} as const;

export interface ShopConfig {
  host: string;
  port: number;
  tls: { port: number; certFile: string; keyFile: string } | null;
  /** KPI service base URL; null when no ingest key is known (the shop then only serves and browses). */
  kpiUrl: string;
  ingestKey: string | null;
  rate: number;
  seed: number;
  /** Length of one incident cycle in ms; null: no incidents. */
  incidentCycleMs: number | null;
  poolSize: number;
  acquireTimeoutMs: number;
  gatewayTimeoutMs: number;
  logLevel: string;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

function nonNegative(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${name} must be a number >= 0, got "${raw}"`);
  return n;
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = (env[name] ?? '').trim() || fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL such as ${fallback}, got "${raw}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(`${name} must start with http:// or https://, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

/** The first of a comma-separated key list: the stack shares one .env between the service and its clients. */
export function firstKey(single: string | undefined, list: string | undefined): string | null {
  const key = (single ?? '').trim() || (list ?? '').split(',').map((k) => k.trim()).find(Boolean);
  return key || null;
}

function cycle(env: NodeJS.ProcessEnv): number | null {
  const raw = (env.SHOP_INCIDENT_CYCLE ?? '').trim() || SHOP_DEFAULTS.incidentCycle;
  if (raw === 'off' || raw === '0') return null;
  const interval = parseInterval(raw);
  const ms = interval ? intervalMs(interval) : NaN;
  if (!(ms >= 20 * 60_000)) throw new ConfigError(`SHOP_INCIDENT_CYCLE must be "off" or a duration of at least 20m such as 3h or 1d, got "${raw}"`);
  return ms;
}

export function loadShopConfig(env: NodeJS.ProcessEnv = process.env): ShopConfig {
  // Unset: no HTTPS; 0: any free port (as SHOP_PORT).
  const tlsPort = (env.SHOP_TLS_PORT ?? '').trim() === '' ? null : int(env, 'SHOP_TLS_PORT', 0, 0, 65535);
  let tls: ShopConfig['tls'] = null;
  if (tlsPort !== null) {
    const certFile = (env.SHOP_TLS_CERT ?? '').trim();
    const keyFile = (env.SHOP_TLS_KEY ?? '').trim();
    if (!certFile || !keyFile) throw new ConfigError('SHOP_TLS_PORT needs SHOP_TLS_CERT and SHOP_TLS_KEY (PEM files of the certificate and its key)');
    tls = { port: tlsPort, certFile, keyFile };
  }
  return {
    host: (env.SHOP_HOST ?? '').trim() || SHOP_DEFAULTS.host,
    port: int(env, 'SHOP_PORT', SHOP_DEFAULTS.port, 0, 65535),
    tls,
    kpiUrl: url(env, 'SHOPMON_URL', SHOP_DEFAULTS.kpiUrl),
    ingestKey: firstKey(env.SHOPMON_INGEST_KEY, env.SHOPMON_INGEST_KEYS),
    rate: nonNegative(env, 'SHOP_RATE', SHOP_DEFAULTS.rate),
    seed: int(env, 'SHOP_SEED', SHOP_DEFAULTS.seed, 0),
    incidentCycleMs: cycle(env),
    poolSize: int(env, 'SHOP_DB_POOL_SIZE', SHOP_DEFAULTS.poolSize, 1, 1000),
    acquireTimeoutMs: int(env, 'SHOP_DB_ACQUIRE_TIMEOUT_MS', SHOP_DEFAULTS.acquireTimeoutMs, 1),
    gatewayTimeoutMs: int(env, 'SHOP_GATEWAY_TIMEOUT_MS', SHOP_DEFAULTS.gatewayTimeoutMs, 1),
    logLevel: (env.SHOP_LOG_LEVEL ?? '').trim() || SHOP_DEFAULTS.logLevel,
  };
}
