import type pg from 'pg';
import type { ColumnSpec } from '../envelope/types.js';
import { BadRecordError } from '../envelope/types.js';
import {
  ARRAY_TYPE,
  columnType,
  ident,
  isMapped,
  literal,
  qualified,
  stagingName,
  textLiteral,
} from './sql.js';

export const TOMBSTONES = '__starling_deleted_keys';
export const META_COLUMNS = ['_starling_pos', '_starling_op', '_starling_source_ts', '_starling_loaded_at'];

interface ExistingColumn {
  name: string;
  dataType: string;
  precision: number | null;
  scale: number | null;
  datetimePrecision: number | null;
}

/** Integer and float types that may widen into one another, narrowest first. */
const WIDENING = [
  ['smallint', 'integer', 'bigint', 'numeric'],
  ['real', 'double precision'],
];

function normalType(t: string): string {
  return t === 'timestamp without time zone'
    ? 'timestamp'
    : t === 'timestamp with time zone'
      ? 'timestamptz'
      : t;
}

/**
 * Whether a column declared as `existing` can take values of spec `c`: returns null when it can as is,
 * the ALTER TYPE target when a safe widening makes it able to, and throws when it cannot.
 */
export function compatibility(existing: ExistingColumn, c: ColumnSpec): string | null {
  const want = ARRAY_TYPE[c.kind];
  const have = normalType(existing.dataType);
  if (have === want) {
    if (c.kind === 'decimal' && existing.precision !== null && c.precision !== undefined) {
      if (c.precision > existing.precision || (c.scale ?? 0) > (existing.scale ?? 0)) {
        if ((c.scale ?? 0) < (existing.scale ?? 0)) {
          throw new BadRecordError(
            'SCHEMA_INCOMPATIBLE',
            `column ${c.name}: decimal scale would shrink from ${existing.scale} to ${c.scale}`,
          );
        }
        return columnType(c);
      }
    }
    if (c.kind === 'timestamp' && (existing.datetimePrecision ?? 6) < Math.min(6, c.scale ?? 6))
      return columnType(c);
    return null;
  }
  for (const chain of WIDENING) {
    const from = chain.indexOf(have);
    const to = chain.indexOf(want);
    if (from >= 0 && to >= 0) {
      if (to > from) return columnType(c);
      return null; // a narrower source type still fits the wider column
    }
  }
  if (have === 'text' && ['json', 'timestamptz'].includes(c.kind)) return null;
  throw new BadRecordError(
    'SCHEMA_INCOMPATIBLE',
    `column ${c.name} is ${have} in staging and cannot safely become ${want}`,
  );
}

/** The staging catalog of one table, read from the database. */
export async function describeTable(
  client: pg.ClientBase,
  schema: string,
  table: string,
): Promise<{ columns: Map<string, ExistingColumn>; key: string[] } | undefined> {
  const cols = await client.query<{
    column_name: string;
    data_type: string;
    numeric_precision: number | null;
    numeric_scale: number | null;
    datetime_precision: number | null;
  }>(
    `SELECT column_name, data_type, numeric_precision, numeric_scale, datetime_precision
       FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`,
    [stagingName(schema), stagingName(table)],
  );
  if (cols.rowCount === 0) return undefined;
  const key = await client.query<{ attname: string }>(
    `SELECT a.attname FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass AND i.indisprimary
      ORDER BY array_position(i.indkey, a.attnum)`,
    [stagingName(schema), stagingName(table)],
  );
  return {
    columns: new Map(
      cols.rows.map((r) => [
        r.column_name,
        {
          name: r.column_name,
          dataType: r.data_type,
          precision: r.numeric_precision,
          scale: r.numeric_scale,
          datetimePrecision: r.datetime_precision,
        },
      ]),
    ),
    key: key.rows.map((r) => r.attname),
  };
}

/** The staging table of a source table: schema and table names mapped (stagingName), quoted. */
export function stagingTable(schema: string, table: string): string {
  return qualified(stagingName(schema), stagingName(table));
}

/** A source column's staging name, quoted. */
export function stagingColumn(name: string): string {
  return ident(stagingName(name));
}

