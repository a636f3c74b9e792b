import { readdirSync, readFileSync } from 'node:fs';

/**
 * How much of the machine other work used while an engine was measured: the machine's CPU time
 * (/proc/stat) minus the CPU time of our process trees (the benchmark, its children, the
 * database servers), as a share of all CPU time. The machine's cores are shared with other
 * work, so this says how much the timings could be off.
 */

interface ProcStat {
  ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks. */
  ticks: number;
}

function procStats(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name is in parentheses and may contain spaces: split after the last ')'.
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      // Fields after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
      out.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      // The process ended while we read.
    }
  }
  return out;
}

/** CPU ticks of the process trees under the given roots (live processes plus their reaped children). */
function treeTicks(roots: number[], stats: Map<number, ProcStat>): number {
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const seen = new Set<number>();
  const stack = [...roots];
  let ticks = 0;
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    ticks += stats.get(pid)?.ticks ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return ticks;
}

/** Busy and total CPU ticks of the whole machine (all cores). */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** A point-in-time reading: the machine's busy and total ticks, and our process trees' ticks. */
export interface CpuSnapshot {
  busy: number;
  total: number;
  ours: number;
}

export function cpuSnapshot(roots: number[]): CpuSnapshot {
  const m = machineTicks();
  return { ...m, ours: treeTicks(roots, procStats()) };
}

/** CPU time accumulated over many measured intervals (the calls of one engine). */
export class CpuAccount {
  private total = 0;
  private ours = 0;
  private others = 0;

  add(a: CpuSnapshot, b: CpuSnapshot): void {
    const ours = Math.max(0, b.ours - a.ours);
    this.total += b.total - a.total;
    this.ours += ours;
    this.others += Math.max(0, b.busy - a.busy - ours);
  }

  /** Shares (0-1) of all the machine's CPU time during the intervals. */
  shares(): { ours: number; others: number } {
    return this.total > 0 ? { ours: this.ours / this.total, others: this.others / this.total } : { ours: 0, others: 0 };
  }
}
