import { describe, expect, it } from 'vitest';
import { BadRecordError, type ColumnSpec } from '../envelope/types.js';
import {
  addColumnSql,
  columnType,
  createTableSql,
  createTombstonesSql,
  deleteSql,
  ident,
  markerUpsertSql,
  qualified,
  upsertSql,
} from './sql.js';

const columns: ColumnSpec[] = [
  { name: 'id', kind: 'int32', optional: false },
  { name: 'note', kind: 'string', optional: true },
  { name: 'amount', kind: 'decimal', optional: true, precision: 10, scale: 2 },
];

describe('Db2 staging SQL', () => {
  it('creates the table with the meta columns and the key', () => {
    expect(createTableSql('shop', 'orders', ['id'], columns)).toBe(
      [
        'CREATE TABLE "shop"."orders" (',
        '  "id" INTEGER NOT NULL,',
        '  "note" VARCHAR(4000 CODEUNITS32),',
        '  "amount" DECIMAL(10,2),',
        '  "_starling_pos" VARCHAR(128) NOT NULL,',
        '  "_starling_op" CHAR(1) NOT NULL,',
        '  "_starling_source_ts" TIMESTAMP(6),',
        '  "_starling_loaded_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT TIMESTAMP,',
        '  PRIMARY KEY ("id")',
        ')',
      ].join('\n'),
    );
  });

  it('creates the delete-marker table', () => {
    expect(createTombstonesSql('shop')).toBe(
      [
        'CREATE TABLE "shop"."__starling_deleted_keys" (',
        '  "TABLE_NAME" VARCHAR(128) NOT NULL,',
        '  "KEY" CHAR(64) NOT NULL,',
        '  "POS" VARCHAR(128) NOT NULL,',
        '  PRIMARY KEY ("TABLE_NAME", "KEY")',
        ')',
      ].join('\n'),
    );
  });

  it('adds a column with the source default, booleans with a CHECK', () => {
    expect(addColumnSql('shop', 'orders', { name: 'flag', kind: 'boolean', optional: true }, 1)).toBe(
      'ALTER TABLE "shop"."orders" ADD COLUMN "flag" SMALLINT DEFAULT 1 CHECK ("flag" IN (0, 1))',
    );
    expect(addColumnSql('shop', 'orders', { name: 's', kind: 'string', optional: true }, "it's")).toBe(
      `ALTER TABLE "shop"."orders" ADD COLUMN "s" VARCHAR(4000 CODEUNITS32) DEFAULT 'it''s'`,
    );
    expect(() =>
      addColumnSql('shop', 'orders', { name: 'n', kind: 'int32', optional: true }, '1; DROP TABLE x'),
    ).toThrow(BadRecordError);
  });

  it('writes the guarded upsert as one MERGE with typed markers', () => {
    expect(upsertSql('shop', 'orders', ['id'], columns, 2)).toBe(
      [
        'MERGE INTO "shop"."orders" AS T',
        'USING (VALUES (CAST(? AS CHAR(64)), CAST(? AS VARCHAR(128)), CAST(? AS CHAR(1)), CAST(? AS TIMESTAMP(6)), CAST(? AS INTEGER), CAST(? AS VARCHAR(4000 CODEUNITS32)), CAST(? AS DECIMAL(10,2))),',
        '  (CAST(? AS CHAR(64)), CAST(? AS VARCHAR(128)), CAST(? AS CHAR(1)), CAST(? AS TIMESTAMP(6)), CAST(? AS INTEGER), CAST(? AS VARCHAR(4000 CODEUNITS32)), CAST(? AS DECIMAL(10,2))))',
        '  AS DAT("_starling_key", "_starling_pos", "_starling_op", "_starling_source_ts", "id", "note", "amount")',
        'ON T."id" = DAT."id"',
        'WHEN MATCHED AND T."_starling_pos" < DAT."_starling_pos" THEN UPDATE SET "note" = DAT."note", "amount" = DAT."amount", "_starling_pos" = DAT."_starling_pos", "_starling_op" = DAT."_starling_op", "_starling_source_ts" = DAT."_starling_source_ts", "_starling_loaded_at" = CURRENT TIMESTAMP',
        'WHEN NOT MATCHED AND NOT EXISTS (SELECT 1 FROM "shop"."__starling_deleted_keys" X WHERE X."TABLE_NAME" = CAST(? AS VARCHAR(128)) AND X."KEY" = DAT."_starling_key" AND X."POS" >= DAT."_starling_pos")',
        '  THEN INSERT ("id", "note", "amount", "_starling_pos", "_starling_op", "_starling_source_ts", "_starling_loaded_at") VALUES (DAT."id", DAT."note", DAT."amount", DAT."_starling_pos", DAT."_starling_op", DAT."_starling_source_ts", CURRENT TIMESTAMP)',
        'ELSE IGNORE',
      ].join('\n'),
    );
    // One marker per value of each row plus the table name.
    expect(upsertSql('shop', 'orders', ['id'], columns, 3).match(/\?/g)).toHaveLength(3 * 7 + 1);
  });

  it('writes the guarded delete and the marker upsert', () => {
    expect(deleteSql('shop', 'orders', [columns[0]!], 2)).toBe(
      [
        'DELETE FROM "shop"."orders" AS T',
        'WHERE EXISTS (SELECT 1 FROM (VALUES (CAST(? AS INTEGER), CAST(? AS VARCHAR(128))),',
        '  (CAST(? AS INTEGER), CAST(? AS VARCHAR(128))))',
        '  AS DAT("id", "_starling_pos")',
        '  WHERE T."id" = DAT."id" AND T."_starling_pos" < DAT."_starling_pos")',
      ].join('\n'),
    );
    expect(markerUpsertSql('shop', 1)).toBe(
      [
        'MERGE INTO "shop"."__starling_deleted_keys" AS X',
        'USING (VALUES (CAST(? AS VARCHAR(128)), CAST(? AS CHAR(64)), CAST(? AS VARCHAR(128))))',
        '  AS DAT("TABLE_NAME", "KEY", "POS")',
        'ON X."TABLE_NAME" = DAT."TABLE_NAME" AND X."KEY" = DAT."KEY"',
        'WHEN MATCHED AND X."POS" < DAT."POS" THEN UPDATE SET "POS" = DAT."POS"',
        'WHEN NOT MATCHED THEN INSERT ("TABLE_NAME", "KEY", "POS") VALUES (DAT."TABLE_NAME", DAT."KEY", DAT."POS")',
        'ELSE IGNORE',
      ].join('\n'),
    );
  });

  it('never puts a value in the text: only markers, whatever the data', () => {
    const sql = [
      upsertSql('shop', 'orders', ['id'], columns, 5),
      deleteSql('shop', 'orders', [columns[0]!], 5),
      markerUpsertSql('shop', 5),
    ].join('\n');
    // The only string constant anywhere is none: no quote characters other than identifier quotes.
    expect(sql).not.toContain("'");
  });

  it('escapes quotes in identifiers and rejects names over 128 bytes', () => {
    expect(ident('we"ird')).toBe('"we""ird"');
    expect(qualified('a"b', 't')).toBe('"a""b"."t"');
    expect(ident('x'.repeat(128))).toHaveLength(130);
    expect(() => ident('x'.repeat(129))).toThrow(BadRecordError);
    // 43 three-byte characters are 129 bytes.
    expect(() => ident('€'.repeat(43))).toThrow(/128-byte/);
    expect(() => upsertSql('s', 'é'.repeat(65), ['id'], columns, 1)).toThrow(BadRecordError);
  });

  it('maps every kind to a Db2 type', () => {
    const t = (c: Partial<ColumnSpec>, key = false) =>
      columnType({ name: 'c', optional: true, kind: 'string', ...c } as ColumnSpec, key);
    expect(t({ kind: 'string' }, true)).toBe('VARCHAR(255 CODEUNITS32)');
    expect(t({ kind: 'boolean' })).toBe('SMALLINT');
    expect(t({ kind: 'json' })).toBe('CLOB(16M)');
    expect(t({ kind: 'bytes' })).toBe('BLOB(16M)');
    expect(t({ kind: 'decimal', precision: 20, scale: 0 })).toBe('DECIMAL(20,0)');
    expect(t({ kind: 'decimal', precision: 40, scale: 2 })).toBe('DECFLOAT(34)');
    expect(t({ kind: 'decimal' })).toBe('DECFLOAT(34)');
    expect(t({ kind: 'timestamp', scale: 3 })).toBe('TIMESTAMP(3)');
    expect(t({ kind: 'timestamptz' })).toBe('TIMESTAMP(6)');
    expect(t({ kind: 'time', scale: 6 })).toBe('DECIMAL(13,6)');
  });
});
