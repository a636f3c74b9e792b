import { selectors } from '../../src/panel/selectors';
import { DAY, startShopData, TIMEZONE, type ShopData } from '../fixtures/shopData';
import { harnessIds } from '../host/app/testIds';
import { startHost, type Host } from '../host/host';
import { openHarness, type Browser } from './browser';
import { closedPort, type KpiAnswer } from './helpers';

/**
 * The panel plugin in Chromium on frames that came through the host, the backend plugin and a
 * real KPI service: the scorecards and the funnel show the service's numbers, formatted with
 * the units the datasource sets; the error of a failed query shows in the panel's chrome.
 */

const sc = selectors.scorecards;
const fn = selectors.funnel;
const MINUS = '\u2212';

let shop: ShopData;
let host: Host;
let b: Browser;
let range: { from: number; to: number };

beforeAll(async () => {
  shop = await startShopData({ events: 100_000 });
  range = { from: shop.end - DAY, to: shop.end };
  host = await startHost();
  host.addDatasource({ uid: 'shopmon-kpi', name: 'Shopmon KPI', jsonData: { url: shop.url, timezone: TIMEZONE }, secureJsonData: { queryKey: shop.queryKey } });
  host.addDatasource({ uid: 'shopmon-down', name: 'Shopmon down', jsonData: { url: `http://127.0.0.1:${await closedPort()}` }, secureJsonData: { queryKey: shop.queryKey } });
  b = await openHarness(host.url);
});

afterAll(async () => {
  await b?.close();
  await host?.stop();
  await shop?.stop();
});

const TOTALS = ['orders', 'gmv', 'payment_failure_rate'];
const scorecardTargets = [
  ...TOTALS.map((metric, i) => ({ refId: String.fromCharCode(65 + i), queryKind: 'kpi', metric, format: 'total', compare: '1d' })),
  { refId: 'D', queryKind: 'kpi', metric: 'visitors', format: 'timeseries', interval: '1h', compare: '1d' },
];

async function showScorecards() {
  const result = await b.harness('showPanel', { uid: 'shopmon-kpi', title: 'Today vs yesterday', targets: scorecardTargets as never, range, options: { mode: 'scorecards' }, width: 1000, height: 260 });
  await b.page.getByTestId(sc.card).first().waitFor();
  return result;
}

function signedPercent(current: number, previous: number): string {
  const p = ((current - previous) / previous) * 100;
  return `${p > 0 ? '+' : p < 0 ? MINUS : ''}${Math.abs(p).toFixed(1)}%`;
}

describe('scorecards', () => {
  it("one card per query; value, delta and its colour's meaning from the KPI service's totals", async () => {
    const result = await showScorecards();
    expect(result.errors).toEqual([]);
    const cards = b.page.getByTestId(sc.card);
    expect(await cards.count()).toBe(4);
    const catalog = await shop.get<{ metrics: Array<{ name: string; title: string; higher_is_better: boolean }> }>('/v1/catalog');
    for (const [i, metric] of TOTALS.entries()) {
      const answer = await shop.query<KpiAnswer>('/v1/query', { metric, from: range.from, to: range.to, timezone: TIMEZONE, compare: '1d', format: 'total' });
      const now = answer.series[0]!.total!;
      const before = answer.compare!.series[0]!.total!;
      const card = cards.nth(i);
      // Titled as the KPI service's catalog titles the metric ("Payment failure rate").
      expect(await card.getByTestId(sc.title).textContent()).toBe(catalog.metrics.find((m) => m.name === metric)!.title);
      expect(await card.getByTestId(sc.value).textContent()).toBe(await b.harness('format', now, answer.unit ?? 'short'));
      const delta = await card.getByTestId(sc.delta).textContent();
      expect(delta).toContain(`(${signedPercent(now, before)})`);
      expect(delta).toContain('vs 1d ago');
      const better = now === before ? 'unchanged' : (now > before) === catalog.metrics.find((m) => m.name === metric)!.higher_is_better ? 'better' : 'worse';
      expect(await card.getAttribute('aria-label')).toContain(`vs 1d ago, ${better}`);
    }
  });

  it('a time series card: the last bucket as its value, with a sparkline', async () => {
    const answer = await shop.query<KpiAnswer>('/v1/query', { metric: 'visitors', from: range.from, to: range.to, timezone: TIMEZONE, interval: '1h', compare: '1d' });
    const points = answer.series[0]!.points!;
    const last = [...points].reverse().find((p) => p[1] !== null)![1]!;
    const card = b.page.getByTestId(sc.card).nth(3);
    expect(await card.getByTestId(sc.value).textContent()).toBe(await b.harness('format', last, answer.unit ?? 'short'));
    expect(await card.getByTestId(sc.sparkline).count()).toBe(1);
  });

  it.each(['dark', 'light'] as const)('screenshot: scorecards (%s)', async (theme) => {
    await showScorecards();
    await b.harness('setTheme', theme);
    await b.screenshot(`panel-scorecards-${theme}`);
  });
});

