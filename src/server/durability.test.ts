import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { INGEST_KEY, startTestServer, tempDataDir, testEnv } from './testServer';

const root = join(__dirname, '..', '..');

function spawnService(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: root,
    env: { ...process.env, ...testEnv(dataDir) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`service exited early with ${code}: ${out}`)));
  });
}

const ev = (id: string) => ({ event_id: id, type: 'page_view', visitor_id: `v-${id}`, channel: 'web' });

describe('durability', () => {
  it('keeps every acknowledged event when the process is killed with SIGKILL right after a 200', async () => {
    const dataDir = tempDataDir();
    try {
      const { child, url } = await spawnService(dataDir);
      const exited = new Promise((r) => child.once('exit', r));
      let acknowledged = 0;
      let killed = false;
      // Several clients keep sending; the first 200 after 20 batches triggers the kill.
      const client = async (c: number) => {
        for (let b = 0; !killed; b++) {
          const body = Array.from({ length: 200 }, (_, i) => ev(`d-${c}-${b}-${i}`));
          const res = await fetch(`${url}/v1/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_KEY}` },
            body: JSON.stringify(body),
          }).catch(() => null);
          if (!res || res.status !== 200) break;
          acknowledged += ((await res.json()) as { accepted: number }).accepted;
          if (b >= 20 && !killed) {
            killed = true;
            child.kill('SIGKILL');
          }
        }
      };
      await Promise.all([0, 1, 2, 3].map(client));
      await exited;
      const s = await startTestServer({}, dataDir);
      const stored = await s.svc.store.countEvents();
      await s.stop();
      expect(acknowledged).toBeGreaterThan(0);
      expect(stored).toBeGreaterThanOrEqual(acknowledged);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('flushes accepted events on SIGTERM and exits 0', async () => {
    const dataDir = tempDataDir();
    try {
      const { child, url } = await spawnService(dataDir);
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_KEY}` },
        body: JSON.stringify(Array.from({ length: 500 }, (_, i) => ev(`t-${i}`))),
      });
      expect(res.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const s = await startTestServer({}, dataDir);
      expect(await s.svc.store.countEvents()).toBe(500);
      await s.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('backpressure', () => {
  it('answers 503 with Retry-After while the writer queue is full, and accepts again after', async () => {
    const s = await startTestServer({ SHOPMON_MAX_QUEUE: '100' });
    try {
      const store = s.svc.store;
      const realAppend = store.append.bind(store);
      let open!: () => void;
      const gate = new Promise<void>((r) => (open = r));
      store.append = async (rows, demote) => {
        await gate;
        return realAppend(rows, demote);
      };
      const first = s.post('/v1/events', Array.from({ length: 80 }, (_, i) => ev(`bp-a-${i}`)));
      while (s.svc.writer.depth === 0) await new Promise((r) => setTimeout(r, 5));
      const second = await s.post('/v1/events', Array.from({ length: 80 }, (_, i) => ev(`bp-b-${i}`)));
      expect(second.status).toBe(503);
      expect(second.headers.get('retry-after')).toBe('1');
      expect(second.body.error.code).toBe('overloaded');
      open();
      expect((await first).body.accepted).toBe(80);
      store.append = realAppend;
      const retry = await s.post('/v1/events', Array.from({ length: 80 }, (_, i) => ev(`bp-b-${i}`)));
      expect(retry.body.accepted).toBe(80);
      expect(await store.countEvents()).toBe(160);
    } finally {
      await s.cleanup();
    }
  });

  it('answers 503 and keeps nothing when the store fails, so the retry is not a duplicate', async () => {
    const s = await startTestServer();
    try {
      const store = s.svc.store;
      const realAppend = store.append.bind(store);
      store.append = async () => {
        throw new Error('disk full');
      };
      const failed = await s.post('/v1/events', [ev('sf-1')]);
      expect(failed.status).toBe(503);
      store.append = realAppend;
      const retry = await s.post('/v1/events', [ev('sf-1')]);
      expect(retry.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    } finally {
      await s.cleanup();
    }
  });
});
