import { CATEGORIES, ZERO_RESULT_QUERIES } from '../catalog';
import { SEARCH_FAILURE_ZERO_RESULTS } from '../incidents';
import { hash32, Random } from '../random';
import type { ShopDatabase } from './database';

/**
 * The storefront's product search. Queries of the demo assortment find products of their
 * category, typos find nothing; while the search index is failing most searches come back
 * empty with a 200, the silent kind of failure only the zero-result rate shows.
 */

export interface SearchAnswer {
  query: string;
  total: number;
  /** Up to `limit` product indexes, most popular first. */
  products: number[];
}

const PAGE = 20;
/** Known queries that still find nothing now and then (everything matching is sold out), as in the generator. */
const SOLD_OUT_SHARE = 0.02;

export class SearchIndex {
  private readonly categoryOf = new Map<string, number>();
  private readonly typos: ReadonlySet<string> = new Set(ZERO_RESULT_QUERIES);
  private readonly rng: Random;

  constructor(private readonly db: ShopDatabase, seed: number) {
    this.rng = new Random(seed, 12);
    CATEGORIES.forEach((c, i) => {
      this.categoryOf.set(c.name, i);
      for (const q of c.queries) this.categoryOf.set(q.toLowerCase(), i);
    });
  }

  /** Which category a query is about, if any: an exact known query, or a query that contains one. */
  categoryFor(query: string): number | undefined {
    const q = query.trim().toLowerCase();
    if (q === '' || this.typos.has(q)) return undefined;
    const exact = this.categoryOf.get(q);
    if (exact !== undefined) return exact;
    for (const [term, category] of this.categoryOf) if (term.length >= 2 && q.includes(term)) return category;
    return undefined;
  }

  search(query: string, indexFailing: boolean): SearchAnswer {
    const category = this.categoryFor(query);
    const empty = category === undefined || this.rng.chance(SOLD_OUT_SHARE) || (indexFailing && this.rng.chance(SEARCH_FAILURE_ZERO_RESULTS));
    if (category === undefined || empty) return { query, total: 0, products: [] };
    const inCategory = this.db.productsIn(category, PAGE * 5);
    // Each query matches its own, stable share of the category.
    const share = 0.15 + (hash32(query.length, hashText(query)) % 1000) / 1200;
    const total = Math.max(1, Math.round(inCategory.length * share * 8));
    const offset = hashText(query) % Math.max(1, inCategory.length - PAGE);
    return { query, total, products: inCategory.slice(offset, offset + PAGE) };
  }
}

function hashText(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = hash32(text.charCodeAt(i), h);
  return h;
}
