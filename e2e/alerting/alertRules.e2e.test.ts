import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as load } from 'yaml';
import { incidentsFor } from '../../src/demo/generator';
import { dataEnd, SEED, startShopData, STACK_RATE, type ShopData } from '../fixtures/shopData';
import { decodeFrames } from '../host/frames';
import { startHost, type Host } from '../host/host';
import { REPO_ROOT } from '../host/paths';
import { alertDataQuery, alertHeaders, evaluateAt, type AlertDeps, type Instance, type Outcome } from './evaluate';
import { incidentOf, planEvaluations, type Check } from './plan';
import { loadRules, ruleFiles, rulesOn, type LoadedRule } from './rules';
import { fromFrames, labelKey } from './sse';

/**
 * Every alert rule on the shopmon datasource, evaluated as Grafana's alerting does (evaluate.ts)
 * through the real backend plugin and a real KPI service holding the demo shop's traffic with
 * its scripted incidents: each rule must fire during its incident and stay normal at a quiet
 * time of the same day. Rules come from provisioning/alerting/*.yaml; e2e/fixtures/alerting
 * adds rules that use the other expression forms (threshold, reduce last/mean/max).
 */

const DS_UID = 'shopmon-kpi';
const PROVISIONED_DIR = join(REPO_ROOT, 'provisioning', 'alerting');
const FIXTURES_DIR = join(REPO_ROOT, 'e2e', 'fixtures', 'alerting');
const REPORT = join(REPO_ROOT, 'e2e', 'test-results', 'alerting.md');

const provisioned = loadRules(ruleFiles(PROVISIONED_DIR));
const rules = [...rulesOn(provisioned, DS_UID), ...rulesOn(loadRules(ruleFiles(FIXTURES_DIR)), DS_UID)];
const otherRules = provisioned.filter((r) => !rules.includes(r));
const end = dataEnd();
const plan = planEvaluations(rules, end, DS_UID, (days) => incidentsFor({ days, end }));

/** The provisioned datasource's jsonData, with the URL of the test's KPI service. */
function provisionedJsonData(url: string): Record<string, unknown> {
  const doc = load(readFileSync(join(REPO_ROOT, 'provisioning', 'datasources', 'shopmon.yaml'), 'utf8')) as { datasources?: Array<{ uid: string; jsonData?: Record<string, unknown> }> };
  const ds = doc.datasources?.find((d) => d.uid === DS_UID);
  return { ...(ds?.jsonData ?? {}), url };
}

let shop: ShopData;
let host: Host;
let deps: AlertDeps;
const report: Array<{ check: Check; states: Instance[]; last: Outcome }> = [];

beforeAll(async () => {
  shop = await startShopData({ rate: STACK_RATE, days: plan.days, windows: plan.windows });
  host = await startHost();
  host.addDatasource({ uid: DS_UID, name: 'Shopmon KPI', jsonData: provisionedJsonData(shop.url), secureJsonData: { queryKey: shop.queryKey } });
  deps = { plugin: host.plugin, datasources: host.datasources };
});

afterAll(async () => {
  writeReport();
  await host?.stop();
  await shop?.stop();
});

