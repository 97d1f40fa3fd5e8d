import { describe, expect, it } from 'vitest';
import { BadRecordError, type ChangeEvent, type ColumnSpec } from '../envelope/types.js';
import {
  chunk,
  db2Timestamp,
  db2TimestampFromMs,
  db2UtcTimestamp,
  intervalToSeconds,
  markerKey,
  rowsPerStatement,
  toDb2,
  upsertRow,
} from './values.js';

const spec = (c: Partial<ColumnSpec>): ColumnSpec => ({ name: 'c', optional: true, kind: 'string', ...c });

describe('Db2 values', () => {
  it('booleans become 0/1 for SMALLINT columns', () => {
    expect(toDb2(true, spec({ kind: 'boolean' }))).toBe(1);
    expect(toDb2(false, spec({ kind: 'boolean' }))).toBe(0);
    expect(toDb2(null, spec({ kind: 'boolean' }))).toBeNull();
  });

  it('timestamps in Db2 format, microseconds exact', () => {
    expect(db2Timestamp('2024-02-29T23:59:59.123456')).toBe('2024-02-29-23.59.59.123456');
    expect(db2Timestamp('0001-01-01T00:00:00')).toBe('0001-01-01-00.00.00.000000');
    expect(toDb2('2024-01-02T03:04:05.5', spec({ kind: 'timestamp', scale: 3 }))).toBe(
      '2024-01-02-03.04.05.500000',
    );
    expect(db2TimestampFromMs(Date.UTC(2024, 0, 2, 3, 4, 5, 678))).toBe('2024-01-02-03.04.05.678000');
    expect(() => db2Timestamp('yesterday')).toThrow(BadRecordError);
  });

  it('zoned timestamps become UTC', () => {
    expect(db2UtcTimestamp('2024-01-02T03:04:05.123456Z')).toBe('2024-01-02-03.04.05.123456');
    expect(db2UtcTimestamp('2024-01-01T01:30:00.000001+02:00')).toBe('2023-12-31-23.30.00.000001');
    expect(db2UtcTimestamp('2024-01-01T23:00:00-0130')).toBe('2024-01-02-00.30.00.000000');
  });

  it('MySQL TIME (negative, past 24 h) becomes exact decimal seconds', () => {
    expect(intervalToSeconds('838:59:59.000000')).toBe('3020399.000000');
    expect(intervalToSeconds('-01:00:00.5')).toBe('-3600.500000');
    expect(intervalToSeconds('-00:00:00')).toBe('0.000000');
    expect(toDb2('00:00:01.000001', spec({ kind: 'time', scale: 6 }))).toBe('1.000001');
  });

  it('decimals stay exact and never round', () => {
    const d = spec({ kind: 'decimal', precision: 10, scale: 2 });
    expect(toDb2('12345678.90', d)).toBe('12345678.9');
    expect(toDb2('-0.01', d)).toBe('-0.01');
    expect(() => toDb2('123456789.00', d)).toThrow(BadRecordError);
    expect(() => toDb2('1.001', d)).toThrow(BadRecordError);
    const wide = spec({ kind: 'decimal' });
    expect(toDb2('1234567890123456789012345678901234', wide)).toBe('1234567890123456789012345678901234');
    expect(() => toDb2('12345678901234567890123456789012345', wide)).toThrow(/34 digits/);
  });

  it('keeps 64-bit integers as strings, rejects non-finite floats', () => {
    expect(toDb2('18446744073709551615', spec({ kind: 'int64' }))).toBe('18446744073709551615');
    expect(toDb2(1.5, spec({ kind: 'float64' }))).toBe(1.5);
    expect(() => toDb2('NaN', spec({ kind: 'float64' }))).toThrow(BadRecordError);
  });

  it('an upsert row: key digest, position, op, source time, then the columns', () => {
    const columns = [spec({ name: 'id', kind: 'int32' }), spec({ name: 'ok', kind: 'boolean' })];
    const e: ChangeEvent = {
      table: { namespace: 's', name: 't' },
      op: 'u',
      keyColumns: ['id'],
      key: { id: 7 },
      row: { id: 7, ok: true },
      columns,
      position: 'b:1',
      sourceTsMs: 0,
    };
    expect(markerKey(e)).toMatch(/^[0-9a-f]{64}$/);
    expect(upsertRow(e, columns)).toEqual([markerKey(e), 'b:1', 'u', '1970-01-01-00.00.00.000000', 7, 1]);
  });

  it('batches at most 500 rows, fewer for wide rows', () => {
    expect(rowsPerStatement(5)).toBe(500);
    expect(rowsPerStatement(300)).toBe(100);
    expect(rowsPerStatement(100_000)).toBe(1);
    const parts = chunk(
      Array.from({ length: 1201 }, (_, i) => i),
      rowsPerStatement(5),
    );
    expect(parts.map((p) => p.length)).toEqual([500, 500, 201]);
  });
});
