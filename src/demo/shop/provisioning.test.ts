import { createMetrics as createPluginMetrics } from '../../backend/metrics';
import { interpolateQuery, type RefResolver } from '../../datasource/data/interpolation';
import { buildCatalog } from '../../kpi/catalog';
import { toFunnelRequest, toKpiRequest, type RequestContext, type ShopmonQuery } from '../../kpi/datasourceQuery';
import { resolveQuery } from '../../kpi/query';
import { startTestServer, type TestServer } from '../../server/testServer';
import { allPanels, dashboardFiles, promMetricNames, readJson, readYaml, type Doc } from './stackFiles';
import { startTestShop } from './testShop';

/**
 * provisioning/ checked against the real parts: every KPI query of the dashboards and alert
 * rules goes through the datasource's own interpolation and request building, is accepted by
 * the query validation of src/kpi and answered 200 by a real KPI service; every metric the
 * Prometheus panels and rules name is exported by the service that should export it.
 */

const KPI_UID = 'shopmon-kpi';
const PROM_UID = 'prometheus';
const catalog = buildCatalog('KRW');
const datasourcePlugin = readJson('src/datasource/plugin.json');
const panelPlugin = readJson('src/panel/plugin.json');
const compose = readYaml('docker-compose.yml');
const dashboards = dashboardFiles().map((file) => ({ file, json: readJson('provisioning/dashboards/json', file) }));
const rules = readYaml('provisioning/alerting/rules.yaml');
const allRules: Doc[] = rules.groups.flatMap((g: Doc) => g.rules);

