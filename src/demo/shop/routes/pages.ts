import type { FastifyInstance } from 'fastify';
import { CATEGORIES } from '../../catalog';
import { PAYMENT_METHODS } from '../../payments';
import { HttpError, type StorefrontDeps } from '../storefront';

/** The pages a shopper browses: each one reads the simulated database on a pooled connection. */

const FEATURED = 8;
const MAX_QUERY = 256;

export function registerPageRoutes(app: FastifyInstance, deps: StorefrontDeps): void {
  const { db, search, incidents } = deps;
  const now = deps.now ?? Date.now;

  app.get('/', async () =>
    db.withConnection(async (c) => {
      const products = await c.query('products.featured', () => Array.from({ length: FEATURED }, (_, i) => db.product(i)));
      return { page: 'home', products, categories: CATEGORIES.map((cat) => cat.name) };
    }),
  );

  app.get<{ Querystring: { q?: string } }>('/search', async (request) => {
    const q = (request.query.q ?? '').trim();
    if (q === '') throw new HttpError(400, 'missing_query', 'give a search text as ?q=');
    if (q.length > MAX_QUERY) throw new HttpError(400, 'query_too_long', `a search text may be at most ${MAX_QUERY} characters`);
    return db.withConnection(async (c) => {
      const found = await c.query('search.products', () => search.search(q, incidents.isActive('search_index_failure', now())));
      return { page: 'search', query: q, total: found.total, products: found.products.map((i) => db.product(i)) };
    });
  });

  app.get<{ Params: { name: string } }>('/category/:name', async (request) => {
    const index = CATEGORIES.findIndex((c) => c.name === request.params.name);
    if (index < 0) throw new HttpError(404, 'unknown_category', `no category "${request.params.name}"`);
    return db.withConnection(async (c) => {
      const products = await c.query('products.by_category', () => db.productsIn(index, 20).map((i) => db.product(i)));
      return { page: 'category', category: request.params.name, products };
    });
  });

  app.get<{ Params: { id: string } }>('/product/:id', async (request) => {
    const index = db.productIndex(request.params.id);
    if (index === undefined) throw new HttpError(404, 'unknown_product', `no product "${request.params.id}"`);
    return db.withConnection(async (c) => ({ page: 'product', product: await c.query('products.by_id', () => db.product(index)) }));
  });

  app.get<{ Querystring: { cart_id?: string } }>('/cart', async (request) =>
    db.withConnection(async (c) => {
      const items = await c.query('carts.by_id', () => db.cart(request.query.cart_id ?? '') ?? []);
      return { page: 'cart', cart_id: request.query.cart_id ?? null, items, amount: items.reduce((sum, i) => sum + i.price * i.quantity, 0) };
    }),
  );

  app.get<{ Querystring: { cart_id?: string } }>('/checkout', async (request) =>
    db.withConnection(async (c) => {
      const items = await c.query('carts.by_id', () => db.cart(request.query.cart_id ?? '') ?? []);
      return { page: 'checkout', cart_id: request.query.cart_id ?? null, amount: items.reduce((sum, i) => sum + i.price * i.quantity, 0), methods: PAYMENT_METHODS };
    }),
  );
}
