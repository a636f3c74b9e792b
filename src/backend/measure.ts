import http from 'node:http';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUERY_KEY, startTestServer } from '../server/testServer';
import { datasourceContext, REPO_ROOT, startPluginHost } from './testHost';
import { lastDay, shopEvents } from './testEvents';

/**
 * Measures the two backend-plugin targets of DESIGN.md by hand (not a test: no timing asserts
 * belong in tests): handshake time (spawn of the built launcher to the handshake line) and the
 * QueryData overhead over calling the KPI service directly with the same keep-alive HTTP.
 *
 *   node --import tsx src/backend/measure.ts
 */

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

async function handshakeTimes(launcher: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'shp-measure-'));
    const started = performance.now();
    const child = spawn(launcher, [], { env: { ...process.env, grafana_plugin_type: 'datasource', PLUGIN_PROTOCOL_VERSIONS: '2', PLUGIN_UNIX_SOCKET_DIR: dir }, stdio: ['pipe', 'pipe', 'pipe'] });
    await new Promise((r) => child.stdout.once('data', r));
    times.push(performance.now() - started);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

async function bareNodeTimes(runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', 'process.stdout.write("x\\n")'], { stdio: ['pipe', 'pipe', 'pipe'] });
    await new Promise((r) => child.stdout.once('data', r));
    times.push(performance.now() - started);
    await new Promise((r) => child.once('exit', r));
  }
  return times;
}

function directQuery(url: string, body: object, agent: http.Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const req = http.request(`${url}/v1/query`, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${QUERY_KEY}`, 'content-length': payload.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
        resolve();
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function main(): Promise<void> {
  const outdir = mkdtempSync(join(tmpdir(), 'shp-build-'));
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build-backend.mjs'), '--outdir', outdir], { stdio: 'inherit' });
  const launcher = join(outdir, 'gpx_shopmon-kpi-datasource_linux_amd64');

  const runs = Number(process.env.RUNS ?? 15);
  const bare = await bareNodeTimes(runs);
  const hs = await handshakeTimes(launcher, runs);
  console.log(`handshake (spawn of the launcher to the handshake line), ${runs} runs: median ${median(hs).toFixed(0)} ms, min ${Math.min(...hs).toFixed(0)} ms, max ${Math.max(...hs).toFixed(0)} ms`);
  console.log(`  for scale, bare "node -e" to its first line: median ${median(bare).toFixed(0)} ms`);

  const kpi = await startTestServer();
  const host = await startPluginHost({ executable: launcher });
  try {
    const range = lastDay();
    await kpi.post('/v1/events', shopEvents(range));
    const ctx = datasourceContext({ url: kpi.url, queryKey: QUERY_KEY, timezone: 'Asia/Seoul' });
    const saved = { metric: 'orders', groupBy: ['channel'], interval: '5m' };
    const body = { metric: 'orders', from: range.from, to: range.to, interval: '5m', max_points: 1000, filters: [], group_by: ['channel'], compare: 'none', format: 'timeseries', timezone: 'Asia/Seoul' };
    const queries = [{ refId: 'A', maxDataPoints: 1000, intervalMS: 60_000, timeRange: { fromEpochMS: range.from, toEpochMS: range.to }, json: Buffer.from(JSON.stringify(saved)), queryType: '' }];
    const hidden = [{ ...queries[0]!, json: Buffer.from(JSON.stringify({ ...saved, hide: true })) }];
    const agent = new http.Agent({ keepAlive: true });
    const viaPlugin: number[] = [];
    const direct: number[] = [];
    const transport: number[] = [];
    const iterations = Number(process.env.ITERATIONS ?? 200);
    for (let i = 0; i < iterations + 20; i++) {
      // Interleaved, so that load from elsewhere on the machine hits both the same way.
      let t = performance.now();
      await directQuery(kpi.url, body, agent);
      const d = performance.now() - t;
      t = performance.now();
      const res = await host.queryData({ pluginContext: ctx as never, queries: queries as never });
      const p = performance.now() - t;
      if (res.responses.A?.status !== 200) throw new Error(res.responses.A?.error);
      t = performance.now();
      await host.queryData({ pluginContext: ctx as never, queries: hidden as never });
      const g = performance.now() - t;
      if (i >= 20) {
        direct.push(d);
        viaPlugin.push(p);
        transport.push(g);
      }
    }
    agent.destroy();
    const overheads = viaPlugin.map((p, i) => p - direct[i]!);
    console.log(`QueryData (3 series x 288 points), ${iterations} calls: direct /v1/query median ${median(direct).toFixed(2)} ms, through the plugin median ${median(viaPlugin).toFixed(2)} ms`);
    console.log(`  overhead over the direct KPI call: median ${median(overheads).toFixed(2)} ms, p95 ${p95(overheads).toFixed(2)} ms`);
    console.log(`  of which the gRPC round trip alone (a hidden query, no KPI call): median ${median(transport).toFixed(2)} ms`);
  } finally {
    await host.close();
    await kpi.cleanup();
    rmSync(outdir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
