/**
 * The change model every sink writes: one Debezium change event, mapped to a table-shaped row. Envelope
 * mappers (relational.ts for MariaDB/MySQL, mongodb.ts for MongoDB) produce it; dialects consume it. It
 * carries the column specs of the row's schema version, so a sink can create and evolve its tables from
 * the events alone, for any captured schema.
 */

/** Column types, as Debezium's schemas describe them (dialects map each to a database type). */
export type ColumnKind =
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  | 'boolean'
  | 'string'
  | 'json'
  | 'bytes'
  | 'decimal'
  | 'date'
  | 'timestamp'
  | 'timestamptz'
  | 'time';

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  optional: boolean;
  /** decimal: total digits (absent for variable-scale decimals). */
  precision?: number;
  /** decimal: digits after the point; timestamp and time: fractional-second digits (0-6). */
  scale?: number;
  /** The source column's default, as a SQL parameter value (applies to rows the sink already holds). */
  defaultValue?: SqlValue;
}

/** Values as SQL parameters: exact decimals and 64-bit integers as strings, never as JS floats. */
export type SqlValue = string | number | boolean | Buffer | null;

export interface TableId {
  /** The source database (MariaDB) or database (MongoDB): it becomes the staging schema. */
  namespace: string;
  name: string;
}

export type Op = 'c' | 'u' | 'd' | 'r';

export interface ChangeEvent {
  table: TableId;
  op: Op;
  /** Primary-key columns, in key order. */
  keyColumns: string[];
  key: Record<string, SqlValue>;
  /** The row after the change; null for a delete. */
  row: Record<string, SqlValue> | null;
  /** Every column of this schema version (the key columns included). */
  columns: ColumnSpec[];
  /**
   * Total order of changes from one source: compares as a string (byte order). Writes are guarded by it,
   * so a redelivered or replayed older event never overwrites a newer row.
   */
  position: string;
  /** When the source committed the change (ms since the epoch; whole seconds for MariaDB). */
  sourceTsMs: number;
}

/** A record that cannot be applied: goes to the dead-letter topic with this code and message. */
export class BadRecordError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BadRecordError';
  }
}
