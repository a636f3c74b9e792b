import { buildCatalog } from '../kpi/catalog';
import { FUNNEL_STEPS } from '../kpi/vocabulary';
import { generateEvents, type DemoEvent } from '../demo/generator';
import { Random } from '../demo/random';
import { startTestServer, type TestServer } from './testServer';
import { stopSharedClickhouse, storeEnv } from './testStores';

/**
 * The two stores side by side: the same demo-shop events in both, then a few hundred queries
 * drawn at random (seeded) over metrics, filters of every operator, group-by, intervals, time
 * zones, comparisons, limits and funnels; every answer must be the same. The golden suites check
 * both stores against references; this one reaches the combinations they do not list.
 */

const END = Date.parse('2026-11-20T15:00:00Z');
const DAYS = 4;
const catalog = buildCatalog('KRW');
const ZONES = ['Asia/Seoul', 'UTC', 'America/New_York', 'Asia/Kolkata', 'Europe/Berlin'];
const INTERVALS = ['15m', '30m', '1h', '3h', '1d', '1w'];
const OPS = ['eq', 'neq', 'in', 'not_in', 'contains', 'not_contains', 'regex', 'not_regex'] as const;

let events: DemoEvent[] = [];
const servers: Record<'duckdb' | 'clickhouse', TestServer | null> = { duckdb: null, clickhouse: null };

beforeAll(async () => {
  events = [...generateEvents({ seed: 11, events: 12_000, days: DAYS, end: END })];
  for (const store of ['duckdb', 'clickhouse'] as const) {
    const s = await startTestServer({ SHOPMON_RETENTION_DAYS: '3650', ...(await storeEnv(store)) });
    servers[store] = s;
    for (let i = 0; i < events.length; i += 5000) {
      const r = await s.post('/v1/events', events.slice(i, i + 5000));
      expect(r.body.rejected).toEqual([]);
    }
  }
});

afterAll(async () => {
  for (const s of Object.values(servers)) await s?.cleanup();
  await stopSharedClickhouse();
});

/** Values seen for a dimension, to build filters that match something. */
function valuesOf(dimension: string): string[] {
  const seen = new Set<string>();
  for (const e of events) {
    const v = (e as unknown as Record<string, unknown>)[dimension];
    if (typeof v === 'string' && v !== '') seen.add(v);
  }
  return [...seen].sort();
}

function randomFilter(rng: Random, dims: string[]) {
  const dimension = rng.pick(dims);
  const values = valuesOf(dimension);
  const op = rng.pick([...OPS]);
  const some = values.length ? values.filter(() => rng.chance(0.4)).slice(0, 3) : ['none'];
  const one = values.length ? rng.pick(values) : 'none';
  switch (op) {
    case 'contains':
    case 'not_contains':
      return { dimension, op, values: [one.slice(0, 2)] };
    case 'regex':
    case 'not_regex':
      return { dimension, op, values: [`${one.slice(0, 1)}.*`] };
    case 'in':
    case 'not_in':
      return { dimension, op, values: some.length ? some : [one] };
    default:
      return { dimension, op, values: [one] };
  }
}

function randomQuery(rng: Random): Record<string, unknown> {
  const metric = rng.pick(catalog.metrics.filter((m) => !m.name.startsWith('__')));
  const from = END - Math.floor(rng.next() * (DAYS - 1) * 86_400_000) - 3_600_000;
  const to = Math.min(END, from + Math.floor(rng.next() * 3 * 86_400_000) + 600_000);
  const body: Record<string, unknown> = {
    metric: metric.name,
    from,
    to,
    interval: rng.pick(INTERVALS),
    timezone: rng.pick(ZONES),
    format: rng.pick(['timeseries', 'total', 'timeseries']),
  };
  if (rng.chance(0.6)) body.filters = [randomFilter(rng, metric.dimensions)];
  if (rng.chance(0.5)) body.group_by = [rng.pick(metric.dimensions)];
  if (rng.chance(0.3)) body.compare = rng.pick(['previous_period', '1d']);
  if (body.group_by && rng.chance(0.4)) Object.assign(body, { limit: 2, other: rng.chance(0.5) });
  return body;
}

function randomFunnel(rng: Random): Record<string, unknown> {
  const steps = FUNNEL_STEPS.filter(() => rng.chance(0.7));
  const from = END - Math.floor(rng.next() * DAYS * 86_400_000);
  return {
    steps: steps.length ? steps : ['visit', 'order'],
    from,
    to: Math.min(END, from + Math.floor(rng.next() * 2 * 86_400_000) + 3_600_000),
    ...(rng.chance(0.4) ? { window: rng.pick(['30m', '1h', '1d']) } : {}),
    ...(rng.chance(0.4) ? { group_by: [rng.pick(['channel', 'device', 'platform'])] } : {}),
    ...(rng.chance(0.3) ? { filters: [randomFilter(rng, ['channel', 'device', 'region'])] } : {}),
  };
}

/** Numbers rounded to 9 significant digits: the stores sum floating point in different orders. */
const normalize = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v));

const queries = Array.from({ length: 150 }, (_, i) => [i, randomQuery(new Random(1000 + i))] as const);
const funnels = Array.from({ length: 30 }, (_, i) => [i, randomFunnel(new Random(5000 + i))] as const);

it('loaded the same events into both stores', async () => {
  expect(await servers.duckdb!.svc.store.countEvents()).toBe(events.length);
  expect(await servers.clickhouse!.svc.store.countEvents()).toBe(events.length);
});

it.each(queries)('query %i answers the same on DuckDB and ClickHouse', async (_i, body) => {
  const [a, b] = await Promise.all([servers.duckdb!.post('/v1/query', body), servers.clickhouse!.post('/v1/query', body)]);
  expect({ body, status: b.status }).toEqual({ body, status: a.status });
  expect(normalize(b.body)).toEqual(normalize(a.body));
});

it.each(funnels)('funnel %i answers the same on DuckDB and ClickHouse', async (_i, body) => {
  const [a, b] = await Promise.all([servers.duckdb!.post('/v1/funnel', body), servers.clickhouse!.post('/v1/funnel', body)]);
  expect({ body, status: b.status }).toEqual({ body, status: a.status });
  expect(normalize(b.body)).toEqual(normalize(a.body));
});
