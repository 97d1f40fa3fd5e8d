import { createHash } from 'node:crypto';
import { BadRecordError, type ChangeEvent, type ColumnSpec, type SqlValue } from '../envelope/types.js';
import { keyText } from '../runtime/reduce.js';
import { isFixedDecimal } from './sql.js';

/**
 * Envelope values (sinks/envelope: decimals and 64-bit integers as exact strings, timestamps as
 * 'YYYY-MM-DDTHH:MM:SS.ffffff', TIME as '[-]HH:MM:SS.ffffff', dates as 'YYYY-MM-DD') -> Db2 parameters,
 * per the column types of sql.ts. A value Db2 cannot hold exactly is a BadRecordError (dead letter), never
 * silently rounded or clipped.
 */

/** Rows per statement: ~500, fewer when rows are wide, keeping markers well under Db2's statement limits. */
export const MAX_ROWS_PER_STATEMENT = 500;
export const MAX_MARKERS_PER_STATEMENT = 30_000;

export function rowsPerStatement(rowWidth: number): number {
  return Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_MARKERS_PER_STATEMENT / rowWidth)));
}

export function chunk<T>(items: T[], size: number): T[][] {
  if (size < 1) throw new RangeError('chunk size must be positive');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The delete-marker key of an event: SHA-256 (hex) of its key text (sinks/runtime/reduce.ts keyText). */
export function markerKey(e: ChangeEvent): string {
  return createHash('sha256').update(keyText(e)).digest('hex');
}

const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const ISO_ZONED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/;
const INTERVAL = /^(-)?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

function frac6(f: string | undefined): string {
  return (f ?? '').padEnd(6, '0').slice(0, 6);
}

/** Db2's own timestamp format: 'YYYY-MM-DD-HH.MM.SS.ffffff' (accepted whatever the territory). */
export function db2Timestamp(iso: string, column = 'timestamp'): string {
  const m = ISO_LOCAL.exec(iso);
  if (!m) throw new BadRecordError('VALUE_INVALID', `column ${column}: not a timestamp`);
  const [, y, mo, d, h, mi, s, f] = m;
  if (y === '0000')
    throw new BadRecordError('VALUE_INVALID', `column ${column}: year 0 is out of Db2's range`);
  return `${y}-${mo}-${d}-${h}.${mi}.${s}.${frac6(f)}`;
}

/** A zoned ISO timestamp -> the same instant in UTC, Db2's format (microseconds kept exactly). */
export function db2UtcTimestamp(iso: string, column = 'timestamptz'): string {
  const m = ISO_ZONED.exec(iso);
  if (!m) throw new BadRecordError('VALUE_INVALID', `column ${column}: not a zoned timestamp`);
  const [, y, mo, d, h, mi, s, f, zone] = m;
  let offsetMin = 0;
  if (zone !== 'Z') {
    const z = zone!.replace(':', '');
    offsetMin = (z.startsWith('-') ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5)));
  }
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi) - offsetMin, Number(s), 0);
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) {
    throw new BadRecordError('VALUE_INVALID', `column ${column}: year ${year} is out of Db2's range`);
  }
  return db2Timestamp(`${date.toISOString().slice(0, 19)}.${frac6(f)}`, column);
}

/** Epoch milliseconds -> a UTC timestamp in Db2's format (the source commit time). */
export function db2TimestampFromMs(ms: number): string {
  return db2Timestamp(new Date(ms).toISOString().slice(0, 23));
}

/** '[-]HHH:MM:SS[.ffffff]' -> exact seconds as a decimal string ('-3020399.999999'). */
export function intervalToSeconds(text: string, column = 'time'): string {
  const m = INTERVAL.exec(text);
  if (!m) throw new BadRecordError('VALUE_INVALID', `column ${column}: not a time of day`);
  const [, neg, h, mi, s, f] = m;
  const seconds = BigInt(h!) * 3600n + BigInt(mi!) * 60n + BigInt(s!);
  if (seconds > 9_999_999n) throw new BadRecordError('VALUE_INVALID', `column ${column}: out of range`);
  const out = `${seconds}.${frac6(f)}`;
  return neg && out !== '0.000000' ? `-${out}` : out;
}

