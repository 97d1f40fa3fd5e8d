import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors/user-error.js';
import { parseSalesSource, yearlySales, yearlySalesQuery } from './yearly-sales.js';

describe('yearly sales queries', () => {
  it('star: SUM(amount) of FactSales by the date dimension year, names from the model', () => {
    expect(yearlySalesQuery('star', 'softcart').text).toBe(
      [
        'SELECT "d"."year" AS "year", SUM("f"."amount")::text AS "sales"',
        'FROM "softcart"."FactSales" AS "f"',
        'JOIN "softcart"."DimDate" AS "d" ON "d"."dateid" = "f"."dateid"',
        'GROUP BY "d"."year"',
        'ORDER BY 1',
      ].join('\n'),
    );
  });

  it('history: SUM(price) of sales_history by year', () => {
    expect(yearlySalesQuery('history', 'w"h').text).toBe(
      'SELECT "year" AS "year", SUM("price")::text AS "sales"\nFROM "w""h"."sales_history"\nGROUP BY "year"\nORDER BY 1',
    );
  });

  it('--source takes star or history only', () => {
    expect(parseSalesSource('history')).toBe('history');
    expect(() => parseSalesSource('cube')).toThrow(UserError);
  });

  it('turns rows into numbers, and a missing table into a UserError saying what creates it', async () => {
    const ok = { query: async () => ({ rows: [{ year: 2020, sales: '123.45' }] }) };
    expect(await yearlySales(ok as never, 'star', 's')).toEqual([{ year: 2020, sales: 123.45 }]);
    const missing = {
      query: async () => {
        throw Object.assign(new Error('relation does not exist'), { code: '42P01' });
      },
    };
    await expect(yearlySales(missing as never, 'history', 's')).rejects.toThrow(
      /starling seed sales-history/,
    );
    await expect(yearlySales(missing as never, 'star', 's')).rejects.toThrow(/starling run/);
  });
});
