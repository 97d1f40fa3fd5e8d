import { createKeyedCache, type Fresh } from './cache.js';
import type { SalesFilterOptions } from './params.js';
import type { Query } from './queries.js';

/**
 * The filter choices of one source of the charts (the star or sales_history): its years with sales and its
 * categories, read together, cached like every other part of the answer (one read per TTL whatever the
 * number of polls). A failed read is not cached.
 */
export function createFilterOptionsCache(
  query: (q: Query) => Promise<unknown[]>,
  years: Query,
  categories: Query,
  ttlMs: number,
  now: () => number,
): () => Promise<Fresh<SalesFilterOptions>> {
  const cached = createKeyedCache<SalesFilterOptions>(
    async () => {
      const [y, c] = await Promise.all([query(years), query(categories)]);
      return {
        years: (y as { year: number }[]).map((r) => Number(r.year)),
        categories: (c as { category: string }[]).map((r) => r.category),
      };
    },
    ttlMs,
    1,
    now,
  );
  return () => cached('');
}
