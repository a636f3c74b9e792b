import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildCatalog } from '../../kpi/catalog';
import { resolveQuery } from '../../kpi/query';
import type { EventType } from '../../kpi/vocabulary';
import { runQuery } from '../query/engine';
import type { FunnelPlan } from '../query/plan';
import { MIGRATIONS, openDuckdbStore } from './duckdbStore';
import type { EventStore, StoredEvent } from './types';
import { seededRandom as rng } from '../testRandom';

/**
 * The DuckDB store's rollups (slot_totals, slot_counts, integer visitor ids, slot_visitors, the
 * slot_timings histograms) against the raw events and against plain references written here:
 * after ingest in batches, a late first order, a reopen, a prune, and a migration of an old store.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2026-11-20T15:00:00Z');
const END = START + 2 * DAY;
const catalog = buildCatalog('KRW');

let seq = 0;
function ev(type: EventType, ts: number, visitor: string, extra: Partial<StoredEvent> = {}): StoredEvent {
  seq++;
  return {
    event_id: `r-${seq}`,
    type,
    ts,
    visitor_id: visitor,
    session_id: `${visitor}-s`,
    user_id: null,
    channel: 'organic',
    device: 'mobile',
    platform: 'web',
    region: 'seoul',
    page_type: '',
    category: '',
    product_id: '',
    url: null,
    referrer: null,
    tti_ms: null,
    load_ms: null,
    position: null,
    quantity: null,
    amount: null,
    currency: null,
    query: null,
    results: null,
    order_id: null,
    status: null,
    method: '',
    failure_reason: '',
    seller_id: '',
    props: null,
    key: { hi: seq, lo: seq * 7 },
    received: ts,
    first_order: false,
    ...extra,
  };
}

/** Random traffic: timings with repeated and fractional values, orders, payments, searches. */
function traffic(seed: number, visitors: number): StoredEvent[] {
  const r = rng(seed);
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const out: StoredEvent[] = [];
  for (let v = 0; v < visitors; v++) {
    const visitor = `visitor-${seed}-${v}`;
    const dims = { channel: pick(['organic', 'paid', 'app']), device: pick(['mobile', 'desktop']), region: pick(['seoul', 'busan']) };
    let t = START - HOUR + Math.floor(r() * (2 * DAY + 2 * HOUR));
    const step = () => (t += 1 + Math.floor(r() * 600_000));
    for (let i = 0; i < 1 + Math.floor(r() * 5); i++) {
      const tti = r() < 0.5 ? 100 * (1 + Math.floor(r() * 30)) : Math.round(r() * 40_000) / 10;
      out.push(ev('page_view', step(), visitor, { ...dims, tti_ms: r() < 0.1 ? null : tti, load_ms: r() < 0.5 ? 250 : r() * 3000 }));
    }
    if (r() < 0.6) out.push(ev('product_view', step(), visitor, dims));
    if (r() < 0.4) out.push(ev('add_to_cart', step(), visitor, { ...dims, amount: 1000 }));
    if (r() < 0.5) out.push(ev('search', step(), visitor, { ...dims, results: r() < 0.3 ? 0 : 4 }));
    if (r() < 0.3) {
      const order_id = `o-${visitor}`;
      out.push(ev('order', step(), visitor, { ...dims, order_id, amount: 1000 * (1 + Math.floor(r() * 50)), category: pick(['shoes', 'bags']), first_order: true }));
      out.push(ev('payment', step(), visitor, { ...dims, order_id, status: r() < 0.2 ? 'failed' : 'succeeded', method: pick(['card', 'bank']), amount: 1000 }));
    }
  }
  return out;
}

const BODIES: Array<Record<string, unknown>> = [
  { metric: 'page_views', interval: '1h' },
  { metric: 'orders', interval: '15m' },
  { metric: 'gmv', interval: '1d', group_by: ['channel'] },
  { metric: 'aov', format: 'total' },
  { metric: 'zero_result_rate', interval: '1h' },
  { metric: 'payment_failure_rate', format: 'total' },
  { metric: 'visitors', interval: '1h' },
  { metric: 'visitors', format: 'total' },
  { metric: 'visitors', format: 'total', group_by: ['device'] },
  { metric: 'conversion_rate', interval: '3h' },
  { metric: 'tti_p75', format: 'total' },
  { metric: 'tti_p95', format: 'total' },
  { metric: 'load_p75', format: 'total' },
  { metric: 'tti_p75', interval: '1h' },
  { expr: 'tti_p95 - tti_p75 + page_views / visitors', format: 'total' },
];

const RANGES: Array<[number, number]> = [
  [START, END],
  [START + 17 * 60_000 + 123, END - 41 * 60_000],
  [START + 5 * 60_000, START + 50 * 60_000],
  [START + 7 * 60_000, START + 7 * 60_000],
];

async function answer(store: EventStore, body: Record<string, unknown>, from: number, to: number, rollups: boolean) {
  const q = resolveQuery({ ...body, from, to, timezone: 'Asia/Seoul' }, catalog, { timezone: 'Asia/Seoul', now: END + HOUR });
  if (!q.ok) throw new Error(q.error.message);
  return runQuery(q.value, store, catalog, { rollups });
}

