import { setTimeout as sleep } from 'node:timers/promises';
import { CATEGORIES, ProductCatalog } from '../catalog';
import { Random } from '../random';
import type { ShopMetrics } from './metrics';
import { Pool, PoolTimeoutError } from './pool';

/**
 * The storefront's database. There is no database server in the stack: this is a SIMULATED
 * database (see README.md) whose tables live in memory and whose queries take a realistic,
 * random time on a connection borrowed from a real pool, so pool exhaustion, queueing and slow
 * queries show up in the metrics the way they do with PostgreSQL or MySQL behind a pool.
 */

export type QueryName =
  | 'products.featured'
  | 'products.by_id'
  | 'products.by_category'
  | 'search.products'
  | 'carts.upsert'
  | 'carts.by_id'
  | 'orders.insert'
  | 'orders.by_id'
  | 'payments.insert'
  | 'tx.begin'
  | 'tx.commit';

/** Median query time in ms on an idle database. */
const MEDIAN_MS: Record<QueryName, number> = {
  'products.featured': 6,
  'products.by_id': 2,
  'products.by_category': 8,
  'search.products': 14,
  'carts.upsert': 4,
  'carts.by_id': 2,
  'orders.insert': 6,
  'orders.by_id': 2,
  'payments.insert': 5,
  'tx.begin': 0.5,
  'tx.commit': 3,
};

/** A connection opens in about this long (TCP + auth), once per pooled connection. */
const CONNECT_MS = 25;
/** Each connection in use beyond the first slows every query a little (CPU and locks are shared). */
const CONTENTION_PER_CONNECTION = 0.12;
/** Orders kept in memory; the oldest are forgotten past this. */
const MAX_ORDERS = 100_000;

export interface Product {
  id: string;
  name: string;
  category: string;
  price: number;
  currency: 'KRW';
}

export interface CartItem {
  product_id: string;
  quantity: number;
  price: number;
}

export interface Order {
  order_id: string;
  amount: number;
  currency: 'KRW';
  status: 'pending' | 'paid';
  items: CartItem[];
}

export interface DbConnection {
  readonly id: number;
  query<T>(name: QueryName, run: () => T): Promise<T>;
}

export interface ShopDatabaseOptions {
  seed: number;
  poolSize: number;
  acquireTimeoutMs: number;
  metrics?: ShopMetrics;
  /** Multiplies every simulated delay; tests run at a fraction of real time. */
  latencyScale?: number;
}

export class ShopDatabase {
  readonly pool: Pool<DbConnection>;
  readonly catalog: ProductCatalog;
  private readonly byId = new Map<string, number>();
  private readonly carts = new Map<string, CartItem[]>();
  private readonly orders = new Map<string, Order>();
  private readonly rng: Random;
  private connections = 0;

  constructor(private readonly opts: ShopDatabaseOptions) {
    this.rng = new Random(opts.seed, 11);
    this.catalog = new ProductCatalog(opts.seed);
    this.catalog.ids.forEach((id, i) => this.byId.set(id, i));
    this.pool = new Pool<DbConnection>({
      max: opts.poolSize,
      acquireTimeoutMs: opts.acquireTimeoutMs,
      create: async () => {
        await sleep(CONNECT_MS * this.scale);
        return this.connection(++this.connections);
      },
    });
  }

  private get scale(): number {
    return this.opts.latencyScale ?? 1;
  }

  /** Runs `fn` on a pooled connection; the wait for it is measured and a timeout is counted. */
  async withConnection<R>(fn: (c: DbConnection) => Promise<R>, signal?: AbortSignal): Promise<R> {
    const end = this.opts.metrics?.dbAcquire.startTimer();
    let connection: DbConnection;
    try {
      connection = await this.pool.acquire(signal);
    } catch (e) {
      if (e instanceof PoolTimeoutError) this.opts.metrics?.dbAcquireTimeouts.inc();
      throw e;
    } finally {
      end?.();
    }
    try {
      return await fn(connection);
    } finally {
      this.pool.release(connection);
    }
  }

  product(index: number): Product {
    const category = CATEGORIES[this.catalog.category[index]!]!.name;
    const id = this.catalog.ids[index]!;
    return { id, name: `${category.replace('_', ' & ')} item ${id.slice(1)}`, category, price: this.catalog.price[index]!, currency: 'KRW' };
  }

  productIndex(id: string): number | undefined {
    return this.byId.get(id);
  }

  /** Products of a category (index), most popular first. */
  productsIn(category: number, limit: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.catalog.capacity && out.length < limit; i++) if (this.catalog.category[i] === category) out.push(i);
    return out;
  }

  cart(id: string): CartItem[] | undefined {
    return this.carts.get(id);
  }

  saveCart(id: string, items: CartItem[]): void {
    this.carts.delete(id);
    this.carts.set(id, items);
    if (this.carts.size > MAX_ORDERS) this.carts.delete(this.carts.keys().next().value!);
  }

  order(id: string): Order | undefined {
    return this.orders.get(id);
  }

  saveOrder(order: Order): void {
    this.orders.set(order.order_id, order);
    if (this.orders.size > MAX_ORDERS) this.orders.delete(this.orders.keys().next().value!);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private connection(id: number): DbConnection {
    return {
      id,
      query: async <T>(name: QueryName, run: () => T): Promise<T> => {
        const end = this.opts.metrics?.dbQuery.startTimer({ query: name });
        const contention = 1 + CONTENTION_PER_CONNECTION * Math.max(0, this.pool.stats().inUse - 1);
        await sleep(this.rng.lognormal(MEDIAN_MS[name], 0.5) * contention * this.scale);
        try {
          return run();
        } finally {
          end?.();
        }
      },
    };
  }
}
