import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  categoryTotals,
  monthlyTotals,
  parseSalesHistory,
  quarterlyTotals,
  type SalesHistoryRow,
} from './sales-history.js';
import { dataDirFor } from './source.js';

const HEADER = 'day,month,quarter,year,category,item,price';

describe('parseSalesHistory', () => {
  it('reads typed rows after the header, tolerating CRLF, blank lines and no final newline', () => {
    const text = `${HEADER}\r\n1,1,1,2020,Electronics,Tablet,1131\r\n\r\n31,12,4,2020,Ebooks,Self Help,15`;
    expect(parseSalesHistory(text)).toEqual([
      { day: 1, month: 1, quarter: 1, year: 2020, category: 'Electronics', item: 'Tablet', price: 1131 },
      { day: 31, month: 12, quarter: 4, year: 2020, category: 'Ebooks', item: 'Self Help', price: 15 },
    ]);
  });

  it('refuses another header', () => {
    expect(() => parseSalesHistory('day,month,year,category,item,price\n1,1,2020,Music,Pop,3')).toThrow(
      /line 1: unexpected header "day,month,year,category,item,price"/,
    );
  });

  it('reports every bad line with its number, in one error naming the file', () => {
    const text = [
      HEADER,
      '1,1,1,2020,Music,Pop,3',
      '1,1,1,2020,Music,Pop', // line 3: a field short, so no price
      'x,1,1,2020,Music,Pop,12.50', // line 4: day and price
      '30,2,1,2020,Music,Pop,3', // line 5: no 30 February
      '1,3,2,2020,Music,Pop,3', // line 6: March is in quarter 1 (DimDate.csv's known defect)
      '1,13,4,2020,Music,,3', // line 7: month 13 and an empty item
    ].join('\n');
    let message = '';
    try {
      parseSalesHistory(text, 'data/ecommerce.csv');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('data/ecommerce.csv is not in the expected shape (8 problems)');
    expect(message).toContain('line 3: expected 7 fields, found 6');
    expect(message).toContain('line 3: price "" is not an integer');
    expect(message).toContain('line 4: day "x" is not an integer');
    expect(message).toContain('line 4: price "12.50" is not an integer');
    expect(message).toContain('line 5: day 30, month 2, year 2020 is not a calendar date');
    expect(message).toContain('line 6: quarter 2 does not match month 3 (quarter 1)');
    expect(message).toContain('line 7: day 1, month 13, year 2020 is not a calendar date');
    expect(message).toContain('line 7: item is empty');
  });
});

function row(month: number, category: string, item: string, price: number, year = 2020): SalesHistoryRow {
  return { day: 1, month, quarter: Math.ceil(month / 3), year, category, item, price };
}

describe('aggregations', () => {
  const rows = [
    row(1, 'Music', 'Pop', 10),
    row(1, 'Electronics', 'Mobile', 100),
    row(5, 'Electronics', 'Mobile', 200),
    row(12, 'Ebooks', 'Fiction', 5),
    row(12, 'Electronics', 'Mobile', 1, 2019),
  ];

  it('monthlyTotals gives 12 months of one year, zero-filled', () => {
    const months = monthlyTotals(rows, 2020);
    expect(months.map((m) => m.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(months.map((m) => m.total)).toEqual([110, 0, 0, 0, 200, 0, 0, 0, 0, 0, 0, 5]);
    expect(monthlyTotals(rows, 2018).every((m) => m.total === 0)).toBe(true);
  });

  it('categoryTotals gives each category present, by name, over all years', () => {
    expect(categoryTotals(rows)).toEqual([
      { category: 'Ebooks', total: 5 },
      { category: 'Electronics', total: 301 },
      { category: 'Music', total: 10 },
    ]);
    expect(categoryTotals([])).toEqual([]);
  });

  it('quarterlyTotals gives 4 quarters of one item, zero-filled, over all years', () => {
    expect(quarterlyTotals(rows, 'Mobile')).toEqual([
      { quarter: 1, total: 100 },
      { quarter: 2, total: 200 },
      { quarter: 3, total: 0 },
      { quarter: 4, total: 1 },
    ]);
    expect(quarterlyTotals(rows, 'mobile').every((q) => q.total === 0)).toBe(true);
  });

  it('refuses a row whose month or quarter has no slot', () => {
    expect(() => monthlyTotals([{ ...row(1, 'Music', 'Pop', 1), month: 13 }], 2020)).toThrow(
      'A sales row has month 13, outside 1–12.',
    );
    expect(() => quarterlyTotals([{ ...row(1, 'Music', 'Pop', 1), quarter: 0 }], 'Pop')).toThrow(/quarter 0/);
  });
});

const dir = dataDirFor(undefined);
const file = dir === undefined ? undefined : join(dir, 'ecommerce.csv');

describe('the course file', () => {
  it.skipIf(file === undefined || !existsSync(file))(
    "matches its documented facts (needs the course's ecommerce.csv)",
    () => {
      const text = readFileSync(file!, 'utf8');
      const rows = parseSalesHistory(text, file);
      expect(rows).toHaveLength(68_003);
      expect(new Set(rows.map((r) => r.year))).toEqual(new Set([2020]));
      expect(new Set(rows.map((r) => r.category))).toEqual(new Set(['Electronics', 'Ebooks', 'Music']));
      expect(new Set(rows.filter((r) => r.category === 'Electronics').map((r) => r.item))).toEqual(
        new Set(['Tablet', 'Laptop', 'Mobile']),
      );

      // The grand total straight from the text (last field of each data line), not from the parser.
      const grand = text
        .trim()
        .split('\n')
        .slice(1)
        .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(',') + 1)), 0);
      expect(grand).toBe(23_323_669);

      const sum = (xs: { total: number }[]) => xs.reduce((s, x) => s + x.total, 0);
      expect(sum(monthlyTotals(rows, 2020))).toBe(grand);
      expect(sum(categoryTotals(rows))).toBe(grand);
      const items = [...new Set(rows.map((r) => r.item))];
      expect(items.reduce((s, item) => s + sum(quarterlyTotals(rows, item)), 0)).toBe(grand);

      // Pinned from a separate reading of the file (Python's csv module), for the dashboard's checks.
      expect(categoryTotals(rows)).toEqual([
        { category: 'Ebooks', total: 594_863 },
        { category: 'Electronics', total: 22_456_250 },
        { category: 'Music', total: 272_556 },
      ]);
      expect(quarterlyTotals(rows, 'Mobile').map((q) => q.total)).toEqual([
        1_905_903, 1_953_107, 1_865_315, 1_837_005,
      ]);
      expect(monthlyTotals(rows, 2020).map((m) => m.total)).toEqual([
        2_143_579, 1_673_807, 1_988_763, 1_866_881, 1_937_700, 1_992_023, 1_975_697, 1_961_923, 1_931_054,
        1_974_957, 1_950_553, 1_926_732,
      ]);
    },
  );
});
