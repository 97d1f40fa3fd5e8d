import { describe, expect, it } from 'vitest';
import {
  chartSeries,
  formatMoney,
  groupKey,
  groupLabels,
  memberLabel,
  salesUrl,
  UNRESOLVED,
} from './sales-view.js';

describe('the sales page helpers', () => {
  it('formatMoney: two decimals, separators, exact for large sums, half up', () => {
    expect(formatMoney('1234.5')).toBe('1,234.50');
    expect(formatMoney('0')).toBe('0.00');
    expect(formatMoney('12345678901234567.125')).toBe('12,345,678,901,234,567.13');
    expect(formatMoney('2.344')).toBe('2.34');
    expect(formatMoney('-7.10')).toBe('-7.10');
    expect(formatMoney('1234.56789012345')).toBe('1,234.57');
    expect(formatMoney(null)).toBe('—');
  });

  it('labels: unresolved members and subtotals are told apart', () => {
    expect(memberLabel(null)).toBe(UNRESOLVED);
    expect(groupLabels({ year: null, country: null, grouping_year: 1, grouping_country: 1 })).toEqual({
      year: 'all years',
      country: 'all countries',
    });
    expect(groupLabels({ year: 2020, country: null, grouping_year: 0, grouping_country: 0 })).toEqual({
      year: '2020',
      country: UNRESOLVED,
    });
    expect(groupKey({ year: 2020, country: null, grouping_year: 0, grouping_country: 0 })).toBe('2020-~');
    expect(groupKey({ year: 2020, country: null, grouping_year: 0, grouping_country: 1 })).toBe('2020-*');
    expect(groupKey({ year: null, country: 'Peru', grouping_year: 1, grouping_country: 0 })).toBe('*-Peru');
  });

  it('chartSeries: month and quarter labels, numbers to draw', () => {
    const s = chartSeries({
      charts: {
        monthly: Array.from({ length: 12 }, (_, i) => ({ month: i + 1, total: i === 8 ? '10.50' : '0.00' })),
        byCategory: [
          { category: 'laptop', total: '3.00' },
          { category: null, total: '1.00' },
        ],
        quarterly: [1, 2, 3, 4].map((q) => ({ quarter: q, total: `${q}.00` })),
      },
    });
    expect(s.monthly.labels[8]).toBe('Sep');
    expect(s.monthly.values[8]).toBe(10.5);
    expect(s.byCategory).toEqual({ labels: ['laptop', UNRESOLVED], values: [3, 1] });
    expect(s.quarterly.labels).toEqual(['Q1', 'Q2', 'Q3', 'Q4']);
  });

  it('salesUrl: empty filters are left to the server', () => {
    expect(salesUrl('', '')).toBe('/api/sales');
    expect(salesUrl(2020, 'smart phone')).toBe('/api/sales?year=2020&category=smart+phone');
    expect(salesUrl(null, 'a&b=c')).toBe('/api/sales?category=a%26b%3Dc');
    expect(salesUrl('', '', 'star')).toBe('/api/sales');
    expect(salesUrl(2020, 'Music', 'history')).toBe('/api/sales?source=history&year=2020&category=Music');
  });
});
