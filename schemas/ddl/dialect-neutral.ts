import {
  dateDimensionColumns,
  dimensionColumns,
  EVENT_TIME,
  factColumns,
  INFERRED,
  IS_CURRENT,
  isVersioned,
  type PlannedColumn,
  POSITION,
  POSITION_TYPE,
  VALID_FROM,
  VALID_TO,
} from '../model/columns.js';
import type { AttrType, FactDef, StarModel } from '../model/types.js';

/**
 * The warehouse DDL, planned once for every dialect: which tables, columns, keys and defaults a star model
 * becomes. A dialect (postgres.ts, db2.ts) only maps types, quotes identifiers and writes literals.
 *
 * Decisions shared by the dialects:
 * - Identifiers are always quoted, so the model's names (DimDate, FactSales) keep their case.
 * - Every dimension: surrogate key BIGINT primary key (streams/keys.ts), the natural key, its attributes
 *   (nullable: an inferred member has only its natural key), `inferred` (a late-arriving placeholder,
 *   completed when its first real change arrives; default false) and `_starling_pos` (the source position
 *   of the change the row reflects, for position-guarded writes).
 * - SCD2 dimensions also get valid_from, valid_to and is_current, and a unique (natural key, valid_from);
 *   SCD1 dimensions a unique natural key. valid_to is NOT NULL with the far-future sentinel
 *   9999-12-31 00:00:00 for the open version (VALID_TO_OPEN): as-of joins are then a plain
 *   `valid_from <= t AND t < valid_to` (no `OR valid_to IS NULL`), usable by an index, in both dialects.
 * - The date dimension: dateid INT (yyyymmdd) primary key and the columns of streams/date-dimension.ts.
 * - Facts: the grain columns as primary key, one BIGINT key per dimension link, the date key, the measures
 *   and `_starling_pos`. No foreign keys: facts may be written before their members are complete
 *   (late arrivals), and SCD2 re-pointing updates keys in place; the keys are hashes, so integrity is by
 *   construction.
 * - Plain CREATE TABLE statements (no IF NOT EXISTS, which Db2 lacks): the caller decides what exists.
 */

/** The open SCD2 version's valid_to (far-future sentinel rather than NULL, see above). */
export const VALID_TO_OPEN = '9999-12-31 00:00:00';

export interface Dialect {
  name: 'postgres' | 'db2';
  quote(identifier: string): string;
  columnType(type: AttrType): string;
  /** A literal of the dialect's boolean column type (BOOLEAN or SMALLINT 0/1). */
  booleanLiteral(value: boolean): string;
  timestampLiteral(text: string): string;
  /** A CHECK body for boolean columns, when the dialect stores them as numbers. */
  booleanCheck?(quotedColumn: string): string;
}

export interface TablePlan {
  name: string;
  kind: 'dimension' | 'date-dimension' | 'fact' | 'bookkeeping';
  columns: Array<PlannedColumn & { default?: { boolean: boolean } | { timestamp: string } }>;
  primaryKey: string[];
  unique: string[][];
  /** Secondary indexes (column lists): what the warehouse sink's set-based re-points search by. */
  indexes?: string[][];
}

export interface DdlOptions {
  /** Schema the tables are created in (quoted); unqualified when absent. */
  schema?: string;
}

/** The tables of a (validated) model, in creation order: the date dimension, dimensions, facts. */
export function planWarehouse(model: StarModel): TablePlan[] {
  const tables: TablePlan[] = [];
  const dd = model.dateDimension;
  const dateCols = dateDimensionColumns(dd);
  tables.push({
    name: dd.name,
    kind: 'date-dimension',
    columns: dateCols,
    primaryKey: [dd.surrogateKey],
    unique: [['date']],
  });
  for (const dim of model.dimensions) {
    const columns: TablePlan['columns'] = dimensionColumns(dim).map((c) => {
      if (c.name === INFERRED && c.role === 'inferred') return { ...c, default: { boolean: false } };
      if (c.name === IS_CURRENT && c.role === 'is-current') return { ...c, default: { boolean: true } };
      if (c.name === VALID_TO && c.role === 'valid-to')
        return { ...c, default: { timestamp: VALID_TO_OPEN } };
      return c;
    });
    tables.push({
      name: dim.name,
      kind: 'dimension',
      columns,
      primaryKey: [dim.surrogateKey],
      unique: [isVersioned(dim) ? [dim.naturalKey.name, VALID_FROM] : [dim.naturalKey.name]],
    });
  }
  for (const fact of model.facts)
    tables.push({
      name: fact.name,
      kind: 'fact',
      columns: factColumns(fact, model),
      primaryKey: fact.grain.map((g) => g.name),
      unique: [],
      indexes: factIndexes(fact, model),
    });
  tables.push(...planBookkeeping(model));
  return tables;
}

/**
 * A fact's indexes: (natural key, event_time) of each directly linked SCD2 dimension, which a new or late
 * version re-points by range; the surrogate key of each dimension that through-links go through, which a
 * changed member re-points by.
 */
function factIndexes(fact: FactDef, model: StarModel): string[][] {
  const out: string[][] = [];
  for (const link of fact.dimensions) {
    const dim = model.dimensions.find((d) => d.name === link.dimension);
    if (!dim) continue;
    if ('column' in link && isVersioned(dim)) out.push([dim.naturalKey.name, EVENT_TIME]);
    if ('column' in link && fact.dimensions.some((l) => 'through' in l && l.through.dimension === dim.name))
      out.push([dim.surrogateKey]);
  }
  return out;
}

