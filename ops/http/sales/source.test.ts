import { describe, expect, it } from 'vitest';
import type { Query } from './queries.js';
import { createSalesSource } from './source.js';

// The source over a stand-in for the warehouse that answers each statement by its shape (the SQL itself is
// checked as text in queries.test.ts and against PostgreSQL in tests/ops/sales-dashboard.test.ts).
function fakeWarehouse() {
  const seen: Query[] = [];
  const query = async (q: Query): Promise<unknown[]> => {
    seen.push(q);
    if (q.text.includes('EXISTS')) return [{ year: 2019 }, { year: 2020 }];
    if (q.text.startsWith('SELECT DISTINCT "ca"'))
      return [{ category: 'laptop' }, { category: 'smart phone' }];
    if (q.text.includes('total_sales_per_country')) return [{ country: 'Peru', total_sales: '12.00' }];
    if (q.text.includes('GROUPING SETS'))
      return [
        {
          year: null,
          country: null,
          category: null,
          total_sales: '12.00',
          average_sales: '6.0',
          grouping_year: 1,
          grouping_country: 1,
          grouping_category: 1,
        },
      ];
    return [
      { month: 2, quarter: 1, category: 'smart phone', total_sales: '5.00' },
      { month: 2, quarter: 1, category: 'laptop', total_sales: '7.00' },
    ];
  };
  return { seen, query };
}

describe('the /api/sales source', () => {
  it('answers the charts and reports of the default year; one round of queries serves many callers', async () => {
    const w = fakeWarehouse();
    let t = 10_000;
    const sales = createSalesSource({ query: w.query, schema: 'softcart', now: () => t });
    const answers = await Promise.all([1, 2, 3].map(() => sales(new URLSearchParams(''))));
    expect(w.seen).toHaveLength(5); // years, categories, charts, reports, per country
    const a = answers[0]!;
    expect(a.status).toBe(200);
    if (a.status !== 200) return;
    expect(a.body.at).toBe(10_000);
    expect(a.body.filters).toEqual({
      source: 'star',
      year: 2020,
      category: null,
      years: [2019, 2020],
      categories: ['laptop', 'smart phone'],
      defaultYear: 2020,
      mobilePhones: 'smart phone',
    });
    expect(w.seen.find((q) => q.text.includes('"month"'))?.values).toEqual([2020]);
    expect(a.body.charts.monthly[1]).toEqual({ month: 2, total: '12.00' });
    expect(a.body.charts.quarterly[0]).toEqual({ quarter: 1, total: '5.00' });
    expect(a.body.reports?.totalSalesPerCountry).toEqual([{ country: 'Peru', total_sales: '12.00' }]);
    expect(a.body.reports?.rollup).toHaveLength(1);

    // The category filter narrows the month-wise chart from the same cached rows; the reports are asked
    // again, for that category.
    const b = await sales(new URLSearchParams('category=laptop'));
    expect(b.status === 200 && b.body.charts.monthly[1]).toEqual({ month: 2, total: '7.00' });
    expect(w.seen).toHaveLength(6);
    expect(w.seen[5]!.values).toEqual(['laptop']);

    t += 1_000; // the TTL passed: one new round
    await sales(new URLSearchParams(''));
    expect(w.seen).toHaveLength(11);
  });

  it('a bad filter is a 400 with the message and the accepted values, and costs no aggregate query', async () => {
    const w = fakeWarehouse();
    const sales = createSalesSource({ query: w.query, schema: 'softcart' });
    expect(await sales(new URLSearchParams('year=1999'))).toEqual({
      status: 400,
      body: {
        error: 'the warehouse has no sales in 1999; years with sales: 2019, 2020',
        years: [2019, 2020],
        categories: ['laptop', 'smart phone'],
      },
    });
    const bad = await sales(new URLSearchParams('category=Books'));
    expect(bad.status).toBe(400);
    expect(w.seen).toHaveLength(2);
  });
});
