import { db2Dialect } from '../../schemas/ddl/db2.js';
import { quoteIdentifier } from '../../schemas/ddl/dialect-neutral.js';
import { BadRecordError, type ColumnSpec, type SqlValue } from '../envelope/types.js';

/**
 * SQL text of the Db2 (LUW 11.1+) staging mirror: the same tables and guarded writes as sinks/postgres,
 * in Db2's words. Pure functions: no value is ever written into the text (every value is a `?` marker,
 * typed with CAST where Db2 cannot infer it), identifiers are always quoted.
 *
 * Type decisions (beyond the warehouse DDL's in schemas/ddl/db2.ts, which this reuses):
 * - Booleans are SMALLINT 0/1 with a CHECK, text VARCHAR(4000 CODEUNITS32), as in the warehouse.
 * - Key text columns are VARCHAR(255 CODEUNITS32): an index key on a 4 KiB page holds at most 1024 bytes.
 * - JSON is CLOB(16M) and non-key binary BLOB(16M): Db2 has no JSON type and no unbounded VARCHAR; a Kafka
 *   record (and so any one value) is at most 16 MiB here.
 * - Decimals up to 31 digits are DECIMAL(p,s); wider or variable-scale ones DECFLOAT(34), exact to 34
 *   significant digits (values.ts rejects longer ones rather than round them).
 * - `timestamptz` is TIMESTAMP(6) holding UTC (Db2 LUW has no zoned timestamp type).
 * - `time` is DECIMAL(13,6) seconds: MySQL's TIME spans ±838:59:59.999999, which Db2's TIME (00:00-24:00)
 *   cannot hold; a decimal is exact, keeps the sign, sorts, and adds to a timestamp as a labeled duration
 *   (`ts + col SECONDS`). Text would do none of that.
 * - The position is VARCHAR(128), compared as text: positions are fixed-width ASCII (at most 61 characters
 *   today; room for a source epoch), so the order holds under Db2's default IDENTITY collation of Unicode databases.
 */

export const TOMBSTONES = '__starling_deleted_keys';
export const POSITION_TYPE = 'VARCHAR(128)';
/** The delete-marker key: the SHA-256 (hex) of the key text, so any key fits a 1024-byte index key. */
export const MARKER_KEY_TYPE = 'CHAR(64)';
const TABLE_NAME_TYPE = 'VARCHAR(128)';
const META = ['_starling_pos', '_starling_op', '_starling_source_ts', '_starling_loaded_at'] as const;
/** The alias of the key digest in a MERGE source (a reserved prefix, like the meta columns). */
const KEY_ALIAS = '_starling_key';
export const KEY_TEXT_LENGTH = 255;
export const LOB_LENGTH = '16M';

/** Db2 LUW limits schema, table and column names to 128 bytes; identifiers are always quoted. */
export function ident(name: string): string {
  if (Buffer.byteLength(name, 'utf8') > 128) {
    throw new BadRecordError('NAME_TOO_LONG', `the name "${name}" is longer than Db2's 128-byte limit`);
  }
  return quoteIdentifier(name);
}

export function qualified(schema: string, table: string): string {
  return `${ident(schema)}.${ident(table)}`;
}

/** The Db2 column type of a spec (`key`: the column is part of the primary key). */
export function columnType(c: ColumnSpec, key = false): string {
  switch (c.kind) {
    case 'int16':
      return 'SMALLINT';
    case 'int32':
      return db2Dialect.columnType({ type: 'int' });
    case 'int64':
      return db2Dialect.columnType({ type: 'bigint' });
    case 'float32':
      return 'REAL';
    case 'float64':
      return 'DOUBLE';
    case 'boolean':
      return db2Dialect.columnType({ type: 'boolean' });
    case 'string':
      return db2Dialect.columnType(key ? { type: 'text', maxLength: KEY_TEXT_LENGTH } : { type: 'text' });
    case 'json':
      return `CLOB(${LOB_LENGTH})`;
    case 'bytes':
      return key ? 'VARBINARY(255)' : `BLOB(${LOB_LENGTH})`;
    case 'decimal':
      return isFixedDecimal(c)
        ? db2Dialect.columnType({ type: 'decimal', precision: c.precision!, scale: c.scale! })
        : 'DECFLOAT(34)';
    case 'date':
      return db2Dialect.columnType({ type: 'date' });
    case 'timestamp':
      return `TIMESTAMP(${Math.min(6, c.scale ?? 6)})`;
    case 'timestamptz':
      return 'TIMESTAMP(6)';
    case 'time':
      return 'DECIMAL(13,6)';
  }
}

