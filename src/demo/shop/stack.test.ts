import { existsSync, statSync } from 'node:fs';
import { composeVariables, envFileNames, readJson, readText, readYaml, rootPath, type Doc } from './stackFiles';

/**
 * docker-compose.yml and docker/ checked without a Docker engine: what they name exists, the
 * start order holds, images are pinned, Prometheus scrapes what compose runs.
 */

const compose = readYaml('docker-compose.yml');
const services: Record<string, Doc> = compose.services;
const datasourcePlugin = readJson('src/datasource/plugin.json');
const panelPlugin = readJson('src/panel/plugin.json');

/** Does the service answer a health check (its own, or its Dockerfile's HEALTHCHECK)? */
function hasHealthcheck(name: string): boolean {
  const s = services[name]!;
  if (s.healthcheck) return s.healthcheck.disable !== true;
  return Boolean(s.build && /^HEALTHCHECK /m.test(readText(s.build.dockerfile)));
}

describe('docker-compose.yml', () => {
  it('runs the product: Grafana, KPI service, demo shop, Prometheus and exporters; Kafka only in its profile', () => {
    for (const name of ['grafana', 'kpi', 'demo-shop', 'demo-backfill', 'prometheus', 'node-exporter', 'blackbox-exporter']) {
      expect(services[name]).toBeDefined();
      expect(services[name].profiles).toBeUndefined();
    }
    for (const name of ['kafka', 'kafka-init', 'kafka-bridge', 'kafka-exporter']) expect(services[name].profiles).toEqual(['kafka']);
    for (const name of ['clickhouse', 'kpi-scale']) expect(services[name].profiles).toEqual(['scale']);
  });

  it('runs stateless KPI service replicas on ClickHouse in the scale profile, with the same keys', () => {
    const env = services['kpi-scale'].environment;
    expect(env).toMatchObject({ SHOPMON_STORE: 'clickhouse', SHOPMON_CLICKHOUSE_URL: 'http://clickhouse:8123', SHOPMON_PORT: '8787' });
    expect(env.SHOPMON_INGEST_KEYS).toBe(services.kpi.environment.SHOPMON_INGEST_KEYS);
    expect(env.SHOPMON_QUERY_KEYS).toBe(services.kpi.environment.SHOPMON_QUERY_KEYS);
    // The login the ClickHouse image creates is the one the service uses.
    expect(env.SHOPMON_CLICKHOUSE_USER).toBe(services.clickhouse.environment.CLICKHOUSE_USER);
    expect(env.SHOPMON_CLICKHOUSE_PASSWORD).toBe(services.clickhouse.environment.CLICKHOUSE_PASSWORD);
    expect(services['kpi-scale'].ports).toBeUndefined();
    expect(services['kpi-scale'].deploy.replicas).toMatch(/^\$\{SHOPMON_SCALE_REPLICAS:-\d+\}$/);
    // One switch points the shop's events and Grafana's datasource at the replicas.
    for (const name of ['demo-shop', 'demo-backfill']) expect(services[name].environment.SHOPMON_URL).toBe(services.grafana.environment.SHOPMON_KPI_URL);
  });

  it('starts services in order: every dependency exists, and "healthy" ones have a health check', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, spec] of Object.entries<Doc>(s.depends_on ?? {})) {
        expect({ name, dep, exists: dep in services }).toEqual({ name, dep, exists: true });
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(spec.condition);
        if (spec.condition === 'service_healthy') expect({ dep, healthcheck: hasHealthcheck(dep) }).toEqual({ dep, healthcheck: true });
        // A service outside a profile may not wait for one inside it.
        if (!s.profiles) expect(services[dep].profiles).toBeUndefined();
      }
    }
    expect(services.grafana.depends_on).toMatchObject({ kpi: { condition: 'service_healthy' }, prometheus: { condition: 'service_healthy' } });
    expect(services['demo-shop'].depends_on).toMatchObject({ kpi: { condition: 'service_healthy' } });
  });

  it('builds from Dockerfiles that exist, and pins every pulled image to a version', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build) {
        expect(s.build.context).toBe('.');
        expect({ name, dockerfile: existsSync(rootPath(s.build.dockerfile)) }).toEqual({ name, dockerfile: true });
        expect(s.image).toMatch(/^shopmon\/[a-z-]+:local$/);
      } else {
        expect({ name, image: s.image }).toEqual({ name, image: expect.stringMatching(/^[a-z0-9./-]+:v?\d+\.\d+\.\d+(\.\d+)?$/) });
      }
    }
  });

  it('mounts only files of this repository, read-only where they are configuration', () => {
    for (const s of Object.values(services)) {
      for (const volume of (s.volumes ?? []) as string[]) {
        const [source, , mode] = volume.split(':');
        if (!source!.startsWith('./')) continue;
        expect({ volume, exists: existsSync(rootPath(source!)) }).toEqual({ volume, exists: true });
        expect(mode).toBe('ro');
      }
    }
    expect(services.grafana.volumes).toContain('./provisioning:/etc/grafana/provisioning:ro');
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['kpi-data', 'grafana-data', 'prometheus-data']));
  });

  it('publishes ports on $SHOPMON_BIND (loopback unless changed)', () => {
    const ports = Object.values(services).flatMap((s) => (s.ports ?? []) as string[]);
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) expect(p).toMatch(/^\$\{SHOPMON_BIND:-127\.0\.0\.1\}:\d+:\d+$/);
    expect(ports).toEqual(expect.arrayContaining([expect.stringMatching(/:3000:3000$/), expect.stringMatching(/:8787:8787$/)]));
  });

  it('configures Grafana: admin login from the environment (admin/admin by default) and both unsigned plugins allowed', () => {
    const env = services.grafana.environment;
    expect(env.GF_SECURITY_ADMIN_USER).toBe('${GRAFANA_ADMIN_USER:-admin}');
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toBe('${GRAFANA_ADMIN_PASSWORD:-admin}');
    expect(env.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',').sort()).toEqual([datasourcePlugin.id, panelPlugin.id].sort());
    expect(env.SHOPMON_QUERY_KEYS).toBe(services.kpi.environment.SHOPMON_QUERY_KEYS);
    expect(env.SHOPMON_INGEST_KEYS).toBeUndefined();
    expect(existsSync(rootPath(env.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH.replace('/etc/grafana/provisioning', 'provisioning')))).toBe(true);
  });

  it('configures the KPI service for the containers: all interfaces, the data volume, keys from .env', () => {
    const env = services.kpi.environment;
    expect(env).toMatchObject({ SHOPMON_HOST: '0.0.0.0', SHOPMON_PORT: '8787', SHOPMON_DATA_DIR: '/data' });
    expect(env.SHOPMON_INGEST_KEYS).toMatch(/^\$\{SHOPMON_INGEST_KEYS:-.+\}$/);
    expect(env.SHOPMON_QUERY_KEYS).toMatch(/^\$\{SHOPMON_QUERY_KEYS:-.+\}$/);
    expect(services.kpi.volumes).toContain('kpi-data:/data');
    for (const client of ['demo-shop', 'demo-backfill']) {
      expect(services[client].environment.SHOPMON_URL).toBe('${SHOPMON_KPI_URL:-http://kpi:8787}');
      expect(services[client].environment.SHOPMON_INGEST_KEYS).toBe(env.SHOPMON_INGEST_KEYS);
    }
  });

  it('documents in .env.example every variable it reads, and reads every one there', () => {
    const used = composeVariables(readText('docker-compose.yml'));
    const documented = envFileNames(readText('.env.example'));
    expect([...used].filter((n) => !documented.has(n))).toEqual([]);
    expect([...documented].filter((n) => !used.has(n))).toEqual([]);
  });
});

