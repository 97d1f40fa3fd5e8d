import { describe, expect, it } from 'vitest';
import type { DimensionDef, FactDef, StarModel } from '../../schemas/model/types.js';
import { DimCustomer, DimItem, FactSales, softcartModel } from '../../schemas/softcart.js';
import { dateRow } from '../../streams/date-dimension.js';
import { EARLIEST, OPEN_END } from '../../streams/scd2.js';
import { toEpochMicros } from '../../streams/time.js';
import { BadRecordError } from '../envelope/types.js';
import type { FactRow, VersionRow } from '../warehouse/dialect.js';
import {
  createModelIndexesSql,
  createModelTablesSql,
  createReportsSql,
  db2TimestampFromMicros,
  decimalFromDb2,
  decodeMembers,
  decodePoints,
  deleteFactsSql,
  ensureDatesSql,
  fromDb2,
  hasReports,
  insertInferredSql,
  insertPointsSql,
  lockRowSql,
  lockSql,
  microsFromDb2Timestamp,
  readMembersSql,
  readPointsSql,
  refreshReportsSql,
  replaceVersionsSql,
  repointByMemberSql,
  repointByVersionSql,
  type Statement,
  toParam,
  upsertFactsSql,
  upsertMembersSql,
} from './warehouse-sql.js';

/** 2^63 - 1: the largest surrogate key; far beyond 2^53, so never a JS number. */
const BIG = 9223372036854775807n;
const us = (t: string) => toEpochMicros(t);

function markers(s: Statement): number {
  return s.sql.match(/\?/g)?.length ?? 0;
}

const fact = (orderid: number, position: string, extra: Partial<FactRow> = {}): FactRow => ({
  grain: { orderid },
  keys: { itemid: BIG, categoryid: null, customerkey: 12n, countryid: 3n },
  naturalKeys: { product_id: 7, customer_id: 42 },
  eventTime: us('2020-09-05 16:20:03.123456'),
  dateKey: 20200905,
  measures: { quantity: 2, price: '9.50', amount: '19.00' },
  position,
  ...extra,
});

describe('Db2 warehouse SQL: transaction start', () => {
  it('locks the lock table exclusively', () => {
    expect(lockSql('star')).toBe('LOCK TABLE "star"."_starling_lock" IN EXCLUSIVE MODE');
  });
});