export function isFixedDecimal(c: ColumnSpec): boolean {
  return (
    c.precision !== undefined &&
    c.scale !== undefined &&
    c.precision >= 1 &&
    c.precision <= 31 &&
    c.scale >= 0 &&
    c.scale <= c.precision
  );
}

/** A typed parameter marker: Db2 cannot infer the type of a bare `?` in a VALUES row. */
export function marker(type: string): string {
  return `CAST(? AS ${type})`;
}

/**
 * A literal for a DDL default (DDL takes no parameters). Strings are escaped; the value is already a
 * converted Db2 value (see values.ts), so booleans are 0/1 here.
 */
export function literal(v: SqlValue, c: ColumnSpec): string {
  if (v === null) return 'NULL';
  if (Buffer.isBuffer(v)) return c.kind === 'bytes' ? `BX'${v.toString('hex').toUpperCase()}'` : 'NULL';
  if (typeof v === 'boolean') return db2Dialect.booleanLiteral(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new BadRecordError('VALUE_INVALID', `column ${c.name}: default ${v}`);
    return String(v);
  }
  const quoted = `'${v.replaceAll("'", "''")}'`;
  // Numeric kinds take an exact numeric constant; anything else a string constant Db2 casts on assignment.
  if (['int16', 'int32', 'int64', 'decimal', 'time', 'float32', 'float64'].includes(c.kind)) {
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v)) {
      throw new BadRecordError('VALUE_INVALID', `column ${c.name}: default is not a number`);
    }
    return v;
  }
  return quoted;
}

function columnDef(c: ColumnSpec, key: boolean, value?: SqlValue): string {
  const name = ident(c.name);
  let def = `${name} ${columnType(c, key)}`;
  if (value !== undefined) def += ` DEFAULT ${literal(value, c)}`;
  if (key) def += ' NOT NULL';
  if (c.kind === 'boolean') def += ` CHECK (${db2Dialect.booleanCheck!(name)})`;
  return def;
}

/** CREATE SCHEMA (SQLSTATE 42710 when it exists: the caller checks the catalog first and tolerates that). */
export function createSchemaSql(schema: string): string {
  return `CREATE SCHEMA ${ident(schema)}`;
}

/** The delete markers of one staging schema: the newest delete position of each deleted key. */
export function createTombstonesSql(schema: string): string {
  return [
    `CREATE TABLE ${qualified(schema, TOMBSTONES)} (`,
    `  "TABLE_NAME" ${TABLE_NAME_TYPE} NOT NULL,`,
    `  "KEY" ${MARKER_KEY_TYPE} NOT NULL,`,
    `  "POS" ${POSITION_TYPE} NOT NULL,`,
    `  PRIMARY KEY ("TABLE_NAME", "KEY")`,
    ')',
  ].join('\n');
}

/** The staging table of one source table (values.ts converts defaults before they get here). */
export function createTableSql(
  schema: string,
  table: string,
  keyColumns: string[],
  columns: ColumnSpec[],
  defaults: Map<string, SqlValue> = new Map(),
): string {
  const keys = new Set(keyColumns);
  const lines = columns.map((c) => `  ${columnDef(c, keys.has(c.name), defaults.get(c.name))}`);
  lines.push(
    `  "_starling_pos" ${POSITION_TYPE} NOT NULL`,
    '  "_starling_op" CHAR(1) NOT NULL',
    '  "_starling_source_ts" TIMESTAMP(6)',
    '  "_starling_loaded_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT TIMESTAMP',
    `  PRIMARY KEY (${keyColumns.map(ident).join(', ')})`,
  );
  return `CREATE TABLE ${qualified(schema, table)} (\n${lines.join(',\n')}\n)`;
}

