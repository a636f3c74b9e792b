import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startServer } from './server/main';

/**
 * `npm start`: the no-Docker path. Starts the KPI service on its embedded DuckDB file, backfills
 * a week of demo history into an empty store, then keeps the demo shop sending live traffic.
 */

const BACKFILL_EVENTS = Number(process.env.SHOPMON_DEMO_BACKFILL ?? 300_000);
const BACKFILL_DAYS = 7;
const root = join(__dirname, '..');

function demo(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/demo/main.ts', ...args], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
}

function finished(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function main(): Promise<void> {
  const server = await startServer({ SHOPMON_LOG_LEVEL: 'warn', ...process.env });
  const { svc, url } = server;
  const ingestKey = svc.keys.ingest[0]!;
  const queryKey = svc.keys.query[0]!;
  console.log(`shopmon KPI service: listening on ${url}`);
  console.log(`  data:       ${svc.config.dataDir}/shopmon.duckdb (${svc.config.store})`);
  console.log(`  ingest key: ${ingestKey}`);
  console.log(`  query key:  ${queryKey}`);
  console.log(`  try:        curl -s -H "Authorization: Bearer ${queryKey}" -H 'Content-Type: application/json' \\`);
  console.log(`                -d '{"metric":"orders","interval":"1h","compare":"1d"}' ${url}/v1/query`);
  console.log(`  metrics:    ${url}/metrics   health: ${url}/healthz`);

  const env = { ...process.env, SHOPMON_INGEST_KEY: ingestKey };
  let child: ChildProcess | null = null;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the demo shop and flushing the KPI service`);
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await finished(child);
    }
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  if ((await svc.store.countEvents()) === 0 && BACKFILL_EVENTS > 0) {
    console.log(`demo shop: backfilling ${BACKFILL_EVENTS.toLocaleString('en-US')} events over the last ${BACKFILL_DAYS} days...`);
    child = demo(['--events', String(BACKFILL_EVENTS), '--days', String(BACKFILL_DAYS), '--url', url], env);
    const code = await finished(child);
    if (stopping) return;
    if (code !== 0) console.error(`demo shop: backfill ended with exit code ${code}; live traffic starts anyway`);
  }
  console.log('demo shop: sending live traffic (Ctrl-C to stop)');
  child = demo(['--live', '--url', url], env);
  const code = await finished(child);
  if (!stopping) {
    console.error(`demo shop: live traffic ended with exit code ${code}; the KPI service keeps running`);
  }
}

main().catch((e: unknown) => {
  console.error(`shopmon: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
