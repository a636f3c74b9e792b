import { DAY, HOUR } from '../seasonality';
import { generateEvents, incidentsFor } from '../generator';
import { NdjsonBatch } from '../ndjson';
import { IngestClient } from '../sender';
import { firstKey, SHOP_DEFAULTS } from './config';

/**
 * `node --import tsx src/demo/shop/backfill.ts`: gives a fresh stack its history, once. When the
 * KPI service has no page views in the backfill range (before the last hour, so the live shop's
 * own traffic does not count), it sends SHOP_BACKFILL_DAYS days of the deterministic demo
 * traffic at the live shop's rate (so "vs 1 week ago" compares like with like), and posts the
 * scripted incidents of that history as annotations. SHOP_BACKFILL=force sends anyway (the
 * service drops events it already has by their ids); off skips.
 *
 * Env: SHOPMON_URL, SHOPMON_INGEST_KEY(S), SHOPMON_QUERY_KEY(S), SHOP_RATE, SHOP_SEED,
 * SHOP_BACKFILL_DAYS (default 8), SHOP_BACKFILL (auto | force | off).
 */

const DEFAULT_DAYS = 8;
const BATCH_EVENTS = 5_000;
const log = (line: string) => process.stderr.write(`backfill: ${line}\n`);

interface BackfillSettings {
  url: string;
  ingestKey: string;
  queryKey: string | null;
  days: number;
  events: number;
  seed: number;
  mode: 'auto' | 'force' | 'off';
}

function settings(env: NodeJS.ProcessEnv): BackfillSettings {
  const url = (env.SHOPMON_URL || SHOP_DEFAULTS.kpiUrl).replace(/\/+$/, '');
  const ingestKey = firstKey(env.SHOPMON_INGEST_KEY, env.SHOPMON_INGEST_KEYS);
  if (!ingestKey) throw new Error('set SHOPMON_INGEST_KEY (or SHOPMON_INGEST_KEYS) to the KPI service ingest key');
  const days = Number(env.SHOP_BACKFILL_DAYS || DEFAULT_DAYS);
  if (!(days > 0 && days <= 400)) throw new Error(`SHOP_BACKFILL_DAYS must be a number of days from 1 to 400, got "${env.SHOP_BACKFILL_DAYS}"`);
  const rate = Number(env.SHOP_RATE || SHOP_DEFAULTS.rate);
  if (!(rate >= 0)) throw new Error(`SHOP_RATE must be a number >= 0, got "${env.SHOP_RATE}"`);
  const mode = (env.SHOP_BACKFILL || 'auto').trim();
  if (mode !== 'auto' && mode !== 'force' && mode !== 'off') throw new Error(`SHOP_BACKFILL must be auto, force or off, got "${mode}"`);
  const seed = Number(env.SHOP_SEED || SHOP_DEFAULTS.seed);
  if (!Number.isSafeInteger(seed)) throw new Error(`SHOP_SEED must be an integer, got "${env.SHOP_SEED}"`);
  return { url, ingestKey, queryKey: firstKey(env.SHOPMON_QUERY_KEY, env.SHOPMON_QUERY_KEYS), days, events: Math.round(rate * days * 86_400), seed, mode };
}

/** Page views the service already has in [from, to), or null when it cannot tell. */
async function pageViews(s: BackfillSettings, from: number, to: number): Promise<number | null> {
  if (!s.queryKey) return null;
  const res = await fetch(`${s.url}/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${s.queryKey}` },
    body: JSON.stringify({ metric: 'page_views', from, to, format: 'total' }),
  });
  if (res.status !== 200) throw new Error(`the KPI service answered ${res.status} to a page view count: ${(await res.text()).slice(0, 200)}`);
  const answer = (await res.json()) as { series?: Array<{ total?: number | null }> };
  return (answer.series ?? []).reduce((sum, x) => sum + (x.total ?? 0), 0);
}

export async function backfill(env: NodeJS.ProcessEnv): Promise<number> {
  const s = settings(env);
  if (s.mode === 'off' || s.events === 0) {
    log('skipped (SHOP_BACKFILL=off or SHOP_RATE=0)');
    return 0;
  }
  const end = Math.floor(Date.now() / 60_000) * 60_000;
  const start = end - s.days * DAY;
  if (s.mode === 'auto') {
    const existing = await pageViews(s, start, end - HOUR);
    if (existing === null) log('no query key (SHOPMON_QUERY_KEY): cannot tell whether history exists; sending it (known events are dropped as duplicates)');
    else if (existing > 0) {
      log(`history found (${existing} page views in the last ${s.days} days): nothing to do`);
      return 0;
    }
  }
  log(`sending ${s.events.toLocaleString('en-US')} events over ${s.days} days to ${s.url}`);
  const client = new IngestClient({ url: s.url, key: s.ingestKey, concurrency: 4, log });
  const batch = new NdjsonBatch(BATCH_EVENTS * 400);
  const started = Date.now();
  for (const event of generateEvents({ seed: s.seed, events: s.events, days: s.days, end })) {
    batch.add(event);
    if (batch.count >= BATCH_EVENTS) {
      const count = batch.count;
      await client.submit(batch.take(), count);
    }
  }
  if (batch.count > 0) {
    const count = batch.count;
    await client.submit(batch.take(), count);
  }
  await client.flush();
  const t = client.totals;
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: accepted ${t.accepted}, duplicates ${t.duplicates}, rejected ${t.rejected}`);
  for (const i of incidentsFor({ days: s.days, end })) {
    const res = await fetch(`${s.url}/v1/annotations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.ingestKey}` },
      body: JSON.stringify({ time: i.start, time_end: i.end, title: `Demo incident: ${i.name.replace(/_/g, ' ')}`, text: i.description, tags: ['incident', 'demo', i.name] }),
    });
    if (res.status !== 201) log(`annotation for ${i.name} answered ${res.status}`);
  }
  return 0;
}

if (process.argv[1] && /shop[\\/]backfill\.ts$/.test(process.argv[1])) {
  backfill(process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      log(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
