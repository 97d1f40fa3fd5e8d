import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSearchTerms, topTerms } from './search-terms.js';
import { dataDirFor } from './source.js';

describe('parseSearchTerms', () => {
  it('strips the byte-order mark and builds the ISO date', () => {
    const text = '\uFEFFday,month,year,searchterm\r\n12,11,2021,mobile 6 inch\r\n5,1,2022, laptop \n';
    expect(parseSearchTerms(text)).toEqual([
      { day: 12, month: 11, year: 2021, term: 'mobile 6 inch', date: '2021-11-12' },
      { day: 5, month: 1, year: 2022, term: 'laptop', date: '2022-01-05' },
    ]);
  });

  it('refuses another header', () => {
    expect(() => parseSearchTerms('\uFEFFday,month,year,term\n1,1,2021,x')).toThrow(
      /line 1: unexpected header "day,month,year,term"/,
    );
  });

  it('reports every bad line with its number, in one error naming the file', () => {
    const text = [
      'day,month,year,searchterm',
      '12,11,2021,laptop',
      '12,11,2021,laptop, 14 inch', // line 3: a comma in the term
      '31,11,2021,laptop', // line 4: no 31 November
      '1,x,2021,', // line 5: month and an empty term
    ].join('\n');
    let message = '';
    try {
      parseSearchTerms(text, 'data/searchterms.csv');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('data/searchterms.csv is not in the expected shape (4 problems)');
    expect(message).toContain('line 3: expected 4 fields, found 5');
    expect(message).toContain('line 4: day 31, month 11, year 2021 is not a calendar date');
    expect(message).toContain('line 5: month "x" is not an integer');
    expect(message).toContain('line 5: the search term is empty');
  });
});

describe('topTerms', () => {
  const rows = ['b', 'a', 'c', 'b', 'a', 'd', 'B'].map((term) => ({ term }));

  it('orders by count descending, then term ascending', () => {
    expect(topTerms(rows, 3)).toEqual([
      { term: 'a', count: 2 },
      { term: 'b', count: 2 },
      { term: 'B', count: 1 },
    ]);
  });

  it('gives all terms when n exceeds them, none for 0', () => {
    expect(topTerms(rows, 99).map((t) => t.term)).toEqual(['a', 'b', 'B', 'c', 'd']);
    expect(topTerms(rows, 0)).toEqual([]);
    expect(topTerms([], 5)).toEqual([]);
  });

  it('refuses a negative or fractional n', () => {
    expect(() => topTerms(rows, -1)).toThrow(RangeError);
    expect(() => topTerms(rows, 2.5)).toThrow(/not 2.5/);
  });
});

const dir = dataDirFor(undefined);
const file = dir === undefined ? undefined : join(dir, 'searchterms.csv');

describe('the course file', () => {
  it.skipIf(file === undefined || !existsSync(file))(
    "matches its documented facts (needs the course's searchterms.csv)",
    () => {
      const rows = parseSearchTerms(readFileSync(file!, 'utf8'), file);
      expect(rows).toHaveLength(10_000);
      expect(new Set(rows.map((r) => r.term)).size).toBe(10);
      const dates = [...new Set(rows.map((r) => r.date))].sort();
      expect(dates[0]).toBe('2021-11-12');
      expect(dates.at(-1)).toBe('2021-12-25');
      expect(dates).toHaveLength(44);
      // The course's Spark answers, as public solutions of the module print them (and Python's csv module agrees).
      expect(topTerms(rows, 5)).toEqual([
        { term: 'mobile 6 inch', count: 2312 },
        { term: 'mobile 5g', count: 2301 },
        { term: 'mobile latest', count: 1327 },
        { term: 'laptop', count: 935 },
        { term: 'tablet wifi', count: 896 },
      ]);
      expect(rows.filter((r) => r.term === 'gaming laptop')).toHaveLength(499);
    },
  );
});