/** CREATE INDEX statements of the planned tables (named <table>_i<n>, quoted like the tables). */
export function renderIndexes(tables: TablePlan[], dialect: Dialect, options: DdlOptions = {}): string[] {
  const q = (id: string) => dialect.quote(id);
  const qualified = (name: string) => (options.schema ? `${q(options.schema)}.${q(name)}` : q(name));
  return tables.flatMap((t) =>
    (t.indexes ?? []).map(
      (cols, i) =>
        // PostgreSQL puts an index in its table's schema (a qualified index name is an error); Db2 takes one.
        `CREATE INDEX ${options.schema && dialect.name === 'db2' ? `${q(options.schema)}.` : ''}${q(`${t.name}_i${i + 1}`)} ON ${qualified(t.name)} (${cols.map(q).join(', ')})`,
    ),
  );
}

/** The SCD2 state of a dimension: every change point of every natural key (sinks/warehouse/writer.ts). */
export function pointsTable(dimension: string): string {
  return `_starling_points_${dimension}`;
}

/** A fact's delete markers: the newest delete position per grain, so an older upsert cannot resurrect it. */
export function deletedTable(fact: string): string {
  return `_starling_deleted_${fact}`;
}

/** One row per model: the warehouse writers' mutual-exclusion lock (Db2 locks it; PostgreSQL uses advisory locks). */
export const LOCK_TABLE = '_starling_lock';

/** Columns of the points table besides the natural key and the attributes. */
export const POINT_AT = 'at';
export const POINT_POSITION = 'position';

/**
 * Bookkeeping tables of the warehouse sink: for each SCD2 dimension its change points (natural key, event
 * time, position, every attribute), which is the state versions are recomputed from; for each fact its
 * delete markers; and the lock table.
 */
export function planBookkeeping(model: StarModel): TablePlan[] {
  const tables: TablePlan[] = [];
  const position: TablePlan['columns'][number] = {
    name: POSITION,
    type: POSITION_TYPE,
    nullable: false,
    role: 'position',
  };
  for (const dim of model.dimensions.filter(isVersioned))
    tables.push({
      name: pointsTable(dim.name),
      kind: 'bookkeeping',
      columns: [
        { name: dim.naturalKey.name, type: dim.naturalKey.type, nullable: false, role: 'natural-key' },
        { name: POINT_AT, type: { type: 'timestamp' }, nullable: false, role: 'event-time' },
        { ...position, name: POINT_POSITION },
        ...dim.attributes.map((a) => ({
          name: a.name,
          type: a.type,
          nullable: true,
          role: 'attribute' as const,
        })),
      ],
      primaryKey: [dim.naturalKey.name, POINT_POSITION],
      unique: [],
    });
  for (const fact of model.facts)
    tables.push({
      name: deletedTable(fact.name),
      kind: 'bookkeeping',
      columns: [
        ...fact.grain.map((g) => ({ name: g.name, type: g.type, nullable: false, role: 'grain' as const })),
        position,
      ],
      primaryKey: fact.grain.map((g) => g.name),
      unique: [],
    });
  tables.push({
    name: LOCK_TABLE,
    kind: 'bookkeeping',
    columns: [
      { name: 'model', type: { type: 'text', maxLength: 128 }, nullable: false, role: 'natural-key' },
    ],
    primaryKey: ['model'],
    unique: [],
  });
  return tables;
}

/** One CREATE TABLE statement per table (without the trailing semicolon). */
export function renderTables(tables: TablePlan[], dialect: Dialect, options: DdlOptions = {}): string[] {
  const q = (id: string) => dialect.quote(id);
  const qualified = (name: string) => (options.schema ? `${q(options.schema)}.${q(name)}` : q(name));
  return tables.map((t) => {
    const lines = t.columns.map((c) => {
      let line = `  ${q(c.name)} ${dialect.columnType(c.type)}`;
      if (c.default && 'boolean' in c.default)
        line += ` DEFAULT ${dialect.booleanLiteral(c.default.boolean)}`;
      if (c.default && 'timestamp' in c.default)
        line += ` DEFAULT ${dialect.timestampLiteral(c.default.timestamp)}`;
      if (!c.nullable) line += ' NOT NULL';
      if (c.type.type === 'boolean' && dialect.booleanCheck)
        line += ` CHECK (${dialect.booleanCheck(q(c.name))})`;
      return line;
    });
    lines.push(`  PRIMARY KEY (${t.primaryKey.map(q).join(', ')})`);
    for (const u of t.unique) lines.push(`  UNIQUE (${u.map(q).join(', ')})`);
    return `CREATE TABLE ${qualified(t.name)} (\n${lines.join(',\n')}\n)`;
  });
}

/** The whole DDL script: statements separated by `;` and a blank line. */
export function renderScript(model: StarModel, dialect: Dialect, options: DdlOptions = {}): string {
  return `${renderTables(planWarehouse(model), dialect, options).join(';\n\n')};\n`;
}

/** Double-quoted identifier with embedded quotes doubled (SQL standard; PostgreSQL and Db2 alike). */
export function quoteIdentifier(identifier: string): string {
  if (identifier.length === 0) throw new RangeError('empty identifier');
  if (identifier.includes('\u0000')) throw new RangeError('identifier contains NUL');
  return `"${identifier.replaceAll('"', '""')}"`;
}
