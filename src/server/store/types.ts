import type { NormalizedEvent } from '../../kpi/events';
import type { Key } from '../ingest/recentKeys';
import type { AggregatePlan, AggregateRow, FunnelPlan, FunnelRow, ValuesPlan } from '../query/plan';

/** An accepted event as the store writes it. */
export interface StoredEvent extends NormalizedEvent {
  /** 64-bit hash of event_id: the idempotency key. */
  key: Key;
  /** Receive time, epoch ms. */
  received: number;
  /** True when this is the earliest order event of its order_id. */
  first_order: boolean;
}

export interface Annotation {
  id: number;
  time: number;
  time_end: number;
  title: string;
  text: string;
  tags: string[];
}

export interface EventStore {
  readonly name: string;
  /** false: the store keeps no rollups, so the engine sends each plan whole (one scan, not one per source). */
  readonly rollups?: boolean;
  /**
   * Appends rows and resolves only once they are durable; `demote` lists order_ids whose earlier
   * first-order row must lose the flag. A store that checks idempotency itself (shared by many
   * service instances) resolves with the rows it already held and did not write again.
   */
  // void: stores that keep no such set (DuckDB) answer with nothing at all.
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  append(rows: StoredEvent[], demote: string[]): Promise<ReadonlySet<StoredEvent> | void>;
  /** Idempotency keys of events received since the given time. */
  recentKeys(sinceMs: number): Promise<Key[]>;
  /** Earliest order time of every order_id; null when the store finds first orders at query time (no flags to keep). */
  firstOrders(): Promise<Map<string, number> | null>;
  aggregate(plan: AggregatePlan): Promise<AggregateRow[]>;
  funnel(plan: FunnelPlan): Promise<FunnelRow[]>;
  dimensionValues(plan: ValuesPlan): Promise<Array<{ value: string; count: number }>>;
  addAnnotation(a: Omit<Annotation, 'id'>): Promise<Annotation>;
  annotations(from: number, to: number, tags: string[], limit: number): Promise<Annotation[]>;
  countEvents(): Promise<number>;
  /** Deletes events older than the retention; returns how many went. */
  prune(beforeMs: number): Promise<number>;
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

/** The store did not answer (down, unreachable, timed out): the request may be retried. */
export class StoreUnavailableError extends Error {}

/**
 * Annotations from rows of (id, time, time_end, title, text, tags as JSON), keeping those that
 * carry every asked tag: the same for every store.
 */
export function annotationsFromRows(rows: unknown[][], tags: string[], limit: number): Annotation[] {
  const all = rows.map((r) => ({
    id: Number(r[0]),
    time: Number(r[1]),
    time_end: Number(r[2]),
    title: String(r[3]),
    text: String(r[4]),
    tags: JSON.parse(String(r[5])) as string[],
  }));
  return all.filter((a) => tags.every((t) => a.tags.includes(t))).slice(0, limit);
}
