import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tableFromIPC } from 'apache-arrow';
import { QUERY_KEY, startTestServer } from '../server/testServer';
import { datasourceContext, firstLine, REPO_ROOT, spawnPlugin, startPluginHost, type PluginHost } from './testHost';
import { lastDay, shopEvents } from './testEvents';

/**
 * The plugin process as Grafana runs it: the built launcher and bundle (built once here; the
 * other test files run the sources through tsx), handshake, health, logs and the ways it stops.
 */

const run = promisify(execFile);
const HANDSHAKE = /^1\|2\|unix\|(\/[^|]+)\|grpc\|\n$/;
const hosts: PluginHost[] = [];
const dirs: string[] = [];

async function host(opts: Parameters<typeof startPluginHost>[0] = {}): Promise<PluginHost> {
  const h = await startPluginHost({ executable: launcher, ...opts });
  hosts.push(h);
  return h;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shopmon-plugin-test-'));
  dirs.push(dir);
  return dir;
}

/** Polls until `check` holds; the test's own timeout bounds it (no timing assertion). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

const outdir = tempDir();
const launcher = join(outdir, 'gpx_shopmon-kpi-datasource_linux_amd64');

beforeAll(async () => {
  writeFileSync(join(outdir, 'module.js'), '// the frontend build was here first');
  await run(process.execPath, [join(REPO_ROOT, 'scripts/build-backend.mjs'), '--outdir', outdir]);
});

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the build (scripts/build-backend.mjs)', () => {
  it('writes the bundle, the .proto files and executable launchers for amd64 and arm64, keeping other files', () => {
    for (const arch of ['linux_amd64', 'linux_arm64']) {
      const path = join(outdir, `gpx_shopmon-kpi-datasource_${arch}`);
      accessSync(path, constants.X_OK);
      expect(readFileSync(path, 'utf8')).toContain('exec "$NODE" "$(dirname "$0")/gpx_shopmon-kpi-datasource.js" "$@"');
    }
    for (const file of ['gpx_shopmon-kpi-datasource.js', 'proto/backend.proto', 'proto/health.proto', 'proto/controller.proto', 'module.js']) {
      expect(existsSync(join(outdir, file))).toBe(true);
    }
  });

  it('started through the launcher as Grafana does: handshake, health, a real query, Shutdown', async () => {
    const kpi = await startTestServer();
    try {
      const range = lastDay();
      await kpi.post('/v1/events', shopEvents(range));
      const h = await host();
      expect(h.handshake).toMatch(HANDSHAKE);
      expect(await h.health('plugin')).toBe('SERVING');
      const res = await h.queryData({
        pluginContext: datasourceContext({ url: kpi.url, queryKey: QUERY_KEY }) as never,
        queries: [{ refId: 'A', maxDataPoints: 500, intervalMS: 0, timeRange: { fromEpochMS: range.from, toEpochMS: range.to }, json: Buffer.from('{"metric":"page_views","interval":"1h"}'), queryType: '' }],
      });
      const own = (await kpi.post('/v1/query', { metric: 'page_views', from: range.from, to: range.to, interval: '1h', max_points: 500, filters: [], group_by: [], compare: 'none', format: 'timeseries' })).body;
      const table = tableFromIPC(res.responses.A!.frames[0]!);
      expect(Array.from({ length: table.numRows }, (_, i) => table.getChild('value')!.get(i))).toEqual(own.series[0].points.map((p: [number, number]) => p[1]));
      await h.shutdown();
      expect(await h.exited).toEqual({ code: 0, signal: null });
      expect(existsSync(h.socket)).toBe(false);
    } finally {
      await kpi.cleanup();
    }
  });

  it('the launcher explains a missing node', async () => {
    const err = await run(launcher, [], { env: { PATH: '/nonexistent', grafana_plugin_type: 'datasource' } }).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toMatch(/Node\.js \('node'\) was not found/);
  });
});

describe('the plugin process', () => {
  it('started by hand, without the magic cookie: exits 1 with a message and prints nothing on stdout', async () => {
    const child = spawnPlugin({ executable: launcher, env: { grafana_plugin_type: undefined } }, tempDir());
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/backend of the shopmon KPI datasource plugin for Grafana/);
    expect(stderr).toMatch(/not meant to be run by hand/);
  });

  it('refuses a protocol version it does not speak', async () => {
    const child = spawnPlugin({ executable: launcher, env: { PLUGIN_PROTOCOL_VERSIONS: '1' } }, tempDir());
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    expect(await new Promise((r) => child.once('exit', r))).toBe(1);
    expect(stderr).toMatch(/speaks version 2/);
  });

  it('handshake first on stdout, socket in PLUGIN_UNIX_SOCKET_DIR, hclog JSON on stderr, health of "plugin"', async () => {
    const dir = tempDir();
    const child = spawnPlugin({ executable: launcher }, dir);
    const line = await firstLine(child);
    expect(line).toMatch(HANDSHAKE);
    expect(HANDSHAKE.exec(line)![1]!.startsWith(`${dir}/`)).toBe(true);
    child.kill('SIGKILL');

    const h = await host();
    expect(await h.health('plugin')).toBe('SERVING');
    expect(await h.health('')).toBe('SERVING');
    await expect(h.health('other')).rejects.toMatchObject({ code: 5 });
    await until(() => h.stderr().includes('plugin started'));
    const entry = JSON.parse(h.stderr().split('\n').find((l) => l.includes('plugin started'))!);
    expect(entry).toMatchObject({ '@level': 'info', '@module': 'shopmon-kpi-datasource', socket: h.socket });
    expect(entry['@timestamp']).toMatch(/\.\d{6}Z$/);
  });

  it('without PLUGIN_UNIX_SOCKET_DIR the socket goes to the OS temp dir', async () => {
    const h = await host({ env: { PLUGIN_UNIX_SOCKET_DIR: undefined } });
    expect(h.socket.startsWith(tmpdir())).toBe(true);
    expect(await h.health()).toBe('SERVING');
  });

  it('Shutdown: answers, then the process exits 0 and removes its socket', async () => {
    const h = await host();
    await h.shutdown();
    expect(await h.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(h.socket)).toBe(false);
    expect(h.stderr()).toMatch(/"reason":"Shutdown requested by Grafana"/);
  });

  it('SIGTERM: exits 0', async () => {
    const h = await host();
    expect(await h.health()).toBe('SERVING');
    h.child.kill('SIGTERM');
    expect(await h.exited).toEqual({ code: 0, signal: null });
  });

  it('SIGINT is ignored: still serving afterwards', async () => {
    const h = await host({ env: { GF_PLUGIN_LOG_LEVEL: 'debug' } });
    h.child.kill('SIGINT');
    await until(() => h.stderr().includes('SIGINT ignored'));
    expect(await h.health()).toBe('SERVING');
  });

  it('stdin closed by the host (a pipe): exits 0', async () => {
    const h = await host();
    h.child.stdin.end();
    expect(await h.exited).toEqual({ code: 0, signal: null });
    expect(h.stderr()).toMatch(/"reason":"stdin closed"/);
  });
});