/** ADD COLUMN … DEFAULT gives the rows staging already holds the source default, as the source's ALTER did. */
export function addColumnSql(schema: string, table: string, c: ColumnSpec, value?: SqlValue): string {
  return `ALTER TABLE ${qualified(schema, table)} ADD COLUMN ${columnDef(c, false, value)}`;
}

/** A safe widening (SMALLINT→INTEGER→BIGINT, REAL→DOUBLE, a wider DECIMAL, more fractional digits). */
export function alterTypeSql(schema: string, table: string, column: string, type: string): string {
  return `ALTER TABLE ${qualified(schema, table)} ALTER COLUMN ${ident(column)} SET DATA TYPE ${type}`;
}

/** Db2 may leave a table REORG-pending after ALTER COLUMN SET DATA TYPE; this clears it. */
export function reorgSql(schema: string, table: string): string {
  return `CALL SYSPROC.ADMIN_CMD('REORG TABLE ${qualified(schema, table).replaceAll("'", "''")}')`;
}

/** Parameters one upsert row takes: key digest, position, op, source time, then each column. */
export function upsertRowWidth(columns: ColumnSpec[]): number {
  return 4 + columns.length;
}

/**
 * The guarded upsert of `rows` events of one schema version, as one MERGE (the shape Debezium's Db2
 * dialect writes, plus the position guards):
 * - a matched row is updated only when the incoming position is newer;
 * - an unmatched key is inserted only when no delete marker at that position or newer exists.
 * Parameters, in order: per row [key digest, position, op, source ts, ...columns], then the table name.
 */
export function upsertSql(
  schema: string,
  table: string,
  keyColumns: string[],
  columns: ColumnSpec[],
  rows: number,
): string {
  if (rows < 1) throw new RangeError('an upsert needs at least one row');
  const keys = new Set(keyColumns);
  const row = `(${[
    marker(MARKER_KEY_TYPE),
    marker(POSITION_TYPE),
    marker('CHAR(1)'),
    marker('TIMESTAMP(6)'),
    ...columns.map((c) => marker(columnType(c, keys.has(c.name)))),
  ].join(', ')})`;
  const names = columns.map((c) => ident(c.name));
  const sourceNames = [KEY_ALIAS, ...META.slice(0, 3)].map((n) => `"${n}"`).concat(names);
  const dat = (n: string) => `DAT.${n}`;
  const on = keyColumns.map((k) => `T.${ident(k)} = DAT.${ident(k)}`).join(' AND ');
  const updates = columns
    .filter((c) => !keys.has(c.name))
    .map((c) => `${ident(c.name)} = DAT.${ident(c.name)}`)
    .concat([
      '"_starling_pos" = DAT."_starling_pos"',
      '"_starling_op" = DAT."_starling_op"',
      '"_starling_source_ts" = DAT."_starling_source_ts"',
      '"_starling_loaded_at" = CURRENT TIMESTAMP',
    ]);
  const insertCols = [...names, ...META.map((m) => `"${m}"`)];
  const insertVals = [
    ...names.map(dat),
    'DAT."_starling_pos"',
    'DAT."_starling_op"',
    'DAT."_starling_source_ts"',
    'CURRENT TIMESTAMP',
  ];
  return [
    `MERGE INTO ${qualified(schema, table)} AS T`,
    `USING (VALUES ${Array.from({ length: rows }, () => row).join(',\n  ')})`,
    `  AS DAT(${sourceNames.join(', ')})`,
    `ON ${on}`,
    `WHEN MATCHED AND T."_starling_pos" < DAT."_starling_pos" THEN UPDATE SET ${updates.join(', ')}`,
    `WHEN NOT MATCHED AND NOT EXISTS (SELECT 1 FROM ${qualified(schema, TOMBSTONES)} X WHERE X."TABLE_NAME" = ${marker(TABLE_NAME_TYPE)} AND X."KEY" = DAT."${KEY_ALIAS}" AND X."POS" >= DAT."_starling_pos")`,
    `  THEN INSERT (${insertCols.join(', ')}) VALUES (${insertVals.join(', ')})`,
    'ELSE IGNORE',
  ].join('\n');
}

