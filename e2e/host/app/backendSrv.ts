import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { lastValueFrom, Observable } from 'rxjs';

/**
 * Stands in for Grafana's BackendSrv (public/app/core/services/backend_srv.ts, not part of the
 * npm packages): `fetch` over the browser's fetch with Grafana's request and error shapes
 * (params as query string, JSON bodies, a non-2xx answer as a FetchError carrying `status` and
 * the parsed `data`, normalised as processRequestError does). No request queue, cancellation by requestId, token refresh or toasts.
 */

export interface RecordedRequest {
  method: string;
  url: string;
  status: number;
}

export const requestLog: RecordedRequest[] = [];

function withParams(url: string, params: BackendSrvRequest['params']): string {
  if (!params) return url;
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) search.append(k, String(item));
  }
  const text = search.toString();
  return text ? `${url}${url.includes('?') ? '&' : '?'}${text}` : url;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function doFetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
  return new Observable<FetchResponse<T>>((subscriber) => {
    const controller = new AbortController();
    const url = withParams(options.url, options.params);
    const method = (options.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = { Accept: 'application/json, text/plain, */*', 'X-Grafana-Org-Id': '1', ...(options.headers as Record<string, string> | undefined) };
    let body: BodyInit | undefined;
    if (options.data !== undefined && method !== 'GET') {
      body = typeof options.data === 'string' ? options.data : JSON.stringify(options.data);
      headers['Content-Type'] ??= 'application/json';
    }
    fetch(url, { method, headers, body, signal: controller.signal, credentials: 'same-origin' })
      .then(async (res) => {
        const data = (await readBody(res)) as T;
        requestLog.push({ method, url, status: res.status });
        const response: FetchResponse<T> = {
          data,
          status: res.status,
          statusText: res.statusText,
          ok: res.ok,
          headers: res.headers,
          redirected: res.redirected,
          type: res.type,
          url: res.url,
          config: options,
        };
        if (res.ok) {
          subscriber.next(response);
          subscriber.complete();
          return;
        }
        // Grafana's processRequestError: text becomes {message}, an `error` string is copied to `message`.
        let body: unknown = data ?? { message: 'Unexpected error' };
        if (typeof body === 'string') body = { message: body, error: res.statusText, response: body };
        const b = body as { message?: unknown; error?: unknown };
        if (b && typeof b === 'object' && !b.message && typeof b.error === 'string') b.message = b.error;
        const error: FetchError<T> = { status: res.status, statusText: res.statusText, data: body as T, config: options, isHandled: false };
        subscriber.error(error);
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        subscriber.error({ status: 0, statusText: String(e), data: { message: String(e) }, config: options } satisfies FetchError);
      });
    return () => controller.abort();
  });
}

async function request<T>(options: BackendSrvRequest): Promise<T> {
  return (await lastValueFrom(doFetch<T>(options))).data;
}

export function createBackendSrv(): BackendSrv {
  const srv = {
    fetch: doFetch,
    request,
    datasourceRequest: (options: BackendSrvRequest) => lastValueFrom(doFetch(options)),
    get: <T>(url: string, params?: BackendSrvRequest['params'], requestId?: string, options?: Partial<BackendSrvRequest>) =>
      request<T>({ ...options, url, params, requestId, method: 'GET' }),
    delete: <T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>) => request<T>({ ...options, url, data, method: 'DELETE' }),
    post: <T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>) => request<T>({ ...options, url, data, method: 'POST' }),
    patch: <T>(url: string, data: unknown, options?: Partial<BackendSrvRequest>) => request<T>({ ...options, url, data, method: 'PATCH' }),
    put: <T>(url: string, data: unknown, options?: Partial<BackendSrvRequest>) => request<T>({ ...options, url, data, method: 'PUT' }),
    resolveCancelerIfExists: () => undefined,
    chunked: () => {
      throw new Error('chunked requests are not supported by the e2e host');
    },
  };
  return srv as unknown as BackendSrv;
}