describe('Db2 warehouse SQL: type-1 members', () => {
  it('upserts by surrogate key, guarded by position (NULL = inferred = older), clearing inferred', () => {
    const [s, ...rest] = upsertMembersSql('star', DimItem, [
      { key: BIG, naturalKey: 7, attributes: { item: 'TV 55"', category: 'tv' }, position: 'p2' },
    ]);
    expect(rest).toEqual([]);
    expect(s!.sql).toBe(
      [
        'MERGE INTO "star"."DimItem" AS T',
        'USING (VALUES (CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS VARCHAR(255 CODEUNITS32)), CAST(? AS VARCHAR(64 CODEUNITS32)), CAST(? AS VARCHAR(128 CODEUNITS32))))',
        '  AS S("itemid", "product_id", "item", "category", "_starling_pos")',
        'ON T."itemid" = S."itemid"',
        'WHEN MATCHED AND (T."_starling_pos" IS NULL OR T."_starling_pos" < S."_starling_pos")',
        '  THEN UPDATE SET "item" = S."item", "category" = S."category", "inferred" = 0, "_starling_pos" = S."_starling_pos"',
        'WHEN NOT MATCHED THEN INSERT ("itemid", "product_id", "item", "category", "inferred", "_starling_pos")',
        '  VALUES (S."itemid", S."product_id", S."item", S."category", 0, S."_starling_pos")',
        'ELSE IGNORE',
      ].join('\n'),
    );
    // The 64-bit key is a decimal string; values never enter the text.
    expect(s!.params).toEqual(['9223372036854775807', 7, 'TV 55"', 'tv', 'p2']);
    expect(typeof s!.params[0]).toBe('string');
  });

  it('keeps the newest row per key (a MERGE source must not match one row twice) and chunks by 500', () => {
    const rows = Array.from({ length: 1001 }, (_, i) => ({
      key: BigInt(i),
      naturalKey: i,
      attributes: { item: `m${i}`, category: 'c' },
      position: 'p1',
    }));
    rows.push({ key: 0n, naturalKey: 0, attributes: { item: 'newer', category: 'c' }, position: 'p2' });
    rows.push({ key: 0n, naturalKey: 0, attributes: { item: 'older', category: 'c' }, position: 'p0' });
    const out = upsertMembersSql('star', DimItem, rows);
    expect(out.map((s) => s.params.length / 5)).toEqual([500, 500, 1]);
    for (const s of out) expect(s.params).toHaveLength(markers(s));
    expect(out[0]!.params.slice(0, 5)).toEqual(['0', 0, 'newer', 'c', 'p2']);
    expect(upsertMembersSql('star', DimItem, [])).toEqual([]);
  });

  it('an attribute-less "distinct values" member only clears inferred and moves the position', () => {
    const country: DimensionDef = {
      ...DimItem,
      name: 'DimCountry',
      surrogateKey: 'countryid',
      attributes: [],
    };
    const [s] = upsertMembersSql('star', country, [
      { key: 1n, naturalKey: 7, attributes: {}, position: 'p' },
    ]);
    expect(s!.sql).toContain('THEN UPDATE SET "inferred" = 0, "_starling_pos" = S."_starling_pos"');
  });

  it('refuses an SCD2 dimension (its rows are versions)', () => {
    expect(() => upsertMembersSql('star', DimCustomer, [])).toThrow(/replaceVersions/);
  });

  it('inserts inferred placeholders only where the key has no row', () => {
    const [s] = insertInferredSql('star', DimItem, [{ key: BIG, naturalKey: 7 }]);
    expect(s!.sql).toBe(
      [
        'MERGE INTO "star"."DimItem" AS T',
        'USING (VALUES (CAST(? AS BIGINT), CAST(? AS INTEGER)))',
        '  AS S("itemid", "product_id")',
        'ON T."itemid" = S."itemid"',
        'WHEN NOT MATCHED THEN INSERT ("itemid", "product_id", "inferred")',
        '  VALUES (S."itemid", S."product_id", 1)',
        'ELSE IGNORE',
      ].join('\n'),
    );
    expect(s!.params).toEqual(['9223372036854775807', 7]);
  });

  it('an inferred SCD2 member is the open, current version from its validFrom', () => {
    const [s] = insertInferredSql('star', DimCustomer, [{ key: 5n, naturalKey: 42, validFrom: EARLIEST }]);
    expect(s!.sql).toContain(
      [
        'WHEN NOT MATCHED THEN INSERT ("customerkey", "customer_id", "valid_from", "valid_to", "is_current", "inferred")',
        `  VALUES (S."customerkey", S."customer_id", S."valid_from", CAST('9999-12-31-00.00.00.000000' AS TIMESTAMP(6)), 1, 1)`,
      ].join('\n'),
    );
    expect(s!.params).toEqual(['5', 42, '0001-01-01-00.00.00.000000']);
    expect(() => insertInferredSql('star', DimCustomer, [{ key: 5n, naturalKey: 42 }])).toThrow(/validFrom/);
  });

  it('reads members by natural key (distinct, typed), BIGINT and timestamps as text', () => {
    const [s] = readMembersSql('star', DimCustomer, [42, 43, 42, '43']);
    expect(s!.sql).toBe(
      [
        'SELECT CAST(T."customerkey" AS VARCHAR(20)) AS "c0", T."customer_id" AS "c1", T."country" AS "c2", CHAR(T."valid_from") AS "c3", CHAR(T."valid_to") AS "c4"',
        'FROM "star"."DimCustomer" AS T',
        'WHERE T."customer_id" IN (CAST(? AS INTEGER), CAST(? AS INTEGER))',
        'ORDER BY T."customer_id", T."valid_from"',
      ].join('\n'),
    );
    expect(s!.params).toEqual([42, '43']);
    expect(readMembersSql('star', DimCustomer, [])).toEqual([]);
    expect(
      decodeMembers(DimCustomer, [
        {
          c0: '9223372036854775807',
          c1: 42,
          c2: null,
          c3: '0001-01-01-00.00.00.000000',
          c4: '9999-12-31-00.00.00.000000',
        },
      ]),
    ).toEqual([
      { key: BIG, naturalKey: 42, attributes: { country: null }, validFrom: EARLIEST, validTo: OPEN_END },
    ]);
    expect(decodeMembers(DimItem, [{ c0: '1', c1: 7, c2: 'TV', c3: 'tv' }])).toEqual([
      { key: 1n, naturalKey: 7, attributes: { item: 'TV', category: 'tv' } },
    ]);
  });
});

