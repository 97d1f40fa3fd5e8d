/**
 * The star model, declared once in TypeScript: dimensions, the derived date dimension and facts, each
 * pointing at the raw source tables (MariaDB tables, MongoDB collections) they are conformed from. The
 * conform runtime (streams/) interprets it; the warehouse DDL is generated from it per dialect; it is
 * checked at start with every problem reported at once (validate.ts).
 */

/** Warehouse column types, mapped per dialect (ddl/). */
export type AttrType =
  | { type: 'int' }
  | { type: 'bigint' }
  | { type: 'decimal'; precision: number; scale: number }
  | { type: 'text'; maxLength?: number }
  | { type: 'date' }
  | { type: 'timestamp' }
  | { type: 'boolean' };

/** A raw source table: `<prefix>.<namespace>.<table>` in Kafka, `"<namespace>"."<table>"` in staging. */
export interface SourceRef {
  namespace: string;
  table: string;
  /** 'row' for relational tables; 'document' for MongoDB collections (fields are read from the document). */
  shape: 'row' | 'document';
}

export interface AttributeDef {
  /** Warehouse column name. */
  name: string;
  /** Source column (row) or top-level document field (document) it comes from. */
  from: string;
  type: AttrType;
  /** Overrides the dimension's SCD type for this attribute (type 1: overwrite; type 2: new version). */
  scd?: 1 | 2;
}

export interface DimensionDef {
  name: string;
  source: SourceRef;
  /** Surrogate-key column of the warehouse table (a stable 63-bit hash, see streams/keys.ts). */
  surrogateKey: string;
  naturalKey: { name: string; from: string; type: AttrType };
  attributes: AttributeDef[];
  /** SCD type of the attributes that do not say otherwise. */
  scd: 1 | 2;
  /**
   * The source column holding when a change takes effect (business time), which places SCD2 version
   * boundaries on the same clock as the facts' event times. Absent from the model, or NULL or missing in a
   * change (an event written before the column existed): the source's commit time.
   */
  eventTime?: string;
}

/** The date dimension at day grain, derived from the facts' event times (never from a source table). */
export interface DateDimensionDef {
  name: string;
  /** yyyymmdd as an integer. */
  surrogateKey: string;
}

/**
 * How a fact row finds a dimension member: directly by a source column holding the natural key, or through
 * an attribute of another dimension's member valid at the event time (e.g. the country of the customer).
 */
export type DimensionLink =
  | { dimension: string; column: string }
  | { dimension: string; through: { dimension: string; attribute: string } };

export type MeasureDef =
  | { name: string; from: string; type: AttrType }
  /** A derived measure: the product of two other measures of the same fact (amount = price × quantity). */
  | { name: string; product: [string, string]; type: AttrType };

export interface FactDef {
  name: string;
  source: SourceRef;
  /** The fact's grain: the source key columns, kept as degenerate dimension columns (e.g. orderid). */
  grain: Array<{ name: string; from: string; type: AttrType }>;
  /** The source column whose value picks the date member and the SCD2 version of every dimension. */
  eventTime: string;
  dateDimension: string;
  dimensions: DimensionLink[];
  measures: MeasureDef[];
}

export interface StarModel {
  name: string;
  dimensions: DimensionDef[];
  dateDimension: DateDimensionDef;
  facts: FactDef[];
}
