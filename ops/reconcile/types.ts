import type { DeadLetterReport } from './dead-letters.js';

/**
 * The shared vocabulary of `starling reconcile`: how a column is rendered as canonical text (a Canon), key
 * ranges, range checksums, differences and the report.
 */

/**
 * How a column's value becomes canonical text, identically in MariaDB and PostgreSQL (canonical.ts):
 * integers as decimal text, decimals with their scale, date-times to the microsecond, dates, TIME as
 * [-]HH:MM:SS.ffffff, floats as 6 significant digits, text as itself, binary as upper-case hex, booleans as
 * t/f. JSON is compared by nullness in checksums (the databases format it differently) and by value in
 * fetched rows.
 */
export type Canon =
  | { kind: 'integer'; unsigned?: boolean }
  | { kind: 'decimal'; scale: number }
  | { kind: 'float' }
  | { kind: 'datetime' }
  | { kind: 'timestamptz' }
  | { kind: 'date' }
  | { kind: 'time' }
  | { kind: 'text' }
  | { kind: 'json' }
  | { kind: 'boolean' }
  | { kind: 'bytes' };

export type CanonKind = Canon['kind'];

/** Kinds a key column may have: ordered the same way in both databases, so a range means the same rows. */
export const KEY_KINDS: ReadonlySet<CanonKind> = new Set([
  'integer',
  'decimal',
  'datetime',
  'timestamptz',
  'date',
  'text',
  'bytes',
]);

/** A key value as canonical text per key column (the same text in both databases). */
export type KeyTuple = string[];

/**
 * A key range: rows whose key is >= lo and < hi (null: unbounded). A bound may be a prefix of the key (it
 * then compares the first columns only), so ranges over the first key column and ranges between sampled
 * full keys nest.
 */
export interface KeyRange {
  lo: KeyTuple | null;
  hi: KeyTuple | null;
}

/** Row count and the sum of the 60-bit MD5 prefixes of the rows' canonical texts (exact, as text). */
export interface Checksum {
  count: number;
  sum: string;
}

export interface ColumnDifference {
  column: string;
  source: string | null;
  target: string | null;
}

export type DifferenceKind = 'missing' | 'extra' | 'differs';

/** One row that differs: missing in the target, extra in the target, or present in both with other values. */
export interface Difference {
  key: KeyTuple;
  kind: DifferenceKind;
  columns?: ColumnDifference[];
}

/** A fetched row: its key and its compared columns as canonical text (null for NULL). */
export interface FetchedRow {
  key: KeyTuple;
  values: Array<string | null>;
}

export interface AggregateResult {
  name: string;
  source: string | null;
  target: string | null;
  equal: boolean;
}

export interface DimensionCheckResult {
  dimension: string;
  rule: string;
  /** Facts breaking the rule. */
  count: number;
  /** The first of them, by grain. */
  examples: KeyTuple[];
}

export type TableStatus = 'ok' | 'differs' | 'not-checked';

export interface TableResult {
  /** 'staging': source table vs its staging mirror; 'fact': source table vs the warehouse fact table. */
  kind: 'staging' | 'fact';
  /** `db.table` in the source. */
  source: string;
  /** `schema.table` in the target database. */
  target: string;
  /** 'staging' or 'warehouse': how differences are named ("missing in staging"). */
  targetLabel: string;
  status: TableStatus;
  /** Why the table was not checked. */
  reason?: string;
  /** Key columns as the target names them (the fact's grain; the source's key for staging). */
  keyColumns: string[];
  /** The compared columns as the target names them. */
  columns: string[];
  counts: { source: number; target: number } | null;
  checksums: { source: string; target: string } | null;
  /** Schema-level problems (a missing table or column); each makes the table differ. */
  problems: string[];
  /** Things worth knowing that are not differences (columns not compared and why). */
  notes: string[];
  /** Differences by key, in key order; at most the itemization limit. */
  differences: Difference[];
  /** False when the itemization limit stopped the search before every differing segment was examined. */
  complete: boolean;
  segments: { checked: number; fetched: number };
  aggregates?: AggregateResult[];
  dimensions?: DimensionCheckResult[];
}

export interface ReconcileReport {
  at: string;
  segmentRows: number;
  clean: boolean;
  tables: TableResult[];
  /**
   * The keys with dead letters in the staging, conform and warehouse groups, and the facts that refer to a
   * dead-lettered dimension member. Information: it does not make the report unclean by itself (a change
   * the targets did not get shows as a difference of its table when it matters). Absent when not read.
   */
  deadLetters?: DeadLetterReport;
}