describe('Db2 warehouse SQL: SCD2 points and versions', () => {
  it('stores points once per (natural key, position)', () => {
    const [s] = insertPointsSql('star', DimCustomer, [
      { naturalKey: 42, at: us('2020-01-01 00:00:00'), position: 'p1', values: { country: 'FR' } },
      { naturalKey: 42, at: us('2020-01-01 00:00:00'), position: 'p1', values: { country: 'FR' } },
    ]);
    expect(s!.sql).toBe(
      [
        'MERGE INTO "star"."_starling_points_DimCustomer" AS T',
        'USING (VALUES (CAST(? AS INTEGER), CAST(? AS TIMESTAMP(6)), CAST(? AS VARCHAR(128 CODEUNITS32)), CAST(? AS VARCHAR(64 CODEUNITS32))))',
        '  AS S("customer_id", "at", "position", "country")',
        'ON T."customer_id" = S."customer_id" AND T."position" = S."position"',
        'WHEN NOT MATCHED THEN INSERT ("customer_id", "at", "position", "country")',
        '  VALUES (S."customer_id", S."at", S."position", S."country")',
        'ELSE IGNORE',
      ].join('\n'),
    );
    expect(s!.params).toEqual([42, '2020-01-01-00.00.00.000000', 'p1', 'FR']);
  });

  it('reads points back in order, with exact times', () => {
    const [s] = readPointsSql('star', DimCustomer, [42]);
    expect(s!.sql).toBe(
      [
        'SELECT T."customer_id" AS "c0", CHAR(T."at") AS "c1", T."position" AS "c2", T."country" AS "c3"',
        'FROM "star"."_starling_points_DimCustomer" AS T',
        'WHERE T."customer_id" IN (CAST(? AS INTEGER))',
        'ORDER BY T."customer_id", T."at", T."position"',
      ].join('\n'),
    );
    expect(
      decodePoints(DimCustomer, [{ c0: 42, c1: '2020-01-01-00.00.00.000001', c2: 'p1', c3: 'FR' }]),
    ).toEqual([
      { naturalKey: 42, at: us('2020-01-01 00:00:00.000001'), position: 'p1', values: { country: 'FR' } },
    ]);
  });

  const v = (key: bigint, country: string | null, from: bigint, to: bigint, pos: string): VersionRow => ({
    key,
    naturalKey: 42,
    attributes: { country },
    validFrom: from,
    validTo: to,
    isCurrent: to === OPEN_END,
    inferred: pos === '',
    position: pos,
  });

  it('replaces the versions of natural keys: delete the others, then upsert by key', () => {
    const split = us('2020-06-01 12:00:00');
    const out = replaceVersionsSql(
      'star',
      DimCustomer,
      [42, 43],
      [v(BIG, 'FR', EARLIEST, split, 'p1'), v(12n, 'DE', split, OPEN_END, 'p3')],
    );
    expect(out.map((s) => s.sql)).toEqual([
      [
        'DELETE FROM "star"."DimCustomer" AS T',
        'WHERE T."customer_id" IN (CAST(? AS INTEGER), CAST(? AS INTEGER))',
        '  AND T."customerkey" NOT IN (CAST(? AS BIGINT), CAST(? AS BIGINT))',
      ].join('\n'),
      [
        'MERGE INTO "star"."DimCustomer" AS T',
        'USING (VALUES (CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS VARCHAR(64 CODEUNITS32)), CAST(? AS TIMESTAMP(6)), CAST(? AS TIMESTAMP(6)), CAST(? AS SMALLINT), CAST(? AS SMALLINT), CAST(? AS VARCHAR(128 CODEUNITS32))),',
        '  (CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS VARCHAR(64 CODEUNITS32)), CAST(? AS TIMESTAMP(6)), CAST(? AS TIMESTAMP(6)), CAST(? AS SMALLINT), CAST(? AS SMALLINT), CAST(? AS VARCHAR(128 CODEUNITS32))))',
        '  AS S("customerkey", "customer_id", "country", "valid_from", "valid_to", "is_current", "inferred", "_starling_pos")',
        'ON T."customerkey" = S."customerkey"',
        'WHEN MATCHED THEN UPDATE SET "customer_id" = S."customer_id", "country" = S."country", "valid_from" = S."valid_from", "valid_to" = S."valid_to", "is_current" = S."is_current", "inferred" = S."inferred", "_starling_pos" = S."_starling_pos"',
        'WHEN NOT MATCHED THEN INSERT ("customerkey", "customer_id", "country", "valid_from", "valid_to", "is_current", "inferred", "_starling_pos")',
        '  VALUES (S."customerkey", S."customer_id", S."country", S."valid_from", S."valid_to", S."is_current", S."inferred", S."_starling_pos")',
      ].join('\n'),
    ]);
    expect(out[0]!.params).toEqual([42, 43, '9223372036854775807', '12']);
    expect(out[1]!.params).toEqual([
      '9223372036854775807',
      42,
      'FR',
      '0001-01-01-00.00.00.000000',
      '2020-06-01-12.00.00.000000',
      0,
      0,
      'p1',
      '12',
      42,
      'DE',
      '2020-06-01-12.00.00.000000',
      '9999-12-31-00.00.00.000000',
      1,
      0,
      'p3',
    ]);
  });

  it('an inferred version stores a NULL position; a key left with no version loses all its rows', () => {
    const out = replaceVersionsSql('star', DimCustomer, [42], [v(5n, null, EARLIEST, OPEN_END, '')]);
    expect(out[1]!.params.slice(-3)).toEqual([1, 1, null]);
    const gone = replaceVersionsSql('star', DimCustomer, [43], []);
    expect(gone.map((s) => s.sql)).toEqual([
      'DELETE FROM "star"."DimCustomer" AS T\nWHERE T."customer_id" IN (CAST(? AS INTEGER))',
    ]);
    expect(() => replaceVersionsSql('star', DimItem, [7], [])).toThrow(/type-1/);
  });

  it('chunks the DELETE by natural keys plus their kept keys', () => {
    const nks = Array.from({ length: 300 }, (_, i) => i);
    const versions = nks.map((n) => ({ ...v(BigInt(n), 'FR', EARLIEST, OPEN_END, 'p'), naturalKey: n }));
    const deletes = replaceVersionsSql('star', DimCustomer, nks, versions).filter((s) =>
      s.sql.startsWith('DELETE'),
    );
    expect(deletes.map(markers)).toEqual([500, 100]);
    for (const s of deletes) expect(s.params).toHaveLength(markers(s));
  });
});

