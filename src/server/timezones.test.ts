import { startTestServer, type TestServer } from './testServer';
import { STORES, stopSharedClickhouse, storeEnv } from './testStores';

/**
 * Buckets in time zones with DST changes and half-hour offsets, on both stores. The check is
 * independent of the service's time math: every bucket start must be a local boundary (read
 * back with Intl), and every bucket must hold exactly the events between its start and the next.
 */

const FROM = Date.parse('2026-09-20T00:00:00Z');
const TO = Date.parse('2026-11-20T00:00:00Z');
// One event every 47 minutes: crosses every boundary, never lines up with one for long.
const TIMES = Array.from({ length: Math.floor((TO - FROM) / (47 * 60_000)) }, (_, i) => FROM + 13 * 60_000 + i * 47 * 60_000);

function localParts(t: number, zone: string): Record<string, string> {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return Object.fromEntries(f.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
}

/** The zone's UTC offset at t, as Intl names it ("GMT-05:00"). */
const offsetName = (t: number, zone: string) =>
  new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(new Date(t)).find((p) => p.type === 'timeZoneName')!.value;

const BOUNDARY: Record<string, (p: Record<string, string>) => boolean> = {
  '1h': (p) => p.minute === '00' && p.second === '00',
  '3h': (p) => Number(p.hour) % 3 === 0 && p.minute === '00' && p.second === '00',
  '1d': (p) => p.hour === '00' && p.minute === '00',
  '1w': (p) => p.weekday === 'Mon' && p.hour === '00' && p.minute === '00',
  '1M': (p) => p.day === '01' && p.hour === '00' && p.minute === '00',
};

afterAll(() => stopSharedClickhouse());

describe.each(STORES)('time zone buckets (%s store)', (store) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ SHOPMON_RETENTION_DAYS: '3650', ...(await storeEnv(store)) });
    const events = TIMES.map((ts, i) => ({ event_id: `tz-${i}`, type: 'page_view', visitor_id: `v${i % 97}`, ts, channel: 'web' }));
    for (let i = 0; i < events.length; i += 1000) expect((await s.post('/v1/events', events.slice(i, i + 1000))).body.accepted).toBe(Math.min(1000, events.length - i));
  });
  afterAll(() => s.cleanup());

  // New York and Lord Howe (a 30-minute DST shift) change offset in the range; Kolkata is +05:30.
  const cases = ['America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'].flatMap((zone) => Object.keys(BOUNDARY).map((interval) => [zone, interval] as const));

  it.each(cases)('%s, %s: starts on local boundaries and holds the events up to the next start', async (zone, interval) => {
    const r = await s.post('/v1/query', { metric: 'page_views', from: FROM, to: TO, interval, timezone: zone });
    expect(r.status).toBe(200);
    const points: Array<[number, number]> = r.body.series[0].points;
    expect(points.length).toBeGreaterThan(1);
    points.forEach(([t], i) => {
      // A bucket cut by a DST transition starts at the transition itself.
      const transition = offsetName(t - 1, zone) !== offsetName(t, zone);
      expect({ t: new Date(t).toISOString(), boundary: transition || BOUNDARY[interval]!(localParts(t, zone)) }).toEqual({ t: new Date(t).toISOString(), boundary: true });
      if (i > 0) expect(t).toBeGreaterThan(points[i - 1]![0]);
    });
    points.forEach(([t, v], i) => {
      const start = Math.max(t, FROM);
      const end = Math.min(points[i + 1]?.[0] ?? TO, TO);
      expect({ t: new Date(t).toISOString(), v }).toEqual({ t: new Date(t).toISOString(), v: TIMES.filter((x) => x >= start && x < end).length });
    });
    expect(r.body.series[0].total).toBe(TIMES.length);
  });
});
