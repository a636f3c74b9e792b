import { DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS } from './config';
import type { DataSourceInstanceSettings, PluginContext } from './messages';

/**
 * The datasource's settings as a user saves them in Grafana:
 * jsonData `{ url, timezone, timeoutSeconds }` (the URL may instead be the settings' own `url`)
 * and decryptedSecureJsonData `{ queryKey }`. A problem is kept as a message, not thrown, so
 * CheckHealth can show it and each query can report it.
 */

export interface DatasourceSettings {
  /** Normalised base URL without a trailing slash; null when missing or invalid (see `problem`). */
  url: string | null;
  /** What is wrong with the settings, in words a Grafana user can act on. */
  problem: string | null;
  timezone: string | undefined;
  timeoutMs: number;
  queryKey: string;
  name: string;
}

export const NO_URL = 'No KPI service URL is configured: set the URL (for example http://kpi:8787) in the datasource settings.';

function parseJsonData(bytes: Uint8Array | undefined): Record<string, unknown> {
  if (!bytes || bytes.length === 0) return {};
  try {
    const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function timeoutMs(value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) return DEFAULT_TIMEOUT_SECONDS * 1000;
  return Math.min(n, MAX_TIMEOUT_SECONDS) * 1000;
}

function normaliseUrl(raw: string): { url: string | null; problem: string | null } {
  if (raw === '') return { url: null, problem: NO_URL };
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return { url: null, problem: `The KPI service URL "${raw}" is not a valid URL: write it like http://kpi:8787.` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { url: null, problem: `The KPI service URL "${raw}" must start with http:// or https://.` };
  }
  return { url: parsed.href.replace(/\/+$/, ''), problem: null };
}

export function parseSettings(ds: DataSourceInstanceSettings): DatasourceSettings {
  const json = parseJsonData(ds.jsonData);
  const { url, problem } = normaliseUrl(text(json.url) || text(ds.url));
  return {
    url,
    problem,
    timezone: text(json.timezone) || undefined,
    timeoutMs: timeoutMs(json.timeoutSeconds),
    queryKey: text(ds.decryptedSecureJsonData?.queryKey),
    name: ds.name,
  };
}

export interface InstanceCache<T> {
  /** The instance for the request's datasource, made again when its settings were saved since. */
  get(ctx: PluginContext | null): T;
  size(): number;
  clear(): void;
}

export class MissingSettingsError extends Error {
  constructor() {
    super('The request carries no datasource settings: it must target a shopmon KPI datasource.');
  }
}

/**
 * One instance per datasource, keyed by org and uid (or id), rebuilt when `lastUpdatedMS`
 * changes; the replaced one is handed to `dispose` (which should let in-flight calls finish).
 */
export function createInstanceCache<T>(create: (settings: DatasourceSettings, ds: DataSourceInstanceSettings) => T, dispose: (instance: T) => void = () => {}): InstanceCache<T> {
  const cache = new Map<string, { updated: number; instance: T }>();
  return {
    get(ctx) {
      const ds = ctx?.dataSourceInstanceSettings;
      if (!ds) throw new MissingSettingsError();
      const key = `${ctx.orgId}/${ds.uid || ds.id}`;
      const hit = cache.get(key);
      if (hit && hit.updated === ds.lastUpdatedMS) return hit.instance;
      if (hit) dispose(hit.instance);
      const instance = create(parseSettings(ds), ds);
      cache.set(key, { updated: ds.lastUpdatedMS, instance });
      return instance;
    },
    size: () => cache.size,
    clear() {
      for (const { instance } of cache.values()) dispose(instance);
      cache.clear();
    },
  };
}