const local = (t: number) => new Date(t + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
const fmt = (v: number | null | undefined) => (v === null || v === undefined ? 'none' : Number.isNaN(v) ? 'NaN' : String(Math.round(v * 100) / 100));

function summary(states: Instance[], last: Outcome): string {
  if (last.error) return `error: ${last.error}`;
  const values = Object.entries(last.nodes)
    .filter(([, r]) => !r.noData && r.values.every((v) => v.kind === 'number'))
    .map(([ref, r]) => `${ref}=${r.values.map((v) => (v.kind === 'number' ? `${labelKey(v.labels) ? `{${labelKey(v.labels)}}` : ''}${fmt(v.value)}` : '')).join(' ')}`);
  return `${states.map((s) => `${labelKey(s.labels) || '-'}: ${s.state}`).join('; ')} (${values.join(', ')})`;
}

function writeReport(): void {
  const lines = [
    `# Alert rule evaluations (${new Date().toISOString()})`,
    '',
    `Demo data: ${plan.days} days ending ${local(end)} Seoul time, ${STACK_RATE} events/s, seed ${SEED}; only the windows the evaluations read were ingested (${shop?.events ?? 0} events).`,
    `Rules: ${rules.map((r) => `${r.uid} (${r.file.replace(`${REPO_ROOT}/`, '')})`).join(', ')}.`,
    `Not on the shopmon datasource (not evaluated here): ${otherRules.map((r) => r.uid).join(', ') || 'none'}.`,
    '',
    '| rule | when (Seoul) | expected | state after the evaluations (condition inputs) |',
    '| --- | --- | --- | --- |',
    ...report.map(({ check, states, last }) => `| ${check.rule.uid} | ${check.when} ${check.incident} ${local(check.at)} | ${check.expect ?? '-'} | ${summary(states, last)} |`),
  ];
  mkdirSync(join(REPORT, '..'), { recursive: true });
  writeFileSync(REPORT, `${lines.join('\n')}\n`);
}

it('finds alert rules on the shopmon datasource', () => {
  expect(rules.length).toBeGreaterThan(0);
  for (const rule of rules) expect(rule.intervalMs).toBeGreaterThan(0);
});

it("sends alert queries as Grafana's alerting does and gets one frame per series back", async () => {
  const rule = rules.find((r) => r.data.some((q) => q.datasourceUid === DS_UID && (q.model.groupBy as string[] | undefined)?.length)) ?? rules[0]!;
  const q = rule.data.find((d) => d.datasourceUid === DS_UID)!;
  const at = plan.checks.find((c) => c.rule === rule)!.at;
  const dq = alertDataQuery(q, at);
  expect(JSON.parse(Buffer.from(dq.json).toString())).toMatchObject({ refId: q.refId, maxDataPoints: 43200, intervalMs: 1000 });
  const ds = host.datasources.get(DS_UID)!;
  const res = await host.plugin.queryData({ pluginContext: host.datasources.pluginContext(ds), queries: [dq] }, alertHeaders(rule));
  const frames = decodeFrames(res.responses[q.refId]!.frames).map((d) => d.json);
  expect(res.responses[q.refId]!.status).toBe(200);
  for (const f of frames) {
    expect(f.schema.meta?.type).toMatch(/^(timeseries-multi|numeric-multi)$/);
    if (f.schema.fields.length > 0) expect(f.schema.fields.map((x) => x.type)).toEqual(['time', 'number']);
  }
  // Bucket size from the query's own interval (or the range), never alerting's 1 s intervalMs.
  const executed = JSON.parse(String(frames[0]!.schema.meta?.executedQueryString)) as { interval: string };
  expect(executed.interval).not.toBe('1s');
});

it('a funnel query in an alert rule gives numbers labelled by step and measure (no table)', async () => {
  const check = plan.checks.find((c) => c.when === 'quiet')!;
  const q = { refId: 'F', relativeTimeRange: { from: 3600, to: 0 }, datasourceUid: DS_UID, model: { queryKind: 'funnel', funnelSteps: ['visit', 'order'] } };
  const ds = host.datasources.get(DS_UID)!;
  const res = await host.plugin.queryData({ pluginContext: host.datasources.pluginContext(ds), queries: [alertDataQuery(q, check.at)] }, alertHeaders(check.rule));
  const results = fromFrames(decodeFrames(res.responses.F!.frames).map((d) => d.json));
  const visit = await shop.query<{ steps: Array<{ step: string; visitors: number }> }>('/v1/funnel', { steps: ['visit', 'order'], from: check.at - 3_600_000, to: check.at });
  expect(results.values).toContainEqual({ kind: 'number', labels: { step: 'visit', measure: 'visitors' }, value: visit.steps[0]!.visitors });
  expect(results.values).toHaveLength(2 * 3);
});

describe.each(rules.map((r) => [r.uid, r] as const))('alert rule %s', (_uid, rule: LoadedRule) => {
  const checks = plan.checks.filter((c) => c.rule === rule);
  const own = incidentOf(rule, DS_UID);
  const asserted = checks.filter((c) => c.expect !== null);
  const reported = checks.filter((c) => c.expect === null);

  it.each(asserted.map((c) => [c.expect, c.when, c.incident, local(c.at), c] as const))('is %s at the %s time of %s (%s)', async (_e, _w, _i, _t, check: Check) => {
    const { states, last } = await evaluateAt(rule, check.at, deps);
    report.push({ check, states, last });
    expect(last.error).toBeUndefined();
    if (check.expect === 'Alerting') expect(states.filter((s) => s.state === 'Alerting').map((s) => labelKey(s.labels))).not.toHaveLength(0);
    else expect(states.filter((s) => s.state !== 'Normal').map((s) => `${labelKey(s.labels)}: ${s.state}`)).toEqual([]);
  });

  if (reported.length > 0) {
    it(`runs without errors at the other incidents (${own ?? 'no scripted incident'})`, async () => {
      for (const check of reported) {
        const { states, last } = await evaluateAt(rule, check.at, deps);
        report.push({ check, states, last });
        expect(last.error).toBeUndefined();
      }
    });
  }
});
