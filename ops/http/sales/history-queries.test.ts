import { describe, expect, it } from 'vitest';
import { historyCategoriesQuery, historyChartsQuery, historyYearsQuery } from './history-queries.js';

describe('the sales_history queries', () => {
  it('quote the schema and table, and pass values as parameters', () => {
    expect(historyYearsQuery('my "schema"')).toEqual({
      text: 'SELECT DISTINCT "year" AS "year"\nFROM "my ""schema"""."sales_history"\nORDER BY 1',
      values: [],
    });
    expect(historyCategoriesQuery('s').text).toBe(
      'SELECT DISTINCT "category" AS "category"\nFROM "s"."sales_history"\nORDER BY 1',
    );
    const charts = historyChartsQuery('s', 2020);
    expect(charts.values).toEqual([2020, 'Mobile']);
    expect(charts.text).toContain('WHERE "year" = $1');
    expect(charts.text).toContain(
      '(SUM("price") FILTER (WHERE "item" = $2))::numeric(20,2) AS "mobile_sales"',
    );
    expect(charts.text).toContain('GROUP BY "month", "quarter", "category"');
    expect(charts.text).not.toContain('2020');
  });
});