/** Parameters one delete row takes: each key column, then the position. */
export function deleteRowWidth(keyColumns: string[]): number {
  return keyColumns.length + 1;
}

/**
 * Deletes the rows of `rows` keys whose stored position is older than the delete's.
 * Parameters, in order: per row [...key columns, position].
 */
export function deleteSql(schema: string, table: string, keySpecs: ColumnSpec[], rows: number): string {
  if (rows < 1) throw new RangeError('a delete needs at least one row');
  const row = `(${[...keySpecs.map((c) => marker(columnType(c, true))), marker(POSITION_TYPE)].join(', ')})`;
  const names = keySpecs.map((c) => ident(c.name));
  const match = names.map((n) => `T.${n} = DAT.${n}`).join(' AND ');
  return [
    `DELETE FROM ${qualified(schema, table)} AS T`,
    `WHERE EXISTS (SELECT 1 FROM (VALUES ${Array.from({ length: rows }, () => row).join(',\n  ')})`,
    `  AS DAT(${[...names, '"_starling_pos"'].join(', ')})`,
    `  WHERE ${match} AND T."_starling_pos" < DAT."_starling_pos")`,
  ].join('\n');
}

/** Parameters one marker row takes: table name, key digest, position. */
export const MARKER_ROW_WIDTH = 3;

/**
 * Records delete markers, keeping the newest position per key.
 * Parameters, in order: per row [table name, key digest, position].
 */
export function markerUpsertSql(schema: string, rows: number): string {
  if (rows < 1) throw new RangeError('a marker upsert needs at least one row');
  const row = `(${[marker(TABLE_NAME_TYPE), marker(MARKER_KEY_TYPE), marker(POSITION_TYPE)].join(', ')})`;
  return [
    `MERGE INTO ${qualified(schema, TOMBSTONES)} AS X`,
    `USING (VALUES ${Array.from({ length: rows }, () => row).join(',\n  ')})`,
    '  AS DAT("TABLE_NAME", "KEY", "POS")',
    'ON X."TABLE_NAME" = DAT."TABLE_NAME" AND X."KEY" = DAT."KEY"',
    'WHEN MATCHED AND X."POS" < DAT."POS" THEN UPDATE SET "POS" = DAT."POS"',
    'WHEN NOT MATCHED THEN INSERT ("TABLE_NAME", "KEY", "POS") VALUES (DAT."TABLE_NAME", DAT."KEY", DAT."POS")',
    'ELSE IGNORE',
  ].join('\n');
}

/** Catalog: the columns of a table (SYSCAT.COLUMNS). Parameters: schema, table. */
export const DESCRIBE_COLUMNS_SQL = `SELECT COLNAME, TYPENAME, LENGTH, SCALE FROM SYSCAT.COLUMNS
 WHERE TABSCHEMA = ? AND TABNAME = ? ORDER BY COLNO`;

/** Catalog: the primary key's columns in key order (SYSCAT.KEYCOLUSE). Parameters: schema, table. */
export const DESCRIBE_KEY_SQL = `SELECT K.COLNAME FROM SYSCAT.KEYCOLUSE K
  JOIN SYSCAT.TABCONST C ON C.CONSTNAME = K.CONSTNAME AND C.TABSCHEMA = K.TABSCHEMA AND C.TABNAME = K.TABNAME
 WHERE K.TABSCHEMA = ? AND K.TABNAME = ? AND C.TYPE = 'P' ORDER BY K.COLSEQ`;

/** Catalog: whether a schema exists. Parameter: schema. */
export const SCHEMA_EXISTS_SQL = 'SELECT 1 FROM SYSCAT.SCHEMATA WHERE SCHEMANAME = ?';
