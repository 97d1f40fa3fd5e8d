import { createHash } from 'node:crypto';
import type { ColumnKind, ColumnSpec, SqlValue } from '../envelope/types.js';
import { BadRecordError } from '../envelope/types.js';

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated, so two names could become one. */
export const MAX_IDENT_BYTES = 63;

/**
 * Identifiers from source metadata are always quoted (any character is safe: `"` is doubled, and nothing
 * else ends a quoted identifier). A name past 63 bytes is refused rather than left to PostgreSQL, which
 * would truncate it silently; staging maps such source names first (stagingName).
 */
export function ident(name: string): string {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_IDENT_BYTES) {
    throw new BadRecordError(
      'IDENTIFIER_TOO_LONG',
      `the name "${name}" is ${bytes} bytes, longer than PostgreSQL's ${MAX_IDENT_BYTES}-byte limit`,
    );
  }
  if (name.includes('\u0000'))
    throw new BadRecordError('IDENTIFIER_INVALID', 'a name with a NUL character cannot be a PostgreSQL name');
  return `"${name.replaceAll('"', '""')}"`;
}

/** Bytes kept of a long name: the rest of the 63 bytes holds '~' and 8 hex digits of its hash. */
const KEPT_BYTES = MAX_IDENT_BYTES - 9;

/**
 * The staging name of a source schema, table or column name. MariaDB allows 64 characters (up to 192 bytes
 * in UTF-8) where PostgreSQL keeps 63 bytes. Names that fit are kept exactly. A longer one is mapped, the
 * same way everywhere (sink, reconcile) and visibly (the staging table or column gets a comment with the
 * source name): its longest prefix of whole characters within 54 bytes, '~', and the first 8 hex digits of
 * the SHA-256 of the whole name. Mapping rather than dead-lettering keeps the table flowing and reconcilable;
 * the hash keeps two long names with a common prefix apart, where truncation would merge them.
 */
export function stagingName(name: string): string {
  if (Buffer.byteLength(name, 'utf8') <= MAX_IDENT_BYTES) return name;
  let prefix = '';
  let bytes = 0;
  for (const ch of name) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > KEPT_BYTES) break;
    prefix += ch;
    bytes += n;
  }
  return `${prefix}~${createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8)}`;
}

/** Whether a source name is stored under another name in staging. */
export function isMapped(name: string): boolean {
  return stagingName(name) !== name;
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

/** A text literal for DDL, which takes no parameters (standard_conforming_strings: only ' needs doubling). */
export function textLiteral(v: string): string {
  return `'${v.replaceAll("'", "''")}'`;
}

/** A SQL literal for a default value (DDL takes no parameters); strings are escaped, never interpolated raw. */
export function literal(v: SqlValue, c: ColumnSpec): string {
  if (v === null) return 'NULL';
  if (Buffer.isBuffer(v)) return `'\\x${v.toString('hex')}'::bytea`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : `'${v}'::${columnType(c)}`;
  return `'${v.replaceAll("'", "''")}'::${columnType(c)}`;
}