describe('funnel', () => {
  const funnelQuery = { refId: 'A', queryKind: 'funnel', funnelSteps: ['visit', 'product_view', 'add_to_cart', 'order', 'payment_succeeded'], funnelWindow: '1d' };
  interface FunnelAnswer {
    steps?: Array<{ step: string; visitors: number; from_previous: number; from_first: number }>;
    groups?: Array<{ labels: Record<string, string>; steps: NonNullable<FunnelAnswer['steps']> }>;
  }

  async function showFunnel(extra: Record<string, unknown> = {}, height = 340) {
    const result = await b.harness('showPanel', { uid: 'shopmon-kpi', title: 'Conversion funnel', targets: [{ ...funnelQuery, ...extra }] as never, range, options: { mode: 'funnel' }, width: 1000, height });
    await b.page.getByTestId(fn.step).first().waitFor();
    return result;
  }

  it("steps, visitors and conversion from /v1/funnel", async () => {
    await b.harness('setTheme', 'dark');
    const result = await showFunnel();
    expect(result.errors).toEqual([]);
    const answer = await shop.query<FunnelAnswer>('/v1/funnel', { steps: funnelQuery.funnelSteps, window: '1d', from: range.from, to: range.to });
    const steps = b.page.getByTestId(fn.step);
    expect(await steps.count()).toBe(answer.steps!.length);
    for (const [i, s] of answer.steps!.entries()) {
      const step = steps.nth(i);
      expect(await step.getAttribute('aria-label')).toMatch(new RegExp(`^${s.step}: `));
      expect(await step.getByTestId(fn.value).textContent()).toBe(await b.harness('format', s.visitors, 'short'));
      if (i > 0) expect(await step.getByTestId(fn.percentages).textContent()).toBe(`${s.from_previous.toFixed(1)}% of previous step · ${s.from_first.toFixed(1)}% of first step`);
    }
  });

  it('grouped by device: one funnel per group', async () => {
    await showFunnel({ groupBy: ['device'] }, 700);
    const answer = await shop.query<FunnelAnswer>('/v1/funnel', { steps: funnelQuery.funnelSteps, window: '1d', from: range.from, to: range.to, group_by: ['device'] });
    expect(answer.groups!.length).toBeGreaterThan(1);
    expect(await b.page.getByTestId(fn.step).count()).toBe(answer.groups!.reduce((n, g) => n + g.steps.length, 0));
  });

  it.each(['dark', 'light'] as const)('screenshot: funnel (%s)', async (theme) => {
    await showFunnel();
    await b.harness('setTheme', theme);
    await b.screenshot(`panel-funnel-${theme}`);
  });
});

it("a stopped KPI service: the panel body and its chrome both show the query's error", async () => {
  await b.harness('setTheme', 'dark');
  const result = await b.harness('showPanel', { uid: 'shopmon-down', title: 'Orders', targets: [scorecardTargets[0]] as never, range, options: { mode: 'scorecards' }, width: 600, height: 200 });
  const message = result.errors[0]?.message;
  expect(message).toMatch(/^cannot reach the KPI service at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)$/);
  await b.page.getByTestId(selectors.status).waitFor();
  expect(await b.page.getByTestId(selectors.status).getAttribute('data-status')).toBe('error');
  expect(await b.page.getByTestId(selectors.status).textContent()).toBe(`The query failed: ${message}`);
  await b.page.getByTestId(harnessIds.panelStatusError).hover();
  await b.page.getByRole('tooltip').filter({ hasText: message! }).waitFor();
});

it('nothing went wrong in the page or in the host that the specs did not look at', () => {
  expect(b.errors).toEqual([]);
  expect(host.server.problems).toEqual([]);
});