describe('Db2 warehouse SQL: dates', () => {
  it('inserts the missing date rows', () => {
    const [s] = ensureDatesSql('star', softcartModel, [dateRow('2020-09-05'), dateRow('2020-09-05')]);
    expect(s!.sql).toContain(
      'ON T."dateid" = S."dateid"\nWHEN NOT MATCHED THEN INSERT ("dateid", "date", "year"',
    );
    expect(s!.sql).not.toContain('WHEN MATCHED');
    expect(s!.params).toEqual([20200905, '2020-09-05', 2020, 3, 'Q3', 9, 'September', 5, 7, 'Saturday']);
  });
});

describe('Db2 warehouse SQL: facts', () => {
  it('upserts facts guarded by the delete markers and by position', () => {
    const [s] = upsertFactsSql('star', FactSales, softcartModel, [fact(1, 'p9')]);
    expect(s!.sql).toBe(
      [
        'MERGE INTO "star"."FactSales" AS T',
        'USING (SELECT * FROM (VALUES (CAST(? AS INTEGER), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS TIMESTAMP(6)), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS DECIMAL(10,2)), CAST(? AS DECIMAL(20,2)), CAST(? AS VARCHAR(128 CODEUNITS32))))',
        '  AS V("orderid", "itemid", "categoryid", "customerkey", "countryid", "product_id", "customer_id", "event_time", "dateid", "quantity", "price", "amount", "_starling_pos")',
        '  WHERE NOT EXISTS (SELECT 1 FROM "star"."_starling_deleted_FactSales" AS D',
        '    WHERE D."orderid" = V."orderid" AND D."_starling_pos" >= V."_starling_pos")) AS S',
        'ON T."orderid" = S."orderid"',
        'WHEN MATCHED AND T."_starling_pos" < S."_starling_pos" THEN UPDATE SET "itemid" = S."itemid", "categoryid" = S."categoryid", "customerkey" = S."customerkey", "countryid" = S."countryid", "product_id" = S."product_id", "customer_id" = S."customer_id", "event_time" = S."event_time", "dateid" = S."dateid", "quantity" = S."quantity", "price" = S."price", "amount" = S."amount", "_starling_pos" = S."_starling_pos"',
        'WHEN NOT MATCHED THEN INSERT ("orderid", "itemid", "categoryid", "customerkey", "countryid", "product_id", "customer_id", "event_time", "dateid", "quantity", "price", "amount", "_starling_pos")',
        '  VALUES (S."orderid", S."itemid", S."categoryid", S."customerkey", S."countryid", S."product_id", S."customer_id", S."event_time", S."dateid", S."quantity", S."price", S."amount", S."_starling_pos")',
        'ELSE IGNORE',
      ].join('\n'),
    );
    expect(s!.params).toEqual([
      1,
      '9223372036854775807',
      null,
      '12',
      '3',
      7,
      42,
      '2020-09-05-16.20.03.123456',
      20200905,
      2,
      '9.5',
      '19',
      'p9',
    ]);
  });

  it('keeps the newest change per grain and chunks wide rows', () => {
    const out = upsertFactsSql('star', FactSales, softcartModel, [
      fact(1, 'p2', { dateKey: 2 }),
      fact(1, 'p1', { dateKey: 1 }),
      ...Array.from({ length: 600 }, (_, i) => fact(i + 2, 'p1')),
    ]);
    expect(out.map((s) => s.params.length / 13)).toEqual([500, 101]);
    expect(out[0]!.params[8]).toBe(2);
    for (const s of out) expect(s.params).toHaveLength(markers(s));
  });

  it('deletes older facts, then records the newest delete marker', () => {
    const out = deleteFactsSql('star', FactSales, [
      { grain: { orderid: 1 }, position: 'p5' },
      { grain: { orderid: 1 }, position: 'p7' },
    ]);
    expect(out.map((s) => s.sql)).toEqual([
      [
        'DELETE FROM "star"."FactSales" AS T',
        'WHERE EXISTS (SELECT 1 FROM (VALUES (CAST(? AS INTEGER), CAST(? AS VARCHAR(128 CODEUNITS32))))',
        '  AS S("orderid", "_starling_pos")',
        '  WHERE T."orderid" = S."orderid" AND T."_starling_pos" < S."_starling_pos")',
      ].join('\n'),
      [
        'MERGE INTO "star"."_starling_deleted_FactSales" AS T',
        'USING (VALUES (CAST(? AS INTEGER), CAST(? AS VARCHAR(128 CODEUNITS32))))',
        '  AS S("orderid", "_starling_pos")',
        'ON T."orderid" = S."orderid"',
        'WHEN MATCHED AND T."_starling_pos" < S."_starling_pos" THEN UPDATE SET "_starling_pos" = S."_starling_pos"',
        'WHEN NOT MATCHED THEN INSERT ("orderid", "_starling_pos")',
        '  VALUES (S."orderid", S."_starling_pos")',
        'ELSE IGNORE',
      ].join('\n'),
    ]);
    expect(out.map((s) => s.params)).toEqual([
      [1, 'p7'],
      [1, 'p7'],
    ]);
  });

  it('re-points by natural key and validity range', () => {
    const from = us('2020-01-01 00:00:00');
    const out = repointByVersionSql('star', FactSales, DimCustomer, [
      { naturalKey: 42, validFrom: EARLIEST, validTo: from, keys: { customerkey: BIG, countryid: 3n } },
      { naturalKey: 42, validFrom: from, validTo: OPEN_END, keys: { customerkey: 12n, countryid: null } },
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]!.sql).toBe(
      [
        'MERGE INTO "star"."FactSales" AS T',
        'USING (VALUES (CAST(? AS INTEGER), CAST(? AS TIMESTAMP(6)), CAST(? AS TIMESTAMP(6)), CAST(? AS BIGINT), CAST(? AS BIGINT)),',
        '  (CAST(? AS INTEGER), CAST(? AS TIMESTAMP(6)), CAST(? AS TIMESTAMP(6)), CAST(? AS BIGINT), CAST(? AS BIGINT)))',
        '  AS S("customer_id", "_starling_valid_from", "_starling_valid_to", "countryid", "customerkey")',
        'ON T."customer_id" = S."customer_id" AND S."_starling_valid_from" <= T."event_time" AND T."event_time" < S."_starling_valid_to"',
        'WHEN MATCHED AND ((T."countryid" <> S."countryid" OR (T."countryid" IS NULL AND S."countryid" IS NOT NULL) OR (T."countryid" IS NOT NULL AND S."countryid" IS NULL)) OR (T."customerkey" <> S."customerkey" OR (T."customerkey" IS NULL AND S."customerkey" IS NOT NULL) OR (T."customerkey" IS NOT NULL AND S."customerkey" IS NULL)))',
        '  THEN UPDATE SET "countryid" = S."countryid", "customerkey" = S."customerkey"',
        'ELSE IGNORE',
      ].join('\n'),
    );
    expect(out[0]!.params).toEqual([
      42,
      '0001-01-01-00.00.00.000000',
      '2020-01-01-00.00.00.000000',
      '3',
      '9223372036854775807',
      42,
      '2020-01-01-00.00.00.000000',
      '9999-12-31-00.00.00.000000',
      null,
      '12',
    ]);
  });

  it('rejects overlapping ranges of one natural key (a fact would match two source rows)', () => {
    const r = (from: string, to: string) => ({
      naturalKey: 42,
      validFrom: us(from),
      validTo: us(to),
      keys: { customerkey: 1n },
    });
    expect(() =>
      repointByVersionSql('star', FactSales, DimCustomer, [
        r('2020-01-01', '2020-03-01'),
        r('2020-02-01', '2020-04-01'),
      ]),
    ).toThrow(/overlap/);
    // Identical ranges are one range; different natural keys may share a range.
    expect(
      repointByVersionSql('star', FactSales, DimCustomer, [
        r('2020-01-01', '2020-03-01'),
        r('2020-01-01', '2020-03-01'),
        { ...r('2020-01-01', '2020-03-01'), naturalKey: 43 },
      ])[0]!.params,
    ).toHaveLength(8);
  });

  it('re-points the facts of a type-1 member by its key', () => {
    const out = repointByMemberSql('star', FactSales, DimItem, [
      { viaKey: BIG, keys: { categoryid: 4n } },
      { viaKey: 2n, keys: { categoryid: null } },
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]!.sql).toBe(
      [
        'MERGE INTO "star"."FactSales" AS T',
        'USING (VALUES (CAST(? AS BIGINT), CAST(? AS BIGINT)),',
        '  (CAST(? AS BIGINT), CAST(? AS BIGINT)))',
        '  AS S("itemid", "categoryid")',
        'ON T."itemid" = S."itemid"',
        'WHEN MATCHED AND ((T."categoryid" <> S."categoryid" OR (T."categoryid" IS NULL AND S."categoryid" IS NOT NULL) OR (T."categoryid" IS NOT NULL AND S."categoryid" IS NULL)))',
        '  THEN UPDATE SET "categoryid" = S."categoryid"',
        'ELSE IGNORE',
      ].join('\n'),
    );
    expect(out[0]!.params).toEqual(['9223372036854775807', '4', '2', null]);
    // Members setting different key columns go to different statements; none set, none written.
    expect(
      repointByMemberSql('star', FactSales, DimItem, [
        { viaKey: 1n, keys: { categoryid: 4n } },
        { viaKey: 2n, keys: { a: 1n, b: 2n } },
        { viaKey: 3n, keys: {} },
      ]).map((s) => s.params),
    ).toEqual([
      ['1', '4'],
      ['2', '1', '2'],
    ]);
    expect(() =>
      repointByMemberSql('star', FactSales, DimItem, [{ viaKey: 1n, keys: { itemid: 1n } }]),
    ).toThrow(/twice/);
  });
});

