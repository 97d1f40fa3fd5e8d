import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors/user-error.js';
import { readCourseFile } from './course-table-seed.js';
import { SALES_HISTORY, SEARCH_TERMS } from './course-tables.js';
import { columnMismatch, copySql, createCourseTableSql } from './warehouse-table-sql.js';

describe('course tables', () => {
  it('sales_history: the row id, then the columns of ecommerce.csv in order', () => {
    const rows = SALES_HISTORY.rows(
      'day,month,quarter,year,category,item,price\n1,1,1,2020,Electronics,Mobile,300\n5,11,4,2020,Music,Pop,12\n',
      'e.csv',
    );
    expect(SALES_HISTORY.columns.map((c) => c.name)).toEqual([
      'rowid',
      'day',
      'month',
      'quarter',
      'year',
      'category',
      'item',
      'price',
    ]);
    expect(rows).toEqual([
      [1, 1, 1, 1, 2020, 'Electronics', 'Mobile', 300],
      [2, 5, 11, 4, 2020, 'Music', 'Pop', 12],
    ]);
  });

  it('search_terms: day, month, year, searchterm and the date they make', () => {
    const rows = SEARCH_TERMS.rows('\uFEFFday,month,year,searchterm\n12,11,2021,mobile 6 inch\n', 's.csv');
    expect(SEARCH_TERMS.columns.map((c) => c.name)).toEqual([
      'rowid',
      'day',
      'month',
      'year',
      'searchterm',
      'date',
    ]);
    expect(rows).toEqual([[1, 12, 11, 2021, 'mobile 6 inch', '2021-11-12']]);
  });

  it('a bad file is one UserError before anything is written', () => {
    expect(() => SALES_HISTORY.rows('day,month,quarter,year,category,item,price\n1,2,3\n', 'e.csv')).toThrow(
      UserError,
    );
  });

  it('DDL: quoted names, the row id as primary key, every other column NOT NULL', () => {
    const [schema, table] = createCourseTableSql('my "wh"', SEARCH_TERMS);
    expect(schema).toBe('CREATE SCHEMA IF NOT EXISTS "my ""wh"""');
    expect(table).toBe(
      'CREATE TABLE IF NOT EXISTS "my ""wh"""."search_terms" (\n  "rowid" integer PRIMARY KEY,\n  "day" integer NOT NULL,\n  "month" integer NOT NULL,\n  "year" integer NOT NULL,\n  "searchterm" text NOT NULL,\n  "date" date NOT NULL\n)',
    );
    expect(copySql('softcart', SALES_HISTORY)).toBe(
      'COPY "softcart"."sales_history" ("rowid", "day", "month", "quarter", "year", "category", "item", "price") FROM STDIN (FORMAT text)',
    );
  });

  it('an existing table with other columns is named with both column lists', () => {
    expect(columnMismatch('s', SEARCH_TERMS, ['rowid', 'day', 'month', 'year', 'searchterm', 'date'])).toBe(
      undefined,
    );
    expect(columnMismatch('s', SEARCH_TERMS, ['day', 'month', 'year', 'searchterm'])).toMatch(
      /s\.search_terms exists with the columns \(day, month, year, searchterm\), not \(rowid, day/,
    );
  });

  it('without a data directory or without the file: a UserError saying which file is needed (exit code 2)', () => {
    const none = (() => {
      try {
        readCourseFile(undefined, SALES_HISTORY, 'seed sales-history');
      } catch (e) {
        return e;
      }
    })() as UserError;
    expect(none).toBeInstanceOf(UserError);
    expect(none.exitCode).toBe(2);
    expect(none.message).toMatch(/needs the course file ecommerce\.csv.*--data-dir.*no built-in generator/);
    const dir = mkdtempSync(join(tmpdir(), 'starling-course-'));
    expect(() => readCourseFile(dir, SEARCH_TERMS, 'seed search-terms')).toThrow(
      /needs the course file searchterms\.csv, which .* does not hold/,
    );
    writeFileSync(join(dir, 'searchterms.csv'), 'x');
    expect(readCourseFile(dir, SEARCH_TERMS, 'seed search-terms')).toBe('x');
  });
});
