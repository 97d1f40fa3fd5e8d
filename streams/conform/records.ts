import type { SqlValue } from '../../sinks/envelope/types.js';

/**
 * The conformed records: what the conform processors (streams/conform/) produce to the conformed topics and
 * the warehouse sink (sinks/warehouse/) applies. One topic per model table, `<conformed prefix>.<model>.<table>`,
 * keyed by the natural key (dimensions) or the grain (facts), so every change of one member or one fact row
 * stays in order on one partition.
 *
 * The processors are stateless (nothing to rebuild after a crash, any number of instances): they interpret
 * the model, pick values, compute derived measures, event times and type-1 member keys. The SCD2 state (the
 * change points of every natural key) lives in the warehouse and is applied there, in the same transaction
 * as the facts it re-points (docs/hard-parts.md: "or the warehouse database, at load time").
 *
 * Values use the staging sink's SQL parameter form: exact decimals and 64-bit integers as strings, dates as
 * 'yyyy-mm-dd', timestamps as 'yyyy-mm-dd hh:mm:ss.ffffff' (UTC).
 */

/** A change of one dimension member, as the source had it after the change (dimensions never delete). */
export interface DimensionRecord {
  kind: 'dimension';
  /** The model's dimension name. */
  table: string;
  naturalKey: SqlValue;
  /** Warehouse attribute column -> value; every attribute of the dimension is present. */
  attributes: Record<string, SqlValue>;
  /** When the change takes effect (the dimension's eventTime column, else the source commit), µs since epoch. */
  eventTime: bigint;
  /** The source position of the change (byte order = change order, within one source). */
  position: string;
  sourceTsMs: number;
}

/** A change of one fact row: an upsert (source insert, update, snapshot read) or a delete. */
export interface FactRecord {
  kind: 'fact';
  table: string;
  op: 'upsert' | 'delete';
  /** Grain column -> value (the fact's primary key). */
  grain: Record<string, SqlValue>;
  /**
   * Directly linked dimension name -> the natural key the source row holds (null when the source column is
   * null); through-links and SCD2 versions are resolved by the warehouse sink at the event time. Empty for
   * a delete.
   */
  links: Record<string, SqlValue>;
  /** The source row's event time, µs since epoch; null for a delete. */
  eventTime: bigint | null;
  /** Measure column -> value, derived measures included; empty for a delete. */
  measures: Record<string, SqlValue>;
  position: string;
  sourceTsMs: number;
}

export type ConformedRecord = DimensionRecord | FactRecord;

/** The conformed topic of a model table. */
export function conformedTopic(prefix: string, model: string, table: string): string {
  return `${prefix}.${model}.${table}`;
}
