import { describe, expect, it } from 'vitest';
import type { Query } from './queries.js';
import { createTermsSource } from './terms-source.js';

describe('/api/sales/terms', () => {
  it('the top 10 terms by the analytics query, with numeric counts, cached for the TTL', async () => {
    const seen: Query[] = [];
    let t = 1_000;
    const terms = createTermsSource({
      query: async (q) => {
        seen.push(q);
        return [
          { term: 'mobile 6 inch', count: 2312 },
          { term: 'laptop', count: '935' },
        ];
      },
      schema: 'w',
      now: () => t,
    });
    expect(await terms(new URLSearchParams(''))).toEqual({
      status: 200,
      body: {
        at: 1_000,
        terms: [
          { term: 'mobile 6 inch', count: 2312 },
          { term: 'laptop', count: 935 },
        ],
      },
    });
    expect(seen[0]!.text).toContain('FROM "w"."search_terms"');
    expect(seen[0]!.values).toEqual([10]);
    await terms(new URLSearchParams(''));
    expect(seen).toHaveLength(1);
    t += 1_000;
    await terms(new URLSearchParams(''));
    expect(seen).toHaveLength(2);
  });

  it('without the table: a 200 without terms, naming starling seed search-terms; parameters are refused', async () => {
    const terms = createTermsSource({
      query: async () => {
        throw Object.assign(new Error('no relation'), { code: '42P01' });
      },
      schema: 'w',
      now: () => 3,
    });
    expect(await terms(new URLSearchParams(''))).toEqual({
      status: 200,
      body: {
        at: 3,
        terms: null,
        missing:
          'the warehouse schema "w" has no search_terms table: load it with `starling seed search-terms`',
      },
    });
    expect((await terms(new URLSearchParams('n=5'))).status).toBe(400);
  });

  it('other errors are thrown on (a 500, logged)', async () => {
    const terms = createTermsSource({
      query: async () => {
        throw new Error('statement timeout');
      },
      schema: 'w',
    });
    await expect(terms(new URLSearchParams(''))).rejects.toThrow('statement timeout');
  });
});
