import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machine, mib } from './lib';

/**
 * `node --import tsx bench/memwatch.ts <command...>` runs the command (npm run bench:compare in
 * `npm run bench`) and samples the memory of every process it starts, grouped by engine: the
 * KPI service (node), PostgreSQL (all its processes) and ClickHouse. PSS, not RSS: PostgreSQL's
 * backends share shared_buffers, and PSS divides shared pages between the processes mapping
 * them, so the sum over a group is what the engine really holds. Writes bench/memory.md.
 */

const SAMPLE_MS = 250;

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  cmdline: string;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.push({ pid: Number(name), ppid: Number(fields[1]), comm: stat.slice(stat.indexOf('(') + 1, close), cmdline });
    } catch {
      // the process ended between readdir and read
    }
  }
  return out;
}

/**
 * The processes the command started, and the PostgreSQL servers of bench/compare (pg_ctl starts
 * the postmaster as a daemon, so it is no longer a descendant) with their backends.
 */
function descendants(root: number, all: Proc[]): Proc[] {
  const children = new Map<number, Proc[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: Proc[] = all.filter((p) => p.cmdline.includes('/postgresql/') && /compare-postgres-|shopmon-compare-/.test(p.cmdline));
  const stack = [root, ...out.map((p) => p.pid)];
  while (stack.length) {
    for (const c of children.get(stack.pop()!) ?? []) {
      out.push(c);
      stack.push(c.pid);
    }
  }
  return out;
}

function pss(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function engineOf(p: Proc): string | null {
  if (p.comm.startsWith('postgres') || p.cmdline.includes('/postgresql/')) return 'PostgreSQL 15';
  if (p.comm.startsWith('clickhouse')) return 'ClickHouse';
  if (p.cmdline.includes('src/server/main.ts')) return 'shopmon (KPI service)';
  return null;
}

function main(): void {
  const [cmd, ...args] = process.argv.slice(2);
  if (!cmd) throw new Error('usage: bench/memwatch.ts <command> [args...]');
  const child = spawn(cmd, args, { stdio: 'inherit' });
  const peak = new Map<string, number>();
  const timer = setInterval(() => {
    const now = new Map<string, number>();
    for (const p of descendants(child.pid!, processes())) {
      const engine = engineOf(p);
      if (engine) now.set(engine, (now.get(engine) ?? 0) + pss(p.pid));
    }
    for (const [engine, bytes] of now) peak.set(engine, Math.max(peak.get(engine) ?? 0, bytes));
  }, SAMPLE_MS);
  child.once('exit', (code) => {
    clearInterval(timer);
    // Engines this run did not measure keep their row (with its own date) from the last report.
    const file = join(__dirname, 'memory.md');
    const when = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, \`${[cmd, ...args].join(' ')}\` with BENCH_ENGINES=${process.env.BENCH_ENGINES ?? 'all'}`;
    const kept = existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => /^\| [^-]/.test(l) && !l.startsWith('| engine |') && !peak.has(l.split('|')[1]!.trim()))
          .map((l) => (l.split('|').length < 5 ? `${l} an earlier run (all engines) |` : l))
      : [];
    const rows = [...kept, ...[...peak].map(([engine, bytes]) => `| ${engine} | ${mib(bytes)} | ${when} |`)];
    const report = `# Peak memory of each engine during the comparison

\`node --import tsx bench/memwatch.ts npm run bench:compare\` (part of \`npm run bench\`) — ${machine()}.

Peak of the summed PSS (proportional set size: shared pages divided among the processes that map them) of each engine's processes,
sampled every ${SAMPLE_MS} ms over the whole run (loads of engines not cached yet, warm-ups, timed queries, dashboards).
PostgreSQL counts the postmaster and every backend and worker (its shared_buffers only as far as they were touched);
shopmon is the KPI service process (DuckDB is embedded in it).

| engine | peak memory (PSS) | measured |
| --- | --- | --- |
${rows.join('\n')}
`;
    if (code === 0) writeFileSync(file, report);
    process.stdout.write(report);
    process.exit(code ?? 1);
  });
}

main();