/** Sample values for the dashboards' variables, as Grafana would pass them (multi-value: an array). */
function resolverFor(dashboard: Doc): RefResolver {
  const vars = new Map<string, Doc>(dashboard.templating.list.map((v: Doc) => [v.name, v]));
  const samples: Record<string, string[]> = { channel: ['organic', 'social'], device: ['mobile', 'desktop'], platform: ['web', 'ios'] };
  return (ref) => {
    const name = /^\$\{?(\w+)|^\[\[(\w+)/.exec(ref)?.slice(1).find(Boolean) ?? '';
    const v = vars.get(name);
    if (!v) throw new Error(`${dashboard.uid}: variable ${ref} is not defined on the dashboard`);
    if (v.type === 'custom') return { values: [v.current.value], multi: false };
    return { values: samples[name] ?? ['x'], multi: Boolean(v.multi || v.includeAll) };
  };
}

const noVariables: RefResolver = (ref) => {
  throw new Error(`alert rules cannot use template variables (${ref})`);
};

interface KpiTarget {
  where: string;
  query: ShopmonQuery;
  ctx: RequestContext;
}

const HOUR = 3_600_000;
const now = Date.now();
const dashboardTargets: KpiTarget[] = dashboards.flatMap(({ file, json }) =>
  allPanels(json).flatMap((panel: Doc) =>
    (panel.targets ?? [])
      .filter((t: Doc) => (t.datasource?.uid ?? panel.datasource?.uid) === KPI_UID)
      .flatMap((t: Doc) =>
        [24 * HOUR, 30 * 24 * HOUR].map((range) => ({
          where: `${file} "${panel.title}" ${t.refId} (${range / HOUR} h)`,
          query: interpolateQuery(t as ShopmonQuery, resolverFor(json)),
          ctx: { from: now - range, to: now, maxDataPoints: 1000, intervalMs: 60_000, timezone: 'Asia/Seoul' },
        })),
      ),
  ),
);
const ruleTargets: KpiTarget[] = allRules.flatMap((rule) =>
  rule.data
    .filter((d: Doc) => d.datasourceUid === KPI_UID)
    .map((d: Doc) => ({
      where: `rule "${rule.title}" ${d.refId}`,
      query: interpolateQuery({ ...d.model, refId: d.refId } as ShopmonQuery, noVariables),
      // What Grafana's alert evaluation sends: the relative range, 43200 points, 1 s interval.
      ctx: { from: now - d.relativeTimeRange.from * 1000, to: now - d.relativeTimeRange.to * 1000, maxDataPoints: 43_200, intervalMs: 1_000, timezone: 'Asia/Seoul' },
    })),
);

describe('provisioning/datasources', () => {
  const shopmon = readYaml('provisioning/datasources/shopmon.yaml').datasources;
  const prometheus = readYaml('provisioning/datasources/prometheus.yaml').datasources;

  it('provisions the shopmon datasource for the compose KPI service, with the query key from the environment', () => {
    expect(shopmon).toHaveLength(1);
    expect(shopmon[0]).toMatchObject({
      uid: KPI_UID,
      type: datasourcePlugin.id,
      jsonData: { url: '$SHOPMON_KPI_URL', timezone: 'Asia/Seoul', timeoutSeconds: 30 },
      secureJsonData: { queryKey: '$SHOPMON_QUERY_KEY' },
    });
    // Grafana expands $SHOPMON_KPI_URL from its environment: the compose KPI service by default.
    const url = /^\$\{SHOPMON_KPI_URL:-(.+)\}$/.exec(compose.services.grafana.environment.SHOPMON_KPI_URL)?.[1];
    expect(url).toBe('http://kpi:8787');
    expect(compose.services.kpi.environment.SHOPMON_PORT).toBe(new URL(url!).port);
    expect(compose.services.kpi.environment.SHOPMON_TIMEZONE).toBe(`\${SHOPMON_TIMEZONE:-${shopmon[0].jsonData.timezone}}`);
  });

  it('provisions Prometheus with uid "prometheus" at the compose service', () => {
    expect(prometheus).toEqual([expect.objectContaining({ uid: PROM_UID, type: 'prometheus', url: 'http://prometheus:9090' })]);
    expect([...shopmon, ...prometheus].filter((d: Doc) => d.isDefault)).toHaveLength(1);
  });
});

describe('provisioning/dashboards', () => {
  it('loads the JSON dashboards from the folder the provider reads', () => {
    const provider = readYaml('provisioning/dashboards/shopmon.yaml').providers[0];
    expect(provider.options.path).toBe('/etc/grafana/provisioning/dashboards/json');
    expect(provider.folder).toBe('shopmon');
    expect(dashboards.map((d) => d.json.title).sort()).toEqual(['Shop overview', 'System']);
  });

  it.each(dashboards)('$file: schema 39+, its own uid, every panel on a provisioned datasource', ({ json }) => {
    expect(json.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(json.uid).toMatch(/^shopmon-[a-z-]+$/);
    const known = new Set([KPI_UID, PROM_UID]);
    for (const panel of allPanels(json)) {
      if (panel.type === 'row') continue;
      expect(['timeseries', 'stat', 'bargauge', panelPlugin.id]).toContain(panel.type);
      expect({ panel: panel.title, uid: known.has(panel.datasource?.uid) }).toEqual({ panel: panel.title, uid: true });
      for (const t of panel.targets) {
        expect({ panel: panel.title, refId: t.refId, uid: t.datasource.uid }).toEqual({ panel: panel.title, refId: t.refId, uid: panel.datasource.uid });
      }
      const refIds = new Set(panel.targets.map((t: Doc) => t.refId));
      expect(refIds.size).toBe(panel.targets.length);
      for (const o of panel.fieldConfig?.overrides ?? []) if (o.matcher.id === 'byFrameRefID') expect(refIds.has(o.matcher.options)).toBe(true);
      if (panel.type === panelPlugin.id) expect(['scorecards', 'funnel']).toContain(panel.options.mode);
    }
    for (const a of json.annotations.list) if (a.datasource.uid !== '-- Grafana --') expect(known.has(a.datasource.uid)).toBe(true);
    expect(new Set(allPanels(json).map((p: Doc) => p.id)).size).toBe(allPanels(json).length);
  });

  it('Shop overview: KPI scorecards vs 1 day ago, payment failure rate lower-is-better, and the funnel', () => {
    const overview = dashboards.find((d) => d.json.uid === 'shopmon-overview')!.json;
    const panels = allPanels(overview);
    const scorecards = panels.find((p: Doc) => p.type === panelPlugin.id && p.options.mode === 'scorecards');
    expect(scorecards.targets.map((t: Doc) => t.metric)).toEqual(['orders', 'gmv', 'aov', 'conversion_rate', 'payment_failure_rate', 'visitors']);
    for (const t of scorecards.targets) expect(t.compare).toBe('1d');
    const failureRef = scorecards.targets.find((t: Doc) => t.metric === 'payment_failure_rate').refId;
    const failure = scorecards.fieldConfig.overrides.find((o: Doc) => o.matcher.id === 'byFrameRefID' && o.matcher.options === failureRef);
    expect(failure.properties).toContainEqual({ id: 'custom.higherIsBetter', value: false });
    const funnel = panels.find((p: Doc) => p.type === panelPlugin.id && p.options.mode === 'funnel');
    expect(funnel.targets[0]).toMatchObject({ queryKind: 'funnel', funnelSteps: ['visit', 'product_view', 'add_to_cart', 'order', 'payment_succeeded'] });
    const metricsOf = (type: string) => panels.filter((p: Doc) => p.type === type).flatMap((p: Doc) => p.targets.map((t: Doc) => t.metric));
    expect(metricsOf('timeseries')).toEqual(expect.arrayContaining(['page_views', 'visitors', 'orders', 'gmv', 'payment_failure_rate', 'zero_result_rate', 'tti_p75', 'tti_p95']));
    for (const metric of ['page_views', 'visitors', 'orders', 'gmv']) {
      expect(panels.some((p: Doc) => p.type === 'timeseries' && p.targets.some((t: Doc) => t.metric === metric && t.compare === '1d'))).toBe(true);
    }
    expect(panels.find((p: Doc) => p.title === 'Payment failure rate by method').targets[0].groupBy).toEqual(['method']);
    expect(panels.find((p: Doc) => p.title === 'Top categories by GMV').targets[0]).toMatchObject({ metric: 'gmv', groupBy: ['category'], format: 'total' });
  });

  it('System: CPU, memory, GC, event loop, pool, throughput, latency, errors, disk, TLS days, Kafka lag', () => {
    const system = dashboards.find((d) => d.json.uid === 'shopmon-system')!.json;
    const names = new Set(allPanels(system).flatMap((p: Doc) => (p.targets ?? []).flatMap((t: Doc) => promMetricNames(t.expr))));
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_gc_duration_seconds_sum',
      'nodejs_eventloop_lag_p99_seconds',
      'db_pool_connections',
      'http_requests_total',
      'http_request_duration_seconds_bucket',
      'node_cpu_seconds_total',
      'node_filesystem_avail_bytes',
      'probe_ssl_earliest_cert_expiry',
      'kafka_consumergroup_lag',
    ]) {
      expect({ name, shown: names.has(name) }).toEqual({ name, shown: true });
    }
  });
});

describe('provisioning/alerting', () => {
  it('has the business and system rules in folder "shopmon", evaluated every minute', () => {
    expect(rules.apiVersion).toBe(1);
    for (const g of rules.groups) expect(g).toMatchObject({ orgId: 1, folder: 'shopmon', interval: '1m' });
    expect(allRules.map((r) => r.title)).toEqual(
      expect.arrayContaining(['Orders dropped', 'Payment failure rate high', 'Zero-result searches high', 'Traffic spike', 'KPI service down', 'TLS certificate expiring', 'High p95 latency']),
    );
    expect(new Set(allRules.map((r) => r.uid)).size).toBe(allRules.length);
  });

  it.each(allRules.map((r) => [r.title, r]))('%s: a well-formed data pipeline ending in its condition', (_title, rule: Doc) => {
    const refIds: string[] = rule.data.map((d: Doc) => d.refId);
    expect(new Set(refIds).size).toBe(refIds.length);
    expect(refIds).toContain(rule.condition);
    expect(rule.for).toMatch(/^\d+[smh]$/);
    expect(['OK', 'NoData', 'Alerting', 'KeepLast']).toContain(rule.noDataState);
    rule.data.forEach((d: Doc, i: number) => {
      expect(d.model.refId).toBe(d.refId);
      const earlier = refIds.slice(0, i);
      if (d.datasourceUid === '__expr__') {
        const m = d.model;
        expect(['reduce', 'threshold', 'math']).toContain(m.type);
        const inputs = m.type === 'math' ? [...m.expression.matchAll(/\$([A-Z])\b/g)].map((x: RegExpMatchArray) => x[1]) : [m.expression];
        expect(inputs.length).toBeGreaterThan(0);
        for (const ref of inputs) expect(earlier).toContain(ref);
        if (m.type === 'reduce') expect(['last', 'mean', 'sum', 'min', 'max', 'count']).toContain(m.reducer);
        if (m.type === 'threshold') expect(['gt', 'lt', 'within_range', 'outside_range']).toContain(m.conditions[0].evaluator.type);
      } else {
        expect([KPI_UID, PROM_UID]).toContain(d.datasourceUid);
        expect(d.relativeTimeRange.from).toBeGreaterThan(d.relativeTimeRange.to);
        if (d.datasourceUid === KPI_UID) expect(d.model).toMatchObject({ queryKind: 'kpi', format: 'timeseries', interval: '5m' });
        else expect(typeof d.model.expr).toBe('string');
      }
    });
  });

  it('sends notifications to a contact point that exists', () => {
    const n = readYaml('provisioning/alerting/notifications.yaml');
    const names = n.contactPoints.map((c: Doc) => c.name);
    for (const p of n.policies) expect(names).toContain(p.receiver);
    const hook = new URL(n.contactPoints[0].receivers[0].settings.url);
    expect(hook.hostname in compose.services).toBe(true);
  });
});

describe('every KPI query of the dashboards and alert rules', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.cleanup();
  });

  it('is there to check', () => {
    expect(dashboardTargets.length).toBeGreaterThanOrEqual(2 * 17);
    expect(ruleTargets.length).toBe(8);
  });

  it.each([...dashboardTargets, ...ruleTargets].map((t) => [t.where, t]))('%s: accepted by src/kpi and answered by the KPI service', async (_where, t: KpiTarget) => {
    if (t.query.queryKind === 'funnel') {
      const res = await server.post('/v1/funnel', toFunnelRequest(t.query, t.ctx));
      expect({ status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ status: 200, body: null });
      return;
    }
    expect(catalog.byName.has(t.query.metric ?? '')).toBe(true);
    const request = toKpiRequest(t.query, t.ctx);
    const resolved = resolveQuery(request, catalog, { timezone: 'Asia/Seoul', now });
    expect(resolved.ok ? 'ok' : resolved.error).toBe('ok');
    const res = await server.post('/v1/query', request);
    expect({ status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ status: 200, body: null });
  });
});

