import { describe, expect, it } from 'vitest';
import { topTermsFromWarehouse, topTermsQuery } from './top-terms.js';

describe('top terms query', () => {
  it('counts per term, count descending then term in code-point order, n as a parameter', () => {
    expect(topTermsQuery('softcart', 5)).toEqual({
      text: 'SELECT "searchterm" AS "term", count(*)::integer AS "count"\nFROM "softcart"."search_terms"\nGROUP BY "searchterm"\nORDER BY "count" DESC, "searchterm" COLLATE "C"\nLIMIT $1',
      values: [5],
    });
  });

  it('refuses a count that is not a whole number of 0 or more', () => {
    expect(() => topTermsQuery('s', -1)).toThrow(RangeError);
    expect(() => topTermsQuery('s', 1.5)).toThrow(RangeError);
  });

  it('returns the rows as terms with numeric counts', async () => {
    const db = { query: async () => ({ rows: [{ term: 'a', count: '3' }] }) };
    expect(await topTermsFromWarehouse(db as never, 's', 1)).toEqual([{ term: 'a', count: 3 }]);
  });
});
