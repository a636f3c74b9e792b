import { buildApp } from './app';
import { loadConfig } from './config';
import { createService, type Service } from './service';
import { DAY } from '../kpi/time';
import type { FastifyInstance } from 'fastify';

export interface RunningServer {
  url: string;
  svc: Service;
  app: FastifyInstance;
  stop(): Promise<void>;
}

/** Starts the KPI service; `stop` answers in-flight requests, flushes the writer and closes the store. */
export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const config = loadConfig(env);
  const svc = await createService(config);
  const app = buildApp(svc);
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  const prune = async () => {
    const removed = await svc.store.prune(Date.now() - config.retentionDays * DAY).catch(() => 0);
    if (removed > 0) app.log.info({ removed }, 'retention: old events removed');
  };
  const pruneTimer = setInterval(prune, 6 * 3_600_000);
  pruneTimer.unref();
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(pruneTimer);
      await app.close();
      await svc.writer.drain();
      await svc.store.close();
    })());
  return { url, svc, app, stop };
}

async function main(): Promise<void> {
  const server = await startServer();
  const { svc } = server;
  console.log(`listening on ${server.url}`);
  if (svc.keys.generated.length > 0) {
    console.log(`ingest key: ${svc.keys.ingest[0]}`);
    console.log(`query key:  ${svc.keys.query[0]}`);
    console.log(`(generated and stored in ${svc.config.dataDir}/keys.json; set SHOPMON_INGEST_KEYS / SHOPMON_QUERY_KEYS to choose your own)`);
  }
  const shutdown = (signal: string) => {
    server.app.log.info({ signal }, 'shutting down: flushing accepted events');
    server.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        server.app.log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (process.argv[1] && /server[\\/]main\.ts$/.test(process.argv[1])) {
  main().catch((e: unknown) => {
    console.error(`shopmon: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
