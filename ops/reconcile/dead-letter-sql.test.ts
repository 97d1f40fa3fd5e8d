import { describe, expect, it } from 'vitest';
import { DimCountry, DimCustomer, DimItem, FactSales } from '../../schemas/softcart.js';
import { affectedFactsSql, sourceKeysSql } from './dead-letter-sql.js';

describe('sourceKeysSql', () => {
  it('looks keys up by row constructor, identifiers quoted, values as parameters', () => {
    expect(
      sourceKeysSql(
        'my`db',
        't',
        ['a', 'b'],
        [
          [1, 'x'],
          [2, "y'"],
        ],
      ),
    ).toEqual({
      sql: 'SELECT `a`, `b` FROM `my``db`.`t` WHERE (`a`, `b`) IN ((?, ?), (?, ?))',
      params: [1, 'x', 2, "y'"],
    });
  });
});

describe('affectedFactsSql', () => {
  it('finds facts of a directly linked member by the fact’s copy of its natural key', () => {
    const q = affectedFactsSql(FactSales, DimCustomer, 'we"ird', 3)!;
    expect(q.count).toBe(
      'SELECT count(*) FROM "we""ird"."FactSales" WHERE "customer_id"::text = ANY($1::text[])',
    );
    expect(q.examples).toBe(
      'SELECT "orderid" FROM "we""ird"."FactSales" WHERE "customer_id"::text = ANY($1::text[]) ORDER BY "orderid" LIMIT 3',
    );
  });

  it('finds facts of a member linked through another dimension by its surrogate key', () => {
    const q = affectedFactsSql(FactSales, DimCountry, 's')!;
    expect(q.count).toBe(
      'SELECT count(*) FROM "s"."FactSales" WHERE "countryid" IN (SELECT "countryid" FROM "s"."DimCountry" WHERE "country"::text = ANY($1::text[]))',
    );
  });

  it('is null for a dimension the fact does not link', () => {
    expect(affectedFactsSql({ ...FactSales, dimensions: [] }, DimItem, 's')).toBeNull();
  });
});
