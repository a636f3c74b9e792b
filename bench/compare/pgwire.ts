import { connect, type Socket } from 'node:net';

/**
 * A minimal PostgreSQL client (frontend/backend protocol 3.0, simple query protocol, trust
 * authentication, COPY FROM STDIN). The `pg` package is not a dependency of the project and the
 * benchmark must not add one; psql per query would add a process start to every timing.
 * Results come back as text, as psql shows them.
 */

export type PgRow = Array<string | null>;

export interface PgResult {
  columns: string[];
  rows: PgRow[];
  command: string;
}

interface Message {
  type: string;
  body: Buffer;
}

function cstring(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
}

function frame(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/** Fields of an ErrorResponse or NoticeResponse, by their one-letter codes. */
function errorFields(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const code = String.fromCharCode(body[i]!);
    const end = body.indexOf(0, i + 1);
    out[code] = body.toString('utf8', i + 1, end);
    i = end + 1;
  }
  return out;
}

export class PgError extends Error {
  constructor(
    message: string,
    readonly fields: Record<string, string>,
  ) {
    super(message);
  }
}

export class PgConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private queue: Message[] = [];
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.parse();
    });
    const fail = (e: Error) => {
      this.failure = e;
      this.wake();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the PostgreSQL connection closed')));
  }

  static async open(opts: { host: string; port: number; user: string; database: string }): Promise<PgConnection> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(opts.port, opts.host, () => resolve(s));
      s.once('error', reject);
    });
    const c = new PgConnection(socket);
    const params = Buffer.concat([
      cstring('user'), cstring(opts.user),
      cstring('database'), cstring(opts.database),
      cstring('client_encoding'), cstring('UTF8'),
      cstring('application_name'), cstring('shopmon-bench-compare'),
      Buffer.from([0]),
    ]);
    const startup = Buffer.alloc(8);
    startup.writeInt32BE(params.length + 8, 0);
    startup.writeInt32BE(196608, 4); // protocol 3.0
    socket.write(Buffer.concat([startup, params]));
    for (;;) {
      const m = await c.next();
      if (m.type === 'R') {
        const code = m.body.readInt32BE(0);
        if (code !== 0) throw new Error(`PostgreSQL asks for authentication method ${code}; the benchmark server uses trust`);
      } else if (m.type === 'E') {
        const f = errorFields(m.body);
        throw new PgError(f.M ?? 'connection refused', f);
      } else if (m.type === 'Z') {
        return c;
      }
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private parse(): void {
    let offset = 0;
    while (this.buffer.length - offset >= 5) {
      const length = this.buffer.readInt32BE(offset + 1);
      if (this.buffer.length - offset < length + 1) break;
      this.queue.push({ type: String.fromCharCode(this.buffer[offset]!), body: this.buffer.subarray(offset + 5, offset + 1 + length) });
      offset += length + 1;
    }
    this.buffer = offset === this.buffer.length ? Buffer.alloc(0) : Buffer.from(this.buffer.subarray(offset));
    if (this.queue.length) this.wake();
  }

  private async next(): Promise<Message> {
    while (this.queue.length === 0) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    return this.queue.shift()!;
  }

  /**
   * Runs one or more statements (simple query protocol) and returns the result of the last one
   * that produced rows (or the last command). Errors are thrown once the server is ready again.
   */
  async query(sql: string): Promise<PgResult> {
    this.socket.write(frame('Q', cstring(sql)));
    return this.collect();
  }

  private async collect(): Promise<PgResult> {
    let current: PgResult = { columns: [], rows: [], command: '' };
    let last: PgResult = current;
    let error: PgError | null = null;
    for (;;) {
      const m = await this.next();
      switch (m.type) {
        case 'T': {
          const n = m.body.readInt16BE(0);
          const columns: string[] = [];
          let i = 2;
          for (let k = 0; k < n; k++) {
            const end = m.body.indexOf(0, i);
            columns.push(m.body.toString('utf8', i, end));
            i = end + 1 + 18;
          }
          current = { columns, rows: [], command: '' };
          break;
        }
        case 'D': {
          const n = m.body.readInt16BE(0);
          const row: PgRow = [];
          let i = 2;
          for (let k = 0; k < n; k++) {
            const len = m.body.readInt32BE(i);
            i += 4;
            if (len < 0) row.push(null);
            else {
              row.push(m.body.toString('utf8', i, i + len));
              i += len;
            }
          }
          current.rows.push(row);
          break;
        }
        case 'C':
          current.command = m.body.toString('utf8', 0, m.body.length - 1);
          if (current.columns.length || last.columns.length === 0) last = current;
          current = { columns: [], rows: [], command: '' };
          break;
        case 'E': {
          const f = errorFields(m.body);
          error ??= new PgError(`${f.M ?? 'error'}${f.D ? ` (${f.D})` : ''}`, f);
          break;
        }
        case 'G':
          // COPY FROM STDIN outside copyIn(): refuse it.
          this.socket.write(frame('f', cstring('COPY FROM STDIN is only supported through copyIn()')));
          break;
        case 'Z':
          if (error) throw error;
          return last;
        default:
          // N notice, S parameter status, I empty query, A notification: nothing to keep.
          break;
      }
    }
  }

  /** COPY ... FROM STDIN: streams the chunks (already in COPY text format) with backpressure. */
  async copyIn(sql: string, chunks: AsyncIterable<string | Buffer>): Promise<string> {
    this.socket.write(frame('Q', cstring(sql)));
    const m = await this.next();
    if (m.type === 'E') {
      const f = errorFields(m.body);
      await this.collect().catch(() => undefined);
      throw new PgError(f.M ?? 'COPY failed', f);
    }
    if (m.type !== 'G') throw new Error(`expected CopyInResponse, got ${m.type}`);
    try {
      for await (const chunk of chunks) {
        const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        if (!this.socket.write(frame('d', data))) await new Promise<void>((resolve) => this.socket.once('drain', () => resolve()));
        if (this.failure) throw this.failure;
        // An error (bad row) arrives while we still send: stop early.
        if (this.queue.some((q) => q.type === 'E')) break;
      }
      this.socket.write(frame('c', Buffer.alloc(0)));
    } catch (e) {
      this.socket.write(frame('f', cstring(e instanceof Error ? e.message : String(e))));
      await this.collect().catch(() => undefined);
      throw e;
    }
    return (await this.collect()).command;
  }

  async close(): Promise<void> {
    if (this.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end(frame('X', Buffer.alloc(0)));
    });
  }
}