describe('docker/ images', () => {
  const grafana = readText('docker/grafana/Dockerfile');

  it('builds Grafana from the pinned -ubuntu image with the plugins and Node for the backend launcher', () => {
    const version = /^ARG GRAFANA_VERSION=(\S+)$/m.exec(grafana)?.[1];
    expect(version).toMatch(/^12\.4\.\d+$/);
    expect(grafana).toContain('FROM grafana/grafana:${GRAFANA_VERSION}-ubuntu');
    expect(services.grafana.build.args.GRAFANA_VERSION).toBe(`\${GRAFANA_VERSION:-${version}}`);
    expect(readText('.env.example')).toContain(`GRAFANA_VERSION=${version}`);
    expect(grafana).toMatch(/^FROM node:20-bookworm AS build$|^ARG NODE_IMAGE=node:20-bookworm$/m);
    expect(grafana).toContain('RUN npm run build');
    expect(grafana).toContain('COPY --from=build /usr/local/bin/node /usr/local/bin/node');
    for (const id of [datasourcePlugin.id, panelPlugin.id]) expect(grafana).toContain(`/src/dist/${id} /var/lib/grafana/plugins/${id}`);
    // The executables Grafana looks for, named after plugin.json's "executable".
    for (const arch of ['linux_amd64', 'linux_arm64']) expect(grafana).toContain(`test -x dist/${datasourcePlugin.id}/${datasourcePlugin.executable}_${arch}`);
    expect(grafana).toContain(`GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=${datasourcePlugin.id},${panelPlugin.id}`);
  });

  it('copies only files that exist, and runs entry points that exist', () => {
    for (const file of ['docker/grafana/Dockerfile', 'docker/kpi/Dockerfile', 'docker/shop/Dockerfile']) {
      const text = readText(file);
      for (const m of text.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)) {
        for (const source of m[1]!.split(' ')) expect({ file, source, exists: existsSync(rootPath(source)) }).toEqual({ file, source, exists: true });
      }
      const cmd = /^CMD \[(.+)\]$/m.exec(text)?.[1];
      const script = cmd && /"(src\/[^"]+\.ts)"/.exec(cmd)?.[1];
      if (script) expect({ file, script, exists: existsSync(rootPath(script)) }).toEqual({ file, script, exists: true });
    }
    expect(existsSync(rootPath(services['demo-backfill'].command[3]))).toBe(true);
    expect(statSync(rootPath('docker/grafana/entrypoint.sh')).mode & 0o111).not.toBe(0);
  });

  it('installs tsx with the runtime dependencies, so --omit=dev images can run TypeScript', () => {
    const pkg = readJson('package.json');
    expect(pkg.dependencies.tsx).toBeDefined();
    for (const file of ['docker/kpi/Dockerfile', 'docker/shop/Dockerfile']) expect(readText(file)).toContain('npm install --omit=dev');
  });

  it('keeps node_modules, dist and data out of every build context', () => {
    for (const image of ['grafana', 'kpi', 'shop']) {
      const ignore = readText(`docker/${image}/Dockerfile.dockerignore`).split('\n');
      for (const entry of ['node_modules', 'dist', 'data', '.git', '.env']) expect(ignore).toContain(entry);
    }
  });
});

