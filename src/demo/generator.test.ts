import { validateEvent } from '../kpi/events';
import { generateEvents, incidentsFor, type DemoEvent, type GenerateOptions, type Incident } from './generator';
import { paymentFailure } from './payments';
import { Random } from './random';
import { DAY, HOUR } from './seasonality';

// 2026-03-11 00:00 Asia/Seoul; three days before it start on a Sunday.
const END = Date.UTC(2026, 2, 10, 15, 0);
const BASE: GenerateOptions = { seed: 7, events: 50_000, days: 7, end: END };
/** Enough traffic per hour to see one-hour incidents clearly. */
const INCIDENT_RUN: GenerateOptions = { seed: 1, events: 200_000, days: 3, end: END };

const collect = (opts: GenerateOptions): DemoEvent[] => [...generateEvents(opts)];
const base = collect(BASE);
const incidentRun = collect(INCIDENT_RUN);

const ENVELOPE = [
  'event_id', 'type', 'ts', 'visitor_id', 'session_id', 'user_id',
  'channel', 'device', 'platform', 'region', 'page_type', 'category', 'product_id',
];
/** Own fields by type (DESIGN "Event ingest"); optional ones in the second list. */
const OWN: Record<DemoEvent['type'], [required: string[], optional: string[]]> = {
  page_view: [['url', 'tti_ms', 'load_ms'], ['referrer']],
  impression: [['product_id', 'position'], []],
  product_view: [['product_id'], []],
  // Money always names its currency, add_to_cart's amount too.
  add_to_cart: [['quantity', 'amount', 'currency'], []],
  search: [['query', 'results'], []],
  order: [['order_id', 'amount', 'currency'], []],
  payment: [['order_id', 'status', 'method', 'amount', 'currency'], ['failure_reason']],
  refund: [['order_id', 'amount', 'currency'], []],
  signup: [[], []],
  withdrawal: [[], []],
  product_listed: [['product_id', 'seller_id'], []],
};
const NUMERIC = new Set(['ts', 'tti_ms', 'load_ms', 'position', 'quantity', 'amount', 'results']);

const serialize = (events: readonly DemoEvent[]): string => events.map((e) => JSON.stringify(e)).join('\n');

const countBy = (events: readonly DemoEvent[], key: (e: DemoEvent) => string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(key(e), (counts.get(key(e)) ?? 0) + 1);
  return counts;
};
const within = (e: DemoEvent, w: { start: number; end: number }): boolean => e.ts >= w.start && e.ts < w.end;
const incident = (name: string): Incident => incidentsFor(INCIDENT_RUN).find((i) => i.name === name)!;

