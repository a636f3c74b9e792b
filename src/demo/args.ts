import { parseArgs } from 'node:util';
import { parseTimestamp } from '../kpi/events';

/** Command line of the demo shop (`npm run demo -- ...`). Every default is here. */

export const DEMO_DEFAULTS = {
  events: 10_000,
  days: 30,
  seed: 1,
  batch: 5_000,
  concurrency: 4,
  /** Live events per second, averaged over a week. */
  rate: 20,
} as const;

/** The service's default limit of events per request. */
const MAX_BATCH = 10_000;

export interface DemoCliOptions {
  seed: number;
  events: number;
  days: number;
  /** Epoch ms, exclusive end of the generated data. */
  end: number;
  incidents: boolean;
  /** NDJSON output file; "-" is stdout. */
  out?: string;
  /** KPI service base URL; events go to `<url>/v1/events`. */
  url?: string;
  key?: string;
  batch: number;
  concurrency: number;
  live: boolean;
  rate: number;
}

export type DemoArgsResult =
  | { kind: 'run'; options: DemoCliOptions }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export const DEMO_USAGE = `Usage: npm run demo -- [options]

Deterministic demo-shop traffic, written as NDJSON or sent to a KPI service.

  --events <n>         events to generate (default ${DEMO_DEFAULTS.events})
  --days <n>           days of data before --end (default ${DEMO_DEFAULTS.days})
  --seed <n>           seed; the same options give the same events (default ${DEMO_DEFAULTS.seed})
  --end <time>         exclusive end, RFC 3339 or epoch ms (default: now, to the minute)
  --no-incidents       leave out the scripted payment outage, search failure and traffic spike
  --out <file>         write NDJSON to a file ("-" for stdout; the default without --url)
  --url <url>          send to a KPI service, e.g. http://127.0.0.1:8787
  --key <key>          ingest key (default: $SHOPMON_INGEST_KEY)
  --batch <n>          events per request, 1-${MAX_BATCH} (default ${DEMO_DEFAULTS.batch})
  --concurrency <n>    requests in flight, 1-64 (default ${DEMO_DEFAULTS.concurrency})
  --live               keep sending events with ts = now until Ctrl-C
  --rate <n>           live events per second, averaged over the day (default ${DEMO_DEFAULTS.rate})
  -h, --help           show this help
`;

const OPTIONS = {
  events: { type: 'string' },
  days: { type: 'string' },
  seed: { type: 'string' },
  end: { type: 'string' },
  'no-incidents': { type: 'boolean' },
  out: { type: 'string' },
  url: { type: 'string' },
  key: { type: 'string' },
  batch: { type: 'string' },
  concurrency: { type: 'string' },
  live: { type: 'boolean' },
  rate: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

class ArgumentError extends Error {}

/** A number as people type it: 10000000, 10_000_000, 10,000,000 or 1e7. */
function toNumber(name: string, text: string): number {
  const value = /^[-+]?[\d_,]*\.?\d+(e\d+)?$/i.test(text.trim()) ? Number(text.trim().replace(/[_,]/g, '')) : NaN;
  if (!Number.isFinite(value)) throw new ArgumentError(`--${name} must be a number, got "${text}"`);
  return value;
}

function integer(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = toNumber(name, text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ArgumentError(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = toNumber(name, text);
  if (!(value > 0)) throw new ArgumentError(`--${name} must be greater than 0, got "${text}"`);
  return value;
}

function endTime(text: string | undefined, now: number): number {
  if (text === undefined) return Math.floor(now / 60_000) * 60_000;
  const parsed = parseTimestamp(/^\d+$/.test(text) ? Number(text) : text, 'end');
  if (typeof parsed !== 'number') throw new ArgumentError(`--end ${parsed.message}`);
  return parsed;
}

function serviceUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ArgumentError(`--url must be an http(s) URL such as http://127.0.0.1:8787, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ArgumentError(`--url must use http or https, got "${url.protocol}"`);
  }
  return text.replace(/\/+$/, '');
}

/** Parses the demo's arguments; errors are values with a message for the user. */
export function parseDemoArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}, now = Date.now()): DemoArgsResult {
  try {
    const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
    if (values.help) return { kind: 'help' };
    const live = values.live === true;
    if (live) {
      const batchOnly = (['events', 'days', 'end', 'no-incidents'] as const).filter((k) => values[k] !== undefined);
      if (batchOnly.length > 0) {
        throw new ArgumentError(`--${batchOnly[0]} does not apply to --live, which sends events with ts = now until stopped`);
      }
    } else if (values.rate !== undefined) {
      throw new ArgumentError('--rate applies to --live only');
    }
    const url = values.url === undefined ? undefined : serviceUrl(values.url);
    const key = values.key ?? (env.SHOPMON_INGEST_KEY || undefined);
    if (url !== undefined && key === undefined) {
      throw new ArgumentError('--url needs an ingest key: pass --key or set SHOPMON_INGEST_KEY');
    }
    if (values.key !== undefined && url === undefined) throw new ArgumentError('--key needs --url');
    if (values.out === '') throw new ArgumentError('--out needs a file name ("-" for stdout)');
    const options: DemoCliOptions = {
      seed: integer('seed', values.seed, DEMO_DEFAULTS.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
      events: integer('events', values.events, DEMO_DEFAULTS.events, 0, 1e12),
      days: positive('days', values.days, DEMO_DEFAULTS.days),
      end: endTime(values.end, now),
      incidents: values['no-incidents'] !== true,
      out: values.out ?? (url === undefined ? '-' : undefined),
      url,
      key,
      batch: integer('batch', values.batch, DEMO_DEFAULTS.batch, 1, MAX_BATCH),
      concurrency: integer('concurrency', values.concurrency, DEMO_DEFAULTS.concurrency, 1, 64),
      live,
      rate: positive('rate', values.rate, DEMO_DEFAULTS.rate),
    };
    if (options.days > 3650) throw new ArgumentError(`--days must be at most 3650, got ${options.days}`);
    return { kind: 'run', options };
  } catch (err) {
    if (err instanceof ArgumentError) return { kind: 'error', message: err.message };
    // node:util's own errors; checked by code since they may come from another realm (jest's vm).
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      return { kind: 'error', message: (err as Error).message };
    }
    throw err;
  }
}
