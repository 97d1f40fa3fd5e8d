import { describe, expect, it } from 'vitest';
import type { Query } from './queries.js';
import { createSalesSource } from './source.js';

// The history source behind /api/sales?source=history, over a stand-in for the warehouse that answers each
// statement by its shape (the SQL is checked as text in history-queries.test.ts and against PostgreSQL in
// tests/ops/sales-history-dashboard.test.ts).
function fakeWarehouse(missing = false) {
  const seen: Query[] = [];
  const query = async (q: Query): Promise<unknown[]> => {
    seen.push(q);
    if (missing)
      throw Object.assign(new Error('relation "s.sales_history" does not exist'), { code: '42P01' });
    if (q.text.startsWith('SELECT DISTINCT "year"')) return [{ year: 2020 }];
    if (q.text.startsWith('SELECT DISTINCT "category"'))
      return [{ category: 'Ebooks' }, { category: 'Electronics' }, { category: 'Music' }];
    return [
      { month: 4, quarter: 2, category: 'Electronics', total_sales: '900.00', mobile_sales: '400.00' },
      { month: 4, quarter: 2, category: 'Music', total_sales: '100.00', mobile_sales: null },
    ];
  };
  return { seen, query };
}

describe('/api/sales?source=history', () => {
  it('the charts of sales_history, its filters, no reports; cached per key like the star', async () => {
    const w = fakeWarehouse();
    let t = 5_000;
    const sales = createSalesSource({ query: w.query, schema: 's', now: () => t });
    const a = await sales(new URLSearchParams('source=history'));
    expect(a.status).toBe(200);
    if (a.status !== 200) return;
    expect(a.body.filters).toEqual({
      source: 'history',
      year: 2020,
      category: null,
      years: [2020],
      categories: ['Ebooks', 'Electronics', 'Music'],
      defaultYear: 2020,
      mobilePhones: 'Mobile',
    });
    expect(a.body.reports).toBeNull();
    expect(a.body.charts.monthly[3]).toEqual({ month: 4, total: '1000.00' });
    expect(a.body.charts.quarterly[1]).toEqual({ quarter: 2, total: '400.00' });
    expect(w.seen.every((q) => q.text.includes('"sales_history"'))).toBe(true);
    expect(w.seen).toHaveLength(3);

    const music = await sales(new URLSearchParams('source=history&year=2020&category=Music'));
    expect(music.status === 200 && music.body.charts.monthly[3]).toEqual({ month: 4, total: '100.00' });
    expect(w.seen).toHaveLength(3); // the same cached rows
    t += 1_000;
    await sales(new URLSearchParams('source=history'));
    expect(w.seen).toHaveLength(6);
  });

  it("the star's categories are refused with the history's; a bad source is a 400", async () => {
    const w = fakeWarehouse();
    const sales = createSalesSource({ query: w.query, schema: 's' });
    const bad = await sales(new URLSearchParams('source=history&category=laptop'));
    expect(bad).toMatchObject({
      status: 400,
      body: { error: 'unknown category "laptop"; the warehouse\'s categories: Ebooks, Electronics, Music' },
    });
    expect(await sales(new URLSearchParams('source=cube'))).toEqual({
      status: 400,
      body: { error: 'source must be star or history, not "cube"', sources: ['star', 'history'] },
    });
  });

  it('without the table: 503 naming starling seed sales-history; the star without tables likewise', async () => {
    const w = fakeWarehouse(true);
    const sales = createSalesSource({ query: w.query, schema: 's' });
    const r = await sales(new URLSearchParams('source=history'));
    expect(r).toMatchObject({
      status: 503,
      body: { error: expect.stringContaining('`starling seed sales-history`') },
    });
    expect(await sales(new URLSearchParams(''))).toMatchObject({
      status: 503,
      body: { error: expect.stringContaining('has no star yet') },
    });
  });
});
