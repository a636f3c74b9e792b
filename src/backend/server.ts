import * as grpc from '@grpc/grpc-js';
import { MAX_MESSAGE_BYTES } from './config';
import type { CallResourceRequest, CallResourceResponse, CheckHealthRequest, CheckHealthResponse, CollectMetricsResponse, QueryDataRequest, QueryDataResponse } from './messages';
import { loadProtocol, serviceAt } from './protocol';

/**
 * The gRPC server Grafana talks to: pluginv2 Data/Diagnostics/Resource, the health service
 * go-plugin polls ("plugin" must be SERVING) and go-plugin's controller whose Shutdown asks us
 * to stop. GRPCBroker and GRPCStdio are left out: Grafana tolerates UNIMPLEMENTED for both.
 */

export interface Handlers {
  queryData(req: QueryDataRequest, signal: AbortSignal): Promise<QueryDataResponse>;
  checkHealth(req: CheckHealthRequest): Promise<CheckHealthResponse>;
  callResource(req: CallResourceRequest, signal: AbortSignal): Promise<CallResourceResponse>;
  collectMetrics(): Promise<CollectMetricsResponse>;
}

const HEALTHY_SERVICES = new Set(['', 'plugin']);

type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;

/** Cancellation of the gRPC call (Grafana gave up) aborts the KPI service calls behind it. */
function abortOnCancel(call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>): AbortSignal {
  const controller = new AbortController();
  call.on('cancelled', () => controller.abort());
  return controller.signal;
}

function internal(e: unknown): grpc.ServiceError {
  return Object.assign(new Error((e as Error)?.message ?? String(e)), { code: grpc.status.INTERNAL, details: String((e as Error)?.message ?? e), metadata: new grpc.Metadata() });
}

function unary<Req, Res>(work: (req: Req, signal: AbortSignal) => Promise<Res>): Unary<Req, Res> {
  return (call, callback) => {
    work(call.request, abortOnCancel(call)).then(
      (res) => callback(null, res),
      (e: unknown) => callback(internal(e)),
    );
  };
}

export interface PluginServer {
  /** Lets calls under way finish for up to `graceMs`, then closes the rest. */
  stop(graceMs: number): Promise<void>;
}

/** `handlers` is called per request and may still be loading (see app.ts). */
export async function startPluginServer(socketPath: string, handlers: () => Promise<Handlers>, onShutdownRequest: (reason: string) => void): Promise<PluginServer> {
  const pkg = loadProtocol();
  const watchers = new Set<grpc.ServerWritableStream<{ service: string }, unknown>>();
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES, 'grpc.max_send_message_length': MAX_MESSAGE_BYTES });

  server.addService(serviceAt(pkg, 'pluginv2.Data').service, {
    QueryData: unary<QueryDataRequest, QueryDataResponse>(async (req, signal) => (await handlers()).queryData(req, signal)),
  });
  server.addService(serviceAt(pkg, 'pluginv2.Diagnostics').service, {
    CheckHealth: unary<CheckHealthRequest, CheckHealthResponse>(async (req) => (await handlers()).checkHealth(req)),
    CollectMetrics: unary<unknown, CollectMetricsResponse>(async () => (await handlers()).collectMetrics()),
  });
  server.addService(serviceAt(pkg, 'pluginv2.Resource').service, {
    CallResource: (call: grpc.ServerWritableStream<CallResourceRequest, CallResourceResponse>) => {
      const signal = abortOnCancel(call);
      handlers()
        .then((h) => h.callResource(call.request, signal))
        .then(
        (res) => {
          call.write(res);
          call.end();
        },
        (e: unknown) => call.destroy(internal(e)),
      );
    },
  });
  server.addService(serviceAt(pkg, 'grpc.health.v1.Health').service, {
    Check: (call: grpc.ServerUnaryCall<{ service: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      if (HEALTHY_SERVICES.has(call.request.service)) callback(null, { status: 'SERVING' });
      else callback({ code: grpc.status.NOT_FOUND, details: `unknown service ${call.request.service}` });
    },
    // Serving for as long as the process lives: one answer, then the stream stays open.
    Watch: (call: grpc.ServerWritableStream<{ service: string }, unknown>) => {
      watchers.add(call);
      call.on('cancelled', () => watchers.delete(call));
      call.write({ status: HEALTHY_SERVICES.has(call.request.service) ? 'SERVING' : 'SERVICE_UNKNOWN' });
    },
  });
  server.addService(serviceAt(pkg, 'plugin.GRPCController').service, {
    Shutdown: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      callback(null, {});
      // After the answer is on its way: Grafana waits for it before closing the connection.
      setImmediate(() => onShutdownRequest('Shutdown requested by Grafana'));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix:${socketPath}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve()));
  });

  return {
    stop: (graceMs) =>
      new Promise<void>((resolve) => {
        for (const watcher of watchers) watcher.end();
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