describe('Db2 warehouse SQL: hostile identifiers', () => {
  const evilDim: DimensionDef = {
    name: 'Dim"Evil',
    source: { namespace: 'x', table: 'y', shape: 'row' },
    surrogateKey: 'k"ey',
    naturalKey: { name: 'n"k', from: 'nk', type: { type: 'text', maxLength: 10 } },
    attributes: [{ name: 'a"; DROP TABLE x; --', from: 'a', type: { type: 'text' } }],
    scd: 1,
  };
  const evilFact: FactDef = {
    ...FactSales,
    name: 'Fact"Evil',
    grain: [{ name: 'g"id', from: 'id', type: { type: 'int' } }],
    dimensions: [{ dimension: 'Dim"Evil', column: 'nk' }],
    measures: [],
  };
  const evilModel: StarModel = { ...softcartModel, dimensions: [evilDim], facts: [evilFact] };

  it('doubles embedded quotes everywhere: schema, tables, columns, bookkeeping tables', () => {
    const [m] = upsertMembersSql('st"ar', evilDim, [
      { key: 1n, naturalKey: 'x', attributes: {}, position: 'p' },
    ]);
    expect(m!.sql).toContain('MERGE INTO "st""ar"."Dim""Evil" AS T');
    expect(m!.sql).toContain('AS S("k""ey", "n""k", "a""; DROP TABLE x; --", "_starling_pos")');
    expect(m!.sql).toContain('ON T."k""ey" = S."k""ey"');
    const [f] = upsertFactsSql('st"ar', evilFact, evilModel, [
      { ...fact(1, 'p'), grain: { 'g"id': 1 }, keys: { 'k"ey': 1n }, naturalKeys: { 'n"k': 'x' } },
    ]);
    expect(f!.sql).toContain('SELECT 1 FROM "st""ar"."_starling_deleted_Fact""Evil" AS D');
    expect(f!.sql).toContain('WHERE D."g""id" = V."g""id"');
    expect(f!.params).toEqual([1, '1', 'x', '2020-09-05-16.20.03.123456', 20200905, 'p']);
    expect(lockSql('st"ar')).toBe('LOCK TABLE "st""ar"."_starling_lock" IN EXCLUSIVE MODE');
    const [r] = repointByVersionSql('st"ar', evilFact, evilDim, [
      { naturalKey: 'x', validFrom: 0n, validTo: 1n, keys: { 'k"ey': 1n } },
    ]);
    expect(r!.sql).toContain('ON T."n""k" = S."n""k"');
    expect(createModelTablesSql('st"ar', evilModel, new Set()).join('\n')).toContain(
      'CREATE TABLE "st""ar"."Dim""Evil" (',
    );
  });
});