describe('docker/prometheus and docker/blackbox', () => {
  const prometheus = readYaml('docker/prometheus/prometheus.yml');
  const blackbox = readYaml('docker/blackbox/blackbox.yml');
  const jobs = new Map<string, Doc>(prometheus.scrape_configs.map((j: Doc) => [j.job_name, j]));
  const servicePort = (target: string) => {
    const url = /^[a-z]+:\/\//.test(target) ? new URL(target) : new URL(`tcp://${target}`);
    return { host: url.hostname, port: url.port };
  };

  it('scrapes every service of the stack by its compose name', () => {
    const expected: Record<string, string> = { kpi: 'kpi:8787', 'demo-shop': 'demo-shop:8080', node: 'node-exporter:9100', kafka: 'kafka-exporter:9308', grafana: 'grafana:3000', 'shopmon-datasource-plugin': 'grafana:3000' };
    for (const [job, target] of Object.entries(expected)) expect(jobs.get(job)?.static_configs[0].targets).toEqual([target]);
    expect(jobs.get('shopmon-datasource-plugin').metrics_path).toBe(`/metrics/plugins/${datasourcePlugin.id}`);
    for (const job of jobs.values()) {
      for (const sc of job.static_configs ?? []) {
        for (const target of sc.targets as string[]) {
          const { host } = servicePort(target);
          if (host !== 'localhost') expect({ job: job.job_name, host, service: host in services }).toEqual({ job: job.job_name, host, service: true });
        }
      }
    }
  });

  it('probes through the blackbox exporter with modules blackbox.yml defines', () => {
    const modules = blackbox.modules;
    const probeJobs = [...jobs.values()].filter((j) => j.metrics_path === '/probe');
    expect(probeJobs.map((j) => j.job_name).sort()).toEqual(['blackbox-http', 'blackbox-https-self-signed', 'blackbox-tls']);
    for (const job of probeJobs) {
      expect(modules[job.params.module[0]]).toBeDefined();
      expect(job.relabel_configs.at(-1)).toEqual({ target_label: '__address__', replacement: 'blackbox-exporter:9115' });
    }
    expect(jobs.get('blackbox-http').static_configs[0].targets).toEqual(['http://demo-shop:8080/', 'http://kpi:8787/healthz']);
  });

  it('checks TLS expiry of a configured host list that includes the self-signed demo shop', () => {
    const tls = jobs.get('blackbox-tls');
    expect(tls.file_sd_configs[0].files).toEqual(['/etc/prometheus/tls-targets.yml']);
    expect(services.prometheus.volumes).toContain('./docker/prometheus:/etc/prometheus:ro');
    const targets = readYaml('docker/prometheus/tls-targets.yml') as Doc[];
    const shop = targets.find((t) => t.targets.includes('demo-shop:8443'));
    expect(shop.labels.module).toBe('tls_connect_self_signed');
    for (const t of targets) expect(blackbox.modules[t.labels?.module ?? 'tls_connect']).toBeDefined();
    // Without verification the probe still reads the certificate (probe_ssl_earliest_cert_expiry).
    expect(blackbox.modules.tls_connect_self_signed).toMatchObject({ prober: 'tcp', tcp: { tls: true, tls_config: { insecure_skip_verify: true } } });
    expect(blackbox.modules.tls_connect.tcp.tls_config).toBeUndefined();
    expect(services['demo-shop'].environment.SHOP_TLS_PORT).toBe('8443');
    expect(readText('docker/shop/Dockerfile')).toMatch(/openssl req -x509[\s\S]*subjectAltName=DNS:demo-shop/);
  });

  it('keeps alert rules out of Prometheus (Grafana evaluates them)', () => {
    expect(prometheus.rule_files).toBeUndefined();
    expect(prometheus.alerting).toBeUndefined();
  });
});
