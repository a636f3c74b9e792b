import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { DemoEvent } from './types';

/** NDJSON out of demo events, and a writer that waits when the file or pipe falls behind. */

/**
 * Encodes events straight into a byte buffer: building one large string per batch and encoding
 * it afterwards costs about twice as much.
 */
export class NdjsonBatch {
  private buffer: Buffer;
  /** Bytes used. */
  bytes = 0;
  count = 0;

  constructor(initialBytes = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  add(event: DemoEvent): void {
    const line = JSON.stringify(event);
    const worst = this.bytes + line.length * 3 + 1;
    if (worst > this.buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(worst, this.buffer.length * 2));
      this.buffer.copy(bigger, 0, 0, this.bytes);
      this.buffer = bigger;
    }
    this.bytes += this.buffer.write(line, this.bytes);
    this.buffer[this.bytes++] = 10;
    this.count++;
  }

  /** The NDJSON so far; the batch starts over empty. */
  take(): Buffer {
    const out = this.buffer.subarray(0, this.bytes);
    this.buffer = Buffer.allocUnsafe(this.buffer.length);
    this.bytes = 0;
    this.count = 0;
    return out;
  }
}

export function toNdjson(events: readonly DemoEvent[]): Buffer {
  const batch = new NdjsonBatch(Math.max(1024, events.length * 400));
  for (const e of events) batch.add(e);
  return batch.take();
}

export class NdjsonWriter {
  private error: Error | undefined;
  bytes = 0;

  private constructor(
    private readonly stream: Writable,
    private readonly ownsStream: boolean,
  ) {
    stream.on('error', (err) => {
      this.error ??= err;
    });
  }

  /** `-` is stdout, which stays open afterwards. */
  static open(path: string): NdjsonWriter {
    return path === '-' ? new NdjsonWriter(process.stdout, false) : new NdjsonWriter(createWriteStream(path), true);
  }

  /** Writes a chunk; resolves once the stream can take more. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.error) throw this.error;
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.error) throw this.error;
    if (!this.ownsStream) return;
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