describe('Db2 warehouse SQL: values', () => {
  it('binds 64-bit integers as decimal strings, never as JS numbers', () => {
    expect(toParam('9223372036854775807', { type: 'bigint' }, 'c')).toBe('9223372036854775807');
    expect(toParam(5, { type: 'bigint' }, 'c')).toBe('5');
    expect(() => toParam(2 ** 60, { type: 'bigint' }, 'c')).toThrow(BadRecordError);
    expect(() => toParam('1e3', { type: 'int' }, 'c')).toThrow(BadRecordError);
  });

  it('booleans 0/1, exact decimals, dates and µs timestamps in Db2 format', () => {
    expect(toParam(true, { type: 'boolean' }, 'c')).toBe(1);
    expect(toParam('false', { type: 'boolean' }, 'c')).toBe(0);
    expect(toParam('12345678.90', { type: 'decimal', precision: 10, scale: 2 }, 'c')).toBe('12345678.9');
    expect(() => toParam('1.234', { type: 'decimal', precision: 10, scale: 2 }, 'c')).toThrow(BadRecordError);
    expect(toParam('2020-02-29', { type: 'date' }, 'c')).toBe('2020-02-29');
    expect(toParam('2020-09-05T16:20:03.000001', { type: 'timestamp' }, 'c')).toBe(
      '2020-09-05-16.20.03.000001',
    );
    expect(toParam('2020-09-05T18:20:03+02:00', { type: 'timestamp' }, 'c')).toBe(
      '2020-09-05-16.20.03.000000',
    );
    expect(toParam(null, { type: 'timestamp' }, 'c')).toBeNull();
    expect(() => toParam(Buffer.from('x'), { type: 'text' }, 'c')).toThrow(BadRecordError);
  });

  it('µs timestamps round-trip through Db2 text, within Db2 years 1..9999', () => {
    expect(db2TimestampFromMicros(EARLIEST)).toBe('0001-01-01-00.00.00.000000');
    expect(db2TimestampFromMicros(OPEN_END)).toBe('9999-12-31-00.00.00.000000');
    expect(db2TimestampFromMicros(-1n)).toBe('1969-12-31-23.59.59.999999');
    for (const t of [EARLIEST, OPEN_END, -1n, 1_600_000_000_123_456n])
      expect(microsFromDb2Timestamp(db2TimestampFromMicros(t))).toBe(t);
    expect(microsFromDb2Timestamp('2020-09-05 16:20:03.5')).toBe(us('2020-09-05 16:20:03.5'));
    expect(() => db2TimestampFromMicros(EARLIEST - 1n)).toThrow(RangeError);
    expect(() => db2TimestampFromMicros(OPEN_END * 2n)).toThrow(RangeError);
  });

  it('reads decimals as exact text with the column scale, booleans as booleans', () => {
    expect(decimalFromDb2('.5', 2)).toBe('0.50');
    expect(decimalFromDb2('-0012.3', 2)).toBe('-12.30');
    expect(decimalFromDb2('-0.00', 2)).toBe('0.00');
    expect(decimalFromDb2('42', 0)).toBe('42');
    expect(decimalFromDb2(' 0012,5 ', 2)).toBe('12.50');
    const priced: DimensionDef = {
      ...DimItem,
      attributes: [{ name: 'price', from: 'p', type: { type: 'decimal', precision: 10, scale: 2 } }],
    };
    expect(readMembersSql('star', priced, [1])[0]!.sql).toContain(`CHAR(T."price", '.') AS "c2"`);
    expect(fromDb2(1, { type: 'boolean' })).toBe(true);
    expect(fromDb2('12345678901234567.89', { type: 'decimal', precision: 20, scale: 2 })).toBe(
      '12345678901234567.89',
    );
    expect(fromDb2('2020-09-05-16.20.03.000001', { type: 'timestamp' })).toBe('2020-09-05T16:20:03.000001');
    expect(fromDb2(' 9223372036854775807', { type: 'bigint' })).toBe('9223372036854775807');
  });
});

