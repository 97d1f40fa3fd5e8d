import { quoteIdentifier as q } from '../schemas/ddl/dialect-neutral.js';
import type { CourseTable } from './course-tables.js';

/** The quoted, schema-qualified name of a course table. */
export function courseTableName(schema: string, t: CourseTable): string {
  return `${q(schema)}.${q(t.table)}`;
}

/** The schema and the table, created when missing (an existing table is checked, not altered: see columnsSql). */
export function createCourseTableSql(schema: string, t: CourseTable): string[] {
  const [key, ...rest] = t.columns;
  const cols = [
    `${q(key!.name)} ${key!.type} PRIMARY KEY`,
    ...rest.map((c) => `${q(c.name)} ${c.type} NOT NULL`),
  ];
  return [
    `CREATE SCHEMA IF NOT EXISTS ${q(schema)}`,
    `CREATE TABLE IF NOT EXISTS ${courseTableName(schema, t)} (\n  ${cols.join(',\n  ')}\n)`,
  ];
}

/** Rows `{ name }`: the table's columns in order ($1 schema, $2 table), to check a table that already exists. */
export const COLUMNS_SQL =
  'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position';

/** The COPY statement that loads the table's columns from COPY text on stdin. */
export function copySql(schema: string, t: CourseTable): string {
  return `COPY ${courseTableName(schema, t)} (${t.columns.map((c) => q(c.name)).join(', ')}) FROM STDIN (FORMAT text)`;
}

/**
 * Whether a table's existing columns are the ones the load writes; a message naming both lists when not
 * (a `sales_history` loaded by hand without a row id, say), undefined when they match.
 */
export function columnMismatch(
  schema: string,
  t: CourseTable,
  existing: readonly string[],
): string | undefined {
  const want = t.columns.map((c) => c.name);
  if (existing.length === want.length && existing.every((c, i) => c === want[i])) return undefined;
  return `The warehouse table ${schema}.${t.table} exists with the columns (${existing.join(', ')}), not (${want.join(', ')}) as the load writes them: drop or rename it (its content is replaced on every load anyway), or set STARLING_WAREHOUSE_SCHEMA to another schema.`;
}