describe('generateEvents', () => {
  it('is deterministic: the same options give the same events', () => {
    const small = { ...BASE, events: 20_000 };
    const first = collect(small);
    const again = collect(small);
    expect(again.length).toBe(first.length);
    expect(again.slice(0, 1000)).toEqual(first.slice(0, 1000));
    expect(countBy(again, (e) => e.type)).toEqual(countBy(first, (e) => e.type));
    expect(serialize(again) === serialize(first)).toBe(true);
  });

  it('gives different events for a different seed', () => {
    const small = { ...BASE, events: 3000 };
    const key = (events: DemoEvent[]): string[] => events.slice(0, 200).map((e) => `${e.ts} ${e.visitor_id}`);
    expect(key(collect({ ...small, seed: 8 }))).not.toEqual(key(collect(small)));
    expect(key(collect(small))).toEqual(key(collect(small)));
  });

  it.each([
    [{ seed: 1, events: 1_000, days: 1, end: END }],
    [{ seed: 2, events: 20_000, days: 0.25, end: END + 12_345 }],
    [{ seed: 3, events: 30_000, days: 30, end: END, incidents: false }],
    [BASE],
  ])('makes the requested number of events within 1%: %o', (opts) => {
    const n = opts === BASE ? base.length : collect(opts).length;
    expect(Math.abs(n - opts.events)).toBeLessThanOrEqual(Math.max(20, opts.events * 0.01));
  });

  it('makes nothing for 0 events and rejects bad options', () => {
    expect(collect({ ...BASE, events: 0 })).toEqual([]);
    expect(() => collect({ ...BASE, days: 0 })).toThrow(/days/);
    expect(() => collect({ ...BASE, events: 1.5 })).toThrow(/events/);
  });

  it('streams: the first events of a 10M-event month come at once', () => {
    const started = performance.now();
    const it = generateEvents({ seed: 1, events: 10_000_000, days: 30, end: END });
    for (let i = 0; i < 1000; i++) it.next();
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('yields events in time order inside [end - days, end) with sequential ids', () => {
    const start = END - BASE.days * DAY;
    base.forEach((e, i) => {
      if (e.ts < start || e.ts >= END || !Number.isInteger(e.ts)) throw new Error(`event ${i} at ${e.ts} is out of range`);
      if (i > 0 && e.ts < base[i - 1]!.ts) throw new Error(`event ${i} goes back in time`);
      if (e.event_id !== `d7-${i}`) throw new Error(`event ${i} has id ${e.event_id}`);
    });
    // The range is used from its first hours to its last.
    expect(base[0]!.ts - start).toBeLessThan(HOUR);
    expect(END - base.at(-1)!.ts).toBeLessThan(HOUR);
  });

  it('puts on each event the fields of its type and of no other type', () => {
    const problems: string[] = [];
    const incidentEvents = incidentRun.filter((e) => e.type === 'payment' || e.type === 'search' || e.type === 'refund');
    for (const e of [...base, ...incidentEvents]) {
      const [required, optional] = OWN[e.type];
      const record = e as unknown as Record<string, unknown>;
      for (const field of ['event_id', 'type', 'ts', 'visitor_id', 'channel', 'device', 'platform', 'region', ...required]) {
        if (record[field] === undefined) problems.push(`${e.event_id} (${e.type}) lacks ${field}`);
      }
      for (const [field, value] of Object.entries(record)) {
        if (!ENVELOPE.includes(field) && !required.includes(field) && !optional.includes(field)) {
          problems.push(`${e.event_id} (${e.type}) has ${field}`);
        }
        if (typeof value !== (NUMERIC.has(field) ? 'number' : 'string')) problems.push(`${e.event_id}: ${field} type`);
      }
      if ('amount' in e && (!Number.isInteger(e.amount) || e.amount <= 0 || e.currency !== 'KRW')) {
        problems.push(`${e.event_id}: amount ${e.amount} ${e.currency}`);
      }
      if (e.type === 'payment' && (e.status === 'failed') !== (e.failure_reason !== undefined)) {
        problems.push(`${e.event_id}: status ${e.status} with failure_reason ${e.failure_reason}`);
      }
      if (e.type !== 'refund' && e.type !== 'product_listed' && e.session_id === undefined) {
        problems.push(`${e.event_id} (${e.type}) has no session_id`);
      }
      if (problems.length > 10) break;
    }
    expect(problems).toEqual([]);
  });

  it('passes the ingest validation of src/kpi', () => {
    const ctx = { now: END, retentionDays: 400, currency: 'KRW', rates: new Map([['KRW', 1]]) };
    const failures = base
      .map((e, index) => ({ index, result: validateEvent(e, ctx) }))
      .filter(({ result }) => !result.ok)
      .slice(0, 5);
    expect(failures).toEqual([]);
  });

  it('follows the funnel with plausible drop-offs', () => {
    const reached = new Map<string, Set<string>>();
    for (const e of base) {
      if (e.session_id === undefined) continue;
      const sessions = reached.get(e.type) ?? new Set<string>();
      sessions.add(e.session_id);
      reached.set(e.type, sessions);
    }
    const visits = reached.get('page_view')!.size;
    const share = (type: string): number => (reached.get(type)?.size ?? 0) / visits;
    expect(share('product_view')).toBeGreaterThan(0.3);
    expect(share('product_view')).toBeLessThan(0.5);
    expect(share('add_to_cart')).toBeGreaterThan(0.08);
    expect(share('add_to_cart')).toBeLessThan(0.16);
    expect(share('order')).toBeGreaterThan(0.02);
    expect(share('order')).toBeLessThan(0.05);
    const types = countBy(base, (e) => e.type);
    const ctr = types.get('product_view')! / types.get('impression')!;
    expect(ctr).toBeGreaterThan(0.05);
    expect(ctr).toBeLessThan(0.25);
    const payments = base.filter((e) => e.type === 'payment');
    const succeeded = payments.filter((p) => p.status === 'succeeded').length / payments.length;
    expect(succeeded).toBeGreaterThan(0.92);
    expect(succeeded).toBeLessThan(0.98);
    expect(new Set(payments.map((p) => p.method))).toEqual(new Set(['card', 'bank_transfer', 'kakaopay', 'naverpay', 'phone']));
    const failure = incidentsFor(BASE).find((i) => i.name === 'search_index_failure')!;
    const searches = base.filter((e) => e.type === 'search' && !within(e, failure));
    const zero = searches.filter((s) => s.type === 'search' && s.results === 0).length / searches.length;
    expect(zero).toBeGreaterThan(0.04);
    expect(zero).toBeLessThan(0.09);
    for (const type of ['signup', 'withdrawal', 'product_listed']) expect(types.get(type)).toBeGreaterThan(0);
  });

  it('has returning visitors, logged-in users and skewed product popularity', () => {
    const days = new Map<string, Set<number>>();
    for (const e of base) {
      const seen = days.get(e.visitor_id) ?? new Set<number>();
      seen.add(Math.floor(e.ts / DAY));
      days.set(e.visitor_id, seen);
    }
    const returning = [...days.values()].filter((d) => d.size >= 2).length;
    expect(returning / days.size).toBeGreaterThan(0.1);
    expect(base.some((e) => e.user_id !== undefined)).toBe(true);
    const views = [...countBy(base.filter((e) => e.type === 'product_view'), (e) => e.product_id!).values()];
    views.sort((a, b) => b - a);
    const top = views.slice(0, Math.ceil(views.length / 10)).reduce((a, b) => a + b, 0);
    expect(top / views.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.3);
  });

  it('keeps each visitor on one device, platform and region; apps run on phones and tablets', () => {
    const seen = new Map<string, string>();
    const problems: string[] = [];
    for (const e of base) {
      if (e.type === 'product_listed') continue;
      const profile = `${e.device}/${e.platform}/${e.region}`;
      if ((seen.get(e.visitor_id) ?? profile) !== profile) problems.push(`${e.visitor_id}: ${profile}`);
      seen.set(e.visitor_id, profile);
      if (e.platform !== 'web' && e.device === 'desktop') problems.push(`${e.event_id}: desktop ${e.platform}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(new Set(base.map((e) => e.channel))).toEqual(
      new Set(['organic', 'paid_search', 'social', 'email', 'direct', 'app_push']),
    );
  });

  it('follows the Seoul day: evening peak, night low', () => {
    const byHour = countBy(base, (e) => String(Math.floor(((e.ts + 9 * HOUR) % DAY) / HOUR)));
    expect(byHour.get('21')!).toBeGreaterThan(5 * byHour.get('4')!);
  });

  it('refers payments and refunds to earlier orders', () => {
    const orders = new Map<string, number>();
    let refunds = 0;
    for (const e of [...base, ...incidentRun]) {
      if (e.type === 'order') {
        expect(orders.has(e.order_id)).toBe(false);
        orders.set(e.order_id, e.amount);
      } else if (e.type === 'payment' || e.type === 'refund') {
        expect(orders.has(e.order_id)).toBe(true);
        expect(e.amount).toBeLessThanOrEqual(orders.get(e.order_id)!);
        if (e.type === 'refund') refunds++;
      }
    }
    expect(refunds).toBeGreaterThan(0);
  });
});

describe('incidents', () => {
  it('fall inside the range with their durations, and can be left out', () => {
    const list = incidentsFor(INCIDENT_RUN);
    expect(list.map((i) => [i.name, i.end - i.start])).toEqual([
      ['search_index_failure', HOUR],
      ['payment_outage', HOUR],
      ['traffic_spike', 2 * HOUR],
    ]);
    for (const short of [INCIDENT_RUN, { ...INCIDENT_RUN, days: 0.5 }, { ...INCIDENT_RUN, days: 90 }]) {
      for (const i of incidentsFor(short)) {
        expect(i.start).toBeGreaterThanOrEqual(short.end - short.days * DAY);
        expect(i.end).toBeLessThanOrEqual(short.end);
      }
    }
    expect(incidentsFor({ ...INCIDENT_RUN, incidents: false })).toEqual([]);
  });

  it('show a card payment outage', () => {
    const outage = incident('payment_outage');
    const payments = incidentRun.filter((e) => e.type === 'payment');
    const rate = (list: typeof payments): number => list.filter((p) => p.status === 'failed').length / list.length;
    const inside = payments.filter((p) => within(p, outage));
    const outside = payments.filter((p) => !within(p, outage));
    expect(rate(inside)).toBeGreaterThan(3 * rate(outside));
    expect(rate(inside.filter((p) => p.method === 'card'))).toBeGreaterThan(0.4);
    expect(rate(outside.filter((p) => p.method === 'card'))).toBeLessThan(0.15);
    const timeouts = inside.filter((p) => p.failure_reason === 'gateway_timeout');
    expect(timeouts.length).toBeGreaterThanOrEqual(3);
    expect(timeouts.every((p) => p.method === 'card')).toBe(true);
  });

  it('fail most card payments during an outage, few otherwise', () => {
    const rng = new Random(1);
    const failures = (method: number, outage: boolean): number => {
      let failed = 0;
      for (let i = 0; i < 20_000; i++) if (paymentFailure(rng, method, outage) !== null) failed++;
      return failed / 20_000;
    };
    expect(failures(0, true)).toBeGreaterThan(0.68);
    expect(failures(0, false)).toBeLessThan(0.08);
    expect(failures(2, true)).toBeLessThan(0.05);
  });

  it('show a search index failure', () => {
    const failure = incident('search_index_failure');
    const searches = incidentRun.filter((e) => e.type === 'search');
    const zeroRate = (list: typeof searches): number => list.filter((s) => s.results === 0).length / list.length;
    expect(zeroRate(searches.filter((s) => within(s, failure)))).toBeGreaterThan(0.8);
    expect(zeroRate(searches.filter((s) => !within(s, failure)))).toBeLessThan(0.1);
  });

  it('show a social traffic spike that hardly converts', () => {
    const spike = incident('traffic_spike');
    const sameTimeBefore = (e: DemoEvent): boolean =>
      within(e, { start: spike.start - DAY, end: spike.end - DAY }) ||
      within(e, { start: spike.start - 2 * DAY, end: spike.end - 2 * DAY });
    const firstEvents = new Map<string, DemoEvent>();
    const ordered = new Set<string>();
    for (const e of incidentRun) {
      if (e.session_id === undefined) continue;
      if (!firstEvents.has(e.session_id)) firstEvents.set(e.session_id, e);
      if (e.type === 'order') ordered.add(e.session_id);
    }
    const social = [...firstEvents.values()].filter((e) => e.channel === 'social');
    const during = social.filter((e) => within(e, spike));
    const usual = social.filter(sameTimeBefore).length / 2;
    expect(during.length / usual).toBeGreaterThan(2);
    expect(during.length / usual).toBeLessThan(5);
    const conversion = (list: DemoEvent[]): number => list.filter((e) => ordered.has(e.session_id!)).length / list.length;
    const usualVisits = [...firstEvents.values()].filter((e) => !within(e, spike));
    expect(conversion(during)).toBeLessThan(0.5 * conversion(usualVisits));
  });
});
