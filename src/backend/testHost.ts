import * as grpc from '@grpc/grpc-js';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MAX_MESSAGE_BYTES } from './config';
import type { CallResourceRequest, CallResourceResponse, CheckHealthResponse, CollectMetricsResponse, PluginContext, QueryDataRequest, QueryDataResponse } from './messages';
import { loadProtocol, serviceAt } from './protocol';

/**
 * A Grafana-style host for tests: it starts the plugin the way Grafana's go-plugin client does
 * (magic cookie, protocol versions, socket dir in the environment, Grafana's stdin handed on),
 * reads the handshake line and talks gRPC to it through our .proto files.
 */

export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface PluginHost {
  child: ChildProcessWithoutNullStreams;
  handshake: string;
  socket: string;
  exited: Promise<Exit>;
  stderr(): string;
  health(service?: string): Promise<string>;
  queryData(req: Partial<QueryDataRequest>, headers?: Record<string, string>): Promise<QueryDataResponse>;
  checkHealth(ctx: Partial<PluginContext>): Promise<CheckHealthResponse>;
  callResource(req: Partial<CallResourceRequest>): Promise<CallResourceResponse[]>;
  collectMetrics(): Promise<CollectMetricsResponse>;
  shutdown(): Promise<void>;
  /** Closes the gRPC clients, stops the process if it still runs and removes its socket. */
  close(): Promise<void>;
}

export interface SpawnOptions {
  /** Run this executable (a built launcher) instead of `node --import tsx src/backend/main.ts`. */
  executable?: string;
  env?: Record<string, string | undefined>;
}

export function pluginCommand(opts: SpawnOptions): { command: string; args: string[] } {
  return opts.executable ? { command: opts.executable, args: [] } : { command: process.execPath, args: ['--import', 'tsx', join(REPO_ROOT, 'src/backend/main.ts')] };
}

export function spawnPlugin(opts: SpawnOptions, socketDir: string): ChildProcessWithoutNullStreams {
  const { command, args } = pluginCommand(opts);
  const merged: Record<string, string | undefined> = {
    ...process.env,
    grafana_plugin_type: 'datasource',
    PLUGIN_PROTOCOL_VERSIONS: '2',
    PLUGIN_MIN_PORT: '10000',
    PLUGIN_MAX_PORT: '25000',
    PLUGIN_UNIX_SOCKET_DIR: socketDir,
    ...opts.env,
  };
  // An option set to undefined removes the variable, as if Grafana had not set it.
  const env = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
  return spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\n');
      if (end < 0) return;
      child.stdout.off('data', onData);
      resolveLine(buffered.slice(0, end + 1));
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`plugin exited (${code}) before the handshake`)));
  });
}

type Client = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

function unaryCall<Res>(client: Client, method: string, req: unknown): Promise<Res> {
  return new Promise((resolveCall, reject) => {
    (client[method] as (req: unknown, cb: (err: grpc.ServiceError | null, res: Res) => void) => void).call(client, req, (err, res) => (err ? reject(err) : resolveCall(res)));
  });
}

const CONTEXT_DEFAULTS: PluginContext = { orgId: 1, pluginId: 'shopmon-kpi-datasource', user: null, dataSourceInstanceSettings: null, grafanaConfig: {}, pluginVersion: '0.1.0', userAgent: 'Grafana/12.4.0 (linux; amd64)' };

export async function startPluginHost(opts: SpawnOptions = {}): Promise<PluginHost> {
  const socketDir = mkdtempSync(join(tmpdir(), 'shp-'));
  const child = spawnPlugin(opts, socketDir);
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<Exit>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const handshake = await firstLine(child);
  const parts = handshake.trim().split('|');
  const socket = parts[3] ?? '';
  const pkg = loadProtocol(join(REPO_ROOT, 'src/backend/proto'));
  const options = { 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES, 'grpc.max_send_message_length': MAX_MESSAGE_BYTES };
  const make = (name: string) => new (serviceAt(pkg, name))(`unix:${socket}`, grpc.credentials.createInsecure(), options) as unknown as Client;
  const clients = {
    data: make('pluginv2.Data'),
    diagnostics: make('pluginv2.Diagnostics'),
    resource: make('pluginv2.Resource'),
    health: make('grpc.health.v1.Health'),
    controller: make('plugin.GRPCController'),
  };
  const closeClients = () => Object.values(clients).forEach((c) => c.close());

  return {
    child,
    handshake,
    socket,
    exited,
    stderr: () => stderr,
    health: async (service = 'plugin') => (await unaryCall<{ status: string }>(clients.health, 'Check', { service })).status,
    queryData: (req, headers = {}) => unaryCall(clients.data, 'QueryData', { headers, queries: [], ...req, pluginContext: { ...CONTEXT_DEFAULTS, ...req.pluginContext } }),
    checkHealth: (ctx) => unaryCall(clients.diagnostics, 'CheckHealth', { pluginContext: { ...CONTEXT_DEFAULTS, ...ctx }, headers: {} }),
    collectMetrics: () => unaryCall(clients.diagnostics, 'CollectMetrics', { pluginContext: CONTEXT_DEFAULTS }),
    callResource: (req) =>
      new Promise((resolveCall, reject) => {
        const answers: CallResourceResponse[] = [];
        const stream = (clients.resource.CallResource as (r: unknown) => grpc.ClientReadableStream<CallResourceResponse>).call(clients.resource, {
          method: 'GET',
          headers: {},
          ...req,
          url: req.url ?? req.path ?? '',
          pluginContext: { ...CONTEXT_DEFAULTS, ...req.pluginContext },
        });
        stream.on('data', (a: CallResourceResponse) => answers.push(a));
        stream.on('end', () => resolveCall(answers));
        stream.on('error', reject);
      }),
    shutdown: async () => {
      await unaryCall(clients.controller, 'Shutdown', {});
      closeClients();
    },
    close: async () => {
      closeClients();
      if (child.exitCode === null && child.signalCode === null) {
        // SIGTERM lets the plugin remove its socket; SIGKILL only if it does not stop.
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(kill);
      }
      rmSync(socket, { force: true });
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

/** The settings Grafana sends for a shopmon datasource. */
export function datasourceContext(settings: { url?: string; topLevelUrl?: string; queryKey?: string; timezone?: string; timeoutSeconds?: number; updated?: number; uid?: string }): Partial<PluginContext> {
  const jsonData: Record<string, unknown> = {};
  if (settings.url !== undefined) jsonData.url = settings.url;
  if (settings.timezone !== undefined) jsonData.timezone = settings.timezone;
  if (settings.timeoutSeconds !== undefined) jsonData.timeoutSeconds = settings.timeoutSeconds;
  return {
    dataSourceInstanceSettings: {
      id: 1,
      uid: settings.uid ?? 'shopmon-kpi',
      name: 'shopmon KPI',
      url: settings.topLevelUrl ?? '',
      jsonData: Buffer.from(JSON.stringify(jsonData)),
      decryptedSecureJsonData: settings.queryKey === undefined ? {} : { queryKey: settings.queryKey },
      lastUpdatedMS: settings.updated ?? 1,
    },
  };
}
