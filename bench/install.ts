import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { log } from './lib';

/**
 * First step of `npm run bench`: the engines bench/compare.ts measures against, from Debian's own
 * packages (PostgreSQL 15 with postgresql-15-hll, ClickHouse). Installs what is missing with
 * apt-get when running as root; otherwise says what to install and stops. Engines left out of
 * BENCH_ENGINES are not needed. BENCH_PG_BIN / BENCH_CH_SERVER point at other installs.
 */

const ENGINES = (process.env.BENCH_ENGINES ?? 'shopmon,postgres,clickhouse').split(',').map((s) => s.trim());
const PG_BIN = process.env.BENCH_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const CH_SERVER = process.env.BENCH_CH_SERVER ?? '/usr/sbin/clickhouse-server';

interface Need {
  pkg: string;
  present: boolean;
}

function needs(): Need[] {
  const out: Need[] = [];
  if (ENGINES.includes('postgres')) {
    out.push({ pkg: 'postgresql-15', present: existsSync(join(PG_BIN, 'postgres')) });
    // Only the approximate "visitors total" variant uses it; the report says when it is absent.
    out.push({ pkg: 'postgresql-15-hll', present: existsSync('/usr/share/postgresql/15/extension/hll.control') || process.env.BENCH_PG_BIN !== undefined });
  }
  if (ENGINES.includes('clickhouse') || ENGINES.includes('shopmon-clickhouse')) {
    out.push({ pkg: 'clickhouse-server', present: existsSync(CH_SERVER) });
    out.push({ pkg: 'clickhouse-client', present: existsSync('/usr/bin/clickhouse-client') || process.env.BENCH_CH_SERVER !== undefined });
  }
  return out;
}

function main(): void {
  const missing = needs().filter((n) => !n.present).map((n) => n.pkg);
  if (missing.length === 0) {
    log('PostgreSQL 15 and ClickHouse are installed');
    return;
  }
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root) {
    log(`missing Debian packages: ${missing.join(', ')}. Install them as root (sudo sh -c '${command}'),`);
    log('or leave their engines out (BENCH_ENGINES=shopmon), then run npm run bench again.');
    process.exit(1);
  }
  log(`installing from Debian: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      log(`apt-get ${args.join(' ')} failed (exit ${r.status ?? r.signal}); install ${missing.join(', ')} by hand and run npm run bench again`);
      process.exit(1);
    }
  }
}

main();
