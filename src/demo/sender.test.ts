import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IngestClient, IngestError, retryAfter } from './sender';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse, call: number) => void;

interface FakeService {
  url: string;
  bodies: string[];
  headers: IncomingMessage['headers'][];
  maxInFlight: number;
  close: () => Promise<void>;
}

async function fakeService(handler: Handler): Promise<FakeService> {
  let inFlight = 0;
  let calls = 0;
  const server: Server = createServer((req, res) => {
    inFlight++;
    service.maxInFlight = Math.max(service.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      service.bodies.push(body);
      service.headers.push(req.headers);
      handler(req, body, res, calls++);
    });
  });
  const service: FakeService = {
    url: '',
    bodies: [],
    headers: [],
    maxInFlight: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  service.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return service;
}

const accept = (body: string, res: ServerResponse): void => {
  const lines = body.split('\n').filter(Boolean).length;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ accepted: lines, duplicates: 0, rejected: [] }));
};

const ndjson = (...ids: string[]): Buffer => Buffer.from(ids.map((id) => JSON.stringify({ event_id: id })).join('\n') + '\n');

describe('IngestClient', () => {
  let service: FakeService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('posts NDJSON with the key and adds up the answers', async () => {
    service = await fakeService((_req, body, res) => accept(body, res));
    const client = new IngestClient({ url: service.url, key: 'secret', concurrency: 2 });
    await client.submit(ndjson('a', 'b'), 2);
    await client.submit(ndjson('c'), 1);
    await client.flush();
    expect(client.totals).toMatchObject({ batches: 2, sent: 3, accepted: 3, duplicates: 0, rejected: 0, failed: 0 });
    expect(service.headers[0]).toMatchObject({ 'content-type': 'application/x-ndjson', authorization: 'Bearer secret' });
    expect(service.bodies.sort()).toEqual([ndjson('a', 'b').toString(), ndjson('c').toString()].sort());
  });

  it('retries 503 after Retry-After and network errors with the same body', async () => {
    service = await fakeService((req, body, res, call) => {
      if (call === 0) {
        res.writeHead(503, { 'retry-after': '0' });
        res.end('{"error":{"message":"busy"}}');
      } else if (call === 1) {
        req.socket.destroy();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ accepted: 1, duplicates: 1, rejected: [] }));
      }
    });
    const client = new IngestClient({ url: service.url, key: 'k', concurrency: 1, retryBaseMs: 1, log: () => {} });
    await client.submit(ndjson('a', 'b'), 2);
    await client.flush();
    expect(service.bodies).toEqual([ndjson('a', 'b').toString(), ndjson('a', 'b').toString(), ndjson('a', 'b').toString()]);
    expect(client.totals).toMatchObject({ sent: 2, accepted: 1, duplicates: 1, retries: 2, failed: 0 });
  });

  it('counts rejected events and shows why', async () => {
    service = await fakeService((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          accepted: 1,
          duplicates: 0,
          rejected: [{ index: 1, event_id: 'b', errors: [{ field: 'ts', message: 'is more than 5 minutes in the future' }] }],
        }),
      );
    });
    const lines: string[] = [];
    const client = new IngestClient({ url: service.url, key: 'k', concurrency: 1, log: (l) => lines.push(l) });
    await client.submit(ndjson('a', 'b'), 2);
    await client.flush();
    expect(client.totals).toMatchObject({ accepted: 1, rejected: 1 });
    expect(lines).toEqual(['rejected b: ts: is more than 5 minutes in the future']);
  });

  it('stops on a refused key', async () => {
    service = await fakeService((_req, _body, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"unauthorized","message":"unknown key"}}');
    });
    const client = new IngestClient({ url: service.url, key: 'wrong', concurrency: 1 });
    await client.submit(ndjson('a'), 1);
    await expect(client.flush()).rejects.toThrow(IngestError);
    await expect(client.flush()).rejects.toThrow(/refused the ingest key \(401\): unknown key/);
    expect(client.totals.failed).toBe(1);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    service = await fakeService((_req, body, res) => setTimeout(() => accept(body, res), 20));
    const client = new IngestClient({ url: service.url, key: 'k', concurrency: 3 });
    for (let i = 0; i < 12; i++) await client.submit(ndjson(`e${i}`), 1);
    await client.flush();
    expect(client.totals.accepted).toBe(12);
    expect(service.maxInFlight).toBeLessThanOrEqual(3);
    expect(service.maxInFlight).toBeGreaterThan(1);
  });

  it('gives up on an unreachable service after its attempts', async () => {
    const client = new IngestClient({ url: 'http://127.0.0.1:1', key: 'k', concurrency: 1, maxAttempts: 2, retryBaseMs: 1 });
    await client.submit(ndjson('a'), 1);
    await expect(client.flush()).rejects.toThrow(/could not reach http:\/\/127.0.0.1:1\/v1\/events.*gave up after 2 attempts/);
  });
});

describe('retryAfter', () => {
  it('reads seconds and HTTP dates, capped', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(retryAfter('2', now)).toBe(2000);
    expect(retryAfter(new Date(now + 5000).toUTCString(), now)).toBe(5000);
    expect(retryAfter('3600', now)).toBe(60_000);
    expect(retryAfter(null, now)).toBeUndefined();
    expect(retryAfter('soon', now)).toBeUndefined();
  });
});