/** Every number of two answers, equal up to float rounding of sums taken in another order. */
function expectSame(a: unknown, b: unknown, path = ''): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a))) throw new Error(`${path}: ${a} != ${b}`);
    return;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    if (a !== b) throw new Error(`${path}: ${String(a)} != ${String(b)}`);
    return;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) expectSame((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
}

async function expectRollupsMatchEvents(store: EventStore): Promise<void> {
  for (const body of BODIES) {
    for (const [from, to] of RANGES) {
      const [fast, raw] = await Promise.all([answer(store, body, from, to, true), answer(store, body, from, to, false)]);
      try {
        expectSame(fast, raw);
      } catch (e) {
        throw new Error(`${JSON.stringify(body)} over [${from}, ${to}): ${(e as Error).message}`);
      }
    }
  }
}

/** Linear interpolation between the closest ranks, as DESIGN.md defines the percentiles. */
function percentile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.ceil(pos)]! - s[lo]!) * (pos - lo);
}

describe('DuckDB rollups', () => {
  let dir: string;
  let store: EventStore;
  let events: StoredEvent[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shopmon-rollups-'));
    store = await openDuckdbStore({ dataDir: dir, memoryLimit: '256MB' });
    events = traffic(1, 150);
    // Several batches, so the same visitor and slot get rows from different commits.
    for (let i = 0; i < events.length; i += 97) await store.append(events.slice(i, i + 97), []);
    // An earlier order event of an existing order arrives late: the old first order is demoted.
    const first = events.find((e) => e.type === 'order')!;
    const late = ev('order', first.ts - 3 * HOUR, first.visitor_id, { order_id: first.order_id, amount: 7, first_order: true, channel: 'paid' });
    first.first_order = false;
    events.push(late);
    await store.append([late], [first.order_id!]);
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every query shape the same from the rollups as from the raw events', async () => {
    await expectRollupsMatchEvents(store);
  });

  it('gives the same percentiles as a plain sorted-array reference, edges included', async () => {
    for (const [from, to] of RANGES) {
      const inRange = events.filter((e) => e.type === 'page_view' && e.ts >= from && e.ts < to);
      for (const [metric, field, q] of [['tti_p75', 'tti_ms', 0.75], ['tti_p95', 'tti_ms', 0.95], ['load_p75', 'load_ms', 0.75]] as const) {
        const values = inRange.map((e) => e[field]).filter((v): v is number => v !== null);
        const got = (await answer(store, { metric, format: 'total' }, from, to, true)).series[0]!.total;
        const want = percentile(values, q);
        if (want === null) expect(got).toBeNull();
        else expect(got).toBeCloseTo(want, 9);
      }
    }
  });

  it('gives the ordered funnel of a plain greedy reference, from the first-visit rollup and from the events', async () => {
    const matches = (e: StoredEvent, step: string) =>
      step === 'visit' ? e.type === 'page_view' : step === 'payment_succeeded' ? e.type === 'payment' && e.status === 'succeeded' : e.type === step;
    const reference = (plan: FunnelPlan) => {
      const byVisitor = new Map<string, StoredEvent[]>();
      for (const e of events) {
        if (e.ts < plan.from || e.ts >= plan.to) continue;
        if (!plan.filters.every((f) => f.values.includes(String(e[f.dimension as keyof StoredEvent] ?? '')))) continue;
        byVisitor.set(e.visitor_id, [...(byVisitor.get(e.visitor_id) ?? []), e]);
      }
      const groups = new Map<string, number[]>();
      for (const list of byVisitor.values()) {
        list.sort((a, b) => a.ts - b.ts);
        const first = list.find((e) => matches(e, plan.steps[0]!));
        if (!first) continue;
        const label = JSON.stringify(plan.groupBy.map((d) => String(first[d as keyof StoredEvent] ?? '')));
        const counts = groups.get(label) ?? plan.steps.map(() => 0);
        counts[0]!++;
        let t = first.ts;
        for (let k = 1; k < plan.steps.length; k++) {
          const next = list.find((e) => matches(e, plan.steps[k]!) && e.ts >= t && e.ts <= first.ts + plan.windowMs);
          if (!next) break;
          counts[k]!++;
          t = next.ts;
        }
        groups.set(label, counts);
      }
      // An ungrouped funnel always has its one row, zeros included.
      if (plan.groupBy.length === 0 && groups.size === 0) groups.set('[]', plan.steps.map(() => 0));
      return groups;
    };
    const plans: FunnelPlan[] = [];
    const steps = ['visit', 'product_view', 'add_to_cart', 'order', 'payment_succeeded'];
    for (const [from, to] of RANGES) {
      plans.push({ steps, from, to, filters: [], groupBy: [], windowMs: to - from });
      plans.push({ steps, from, to, filters: [], groupBy: [], windowMs: HOUR });
      plans.push({ steps, from, to, filters: [{ dimension: 'channel', op: 'in', values: ['paid', 'app'] }], groupBy: ['device'], windowMs: to - from });
      plans.push({ steps: ['product_view', 'order', 'payment_succeeded'], from, to, filters: [], groupBy: ['region'], windowMs: to - from });
      plans.push({ steps: ['visit', 'search', 'order'], from, to, filters: [{ dimension: 'page_type', op: 'eq', values: [''] }], groupBy: [], windowMs: to - from });
    }
    for (const plan of plans) {
      const want = reference(plan);
      const got = new Map((await store.funnel(plan)).map((r) => [JSON.stringify(r.groups), r.visitors]));
      expect({ plan, got: Object.fromEntries(got) }).toEqual({ plan, got: Object.fromEntries(want) });
    }
  });

  it('counts distinct visitors exactly across batches and after a reopen', async () => {
    const more = [ev('page_view', START + HOUR, 'visitor-1-0'), ev('page_view', START + HOUR + 1, 'brand-new-visitor')];
    events.push(...more);
    await store.append(more, []);
    await store.close();
    store = await openDuckdbStore({ dataDir: dir, memoryLimit: '256MB' });
    const newer = [ev('page_view', START + 2 * HOUR, 'after-reopen'), ev('search', START + 2 * HOUR, 'brand-new-visitor', { results: 0 })];
    events.push(...newer);
    await store.append(newer, []);
    const want = new Set(events.filter((e) => e.ts >= START && e.ts < END).map((e) => e.visitor_id)).size;
    expect((await answer(store, { metric: 'visitors', format: 'total' }, START, END, true)).series[0]!.total).toBe(want);
    await expectRollupsMatchEvents(store);
  });

  it('keeps rollups and the visitor dictionary consistent after a prune', async () => {
    const cut = START + 6 * HOUR + 5 * 60_000;
    await store.prune(cut);
    await expectRollupsMatchEvents(store);
    // A pruned visitor that comes back is a new dictionary entry and counts once.
    const gone = events.find((e) => e.ts < START + 6 * HOUR && !events.some((x) => x.visitor_id === e.visitor_id && x.ts >= START + 6 * HOUR))!;
    await store.append([ev('page_view', END - HOUR, gone.visitor_id)], []);
    const total = (await answer(store, { metric: 'visitors', format: 'total' }, END - HOUR, END, true)).series[0]!.total;
    const raw = (await answer(store, { metric: 'visitors', format: 'total' }, END - HOUR, END, false)).series[0]!.total;
    expect(total).toBe(raw);
    await expectRollupsMatchEvents(store);
  });
});

