import { describe, expect, it } from 'vitest';
import { parseBackfillArgs } from './options.js';

describe('backfill options', () => {
  it('splits db.table and keeps the condition verbatim', () => {
    expect(
      parseBackfillArgs({ table: 'sales.sales_data', where: " country = 'Mali' ", timeout: '60' }),
    ).toEqual({
      db: 'sales',
      table: 'sales_data',
      where: "country = 'Mali'",
      timeoutS: 60,
      json: false,
    });
    expect(parseBackfillArgs({ table: 'sales.customers', timeout: '0.5', json: true }).where).toBeUndefined();
  });

  it('names every problem at once', () => {
    expect(() => parseBackfillArgs({ table: 'sales.sales-data', where: ' ', timeout: 'soon' })).toThrow(
      /3 problems:\n {2}- --table "sales.sales-data" is not db.table[^\n]*\n {2}- --where needs a condition[^\n]*\n {2}- --timeout "soon"/,
    );
    expect(() => parseBackfillArgs({ timeout: '10' })).toThrow('--table db.table is required');
    expect(() => parseBackfillArgs({ table: 'a.b.c', timeout: '10' })).toThrow('is not db.table');
    expect(() => parseBackfillArgs({ table: 'sales.t', timeout: '0' })).toThrow('--timeout "0"');
  });
});
