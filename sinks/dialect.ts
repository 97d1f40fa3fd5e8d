import type { ChangeEvent, ColumnSpec, TableId } from './envelope/types.js';

/**
 * What a target database must do for the staging sink. One implementation per database (postgres/, db2/);
 * everything else in sinks/ is database-free.
 *
 * Contract:
 * - `prepare(table, keyColumns, columns)` makes the table able to hold rows of this schema version:
 *   creates it, or adds new columns (with the source default applied to existing rows). It throws
 *   BadRecordError when the change cannot be applied safely (a different key, an incompatible type), so
 *   the caller dead-letters the events of that version while the table keeps working.
 * - `apply(events)` writes the newest event per key of one table (already reduced) in ONE transaction,
 *   each write guarded by the source position: an event older than the row's (or the key's delete
 *   marker's) position changes nothing. Database errors propagate unclassified; the runtime classifies.
 */
export interface StagingDialect {
  prepare(table: TableId, keyColumns: string[], columns: ColumnSpec[]): Promise<void>;
  apply(table: TableId, events: ChangeEvent[]): Promise<void>;
  close(): Promise<void>;
}
