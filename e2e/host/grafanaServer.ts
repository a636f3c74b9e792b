import { createReadStream, existsSync, statSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { StringList } from '../../src/backend/messages';
import type { PluginHost } from '../../src/backend/testHost';
import type { DatasourceStore, DatasourceUpdate } from './datasources';
import { harnessPage } from './page';
import { BUNDLE, DATASOURCE_ID, DIST, ICONS_DIR, PANEL_ID } from './paths';
import { readPluginJson } from './pluginProcess';
import { runQueryData } from './queryService';

/**
 * The HTTP side of the parts of Grafana our plugins touch, on a free loopback port:
 *   GET  /                                          the harness page
 *   GET  /public/build/harness.js                   the bundled host app
 *   GET  /public/build/img/icons/**                 @grafana/ui's icons (node_modules/@grafana/ui/dist/public/img/icons)
 *   GET  /public/plugins/<id>/**                    dist/<id>/ (module.js, plugin.json, img)
 *   GET  /api/frontend/settings                     datasources and panels, as Grafana's boot data lists them
 *   GET  /api/datasources/uid/:uid                  settings without secrets (secureJsonFields)
 *   PUT  /api/datasources/uid/:uid                  save settings (Grafana's update semantics)
 *   POST /api/ds/query                              QueryData (see queryService.ts)
 *   *    /api/datasources/uid/:uid/resources/*      CallResource
 *   GET  /api/datasources/uid/:uid/health           CheckHealth: 200 OK / 400 ERROR {status, message, details}
 * There is no login, no org switching, no access control and no caching.
 */

export interface RecordedCall {
  method: string;
  path: string;
  status: number;
  body?: unknown;
}

export interface GrafanaServer {
  url: string;
  calls: RecordedCall[];
  problems: string[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.map': 'application/json', '.md': 'text/markdown', '.html': 'text/html' };

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const data = Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(data);
}

function sendFile(res: ServerResponse, root: string, rel: string): void {
  const path = normalize(join(root, rel));
  if (!path.startsWith(root) || !existsSync(path) || !statSync(path).isFile()) return send(res, 404, { message: 'Not found' });
  res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  createReadStream(path).pipe(res);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(buf: Buffer): unknown {
  return buf.length === 0 ? {} : JSON.parse(buf.toString('utf8'));
}

/** Header names Grafana does not hand to plugins (its own session and proxy bookkeeping). */
const HIDDEN_HEADERS = new Set(['cookie', 'authorization', 'host', 'connection', 'content-length', 'x-grafana-org-id']);

function pluginHeaders(req: IncomingMessage): Record<string, StringList> {
  const out: Record<string, StringList> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HIDDEN_HEADERS.has(name)) continue;
    // Go's http.Header keys are canonical: Content-Type, X-Datasource-Uid.
    const canonical = name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
    out[canonical] = { values: Array.isArray(value) ? value : [value] };
  }
  return out;
}

function pluginMeta(id: string) {
  const json = readPluginJson(id) as unknown as Record<string, unknown>;
  return { ...json, module: `public/plugins/${id}/module.js`, baseUrl: `public/plugins/${id}` };
}

/** The server starts before the plugin (whose environment carries the server's URL). */
export interface PluginSlot {
  plugin?: PluginHost;
}

export async function startGrafanaServer(slot: PluginSlot, datasources: DatasourceStore): Promise<GrafanaServer> {
  const calls: RecordedCall[] = [];
  const problems: string[] = [];
  let appUrl = '';
  const pluginOf = (): PluginHost => {
    if (!slot.plugin) throw new Error('the backend plugin is not running');
    return slot.plugin;
  };

  const frontendSettings = () => ({
    datasources: Object.fromEntries(
      datasources.list().map((r) => [
        r.name,
        { id: r.id, uid: r.uid, type: r.type, name: r.name, meta: pluginMeta(r.type), url: `/api/datasources/proxy/uid/${r.uid}`, isDefault: r.isDefault, access: 'proxy', jsonData: r.jsonData, readOnly: r.readOnly },
      ]),
    ),
    panels: { [PANEL_ID]: pluginMeta(PANEL_ID) },
  });

  const api = async (req: IncomingMessage, url: URL): Promise<{ status: number; body: unknown; raw?: { type: string; data: Buffer } }> => {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path === '/api/frontend/settings') return { status: 200, body: frontendSettings() };
    if (path === '/api/ds/query' && method === 'POST') {
      return runQueryData({ plugin: pluginOf(), datasources, appUrl, problems }, parseJson(await readBody(req)) as never);
    }
    const m = /^\/api\/datasources\/uid\/([^/]+)(\/.*)?$/.exec(path);
    const ds = m ? datasources.get(decodeURIComponent(m[1]!)) : undefined;
    if (m && !ds) return { status: 404, body: { message: 'Data source not found' } };
    if (!m || !ds) return { status: 404, body: { message: 'Not found' } };
    const rest = m[2] ?? '';
    if (rest === '' && method === 'GET') return { status: 200, body: datasources.dto(ds) };
    if (rest === '' && method === 'PUT') {
      const saved = datasources.update(ds.uid, parseJson(await readBody(req)) as DatasourceUpdate);
      return { status: 200, body: { datasource: datasources.dto(saved), id: saved.id, message: 'Datasource updated', name: saved.name } };
    }
    if (rest === '/health' && method === 'GET') {
      const r = await pluginOf().checkHealth(datasources.pluginContext(ds, undefined, appUrl));
      const details = r.jsonDetails.length > 0 ? JSON.parse(Buffer.from(r.jsonDetails).toString('utf8')) : undefined;
      return { status: r.status === 'OK' ? 200 : 400, body: { status: r.status, message: r.message, ...(details ? { details } : {}) } };
    }
    if (rest.startsWith('/resources/')) {
      const sub = rest.slice('/resources/'.length);
      const body = await readBody(req);
      const answers = await pluginOf().callResource({
        pluginContext: datasources.pluginContext(ds, undefined, appUrl),
        path: sub,
        method,
        url: sub + url.search,
        headers: pluginHeaders(req),
        body,
      });
      const first = answers[0];
      if (!first) return { status: 500, body: { message: 'the plugin sent no resource response' } };
      if (first.code === 0) problems.push(`CallResource ${sub} answered with status code 0`);
      const type = first.headers['Content-Type']?.values[0] ?? first.headers['content-type']?.values[0] ?? 'application/octet-stream';
      return { status: first.code || 500, body: null, raw: { type, data: Buffer.concat(answers.map((a) => Buffer.from(a.body))) } };
    }
    return { status: 404, body: { message: 'Not found' } };
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    const path = url.pathname;
    if (path === '/' || path === '/index.html') return send(res, 200, harnessPage(), 'text/html');
    if (path === '/public/build/harness.js') return sendFile(res, join(BUNDLE, '..'), 'harness.js');
    if (path.startsWith('/public/build/img/icons/')) return sendFile(res, ICONS_DIR, path.slice('/public/build/img/icons/'.length));
    const plug = /^\/public\/plugins\/([^/]+)\/(.+)$/.exec(path);
    if (plug && (plug[1] === DATASOURCE_ID || plug[1] === PANEL_ID) && !plug[2]!.startsWith('gpx_')) return sendFile(res, join(DIST, plug[1]), plug[2]!);
    if (!path.startsWith('/api/')) return send(res, 404, { message: 'Not found' });
    api(req, url).then(
      (a) => {
        calls.push({ method: req.method ?? 'GET', path: path + url.search, status: a.status, body: a.raw ? undefined : a.body });
        if (a.raw) send(res, a.status, a.raw.data, a.raw.type);
        else send(res, a.status, a.body);
      },
      (e: unknown) => {
        calls.push({ method: req.method ?? 'GET', path, status: 500 });
        send(res, 500, { message: 'Internal Server Error', error: (e as Error).message });
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  appUrl = `${url}/`;
  return {
    url,
    calls,
    problems,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