describe('every Prometheus metric the dashboards and alert rules name', () => {
  const exprs: string[] = [
    ...dashboards.flatMap(({ json }) => allPanels(json).flatMap((p: Doc) => (p.targets ?? []).filter((t: Doc) => t.datasource?.uid === PROM_UID).map((t: Doc) => t.expr as string))),
    ...allRules.flatMap((r) => r.data.filter((d: Doc) => d.datasourceUid === PROM_UID).map((d: Doc) => d.model.expr as string)),
  ];
  /** Metrics of exporters that are not part of this repository (checked by hand against the real ones). */
  const external = /^(up|node_|probe_|kafka_)/;
  const base = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

  it('is exported by the service that should export it', async () => {
    const names = new Set(exprs.flatMap(promMetricNames));
    expect(names.size).toBeGreaterThan(20);
    const server = await startTestServer();
    const shop = await startTestShop();
    try {
      const kpiText = (await server.get('/metrics', null)).body as string;
      const shopText = await (await fetch(`${shop.url}/metrics`)).text();
      const pluginNames = new Set((await createPluginMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
      const missing = [...names].filter((name) => {
        if (external.test(name)) return false;
        if (name.startsWith('shopmon_plugin_')) return !pluginNames.has(base(name));
        if (name.startsWith('shopmon_')) return !kpiText.includes(`# TYPE ${base(name)} `) && !kpiText.includes(`# TYPE ${name} `);
        return !shopText.includes(`# TYPE ${base(name)} `) && !shopText.includes(`# TYPE ${name} `);
      });
      expect(missing).toEqual([]);
    } finally {
      await shop.stop();
      await server.cleanup();
    }
  });
});