describe('Db2 warehouse SQL: model creation and reports', () => {
  it('creates only the missing tables, with the Db2 DDL', () => {
    const ddl = createModelTablesSql(
      'star',
      softcartModel,
      new Set(['DimDate', 'DimItem', '_starling_lock']),
    );
    expect(ddl.map((s) => s.split(' (')[0])).toEqual([
      'CREATE TABLE "star"."DimCategory"',
      'CREATE TABLE "star"."DimCountry"',
      'CREATE TABLE "star"."DimCustomer"',
      'CREATE TABLE "star"."FactSales"',
      'CREATE TABLE "star"."_starling_points_DimCustomer"',
      'CREATE TABLE "star"."_starling_deleted_FactSales"',
    ]);
  });

  it('creates the planned indexes that are missing (re-points search by them)', () => {
    const all = createModelIndexesSql('star', softcartModel, new Set());
    expect(all).toContain(
      'CREATE INDEX "star"."FactSales_i2" ON "star"."FactSales" ("customer_id", "event_time")',
    );
    const rest = createModelIndexesSql('star', softcartModel, new Set(['FactSales_i1']));
    expect(rest).toEqual(all.filter((s) => !s.startsWith('CREATE INDEX "star"."FactSales_i1" ')));
    expect(rest).toHaveLength(all.length - 1);
  });

  it('registers the model in the lock table once', () => {
    expect(lockRowSql('star', softcartModel)).toEqual({
      sql: [
        'MERGE INTO "star"."_starling_lock" AS T',
        'USING (VALUES (CAST(? AS VARCHAR(128 CODEUNITS32)))) AS S("model")',
        'ON T."model" = S."model"',
        'WHEN NOT MATCHED THEN INSERT ("model") VALUES (S."model")',
        'ELSE IGNORE',
      ].join('\n'),
      params: ['softcart'],
    });
  });

  it('creates the missing SoftCart reports from schemas/ddl/reports.ts and refreshes the MQT', () => {
    expect(hasReports(softcartModel)).toBe(true);
    expect(hasReports({ ...softcartModel, facts: [] })).toBe(false);
    const groups = createReportsSql('star', new Set(['report_sales_rollup']));
    expect(groups.map((g) => g.map((s) => s.split('\n')[0]))).toEqual([
      ['CREATE VIEW "star"."report_sales_grouping_sets" AS'],
      ['CREATE VIEW "star"."report_sales_cube" AS'],
      [
        'CREATE TABLE "star"."total_sales_per_country" AS (',
        'REFRESH TABLE "star"."total_sales_per_country" ALLOW READ ACCESS NOT INCREMENTAL',
      ],
    ]);
    expect(createReportsSql('star', new Set(['total_sales_per_country'])).flat()).toHaveLength(3);
    expect(refreshReportsSql('star')).toEqual([
      'REFRESH TABLE "star"."total_sales_per_country" ALLOW READ ACCESS NOT INCREMENTAL',
    ]);
  });
});
