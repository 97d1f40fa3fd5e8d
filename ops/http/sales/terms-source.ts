import { topTermsQuery } from '../../analytics/top-terms.js';
import { createKeyedCache } from './cache.js';
import { isMissingTable, missingTableMessage } from './missing-table.js';
import type { Query } from './queries.js';

/*
 * `GET /api/sales/terms`: the top search terms of the course's `search_terms` table (`starling seed
 * search-terms`), by the query of ops/analytics/top-terms.ts (count descending, ties by term), cached for
 * the TTL like the sales. Without the table the answer is still a 200, with `terms: null` and a message
 * naming the seed command: the panel is an optional part of the page (a pipeline need not load the course
 * tables), and an HTTP error every poll would fill the browser console with errors.
 */
/** How many terms the panel shows (the course asks for the top 10). */
export const TOP_TERMS = 10;

/** The answer of `/api/sales/terms`. */
export type TermsAnswer =
  | {
      status: 200;
      body:
        | { at: number; terms: Array<{ term: string; count: number }> }
        | { at: number; terms: null; missing: string };
    }
  | { status: 400; body: { error: string } };

/** Where the terms are read: a query function over the warehouse and its schema; the cache's TTL. */
export interface TermsSourceOptions {
  query: (q: Query) => Promise<unknown[]>;
  schema: string;
  /** how long an answer is reused, default 1000 ms */
  ttlMs?: number;
  now?: () => number;
}

/** The `/api/sales/terms` callback (it takes no parameters; any is refused). */
export function createTermsSource(
  opts: TermsSourceOptions,
): (query: URLSearchParams) => Promise<TermsAnswer> {
  const terms = createKeyedCache(
    async () =>
      (
        (await opts.query(topTermsQuery(opts.schema, TOP_TERMS))) as Array<{ term: string; count: number }>
      ).map((r) => ({ term: r.term, count: Number(r.count) })),
    opts.ttlMs ?? 1000,
    1,
    opts.now,
  );
  return async (query) => {
    const key = [...query.keys()][0];
    if (key !== undefined)
      return {
        status: 400,
        body: { error: `unknown parameter ${JSON.stringify(key.slice(0, 40))}: /api/sales/terms takes none` },
      };
    try {
      const t = await terms('');
      return { status: 200, body: { at: t.at, terms: t.value } };
    } catch (e) {
      if (!isMissingTable(e)) throw e;
      return {
        status: 200,
        body: {
          at: (opts.now ?? Date.now)(),
          terms: null,
          missing: missingTableMessage('search-terms', opts.schema),
        },
      };
    }
  };
}
