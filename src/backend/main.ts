import { rmSync } from 'node:fs';
import { SHUTDOWN_GRACE_MS } from './config';
import { announce, checkCookie, handshakeLine, negotiateVersion, refuseToStart, socketPath } from './handshake';
import { watchLifecycle } from './lifecycle';
import { createLogger, levelFromEnv } from './logger';
import type { Handlers } from './server';

/**
 * Entry of the backend plugin process, as Grafana starts it through the launcher
 * gpx_shopmon-kpi-datasource_linux_<arch>. Nothing may reach stdout before the handshake line.
 */
async function main(): Promise<void> {
  const env = process.env;
  const cookie = checkCookie(env);
  if (!cookie.ok) refuseToStart(cookie.message);
  const version = negotiateVersion(env);
  if (!version.ok) refuseToStart(version.message);
  const path = socketPath(env);
  if (!path.ok) refuseToStart(path.message);
  const socket = path.value;

  const log = createLogger(levelFromEnv(env));
  // Only the gRPC server is needed to answer the handshake; the handlers load right after it.
  const { startPluginServer } = await import('./server');
  let loading: Promise<Handlers & { close(): void }> | null = null;
  const handlers = () => (loading ??= import('./app').then((app) => app.createHandlers(log)));
  const server = await startPluginServer(socket, handlers, (reason) => stop(reason));

  let stopping = false;
  function stop(reason: string): void {
    if (stopping) return;
    stopping = true;
    log.info('plugin stopping', { reason });
    void server.stop(SHUTDOWN_GRACE_MS).finally(async () => {
      if (loading) (await loading.catch(() => null))?.close();
      rmSync(socket, { force: true });
      process.exit(0);
    });
  }

  watchLifecycle(log, stop);
  if (env.PLUGIN_CLIENT_CERT) log.warn('PLUGIN_CLIENT_CERT is set but this plugin does not do automatic mTLS; serving plaintext on a private unix socket');
  announce(handshakeLine(socket, version.value));
  log.info('plugin started', { socket, pid: process.pid, node: process.version });
  handlers().catch((e: unknown) => log.error('the plugin could not load its handlers', { error: e }));
}

main().catch((e: unknown) => {
  refuseToStart(`shopmon-kpi-datasource: failed to start: ${e instanceof Error ? e.message : String(e)}`);
});
