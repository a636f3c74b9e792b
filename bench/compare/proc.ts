import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { log } from '../lib';

/** Process, port and file helpers of the comparison benchmark. */

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** A free TCP port on the loopback interface (the OS picks; a race with others is unlikely). */
export { freePort } from '../../src/server/testClickhouse';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; throws with its output when it fails (unless allowFailure). */
export function run(cmd: string, args: string[], opts: SpawnOptions & { allowFailure?: boolean } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0 && !opts.allowFailure) reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${stderr || stdout}`));
      else resolve({ code, stdout, stderr });
    });
  });
}

/** Command and arguments to run a program as another user when we are root (PostgreSQL refuses root). */
export function asUser(user: string | null, cmd: string, args: string[]): [string, string[]] {
  if (!user) return [cmd, args];
  return ['runuser', ['-u', user, '--', cmd, ...args]];
}

/** Allocated blocks of a directory tree (du -sk), in bytes: what the disk really holds. */
export function duAllocated(path: string): number {
  if (!existsSync(path)) return 0;
  const r = spawnSync('du', ['-sk', path], { encoding: 'utf8' });
  return Number(r.stdout.split(/\s/)[0] ?? 0) * 1024;
}

/** The NDJSON lines of the data set, streamed. */
export async function* ndjsonLines(file: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of rl) if (line) yield line;
}

/** Groups an iterable of strings into chunks of about `bytes` characters. */
export async function* batched(lines: AsyncIterable<string>, bytes = 1 << 20): AsyncGenerator<string> {
  let parts: string[] = [];
  let size = 0;
  for await (const line of lines) {
    parts.push(line);
    size += line.length;
    if (size >= bytes) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  if (parts.length) yield parts.join('');
}

export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What a cached load recorded: its duration and when it ran, so a rerun reports it. */
export interface LoadRecord {
  events: number;
  loadMs: number;
  steps: Record<string, number>;
  at: string;
  rows: number;
}

export function readLoadRecord(file: string, events: number): LoadRecord | null {
  if (!existsSync(file)) return null;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as LoadRecord;
    return r.events === events ? r : null;
  } catch {
    return null;
  }
}

export function writeLoadRecord(file: string, r: LoadRecord): void {
  writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
}

/** Times a step of a load and logs it. */
export async function step<T>(steps: Record<string, number>, name: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  log(`  ${name} ...`);
  const out = await work();
  steps[name] = performance.now() - t0;
  log(`  ${name}: ${(steps[name] / 1000).toFixed(1)} s`);
  return out;
}
