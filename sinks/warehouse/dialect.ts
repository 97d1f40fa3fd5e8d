import type { DimensionDef, FactDef, StarModel } from '../../schemas/model/types.js';
import type { DateRow } from '../../streams/date-dimension.js';
import type { SqlValue } from '../envelope/types.js';

/**
 * What a target database must do for the warehouse sink. One implementation per database
 * (sinks/postgres/warehouse-dialect.ts, sinks/db2/warehouse-dialect.ts); the SCD logic that decides WHAT to
 * write is database-free (writer.ts) and calls these set-based operations inside one transaction.
 *
 * Contract:
 * - Every operation takes many rows and issues a bounded number of statements (never one per row).
 * - Identifiers come from the model and are always quoted; values are always bound parameters.
 * - `transaction(fn)` runs fn in ONE database transaction and first takes the model's exclusive lock
 *   (PostgreSQL: a transaction-scoped advisory lock; Db2: LOCK TABLE on the model's lock table), so that
 *   warehouse writers of one model — in this process or another — apply their batches one at a time: a
 *   fact resolving an SCD2 version and a re-point of that version's facts cannot interleave.
 * - Errors propagate unclassified (the runtime classifies them: retry, dead-letter or fatal).
 */
export interface WarehouseDialect {
  /** Creates the schema, the model's tables, the bookkeeping tables and the report objects when missing. */
  ensureModel(model: StarModel): Promise<void>;
  transaction<T>(fn: (tx: WarehouseTx) => Promise<T>): Promise<T>;
  /** Brings the materialized reports up to date with the facts (see schemas/ddl/reports.ts). */
  refreshReports(model: StarModel): Promise<void>;
  close(): Promise<void>;
}

/** A type-1 member row (also the shape of an attribute-less "distinct values" member). */
export interface MemberRow {
  key: bigint;
  naturalKey: SqlValue;
  /** Attribute column -> value (all of the dimension's attributes). */
  attributes: Record<string, SqlValue>;
  position: string;
}

/** One stored change of an SCD2 member: the SCD2 state, kept in the warehouse (`_starling_points_<dim>`). */
export interface PointRow {
  naturalKey: SqlValue;
  /** Event time, µs since the epoch. */
  at: bigint;
  position: string;
  /** Every attribute's value in that change (type-1 and type-2). */
  values: Record<string, SqlValue>;
}

/** One SCD2 version row as the warehouse holds it. */
export interface VersionRow {
  key: bigint;
  naturalKey: SqlValue;
  attributes: Record<string, SqlValue>;
  /** µs since the epoch; validTo is exclusive (the open version's is 9999-12-31 00:00:00). */
  validFrom: bigint;
  validTo: bigint;
  isCurrent: boolean;
  inferred: boolean;
  /** '' for an inferred version (stored as NULL). */
  position: string;
}

/** A dimension row read back (type-1 member or SCD2 version). */
export interface StoredMember {
  key: bigint;
  naturalKey: SqlValue;
  attributes: Record<string, SqlValue>;
  /** SCD2 only. */
  validFrom?: bigint;
  validTo?: bigint;
}

export interface FactRow {
  grain: Record<string, SqlValue>;
  /** Dimension surrogate-key column -> key (null when unresolved, e.g. through an inferred member). */
  keys: Record<string, bigint | null>;
  /** Natural key column (of each directly linked dimension) -> value. */
  naturalKeys: Record<string, SqlValue>;
  /** µs since the epoch. */
  eventTime: bigint;
  dateKey: number;
  measures: Record<string, SqlValue>;
  position: string;
}

export interface FactDelete {
  grain: Record<string, SqlValue>;
  position: string;
}

/**
 * Re-points the facts of one natural key of a directly linked SCD2 dimension for one validity range:
 * facts with that natural key and valid_from <= event_time < valid_to get these keys (the version's own key
 * and the keys of the through-links that go through it).
 */
export interface VersionRepoint {
  naturalKey: SqlValue;
  validFrom: bigint;
  validTo: bigint;
  /** Fact surrogate-key column -> key. */
  keys: Record<string, bigint | null>;
}

/** Re-points the facts referencing one type-1 member: the through-link keys that go through it. */
export interface MemberRepoint {
  /** The member's surrogate key, as the facts hold it in the via dimension's key column. */
  viaKey: bigint;
  keys: Record<string, bigint | null>;
}

export interface WarehouseTx {
  /**
   * Type-1 upsert by surrogate key, guarded: a row whose position is newer is left alone (an equal one is
   * rewritten: the same change, see the PostgreSQL dialect); sets inferred = false.
   */
  upsertMembers(dim: DimensionDef, rows: MemberRow[]): Promise<void>;
  /** Inserts placeholders (inferred = true, attributes NULL) for the keys that have no row; others untouched. */
  insertInferred(
    dim: DimensionDef,
    rows: Array<{ key: bigint; naturalKey: SqlValue; validFrom?: bigint }>,
  ): Promise<void>;
  /** The rows of these natural keys (every version of an SCD2 dimension). */
  readMembers(dim: DimensionDef, naturalKeys: SqlValue[]): Promise<StoredMember[]>;
  /**
   * Stores SCD2 change points; a point already stored (same natural key and position) is the same change:
   * its values are rewritten (identical, except attributes a migration added, which it fills).
   */
  insertPoints(dim: DimensionDef, points: PointRow[]): Promise<void>;
  /** Every stored point of these natural keys. */
  readPoints(dim: DimensionDef, naturalKeys: SqlValue[]): Promise<PointRow[]>;
  /**
   * Makes the versions of these natural keys exactly `versions`: rows of those natural keys whose key is not
   * in the list are deleted, the others inserted or updated.
   */
  replaceVersions(dim: DimensionDef, naturalKeys: SqlValue[], versions: VersionRow[]): Promise<void>;
  /** Inserts the date rows that are missing. */
  ensureDates(model: StarModel, rows: DateRow[]): Promise<void>;
  /**
   * Upserts facts, each guarded by the row's position and by the grain's delete marker: a change older
   * than either leaves the table alone.
   */
  upsertFacts(fact: FactDef, model: StarModel, rows: FactRow[]): Promise<void>;
  /** Deletes facts older than the delete's position and records the delete markers (newest position wins). */
  deleteFacts(fact: FactDef, deletes: FactDelete[]): Promise<void>;
  /**
   * Set-based, see VersionRepoint: `dim` is the directly linked SCD2 dimension; the fact holds its natural
   * key in the column named like the dimension's natural key, and its event time in `event_time`.
   */
  repointByVersion(fact: FactDef, dim: DimensionDef, ranges: VersionRepoint[]): Promise<void>;
  /** Set-based, see MemberRepoint: facts are matched on the via dimension's surrogate-key column. */
  repointByMember(fact: FactDef, via: DimensionDef, members: MemberRepoint[]): Promise<void>;
}
