import { describe, expect, it } from 'vitest';
import { type ReportRow, shapeCharts, shapeReports } from './shape.js';

describe('shapeCharts', () => {
  const rows = [
    { month: 9, quarter: 3, category: 'laptop', total_sales: '100.50' },
    { month: 9, quarter: 3, category: 'smart phone', total_sales: '20.25' },
    { month: 11, quarter: 4, category: 'smart phone', total_sales: '7.00' },
    { month: 11, quarter: 4, category: null, total_sales: '1.00' },
    { month: 12, quarter: 4, category: 'television', total_sales: null },
  ];

  it('twelve months zero-filled, categories with the unresolved last, phone quarters zero-filled', () => {
    const c = shapeCharts(rows, null);
    expect(c.monthly).toHaveLength(12);
    expect(c.monthly[0]).toEqual({ month: 1, total: '0.00' });
    expect(c.monthly[8]).toEqual({ month: 9, total: '120.75' });
    expect(c.monthly[10]).toEqual({ month: 11, total: '8.00' });
    expect(c.monthly[11]).toEqual({ month: 12, total: '0.00' });
    expect(c.byCategory).toEqual([
      { category: 'laptop', total: '100.50' },
      { category: 'smart phone', total: '27.25' },
      { category: 'television', total: '0.00' },
      { category: null, total: '1.00' },
    ]);
    expect(c.quarterly).toEqual([
      { quarter: 1, total: '0.00' },
      { quarter: 2, total: '0.00' },
      { quarter: 3, total: '20.25' },
      { quarter: 4, total: '7.00' },
    ]);
  });

  it('the category filter narrows the month-wise chart only', () => {
    const c = shapeCharts(rows, 'smart phone');
    expect(c.monthly[8]!.total).toBe('20.25');
    expect(c.monthly[10]!.total).toBe('7.00');
    expect(c.byCategory).toHaveLength(4);
    expect(c.quarterly[2]!.total).toBe('20.25');
  });
});

describe('shapeReports', () => {
  const r = (
    year: number | null,
    country: string | null,
    category: string | null,
    flags: [number, number, number],
    total: string,
    average: string,
  ): ReportRow => ({
    year,
    country,
    category,
    total_sales: total,
    average_sales: average,
    grouping_year: flags[0],
    grouping_country: flags[1],
    grouping_category: flags[2],
  });
  // What GROUPING SETS ((country), (category), (year, country), (year), ()) returns, shuffled.
  const rows = [
    r(null, null, null, [1, 1, 1], '60.00', '20.0'),
    r(2020, 'Peru', null, [0, 0, 1], '10.00', '10.0'),
    r(null, 'Peru', null, [1, 0, 1], '10.00', '10.0'),
    r(null, null, 'laptop', [1, 1, 0], '60.00', '20.0'),
    r(2019, 'Chile', null, [0, 0, 1], '30.00', '30.0'),
    r(2019, null, null, [0, 1, 1], '30.00', '30.0'),
    r(2020, null, null, [0, 1, 1], '30.00', '15.0'),
    r(2020, null, null, [0, 0, 1], '20.00', '20.0'), // a fact of 2020 whose country has not arrived
    r(null, 'Chile', null, [1, 0, 1], '30.00', '30.0'),
    r(null, null, null, [1, 0, 1], '20.00', '20.0'), // the same unresolved country across years
  ];

  it('the grouping-sets report: countries (unresolved last), then categories', () => {
    expect(shapeReports(rows).groupingSets).toEqual([
      { grouping_set: 'country', country: 'Chile', category: null, total_sales: '30.00' },
      { grouping_set: 'country', country: 'Peru', category: null, total_sales: '10.00' },
      { grouping_set: 'country', country: null, category: null, total_sales: '20.00' },
      { grouping_set: 'category', country: null, category: 'laptop', total_sales: '60.00' },
    ]);
  });

  it('rollup: each year its countries then its subtotal, the grand total last', () => {
    expect(
      shapeReports(rows).rollup.map((x) => [
        x.year,
        x.country,
        x.grouping_year,
        x.grouping_country,
        x.total_sales,
      ]),
    ).toEqual([
      [2019, 'Chile', 0, 0, '30.00'],
      [2019, null, 0, 1, '30.00'],
      [2020, 'Peru', 0, 0, '10.00'],
      [2020, null, 0, 0, '20.00'],
      [2020, null, 0, 1, '30.00'],
      [null, null, 1, 1, '60.00'],
    ]);
  });

  it('cube: the rollup plus each country across years, with averages', () => {
    expect(
      shapeReports(rows).cube.map((x) => [
        x.year,
        x.country,
        x.grouping_year,
        x.grouping_country,
        x.average_sales,
      ]),
    ).toEqual([
      [2019, 'Chile', 0, 0, '30.0'],
      [2019, null, 0, 1, '30.0'],
      [2020, 'Peru', 0, 0, '10.0'],
      [2020, null, 0, 0, '20.0'],
      [2020, null, 0, 1, '15.0'],
      [null, 'Chile', 1, 0, '30.0'],
      [null, 'Peru', 1, 0, '10.0'],
      [null, null, 1, 0, '20.0'],
      [null, null, 1, 1, '20.0'],
    ]);
  });
});
