import { describe, expect, it } from 'vitest';
import { softcartModel } from '../softcart.js';
import { db2Ddl, db2Dialect } from './db2.js';
import { postgresDdl } from './postgres.js';

describe('Db2 DDL of the SoftCart star', () => {
  const sql = db2Ddl(softcartModel);

  it('has the same tables and columns as PostgreSQL, only types differ', () => {
    const shape = (s: string) =>
      [...s.matchAll(/^ {2}"([^"]+)"|CREATE TABLE "(\w+)"/gm)].map((m) => m[1] ?? m[2]);
    expect(shape(sql)).toEqual(shape(postgresDdl(softcartModel)));
  });

  it('stores booleans as SMALLINT 0/1 with a CHECK', () => {
    expect(sql).toContain('  "is_current" SMALLINT DEFAULT 1 NOT NULL CHECK ("is_current" IN (0, 1)),');
    expect(sql).toContain('  "inferred" SMALLINT DEFAULT 0 NOT NULL CHECK ("inferred" IN (0, 1)),');
    expect(sql).not.toContain('BOOLEAN');
  });

  it('the SCD2 dimension', () => {
    expect(sql).toContain(
      [
        'CREATE TABLE "DimCustomer" (',
        '  "customerkey" BIGINT NOT NULL,',
        '  "customer_id" INTEGER NOT NULL,',
        '  "country" VARCHAR(64 CODEUNITS32),',
        '  "valid_from" TIMESTAMP(6) NOT NULL,',
        `  "valid_to" TIMESTAMP(6) DEFAULT '9999-12-31 00:00:00' NOT NULL,`,
      ].join('\n'),
    );
    expect(sql).toContain('  PRIMARY KEY ("customerkey"),\n  UNIQUE ("customer_id", "valid_from")\n)');
  });

  it('decimals, text and the fact key', () => {
    expect(sql).toContain('  "price" DECIMAL(10,2),\n  "amount" DECIMAL(20,2),');
    expect(sql).toContain(
      '  "_starling_pos" VARCHAR(128 CODEUNITS32) NOT NULL,\n  PRIMARY KEY ("orderid")\n)',
    );
    expect(sql).toContain('  "dateid" INTEGER NOT NULL,\n  "date" DATE NOT NULL,');
    expect(db2Dialect.columnType({ type: 'text' })).toBe('VARCHAR(4000 CODEUNITS32)');
    expect(sql).not.toContain('NUMERIC');
    expect(sql).not.toContain('IF NOT EXISTS');
  });

  it('qualifies with a quoted schema', () => {
    expect(db2Ddl(softcartModel, { schema: 'STAR' })).toContain('CREATE TABLE "STAR"."FactSales" (');
  });
});
