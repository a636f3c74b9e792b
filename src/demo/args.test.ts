import { DEMO_DEFAULTS, parseDemoArgs, type DemoArgsResult } from './args';

const NOW = Date.UTC(2026, 2, 10, 15, 4, 31, 500);

function options(result: DemoArgsResult) {
  if (result.kind !== 'run') throw new Error(`expected options, got ${JSON.stringify(result)}`);
  return result.options;
}

function error(result: DemoArgsResult): string {
  if (result.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return result.message;
}

describe('parseDemoArgs', () => {
  it('has defaults that write NDJSON to stdout, ending now to the minute', () => {
    expect(options(parseDemoArgs([], {}, NOW))).toEqual({
      seed: DEMO_DEFAULTS.seed,
      events: DEMO_DEFAULTS.events,
      days: DEMO_DEFAULTS.days,
      end: Date.UTC(2026, 2, 10, 15, 4),
      incidents: true,
      out: '-',
      url: undefined,
      key: undefined,
      batch: DEMO_DEFAULTS.batch,
      concurrency: DEMO_DEFAULTS.concurrency,
      live: false,
      rate: DEMO_DEFAULTS.rate,
    });
  });

  it('reads the batch options', () => {
    const o = options(
      parseDemoArgs(
        ['--events', '10_000_000', '--days', '30', '--seed', '42', '--end', '2026-03-01T00:00:00+09:00', '--out', 'x.ndjson',
          '--no-incidents', '--url', 'http://127.0.0.1:8787/', '--key', 'k1', '--batch', '2000', '--concurrency', '8'],
        {},
        NOW,
      ),
    );
    expect(o).toMatchObject({
      events: 10_000_000,
      days: 30,
      seed: 42,
      end: Date.UTC(2026, 1, 28, 15, 0),
      out: 'x.ndjson',
      incidents: false,
      url: 'http://127.0.0.1:8787',
      key: 'k1',
      batch: 2000,
      concurrency: 8,
    });
    expect(options(parseDemoArgs(['--events', '1e6', '--end', '1772000000000'], {}, NOW))).toMatchObject({
      events: 1_000_000,
      end: 1_772_000_000_000,
    });
  });

  it('takes the key from SHOPMON_INGEST_KEY and sends without writing stdout', () => {
    const o = options(parseDemoArgs(['--url', 'http://localhost:8787'], { SHOPMON_INGEST_KEY: 'env-key' }, NOW));
    expect(o.key).toBe('env-key');
    expect(o.out).toBeUndefined();
  });

  it('reads live options', () => {
    expect(options(parseDemoArgs(['--live', '--rate', '50', '--seed', '2'], {}, NOW))).toMatchObject({ live: true, rate: 50, seed: 2 });
  });

  it.each([
    [['--events', 'many'], /--events must be a number/],
    [['--events', '1.5'], /--events must be a whole number/],
    [['--days', '0'], /--days must be greater than 0/],
    [['--batch', '20000'], /--batch must be a whole number from 1 to 10000/],
    [['--concurrency', '0'], /--concurrency/],
    [['--end', 'yesterday'], /--end must be RFC 3339/],
    [['--url', 'http://localhost:8787'], /--url needs an ingest key/],
    [['--url', 'localhost:8787', '--key', 'k'], /--url must use http or https/],
    [['--url', 'not a url', '--key', 'k'], /--url must be an http\(s\) URL/],
    [['--key', 'k'], /--key needs --url/],
    [['--rate', '5'], /--rate applies to --live only/],
    [['--live', '--events', '5'], /--events does not apply to --live/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['positional'], /positional/i],
  ])('rejects %j', (argv, message) => {
    expect(error(parseDemoArgs(argv, {}, NOW))).toMatch(message);
  });

  it('asks for help', () => {
    expect(parseDemoArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseDemoArgs(['-h'])).toEqual({ kind: 'help' });
  });
});
