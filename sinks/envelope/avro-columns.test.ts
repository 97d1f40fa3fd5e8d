import { describe, expect, it } from 'vitest';
import { columnFromField, microsToTimestamp, sourceColumnName, unescapeSqlDefault } from './avro-columns.js';

/** The definition, in exact integer arithmetic only. */
function reference(us: bigint): string {
  const sec = us >= 0n ? us / 1_000_000n : -((-us + 999_999n) / 1_000_000n);
  const frac = us - sec * 1_000_000n;
  return `${new Date(Number(sec) * 1000).toISOString().slice(0, 19)}.${frac.toString().padStart(6, '0')}`;
}

describe('microsToTimestamp', () => {
  it('formats microseconds exactly, before and after the epoch, at second boundaries', () => {
    const cases = [
      0n,
      1n,
      -1n,
      999_999n,
      1_000_000n,
      -1_000_000n,
      -1_000_001n,
      1_700_000_000_999_999n,
      1_700_000_001_000_000n,
      -62_135_596_800_000_000n, // 0001-01-01
      253_402_300_799_999_999n, // 9999-12-31 23:59:59.999999
    ];
    for (const us of cases) expect(microsToTimestamp(us)).toBe(reference(us));
    expect(microsToTimestamp(1_700_000_000_123_456n)).toBe('2023-11-14T22:13:20.123456');
  });

  it('agrees with the exact definition on many values, consecutive ones sharing seconds among them', () => {
    let x = 123_456_789n;
    for (let i = 0; i < 20_000; i++) {
      x = (x * 6_364_136_223_846_793_005n + 1_442_695_040_888_963_407n) % 2n ** 64n;
      const us = (x % 500_000_000_000_000_000n) - 250_000_000_000_000_000n;
      expect(microsToTimestamp(us)).toBe(reference(us));
      expect(microsToTimestamp(us + 1n)).toBe(reference(us + 1n));
    }
  });
});

describe('column names from Debezium field names', () => {
  const param = (name: string, type: string) => ({
    type,
    'connect.parameters': { '__debezium.source.column.type': 'INT', '__debezium.source.column.name': name },
  });

  it('takes the exact source name from the field parameter, whatever the Avro field is called', () => {
    expect(sourceColumnName({ name: 'my_u0020col', type: ['null', param('my col', 'int')] })).toBe('my col');
    expect(sourceColumnName({ name: 'my_u005fcol', type: ['null', param('my_col', 'string')] })).toBe(
      'my_col',
    );
    expect(sourceColumnName({ name: 'x_u0022', type: param('x"; DROP TABLE t; --', 'int') })).toBe(
      'x"; DROP TABLE t; --',
    );
    expect(columnFromField({ name: '_u540d_u524d', type: ['null', param('名前', 'string')] }).name).toBe(
      '名前',
    );
  });

  it('keeps the field name of records written without the parameter', () => {
    expect(sourceColumnName({ name: 'customer_id', type: 'int' })).toBe('customer_id');
    expect(columnFromField({ name: 'price', type: ['null', 'double'] }).name).toBe('price');
  });
});

describe('text defaults as Debezium carries them (SQL escapes left in)', () => {
  it('undoes the escapes of a string literal', () => {
    expect(unescapeSqlDefault("d''ef; --")).toBe("d'ef; --");
    expect(unescapeSqlDefault('p\\\\q')).toBe('p\\q');
    expect(unescapeSqlDefault("\\'a\\n\\t\\0\\%\\_")).toBe("'a\n\t\0\\%\\_");
    expect(unescapeSqlDefault('plain text 日本')).toBe('plain text 日本');
  });

  it('applies to text columns only', () => {
    const field = (type: string, d: string) => ({ name: 'c', type: ['null', type], default: d });
    expect(columnFromField({ ...field('string', "x''y"), type: 'string' }).defaultValue).toBe("x'y");
    expect(columnFromField({ name: 'b', type: 'bytes', default: "x''y" }).defaultValue).toEqual(
      Buffer.from("x''y", 'latin1'),
    );
  });
});
