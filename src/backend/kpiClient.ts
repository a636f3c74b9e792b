import http from 'node:http';
import https from 'node:https';
import { MAX_ANSWER_BYTES, MAX_SOCKETS, PLUGIN_ID } from './config';
import type { CatalogAnswer, ErrorAnswer, FunnelAnswer, QueryAnswer } from './kpiTypes';
import type { ErrorSource } from './messages';
import type { DatasourceSettings } from './settings';

/**
 * HTTP client of one datasource instance towards the KPI service: keep-alive sockets (a query
 * costs one round trip, not a TCP handshake), a timeout over the whole call, and every failure
 * turned into a KpiError whose message a Grafana user can act on.
 */

export class KpiError extends Error {
  constructor(
    /** HTTP-style status for the query's DataResponse / the resource answer. */
    readonly status: number,
    message: string,
    readonly source: ErrorSource,
  ) {
    super(message);
  }
}

export interface RawAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface KpiClient {
  readonly url: string | null;
  query(body: object, opts?: CallOptions): Promise<QueryAnswer>;
  funnel(body: object, opts?: CallOptions): Promise<FunnelAnswer>;
  catalog(opts?: CallOptions): Promise<CatalogAnswer>;
  /** GET /healthz; resolves when the service says it is up. */
  health(opts?: CallOptions): Promise<void>;
  /** An authenticated call whose answer is passed on as it is; throws only when there is no answer. */
  raw(method: string, pathAndQuery: string, body?: Uint8Array, opts?: CallOptions): Promise<RawAnswer>;
  /** Closes idle sockets now and the others after `graceMs`, so calls under way can finish. */
  close(graceMs?: number): void;
}

export const NO_KEY = 'No query key is configured: paste a query key of the KPI service into the datasource settings.';

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
};

class TimeoutError extends Error {}

function transportError(e: unknown, url: string, timeoutMs: number): KpiError {
  if (e instanceof KpiError) return e;
  if (e instanceof TimeoutError) return new KpiError(504, `the KPI service at ${url} did not answer within ${timeoutMs / 1000} s`, 'downstream');
  const err = e as NodeJS.ErrnoException;
  if (err.name === 'AbortError') return new KpiError(499, 'the request was cancelled', 'downstream');
  const reason = (err.code && UNREACHABLE[err.code]) ?? err.message ?? String(e);
  return new KpiError(502, `cannot reach the KPI service at ${url} (${reason})`, 'downstream');
}

function serviceError(raw: RawAnswer, url: string, path: string): KpiError {
  let error: ErrorAnswer['error'];
  try {
    error = (JSON.parse(raw.body.toString('utf8')) as ErrorAnswer).error;
  } catch {
    error = undefined;
  }
  const message = error?.message;
  if (raw.status === 401 || raw.status === 403) {
    return new KpiError(401, `the query key was rejected by the KPI service${message ? ` (${message})` : ''}: check the query key in the datasource settings`, 'downstream');
  }
  if (!message) {
    return new KpiError(502, `the KPI service at ${url} answered HTTP ${raw.status} to ${path.split('?')[0]}: is this the URL of a shopmon KPI service?`, 'downstream');
  }
  if (raw.status === 429 || raw.status === 503) return new KpiError(503, `the KPI service is busy or unavailable: ${message}`, 'downstream');
  if (raw.status >= 500) return new KpiError(502, `the KPI service failed: ${message}`, 'downstream');
  return new KpiError(raw.status, error?.field ? `${error.field}: ${message}` : message, 'downstream');
}

export function createKpiClient(settings: DatasourceSettings): KpiClient {
  const base = settings.url;
  const secure = base?.startsWith('https:') ?? false;
  const agent = new (secure ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: MAX_SOCKETS });

  const send = (method: string, path: string, body: Uint8Array | undefined, auth: boolean, signal?: AbortSignal): Promise<RawAnswer> => {
    if (base === null) return Promise.reject(new KpiError(400, settings.problem ?? 'No KPI service URL is configured.', 'plugin'));
    if (auth && !settings.queryKey) return Promise.reject(new KpiError(401, NO_KEY, 'plugin'));
    return new Promise<RawAnswer>((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { accept: 'application/json', 'user-agent': PLUGIN_ID };
      if (auth) headers.authorization = `Bearer ${settings.queryKey}`;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = body.byteLength;
      }
      const req = (secure ? https : http).request(`${base}${path}`, { method, agent, headers, signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) req.destroy(new KpiError(502, `the KPI service answer is larger than ${MAX_ANSWER_BYTES} bytes`, 'downstream'));
          else chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
        res.on('error', (e) => reject(transportError(e, base, settings.timeoutMs)));
      });
      const timer = setTimeout(() => req.destroy(new TimeoutError()), settings.timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', (e) => reject(transportError(e, base, settings.timeoutMs)));
      req.end(body);
    });
  };

  const json = async <T>(method: string, path: string, body: object | undefined, opts: CallOptions = {}): Promise<T> => {
    const raw = await send(method, path, body === undefined ? undefined : Buffer.from(JSON.stringify(body)), true, opts.signal);
    if (raw.status < 200 || raw.status >= 300) throw serviceError(raw, base ?? '', path);
    try {
      return JSON.parse(raw.body.toString('utf8')) as T;
    } catch {
      throw new KpiError(502, `the KPI service at ${base} answered ${path} with something that is not JSON: is this the URL of a shopmon KPI service?`, 'downstream');
    }
  };

  return {
    url: base,
    query: (body, opts) => json<QueryAnswer>('POST', '/v1/query', body, opts),
    funnel: (body, opts) => json<FunnelAnswer>('POST', '/v1/funnel', body, opts),
    catalog: (opts) => json<CatalogAnswer>('GET', '/v1/catalog', undefined, opts),
    async health(opts = {}) {
      const raw = await send('GET', '/healthz', undefined, false, opts.signal);
      if (raw.status === 200) return;
      if (raw.status === 503) throw new KpiError(503, `the KPI service at ${base} is up but unhealthy (its store is not writable)`, 'downstream');
      throw serviceError(raw, base ?? '', '/healthz');
    },
    raw: (method, pathAndQuery, body, opts = {}) => send(method, pathAndQuery, body, true, opts.signal),
    close(graceMs = 0) {
      if (graceMs <= 0) return agent.destroy();
      setTimeout(() => agent.destroy(), graceMs).unref();
    },
  };
}
