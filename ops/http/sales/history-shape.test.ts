import { describe, expect, it } from 'vitest';
import { shapeHistoryCharts } from './history-shape.js';

describe('shapeHistoryCharts', () => {
  const rows = [
    { month: 1, quarter: 1, category: 'Electronics', total_sales: '500.00', mobile_sales: '300.00' },
    { month: 2, quarter: 1, category: 'Music', total_sales: '20.00', mobile_sales: null },
    { month: 11, quarter: 4, category: 'Electronics', total_sales: '70.00', mobile_sales: '70.00' },
    { month: 11, quarter: 4, category: 'Ebooks', total_sales: '5.00', mobile_sales: null },
  ];

  it('month-wise and category-wise as the star; quarterly from the item Mobile, zero-filled', () => {
    const c = shapeHistoryCharts(rows, null);
    expect(c.monthly[0]).toEqual({ month: 1, total: '500.00' });
    expect(c.monthly[10]).toEqual({ month: 11, total: '75.00' });
    expect(c.monthly[5]).toEqual({ month: 6, total: '0.00' });
    expect(c.byCategory).toEqual([
      { category: 'Ebooks', total: '5.00' },
      { category: 'Electronics', total: '570.00' },
      { category: 'Music', total: '20.00' },
    ]);
    expect(c.quarterly).toEqual([
      { quarter: 1, total: '300.00' },
      { quarter: 2, total: '0.00' },
      { quarter: 3, total: '0.00' },
      { quarter: 4, total: '70.00' },
    ]);
  });

  it('the category filter narrows the month-wise chart only', () => {
    const c = shapeHistoryCharts(rows, 'Music');
    expect(c.monthly[1]).toEqual({ month: 2, total: '20.00' });
    expect(c.monthly[0]).toEqual({ month: 1, total: '0.00' });
    expect(c.byCategory).toHaveLength(3);
    expect(c.quarterly[0]!.total).toBe('300.00');
  });
});
