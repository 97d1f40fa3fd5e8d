import { describe, expect, it } from 'vitest';
import { type MariadbColumn, pairCanon, partSql, valueSql } from './canonical.js';
import { compareRows } from './compare-rows.js';

const col = (dataType: string, columnType = dataType, scale: number | null = null): MariadbColumn => ({
  name: 'c',
  dataType,
  columnType,
  scale,
});

describe('pairCanon: how a source column and its staging mirror are compared', () => {
  it.each([
    [col('int'), 'integer', { kind: 'integer' }],
    [col('bigint', 'bigint(20) unsigned'), 'numeric', { kind: 'integer', unsigned: true }],
    [col('tinyint', 'tinyint(4)'), 'smallint', { kind: 'integer' }],
    [col('year'), 'integer', { kind: 'integer' }],
    [col('decimal', 'decimal(12,2)', 2), 'numeric', { kind: 'decimal', scale: 2 }],
    [col('double'), 'double precision', { kind: 'float' }],
    [col('float'), 'real', { kind: 'float' }],
    [col('datetime', 'datetime(6)'), 'timestamp without time zone', { kind: 'datetime' }],
    [col('timestamp', 'timestamp(3)'), 'timestamp with time zone', { kind: 'timestamptz' }],
    [col('date'), 'date', { kind: 'date' }],
    [col('time', 'time(6)'), 'interval', { kind: 'time' }],
    [col('varchar', 'varchar(100)'), 'text', { kind: 'text' }],
    [col('enum', "enum('red','green')"), 'text', { kind: 'text' }],
    [col('set', "set('a','b')"), 'text', { kind: 'text' }],
    [col('longtext'), 'jsonb', { kind: 'json' }],
    [col('bit', 'bit(1)'), 'boolean', { kind: 'boolean' }],
    [col('varbinary', 'varbinary(16)'), 'bytea', { kind: 'bytes' }],
  ])('%o staged as %s -> %o', (source, staged, expected) => {
    expect(pairCanon(source, staged)).toEqual(expected);
  });

  it('does not compare what it cannot render identically, and says so', () => {
    expect(pairCanon(col('bit', 'bit(8)'), 'bytea')).toEqual({
      skip: 'bit(8) (staged as bytea) is not compared',
    });
    expect(pairCanon(col('geometry'), 'bytea')).toEqual({ skip: 'geometry is not compared' });
  });
});

describe('canonical SQL', () => {
  it('renders each kind in both dialects', () => {
    expect(valueSql('mariadb', '`d`', { kind: 'decimal', scale: 2 })).toBe(
      'CAST(CAST(`d` AS DECIMAL(65,2)) AS CHAR)',
    );
    expect(valueSql('postgres', '"d"', { kind: 'decimal', scale: 2 })).toBe('round(("d")::numeric, 2)::text');
    expect(valueSql('mariadb', '`t`', { kind: 'datetime' })).toBe("DATE_FORMAT(`t`, '%Y-%m-%d %H:%i:%s.%f')");
    expect(valueSql('postgres', '"t"', { kind: 'timestamptz' })).toBe(
      `to_char(("t")::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')`,
    );
    expect(valueSql('postgres', '"b"', { kind: 'bytes' })).toBe(`upper(encode("b", 'hex'))`);
  });

  it('length-prefixes text, marks NULL, and reduces JSON to a fingerprint in the row text', () => {
    expect(partSql('postgres', '"s"', { kind: 'text' })).toBe(
      `COALESCE(char_length(("s")::text)::text || ':' || ("s")::text, '~')`,
    );
    expect(partSql('mariadb', '`s`', { kind: 'text' })).toBe(
      "CAST(COALESCE(CONCAT(CHAR_LENGTH(CONVERT(`s` USING utf8mb4)), ':', CONVERT(`s` USING utf8mb4)), '~') AS BINARY)",
    );
    expect(partSql('postgres', '"j"', { kind: 'json' })).toBe(
      `CASE WHEN "j" IS NULL THEN '~' ELSE 'j' || char_length(translate(("j")::text, ' ' || chr(9) || chr(10) || chr(13), ''))::text END`,
    );
    expect(partSql('mariadb', '`j`', { kind: 'json' })).toBe(
      "CAST(CASE WHEN `j` IS NULL THEN '~' ELSE CONCAT('j', CHAR_LENGTH(REPLACE(REPLACE(REPLACE(REPLACE(CONVERT(`j` USING utf8mb4), CHAR(9 USING utf8mb4), ''), CHAR(10 USING utf8mb4), ''), CHAR(13 USING utf8mb4), ''), CHAR(32 USING utf8mb4), ''))) END AS BINARY)",
    );
    expect(partSql('mariadb', '`n`', { kind: 'integer' })).toBe(
      "CAST(COALESCE(CAST(`n` AS CHAR), '~') AS BINARY)",
    );
  });
});

describe('compareRows', () => {
  const columns = [
    { name: 'price', canon: { kind: 'decimal', scale: 2 } as const },
    { name: 'doc', canon: { kind: 'json' } as const },
  ];

  it('names missing, extra and differing rows by key, with the differing columns, in key order', () => {
    const source = [
      { key: ['1'], values: ['1.00', '{"a": 1, "b": [1, 2]}'] },
      { key: ['2'], values: ['2.00', null] },
      { key: ['10'], values: ['3.00', '{}'] },
    ];
    const target = [
      { key: ['1'], values: ['1.00', '{"b": [1, 2], "a": 1}'] }, // the same document, other key order
      { key: ['10'], values: ['3.50', '{"x": 1}'] },
      { key: ['7'], values: ['7.00', null] },
    ];
    expect(compareRows(columns, source, target)).toEqual([
      { key: ['2'], kind: 'missing' },
      { key: ['7'], kind: 'extra' },
      {
        key: ['10'],
        kind: 'differs',
        columns: [
          { column: 'price', source: '3.00', target: '3.50' },
          { column: 'doc', source: '{}', target: '{"x": 1}' },
        ],
      },
    ]);
  });

  it('treats NULL and a value as different, and two NULLs as equal', () => {
    expect(
      compareRows(columns, [{ key: ['1'], values: [null, null] }], [{ key: ['1'], values: ['0.00', null] }]),
    ).toEqual([
      { key: ['1'], kind: 'differs', columns: [{ column: 'price', source: null, target: '0.00' }] },
    ]);
  });
});
