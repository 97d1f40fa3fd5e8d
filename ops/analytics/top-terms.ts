import type pg from 'pg';
import { quoteIdentifier as q } from '../../schemas/ddl/dialect-neutral.js';
import { SEARCH_TERMS } from '../../seeds/course-tables.js';
import type { TermCount } from '../../seeds/search-terms.js';

/** A parameterised statement for `pg`'s `query({ text, values })`. */
export interface WarehouseQuery {
  text: string;
  values: unknown[];
}

/**
 * Rows `{ term, count }` of the n most frequent search terms in the warehouse's `search_terms` (loaded by
 * `starling seed search-terms`): count descending, ties by term in code-point order (COLLATE "C": UTF-8 byte
 * order is code-point order), as topTerms in seeds/search-terms.ts orders them. Throws a RangeError unless
 * n is a non-negative integer.
 */
export function topTermsQuery(schema: string, n: number): WarehouseQuery {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`The number of top terms must be a whole number of 0 or more, not ${n}.`);
  const term = q('searchterm');
  return {
    text: [
      `SELECT ${term} AS "term", count(*)::integer AS "count"`,
      `FROM ${q(schema)}.${q(SEARCH_TERMS.table)}`,
      `GROUP BY ${term}`,
      `ORDER BY "count" DESC, ${term} COLLATE "C"`,
      'LIMIT $1',
    ].join('\n'),
    values: [n],
  };
}

/** The n most frequent search terms of the warehouse schema (see topTermsQuery), for the dashboard and the CLI. */
export async function topTermsFromWarehouse(
  db: Pick<pg.ClientBase, 'query'>,
  schema: string,
  n: number,
): Promise<TermCount[]> {
  const r = await db.query<TermCount>(topTermsQuery(schema, n));
  return r.rows.map((row) => ({ term: row.term, count: Number(row.count) }));
}