describe('DuckDB store migration', () => {
  it('builds the integer ids, kinds and new rollups from the events of an older store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shopmon-migrate-'));
    const events = traffic(2, 40);
    // The store as the version before the current schema left it.
    const instance = await DuckDBInstance.create(join(dir, 'shopmon.duckdb'));
    const c = await instance.connect();
    await c.run('CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at BIGINT NOT NULL)');
    // Version 4: 15-minute rollups on visitor_id strings, before integer ids, kinds and histograms.
    const before = 4;
    for (let v = 0; v < before; v++) {
      for (const statement of MIGRATIONS[v]!.split(/;\s*\n/).filter((x) => x.trim())) await c.run(statement);
      await c.run('INSERT INTO schema_version VALUES ($1, 0)', [v + 1]);
    }
    const columns = ['ts', 'received', 'eid', 'type', 'visitor_id', 'channel', 'device', 'platform', 'region', 'page_type', 'category', 'product_id', 'tti_ms', 'load_ms', 'amount', 'query', 'results', 'order_id', 'first_order', 'status', 'method', 'failure_reason', 'seller_id'] as const;
    for (const e of events) {
      const values = columns.map((col) => (col === 'eid' ? e.key.hi : col === 'query' || col === 'status' ? (e[col] ?? '') : e[col]));
      await c.run(`INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, values as Array<string | number | boolean | null>);
    }
    // The old rollups, rebuilt from these events the way the last migration did.
    await c.run('DELETE FROM slot_counts');
    await c.run('DELETE FROM slot_visitors');
    for (const statement of MIGRATIONS[before - 1]!.split(/;\s*\n/).filter((x) => x.trim() && /^\s*INSERT/.test(x))) await c.run(statement);
    c.closeSync();
    instance.closeSync();

    const store = await openDuckdbStore({ dataDir: dir, memoryLimit: '256MB' });
    try {
      await expectRollupsMatchEvents(store);
      const want = new Set(events.filter((e) => e.ts >= START && e.ts < END).map((e) => e.visitor_id)).size;
      expect((await answer(store, { metric: 'visitors', format: 'total' }, START, END, true)).series[0]!.total).toBe(want);
      // Ingest after the migration continues the dictionary.
      await store.append([ev('page_view', START + HOUR, events[0]!.visitor_id), ev('page_view', START + HOUR, 'post-migration')], []);
      expect((await answer(store, { metric: 'visitors', format: 'total' }, START, END, true)).series[0]!.total).toBe(want + 1);
      await expectRollupsMatchEvents(store);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
