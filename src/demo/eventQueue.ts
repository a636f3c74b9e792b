import type { DemoEvent } from './types';

/**
 * Merges many time-ordered event lists (one per session, one per scheduled refund) into one
 * time-ordered stream. The heap holds lists, not events, so its size is the number of sessions
 * still running. Equal timestamps come out in the order their lists were pushed.
 */

interface Cursor {
  events: DemoEvent[];
  next: number;
  ts: number;
  seq: number;
}

export class EventQueue {
  private readonly heap: Cursor[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Adds a list whose timestamps never decrease. */
  push(events: DemoEvent[]): void {
    if (events.length === 0) return;
    this.heap.push({ events, next: 0, ts: events[0]!.ts, seq: this.seq++ });
    this.up(this.heap.length - 1);
  }

  /** Timestamp of the next event, Infinity when empty. */
  peekTs(): number {
    return this.heap.length > 0 ? this.heap[0]!.ts : Infinity;
  }

  /** Removes and returns the earliest event; only call when not empty. */
  pop(): DemoEvent {
    const top = this.heap[0]!;
    const event = top.events[top.next++]!;
    if (top.next < top.events.length) {
      top.ts = top.events[top.next]!.ts;
    } else {
      const last = this.heap.pop()!;
      if (this.heap.length === 0) return event;
      this.heap[0] = last;
    }
    this.down(0);
    return event;
  }

  private before(a: Cursor, b: Cursor): boolean {
    return a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);
  }

  private up(i: number): void {
    const heap = this.heap;
    const item = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(item, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(heap[child + 1]!, heap[child]!)) child++;
      if (!this.before(heap[child]!, item)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = item;
  }
}
