import { stagingName } from '../../sinks/postgres/sql.js';
import { type MariadbColumn, pairCanon, quoteIdent } from './canonical.js';
import type { SideSpec } from './table-side.js';
import { type Canon, KEY_KINDS } from './types.js';

/**
 * A source table and its staging mirror, as read from each database's catalog, and the comparison they
 * make: the source's key and columns, each compared as a canonical kind decided by both column types
 * (canonical.ts pairCanon). Staging's metadata columns are never compared.
 */

/** The staging sink's own columns (sinks/postgres/catalog.ts META_COLUMNS). */
export const STAGING_META_COLUMNS = new Set([
  '_starling_pos',
  '_starling_op',
  '_starling_source_ts',
  '_starling_loaded_at',
]);

export interface SourceTable {
  db: string;
  name: string;
  columns: MariadbColumn[];
  /** Primary-key columns in key order (empty: no primary key). */
  key: string[];
}

export interface StagingTable {
  /** Column name -> information_schema data_type. */
  columns: Map<string, string>;
  key: string[];
}

export interface PairPlan {
  source: SideSpec;
  target: SideSpec;
  keyColumns: string[];
  columns: Array<{ name: string; canon: Canon }>;
  notes: string[];
}

export type StagingPlan =
  | { ok: true; plan: PairPlan; problems: string[] }
  | { ok: false; problems: string[]; notes: string[] };

/** Reads the source tables of some databases (base tables; the columns and primary key of each). */
export async function readSourceTables(
  run: (sql: string, params: unknown[]) => Promise<unknown[][]>,
  databases: string[],
): Promise<SourceTable[]> {
  if (databases.length === 0) return [];
  const cols = await run(
    `SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, LOWER(c.DATA_TYPE), c.COLUMN_TYPE, c.NUMERIC_SCALE
       FROM information_schema.COLUMNS c
       JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
      WHERE c.TABLE_SCHEMA IN (?) AND t.TABLE_TYPE = 'BASE TABLE'
      ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION`,
    [databases],
  );
  const keys = await run(
    `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
      WHERE CONSTRAINT_NAME = 'PRIMARY' AND TABLE_SCHEMA IN (?)
      ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
    [databases],
  );
  const tables = new Map<string, SourceTable>();
  for (const [db, name, column, dataType, columnType, scale] of cols as string[][]) {
    const id = `${db}.${name}`;
    if (!tables.has(id)) tables.set(id, { db: db!, name: name!, columns: [], key: [] });
    tables.get(id)!.columns.push({
      name: column!,
      dataType: String(dataType),
      columnType: String(columnType),
      scale: scale === null || scale === undefined ? null : Number(scale),
    });
  }
  for (const [db, name, column] of keys as string[][]) tables.get(`${db}.${name}`)?.key.push(column!);
  return [...tables.values()];
}

/**
 * Reads the staging mirror of a source table (its names mapped as the sink maps them: stagingName), its
 * columns (by staging name) and primary key; undefined when it does not exist.
 */
export async function readStagingTable(
  run: (sql: string, params: unknown[]) => Promise<unknown[][]>,
  sourceDb: string,
  sourceTable: string,
): Promise<StagingTable | undefined> {
  const [schema, table] = [stagingName(sourceDb), stagingName(sourceTable)];
  const cols = await run(
    `SELECT column_name, data_type FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, table],
  );
  if (cols.length === 0) return undefined;
  const key = await run(
    `SELECT a.attname FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE n.nspname = $1 AND c.relname = $2 AND i.indisprimary
      ORDER BY array_position(i.indkey, a.attnum)`,
    [schema, table],
  );
  return {
    columns: new Map((cols as string[][]).map(([n, t]) => [n!, t!])),
    key: (key as string[][]).map(([n]) => n!),
  };
}

/** The tables (staging names) of a source database's staging schema, bookkeeping tables left out. */
export async function readStagingTableNames(
  run: (sql: string, params: unknown[]) => Promise<unknown[][]>,
  sourceDb: string,
): Promise<string[]> {
  const schema = stagingName(sourceDb);
  const rows = await run(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_\\_starling%'
      ORDER BY table_name`,
    [schema],
  );
  return (rows as string[][]).map(([n]) => n!);
}

/** The comparison of a source table with its staging mirror, or why there can be none. */
export function planStagingPair(source: SourceTable, staging: StagingTable | undefined): StagingPlan {
  const problems: string[] = [];
  const notes: string[] = [];
  if (!staging)
    return { ok: false, problems: [`no table "${source.db}"."${source.name}" in staging`], notes };
  const byName = new Map(source.columns.map((c) => [c.name, c]));
  const keyCanons: Canon[] = [];
  // Staging names its columns by stagingName (only names past PostgreSQL's 63 bytes differ).
  const mirrored = (n: string) => staging.columns.get(stagingName(n));
  for (const k of source.key) {
    const type = mirrored(k);
    if (type === undefined) {
      problems.push(`key column ${k} is missing in staging`);
      continue;
    }
    const canon = pairCanon(byName.get(k)!, type);
    if ('skip' in canon || !KEY_KINDS.has(canon.kind)) {
      return {
        ok: false,
        problems,
        notes: [`not compared: key column ${k} is ${byName.get(k)!.columnType}, which cannot be ranged`],
      };
    }
    keyCanons.push(canon);
  }
  if (problems.length > 0) return { ok: false, problems, notes };
  if (staging.key.join(',') !== source.key.map(stagingName).join(','))
    problems.push(
      `staging's primary key is (${staging.key.join(', ')}), the source's (${source.key.join(', ')})`,
    );
  const columns: Array<{ name: string; canon: Canon }> = [];
  for (const c of source.columns) {
    if (source.key.includes(c.name)) continue;
    const type = mirrored(c.name);
    if (type === undefined) {
      problems.push(`column ${c.name} is missing in staging`);
      continue;
    }
    const canon = pairCanon(c, type);
    if ('skip' in canon) {
      notes.push(`column ${c.name}: ${canon.skip}`);
      continue;
    }
    columns.push({ name: c.name, canon });
  }
  const sourceNames = new Set(source.columns.map((c) => stagingName(c.name)));
  const stagingOnly = [...staging.columns.keys()].filter(
    (n) => !sourceNames.has(n) && !STAGING_META_COLUMNS.has(n),
  );
  if (stagingOnly.length > 0)
    notes.push(`column${stagingOnly.length > 1 ? 's' : ''} in staging only: ${stagingOnly.join(', ')}`);
  const my = (n: string) => quoteIdent('mariadb', n);
  const pgq = (n: string) => quoteIdent('postgres', stagingName(n));
  return {
    ok: true,
    problems,
    plan: {
      keyColumns: source.key,
      columns,
      notes,
      source: {
        dialect: 'mariadb',
        table: `${my(source.db)}.${my(source.name)}`,
        key: source.key.map((k, i) => ({ sql: my(k), canon: keyCanons[i]! })),
        columns: columns.map((c) => ({ sql: my(c.name), canon: c.canon })),
      },
      target: {
        dialect: 'postgres',
        table: `${pgq(source.db)}.${pgq(source.name)}`,
        key: source.key.map((k, i) => ({
          sql: pgq(k),
          canon: keyCanons[i]!,
          pgType: mirrored(k),
        })),
        columns: columns.map((c) => ({ sql: pgq(c.name), canon: c.canon })),
      },
    },
  };
}
