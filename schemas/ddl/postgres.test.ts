import { describe, expect, it } from 'vitest';
import type { StarModel } from '../model/types.js';
import { softcartModel } from '../softcart.js';
import { postgresDdl, postgresDialect } from './postgres.js';

describe('PostgreSQL DDL of the SoftCart star', () => {
  const sql = postgresDdl(softcartModel, { schema: 'warehouse' });

  it('creates the date dimension, the dimensions, the fact, then the bookkeeping tables', () => {
    const order = [...sql.matchAll(/CREATE TABLE "warehouse"\."(\w+)"/g)].map((m) => m[1]);
    expect(order).toEqual([
      'DimDate',
      'DimCategory',
      'DimItem',
      'DimCountry',
      'DimCustomer',
      'FactSales',
      '_starling_points_DimCustomer',
      '_starling_deleted_FactSales',
      '_starling_lock',
    ]);
    expect(sql.split(';\n\n')).toHaveLength(9);
    expect(sql.endsWith(');\n')).toBe(true);
  });

  it('the date dimension is keyed by dateid INT', () => {
    expect(sql).toContain(
      [
        'CREATE TABLE "warehouse"."DimDate" (',
        '  "dateid" INTEGER NOT NULL,',
        '  "date" DATE NOT NULL,',
        '  "year" INTEGER NOT NULL,',
        '  "quarter" INTEGER NOT NULL,',
        '  "quartername" VARCHAR(2) NOT NULL,',
        '  "month" INTEGER NOT NULL,',
        '  "monthname" VARCHAR(9) NOT NULL,',
        '  "day" INTEGER NOT NULL,',
        '  "weekday" INTEGER NOT NULL,',
        '  "weekdayname" VARCHAR(9) NOT NULL,',
        '  PRIMARY KEY ("dateid"),',
        '  UNIQUE ("date")',
        ')',
      ].join('\n'),
    );
  });

  it('an SCD2 dimension has versions, the far-future valid_to, is_current, inferred', () => {
    expect(sql).toContain(
      [
        'CREATE TABLE "warehouse"."DimCustomer" (',
        '  "customerkey" BIGINT NOT NULL,',
        '  "customer_id" INTEGER NOT NULL,',
        '  "country" VARCHAR(64),',
        '  "valid_from" TIMESTAMP(6) NOT NULL,',
        `  "valid_to" TIMESTAMP(6) DEFAULT TIMESTAMP '9999-12-31 00:00:00' NOT NULL,`,
        '  "is_current" BOOLEAN DEFAULT TRUE NOT NULL,',
        '  "inferred" BOOLEAN DEFAULT FALSE NOT NULL,',
        '  "_starling_pos" VARCHAR(128),',
        '  PRIMARY KEY ("customerkey"),',
        '  UNIQUE ("customer_id", "valid_from")',
        ')',
      ].join('\n'),
    );
  });

  it('an SCD1 dimension has a unique natural key and no version columns', () => {
    const item = sql.slice(sql.indexOf('"DimItem"'), sql.indexOf('"DimCountry"'));
    expect(item).toContain(
      '  "product_id" INTEGER NOT NULL,\n  "item" VARCHAR(255),\n  "category" VARCHAR(64),',
    );
    expect(item).toContain('  UNIQUE ("product_id")\n');
    expect(item).not.toContain('valid_from');
    expect(item).toContain('"inferred" BOOLEAN DEFAULT FALSE NOT NULL');
  });

  it('the fact: grain primary key, one BIGINT per link, the linked natural keys and event time, the date key, measures, position', () => {
    expect(sql).toContain(
      [
        'CREATE TABLE "warehouse"."FactSales" (',
        '  "orderid" INTEGER NOT NULL,',
        '  "itemid" BIGINT,',
        '  "categoryid" BIGINT,',
        '  "customerkey" BIGINT,',
        '  "countryid" BIGINT,',
        '  "product_id" INTEGER,',
        '  "customer_id" INTEGER,',
        '  "event_time" TIMESTAMP(6) NOT NULL,',
        '  "dateid" INTEGER NOT NULL,',
        '  "quantity" INTEGER,',
        '  "price" NUMERIC(10,2),',
        '  "amount" NUMERIC(20,2),',
        '  "_starling_pos" VARCHAR(128) NOT NULL,',
        '  PRIMARY KEY ("orderid")',
        ')',
      ].join('\n'),
    );
  });

  it('keeps the SCD2 state as change points keyed by (natural key, position)', () => {
    expect(sql).toContain(
      [
        'CREATE TABLE "warehouse"."_starling_points_DimCustomer" (',
        '  "customer_id" INTEGER NOT NULL,',
        '  "at" TIMESTAMP(6) NOT NULL,',
        '  "position" VARCHAR(128) NOT NULL,',
        '  "country" VARCHAR(64),',
        '  PRIMARY KEY ("customer_id", "position")',
        ')',
      ].join('\n'),
    );
  });

  it('quotes every identifier, doubling embedded quotes', () => {
    expect(postgresDialect.quote('a"b')).toBe('"a""b"');
    const odd: StarModel = structuredClone(softcartModel);
    odd.facts[0]!.name = 'Fact "Sales"';
    expect(postgresDdl(odd)).toContain('CREATE TABLE "Fact ""Sales""" (');
    expect(postgresDdl(odd)).not.toMatch(/CREATE TABLE [^"]/);
  });

  it('maps unbounded text to TEXT', () => {
    expect(postgresDialect.columnType({ type: 'text' })).toBe('TEXT');
  });
});
