import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPluginHost, type PluginHost } from '../../src/backend/testHost';
import { GRAFANA_VERSION } from './datasources';
import { DATASOURCE_ID, DIST, PLUGIN_EXECUTABLE } from './paths';

/**
 * Our backend plugin as Grafana runs it: the built launcher from dist/ (plugin.json's
 * `executable` + _linux_amd64), Grafana's environment (its own, plus the go-plugin cookie and
 * versions that src/backend/testHost.ts sets, plus the GF_* variables Grafana adds for plugins),
 * PLUGIN_UNIX_SOCKET_DIR unset as in Grafana's default process mode, handshake on stdout, gRPC
 * over the announced unix socket. The process is stopped the way Grafana stops it: Shutdown,
 * then a kill if it is still there.
 */

export interface PluginJson {
  id: string;
  executable?: string;
  backend?: boolean;
  alerting?: boolean;
  info: { version: string };
}

export function readPluginJson(id: string): PluginJson {
  return JSON.parse(readFileSync(join(DIST, id, 'plugin.json'), 'utf8')) as PluginJson;
}

export async function startBackendPlugin(appUrl: string): Promise<PluginHost> {
  const meta = readPluginJson(DATASOURCE_ID);
  const expected = join(DIST, DATASOURCE_ID, `${meta.executable}_linux_amd64`);
  if (expected !== PLUGIN_EXECUTABLE) throw new Error(`plugin.json names the executable ${meta.executable}; the e2e host expects gpx_${DATASOURCE_ID}`);
  return startPluginHost({
    executable: expected,
    env: {
      PLUGIN_UNIX_SOCKET_DIR: undefined,
      GF_VERSION: GRAFANA_VERSION,
      GF_EDITION: 'Open Source',
      GF_APP_URL: appUrl,
      GF_INSTANCE_HTTP_URL: appUrl,
      GF_PLUGIN_VERSION: meta.info.version,
      GF_PLUGIN_LOG_LEVEL: 'info',
    },
  });
}

/** Grafana's shutdown: GRPCController.Shutdown, then the process must be gone soon after. */
export async function stopBackendPlugin(plugin: PluginHost): Promise<void> {
  try {
    await plugin.shutdown();
  } catch {
    // already gone: close() below still cleans up
  }
  await plugin.close();
}
