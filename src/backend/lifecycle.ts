import { fstatSync } from 'node:fs';
import { PARENT_CHECK_MS } from './config';
import type { Logger } from './logger';

/**
 * When the plugin process stops. Grafana asks through GRPCController.Shutdown and then kills us
 * after about 2 s; SIGTERM stops us the same way; SIGINT is ignored (a Ctrl-C in Grafana's
 * terminal reaches the whole process group, and Grafana decides when its plugins stop).
 *
 * Orphan protection: go-plugin hands Grafana's own stdin to the plugin. In a container or under
 * systemd that is /dev/null (end of file at once) and in a terminal it is the TTY, so reading it
 * as a liveness signal would stop the plugin at start or steal the terminal. Only a pipe or a
 * socket on stdin is a host's liveness channel, and only then does its closing stop us. In every
 * case a change of parent process (Grafana died, we were re-parented) stops us.
 */

export function stdinIsLivenessChannel(): boolean {
  try {
    const stat = fstatSync(0);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}

export function watchLifecycle(log: Logger, stop: (reason: string) => void): void {
  process.on('SIGINT', () => log.debug('SIGINT ignored: Grafana stops the plugin through Shutdown or SIGTERM'));
  process.once('SIGTERM', () => stop('SIGTERM'));

  if (stdinIsLivenessChannel()) {
    process.stdin.on('data', () => {});
    process.stdin.once('end', () => stop('stdin closed'));
    process.stdin.once('error', () => stop('stdin failed'));
  }

  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) stop(`parent process ${parent} is gone`);
  }, PARENT_CHECK_MS);
  timer.unref();
}
