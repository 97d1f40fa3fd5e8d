import { describe, expect, it } from 'vitest';
import { BadRecordError } from '../envelope/types.js';
import { addColumnSql, checkStagingNames, createTableSql } from './catalog.js';
import { ident, isMapped, stagingName, textLiteral } from './sql.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('ident', () => {
  it('quotes any name, doubling only the double quote', () => {
    expect(ident('plain')).toBe('"plain"');
    expect(ident('MixedCase')).toBe('"MixedCase"');
    expect(ident('select')).toBe('"select"');
    expect(ident('x"; DROP TABLE t; --')).toBe('"x""; DROP TABLE t; --"');
    expect(ident(`it's \`bt\` $1 ?`)).toBe(`"it's \`bt\` $1 ?"`);
    expect(ident('名前 ñandú')).toBe('"名前 ñandú"');
  });

  it('refuses a name past 63 bytes, naming it with its byte length and the limit', () => {
    const long = '長'.repeat(22); // 66 bytes in 22 characters
    expect(() => ident(long)).toThrow(BadRecordError);
    expect(() => ident(long)).toThrow(`is 66 bytes, longer than PostgreSQL's 63-byte limit`);
    expect(() => ident(long)).toThrow(expect.objectContaining({ code: 'IDENTIFIER_TOO_LONG' }));
    expect(ident('a'.repeat(63))).toBe(`"${'a'.repeat(63)}"`);
  });

  it('refuses a NUL character', () => {
    expect(() => ident('a\u0000b')).toThrow(expect.objectContaining({ code: 'IDENTIFIER_INVALID' }));
  });
});

describe('stagingName', () => {
  it('keeps every name that fits, hostile or not', () => {
    for (const n of ['a b', 'a_b', 'A_B', 'x"; DROP TABLE t; --', 'é'.repeat(31), 'a'.repeat(63)])
      expect(stagingName(n)).toBe(n);
    expect(isMapped('a'.repeat(63))).toBe(false);
  });

  it('maps a long name deterministically into 63 bytes: a whole-character prefix, ~ and a hash', () => {
    const cjk = '日本語の長い名前'.repeat(5); // 40 characters, 120 bytes
    const m = stagingName(cjk);
    expect(bytes(m)).toBeLessThanOrEqual(63);
    expect(m).toMatch(/^日本語の長い名前日本語の長い名前日本~[0-9a-f]{8}$/); // 18 characters = 54 bytes
    expect(stagingName(cjk)).toBe(m);
    expect(isMapped(cjk)).toBe(true);
    const ascii = 'c'.repeat(64);
    expect(stagingName(ascii)).toMatch(/^c{54}~[0-9a-f]{8}$/);
    // Never cuts a character in half: a 2-byte character at byte 54 is left out whole.
    expect(stagingName(`${'a'.repeat(53)}ñ${'b'.repeat(20)}`)).toMatch(/^a{53}~[0-9a-f]{8}$/);
  });

  it('keeps long names with a common prefix apart, where truncation would merge them', () => {
    const a = `${'p'.repeat(60)}_one`;
    const b = `${'p'.repeat(60)}_two`;
    expect(stagingName(a)).not.toBe(stagingName(b));
    expect(stagingName(a).slice(0, 54)).toBe(stagingName(b).slice(0, 54));
  });
});

describe('staging DDL with hostile and long names', () => {
  const long = `${'x'.repeat(60)}_col`;
  const cols = [
    { name: 'id', kind: 'int32' as const, optional: false },
    { name: 'x"; DROP TABLE t; --', kind: 'string' as const, optional: true, defaultValue: "it's" },
    { name: long, kind: 'int32' as const, optional: true },
  ];

  it('quotes every name, maps long ones and comments them with the source name', () => {
    const sql = createTableSql('db', 'tab"le', ['id'], cols);
    expect(sql[2]).toContain(`CREATE TABLE IF NOT EXISTS "db"."tab""le"`);
    expect(sql[2]).toContain(`"x""; DROP TABLE t; --" text DEFAULT 'it''s'::text`);
    expect(sql[2]).toContain(`"${stagingName(long)}" integer`);
    expect(sql[3]).toBe(
      `COMMENT ON COLUMN "db"."tab""le"."${stagingName(long)}" IS 'source column: ${long}'`,
    );
    expect(sql).toHaveLength(4);
    const longTable = `t'${'表'.repeat(30)}`;
    const add = addColumnSql('db', longTable, cols[2]!);
    expect(add).toHaveLength(2);
    expect(add[0]).toContain(`ALTER TABLE "db"."${stagingName(longTable)}" ADD COLUMN IF NOT EXISTS`);
    expect(createTableSql('db', longTable, ['id'], cols.slice(0, 1))[3]).toBe(
      `COMMENT ON TABLE "db"."${stagingName(longTable)}" IS 'source table: t''${'表'.repeat(30)}'`,
    );
  });

  it("refuses two columns that would share a staging name, and a column named as staging's own", () => {
    expect(() => checkStagingNames('db.t', cols)).not.toThrow();
    const twin = { name: long, kind: 'int32' as const, optional: true };
    expect(() => checkStagingNames('db.t', [...cols, twin])).toThrow(
      expect.objectContaining({ code: 'IDENTIFIER_COLLISION' }),
    );
    const meta = { name: '_starling_pos', kind: 'string' as const, optional: true };
    expect(() => checkStagingNames('db.t', [...cols, meta])).toThrow(
      expect.objectContaining({ code: 'IDENTIFIER_RESERVED' }),
    );
  });

  it('escapes text literals for comments', () => {
    expect(textLiteral(`a'; DROP TABLE t; --`)).toBe(`'a''; DROP TABLE t; --'`);
  });
});