/** Comments naming the source of every mapped name, so a mapped table or column says what it mirrors. */
function sourceNameComments(schema: string, table: string, columns: ColumnSpec[]): string[] {
  const t = stagingTable(schema, table);
  const out: string[] = [];
  if (isMapped(schema))
    out.push(
      `COMMENT ON SCHEMA ${ident(stagingName(schema))} IS ${textLiteral(`source database: ${schema}`)}`,
    );
  if (isMapped(table)) out.push(`COMMENT ON TABLE ${t} IS ${textLiteral(`source table: ${table}`)}`);
  for (const c of columns)
    if (isMapped(c.name))
      out.push(
        `COMMENT ON COLUMN ${t}.${stagingColumn(c.name)} IS ${textLiteral(`source column: ${c.name}`)}`,
      );
  return out;
}

/**
 * Source column names staging cannot hold, refused (dead-lettered) with every name involved. Two source
 * columns whose staging names are equal (two long names with the same prefix and hash) cannot
 * both be mirrored: the schema version is refused with both names, never merged into one column.
 */
export function checkStagingNames(table: string, columns: ColumnSpec[]): void {
  const seen = new Map<string, string>();
  for (const c of columns) {
    const n = stagingName(c.name);
    // Staging's own columns sit beside the source's: a source column of the same name cannot be mirrored.
    if (META_COLUMNS.includes(n))
      throw new BadRecordError(
        'IDENTIFIER_RESERVED',
        `${table}: column "${c.name}" has the name of a column staging adds (${META_COLUMNS.join(', ')})`,
      );
    const other = seen.get(n);
    if (other !== undefined)
      throw new BadRecordError(
        'IDENTIFIER_COLLISION',
        `${table}: columns "${other}" and "${c.name}" would both be "${n}" in staging`,
      );
    seen.set(n, c.name);
  }
}

export function createTableSql(
  schema: string,
  table: string,
  keyColumns: string[],
  columns: ColumnSpec[],
): string[] {
  const defs = columns.map(
    (c) =>
      `${stagingColumn(c.name)} ${columnType(c)}${c.defaultValue !== undefined ? ` DEFAULT ${literal(c.defaultValue, c)}` : ''}`,
  );
  return [
    `CREATE SCHEMA IF NOT EXISTS ${ident(stagingName(schema))}`,
    `CREATE TABLE IF NOT EXISTS ${qualified(stagingName(schema), TOMBSTONES)} (
       table_name text NOT NULL, key text NOT NULL, pos text COLLATE "C" NOT NULL,
       PRIMARY KEY (table_name, key))`,
    `CREATE TABLE IF NOT EXISTS ${stagingTable(schema, table)} (
       ${defs.join(',\n       ')},
       _starling_pos text COLLATE "C" NOT NULL,
       _starling_op char(1) NOT NULL,
       _starling_source_ts timestamptz,
       _starling_loaded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
       PRIMARY KEY (${keyColumns.map(stagingColumn).join(', ')}))`,
    ...sourceNameComments(schema, table, columns),
  ];
}

/** ADD COLUMN, and the comment naming its source when its name is mapped. */
export function addColumnSql(schema: string, table: string, c: ColumnSpec): string[] {
  // ADD COLUMN ... DEFAULT fills the rows staging already has, as the source's ALTER did without row events.
  return [
    `ALTER TABLE ${stagingTable(schema, table)} ADD COLUMN IF NOT EXISTS ${stagingColumn(c.name)} ${columnType(c)}${
      c.defaultValue !== undefined ? ` DEFAULT ${literal(c.defaultValue, c)}` : ''
    }`,
    ...(isMapped(c.name)
      ? [
          `COMMENT ON COLUMN ${stagingTable(schema, table)}.${stagingColumn(c.name)} IS ${textLiteral(`source column: ${c.name}`)}`,
        ]
      : []),
  ];
}

export function alterTypeSql(schema: string, table: string, column: string, type: string): string {
  return `ALTER TABLE ${stagingTable(schema, table)} ALTER COLUMN ${stagingColumn(column)} TYPE ${type}`;
}