const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?$/;

/** Exact decimal text for a DECIMAL(p,s) or DECFLOAT(34) column; never rounded. */
export function decimalText(v: string, c: ColumnSpec): string {
  const m = DECIMAL_TEXT.exec(v.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) {
    throw new BadRecordError('VALUE_INVALID', `column ${c.name}: not a decimal`);
  }
  const intPart = m[2]!.replace(/^0+(?=\d)/, '');
  const fracPart = (m[3] ?? '').replace(/0+$/, '');
  if (isFixedDecimal(c)) {
    if (fracPart.length > c.scale! || intPart.replace(/^0+/, '').length > c.precision! - c.scale!) {
      throw new BadRecordError(
        'VALUE_INVALID',
        `column ${c.name}: does not fit DECIMAL(${c.precision},${c.scale})`,
      );
    }
  } else {
    const digits = `${intPart}${fracPart}`.replace(/^0+/, '');
    if (digits.length > 34) {
      throw new BadRecordError('VALUE_INVALID', `column ${c.name}: more than DECFLOAT(34)'s 34 digits`);
    }
  }
  return `${m[1] === '-' ? '-' : ''}${intPart || '0'}${fracPart ? `.${fracPart}` : ''}`;
}

/** One envelope value -> the parameter for its Db2 column. */
export function toDb2(v: SqlValue | undefined, c: ColumnSpec): SqlValue {
  if (v === null || v === undefined) return null;
  switch (c.kind) {
    case 'boolean':
      return v === true || v === 1 || v === '1' || v === 't' || v === 'true' ? 1 : 0;
    case 'int16':
    case 'int32':
    case 'int64':
      if (typeof v === 'number' && !Number.isSafeInteger(v)) {
        throw new BadRecordError('VALUE_INVALID', `column ${c.name}: not an exact integer`);
      }
      return typeof v === 'number' ? v : String(v);
    case 'float32':
    case 'float64':
      // Db2's REAL and DOUBLE hold no NaN or infinities (only DECFLOAT does).
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new BadRecordError('VALUE_INVALID', `column ${c.name}: ${String(v)} does not fit a Db2 float`);
      }
      return v;
    case 'decimal':
      return decimalText(String(v), c);
    case 'date':
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || v.startsWith('0000')) {
        throw new BadRecordError('VALUE_INVALID', `column ${c.name}: not a Db2 date`);
      }
      return v;
    case 'timestamp':
      return db2Timestamp(String(v), c.name);
    case 'timestamptz':
      return db2UtcTimestamp(String(v), c.name);
    case 'time':
      return intervalToSeconds(String(v), c.name);
    case 'bytes':
      if (!Buffer.isBuffer(v)) throw new BadRecordError('VALUE_INVALID', `column ${c.name}: not bytes`);
      return v;
    case 'string':
    case 'json':
      return String(v);
  }
}

/** The parameters of one upsert row, in sql.ts upsertSql's order. */
export function upsertRow(e: ChangeEvent, columns: ColumnSpec[]): SqlValue[] {
  return [
    markerKey(e),
    e.position,
    e.op,
    db2TimestampFromMs(e.sourceTsMs),
    ...columns.map((c) => toDb2(e.row?.[c.name], c)),
  ];
}

/** The parameters of one delete row, in sql.ts deleteSql's order. */
export function deleteRow(e: ChangeEvent, keySpecs: ColumnSpec[]): SqlValue[] {
  return [...keySpecs.map((c) => toDb2(e.key[c.name], c)), e.position];
}

/** The parameters of one delete-marker row, in sql.ts markerUpsertSql's order. */
export function markerRow(table: string, e: ChangeEvent): SqlValue[] {
  return [table, markerKey(e), e.position];
}
