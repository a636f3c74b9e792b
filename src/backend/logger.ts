import { performance } from 'node:perf_hooks';
import { DEFAULT_LOG_LEVEL, LOG_LEVEL_ENV, PLUGIN_ID } from './config';

/**
 * hclog JSON lines on stderr, the format go-plugin parses: Grafana re-logs each line at its
 * @level with the other keys as fields. @timestamp needs 6 fraction digits; with 3 Grafana
 * treats the line as raw text.
 */

export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type Level = (typeof LEVELS)[number];
export type LogFields = Record<string, unknown>;

export interface Logger {
  readonly level: Level;
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const ALIASES: Record<string, Level> = { warning: 'warn', crit: 'error', critical: 'error', fatal: 'error' };

/** The level named by the first set variable of LOG_LEVEL_ENV; unknown names fall back to info. */
export function levelFromEnv(env: NodeJS.ProcessEnv): Level {
  for (const name of LOG_LEVEL_ENV) {
    const raw = env[name]?.trim().toLowerCase();
    if (!raw) continue;
    if ((LEVELS as readonly string[]).includes(raw)) return raw as Level;
    if (ALIASES[raw]) return ALIASES[raw];
  }
  return DEFAULT_LOG_LEVEL;
}

/** "2006-01-02T15:04:05.000000Z": microseconds from the high-resolution clock. */
export function hclogTimestamp(epochMicros = Math.floor((performance.timeOrigin + performance.now()) * 1000)): string {
  const ms = Math.floor(epochMicros / 1000);
  const micros = String(epochMicros % 1000).padStart(3, '0');
  return new Date(ms).toISOString().replace(/Z$/, `${micros}Z`);
}

function plain(value: unknown): unknown {
  if (value instanceof Error) return value.message;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

export function createLogger(level: Level = DEFAULT_LOG_LEVEL, write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const min = LEVELS.indexOf(level);
  const emit = (at: Level) => (message: string, fields: LogFields = {}) => {
    if (LEVELS.indexOf(at) < min) return;
    const entry: LogFields = { '@level': at, '@message': message, '@timestamp': hclogTimestamp(), '@module': PLUGIN_ID };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && !(k in entry)) entry[k] = plain(v);
    write(`${JSON.stringify(entry)}\n`);
  };
  return { level, trace: emit('trace'), debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
