import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_PROTOCOL_VERSION, CORE_PROTOCOL_VERSION, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, PLUGIN_ID } from './config';

/**
 * The hashicorp go-plugin handshake as Grafana runs it: Grafana sets a magic cookie and the
 * protocol versions it speaks in the environment, the plugin listens and answers with one line
 * on stdout: core version | app version | network | address | protocol | (server cert).
 */

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

export const NOT_STARTED_BY_GRAFANA = [
  `${PLUGIN_ID}: this is the backend of the shopmon KPI datasource plugin for Grafana.`,
  'Grafana starts it itself; it is not meant to be run by hand.',
  `Put the plugin folder under Grafana's plugins directory (for example /var/lib/grafana/plugins/${PLUGIN_ID})`,
  `and allow it with GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=${PLUGIN_ID}.`,
].join('\n');

export function checkCookie(env: NodeJS.ProcessEnv): Checked<true> {
  return env[MAGIC_COOKIE_KEY] === MAGIC_COOKIE_VALUE ? { ok: true, value: true } : { ok: false, message: NOT_STARTED_BY_GRAFANA };
}

/** go-plugin lists the versions the host speaks; unset means the host's default, which is ours. */
export function negotiateVersion(env: NodeJS.ProcessEnv): Checked<number> {
  const raw = env.PLUGIN_PROTOCOL_VERSIONS?.trim();
  if (!raw) return { ok: true, value: APP_PROTOCOL_VERSION };
  const offered = raw.split(',').map((v) => Number(v.trim()));
  if (offered.includes(APP_PROTOCOL_VERSION)) return { ok: true, value: APP_PROTOCOL_VERSION };
  return {
    ok: false,
    message: `${PLUGIN_ID}: Grafana offers plugin protocol version(s) ${raw}; this plugin speaks version ${APP_PROTOCOL_VERSION}. Use a Grafana version that supports protocol ${APP_PROTOCOL_VERSION}.`,
  };
}

// sun_path holds 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH = 107;

/** A fresh socket path in PLUGIN_UNIX_SOCKET_DIR, or in the OS temp dir when Grafana sets none. */
export function socketPath(env: NodeJS.ProcessEnv): Checked<string> {
  const dir = env.PLUGIN_UNIX_SOCKET_DIR?.trim() || tmpdir();
  const path = join(dir, `plugin${randomBytes(6).toString('hex')}`);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    return { ok: false, message: `${PLUGIN_ID}: the unix socket path ${path} is longer than ${MAX_SOCKET_PATH} bytes; set PLUGIN_UNIX_SOCKET_DIR to a shorter directory` };
  }
  return { ok: true, value: path };
}

export function handshakeLine(path: string, version = APP_PROTOCOL_VERSION): string {
  return `${CORE_PROTOCOL_VERSION}|${version}|unix|${path}|grpc|\n`;
}

/** Written synchronously to fd 1 so nothing can come before it and it is out before we go on. */
export function announce(line: string): void {
  writeSync(1, line);
}

export function refuseToStart(message: string): never {
  writeSync(2, `${message}\n`);
  process.exit(1);
}
