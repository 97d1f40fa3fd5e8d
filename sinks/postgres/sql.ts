import type { ColumnKind, ColumnSpec, SqlValue } from '../envelope/types.js';
import { BadRecordError } from '../envelope/types.js';

/** Identifiers from source metadata are always quoted; PostgreSQL would silently truncate past 63 bytes. */
export function ident(name: string): string {
  if (Buffer.byteLength(name, 'utf8') > 63) {
    throw new BadRecordError('NAME_TOO_LONG', `the name "${name}" is longer than PostgreSQL's 63-byte limit`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(schema: string, table: string): string {
  return `${ident(schema)}.${ident(table)}`;
}

/** The base type used to pass a column's values as one array parameter (unnest). */
export const ARRAY_TYPE: Record<ColumnKind, string> = {
  int16: 'smallint',
  int32: 'integer',
  int64: 'bigint',
  float32: 'real',
  float64: 'double precision',
  boolean: 'boolean',
  string: 'text',
  json: 'jsonb',
  bytes: 'bytea',
  decimal: 'numeric',
  date: 'date',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  // MySQL TIME ranges over ±838:59:59, which PostgreSQL's `time` cannot hold.
  time: 'interval',
};

/** The column type a staging table declares for a spec. */
export function columnType(c: ColumnSpec): string {
  switch (c.kind) {
    case 'decimal':
      return c.precision !== undefined && c.precision >= 1 && c.precision <= 1000 && c.scale !== undefined
        ? `numeric(${c.precision},${c.scale})`
        : 'numeric';
    case 'timestamp':
      return `timestamp(${Math.min(6, c.scale ?? 6)})`;
    default:
      return ARRAY_TYPE[c.kind];
  }
}

/** A SQL literal for a default value (DDL takes no parameters); strings are escaped, never interpolated raw. */
export function literal(v: SqlValue, c: ColumnSpec): string {
  if (v === null) return 'NULL';
  if (Buffer.isBuffer(v)) return `'\\x${v.toString('hex')}'::bytea`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : `'${v}'::${columnType(c)}`;
  return `'${v.replaceAll("'", "''")}'::${columnType(c)}`;
}
