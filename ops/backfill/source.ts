/**
 * What a backfill reads from and writes to the source MariaDB/MySQL, as the application user: facts about
 * the table and the signal table, whether the capture user may write the signal table, the expected row
 * count, and the signal row itself. Names are checked plain identifiers (options.ts) and are quoted; values
 * go as parameters. The one exception is the operator's --where condition, which is SQL by nature: it is
 * spliced only into the count query, run in a READ ONLY transaction, exactly as Debezium splices it into its
 * chunk queries.
 */
import mysql, { type Connection } from 'mysql2/promise';
import type { StarlingConfig } from '../../core/config/load.js';
import { mysqlSslOptions } from '../../core/config/security.js';
import { UserError } from '../../core/errors/user-error.js';
import type { BinlogPosition } from './snapshot-phase.js';

export async function openSource(config: StarlingConfig): Promise<Connection> {
  try {
    return await mysql.createConnection({
      host: config.mysql.host,
      port: config.mysql.port,
      user: config.mysql.user,
      password: config.mysql.password,
      ssl: mysqlSslOptions(config.mysql.tls),
      multipleStatements: false,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      timezone: 'Z',
    });
  } catch (e) {
    throw new UserError(
      `Cannot reach MariaDB at ${config.mysql.host}:${config.mysql.port}: ${(e as Error).message}. Is the stack up (starling stack status)?`,
      'BACKFILL_MYSQL_UNREACHABLE',
    );
  }
}

const q = (name: string) => `\`${name.replaceAll('`', '``')}\``;

export interface TableFacts {
  databaseExists: boolean;
  /** the table's names as the server spells them; undefined when there is no such base table */
  found: { db: string; table: string } | undefined;
  primaryKey: string[];
}

export async function tableFacts(conn: Connection, db: string, table: string): Promise<TableFacts> {
  const [schemata] = await conn.query(
    'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
    [db],
  );
  const dbRows = schemata as Array<{ s: string }>;
  if (dbRows.length === 0) return { databaseExists: false, found: undefined, primaryKey: [] };
  const [tables] = await conn.query(
    `SELECT TABLE_SCHEMA AS d, TABLE_NAME AS t FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND TABLE_TYPE = 'BASE TABLE'`,
    [db, table],
  );
  // information_schema compares names without case: prefer the exact spelling when there are several.
  const rows = tables as Array<{ d: string; t: string }>;
  const row = rows.find((r) => r.d === db && r.t === table) ?? rows[0];
  if (row === undefined) return { databaseExists: true, found: undefined, primaryKey: [] };
  const [keys] = await conn.query(
    `SELECT COLUMN_NAME AS c FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX`,
    [row.d, row.t],
  );
  return {
    databaseExists: true,
    found: { db: row.d, table: row.t },
    primaryKey: (keys as Array<{ c: string }>).map((k) => k.c),
  };
}

/** The columns of a table, in order; empty when it does not exist. */
export async function tableColumns(conn: Connection, db: string, table: string): Promise<string[]> {
  const [rows] = await conn.query(
    `SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
      ORDER BY ORDINAL_POSITION`,
    [db, table],
  );
  return (rows as Array<{ c: string }>).map((r) => r.c.toLowerCase());
}

/**
 * Whether `user` (any host) holds INSERT on db.table, globally, on the database or on the table, as
 * information_schema shows it; undefined when this session cannot see that user's privileges at all.
 * Debezium writes its snapshot-window watermarks into the signal table as the capture user; without INSERT
 * it logs "SQL error while executing incremental snapshot" and skips the table without failing.
 */
export async function userCanInsert(
  conn: Connection,
  user: string,
  db: string,
  table: string,
): Promise<boolean | undefined> {
  const grantee = `'${user.replaceAll('\\', '\\\\').replaceAll('_', '\\_').replaceAll('%', '\\%').replaceAll("'", "''")}'@%`;
  const [seen] = await conn.query(
    'SELECT COUNT(*) AS n FROM information_schema.USER_PRIVILEGES WHERE GRANTEE LIKE ?',
    [grantee],
  );
  if (Number((seen as Array<{ n: string }>)[0]!.n) === 0) return undefined;
  const [rows] = await conn.query(
    `SELECT 1 FROM information_schema.USER_PRIVILEGES WHERE GRANTEE LIKE ? AND PRIVILEGE_TYPE IN ('INSERT', 'ALL PRIVILEGES')
     UNION ALL
     SELECT 1 FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE LIKE ? AND PRIVILEGE_TYPE = 'INSERT' AND ? LIKE TABLE_SCHEMA
     UNION ALL
     SELECT 1 FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE LIKE ? AND PRIVILEGE_TYPE = 'INSERT'
       AND TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
    [grantee, grantee, db, grantee, db, table],
  );
  return (rows as unknown[]).length > 0;
}

/**
 * Rows of db.table matching the operator's condition (all rows without one), in a READ ONLY transaction.
 * Throws the server's error for a condition it rejects.
 */
export async function countRows(
  conn: Connection,
  db: string,
  table: string,
  where?: string,
): Promise<number> {
  await conn.query('START TRANSACTION READ ONLY');
  try {
    const [rows] = await conn.query(
      `SELECT COUNT(*) AS n FROM ${q(db)}.${q(table)}${where === undefined ? '' : ` WHERE (${where})`}`,
    );
    return Number((rows as Array<{ n: string }>)[0]!.n);
  } finally {
    await conn.query('ROLLBACK').catch(() => undefined);
  }
}

/**
 * Inserts the signal row (autocommit) and returns the binlog position right after it: every change Debezium
 * streams from there on was committed after the signal. Undefined when the server will not say.
 */
export async function insertSignal(
  conn: Connection,
  signalTable: { db: string; table: string },
  row: { id: string; type: string; data: string },
): Promise<BinlogPosition | undefined> {
  await conn.query(
    `INSERT INTO ${q(signalTable.db)}.${q(signalTable.table)} (id, type, data) VALUES (?, ?, ?)`,
    [row.id, row.type, row.data],
  );
  for (const statement of ['SHOW MASTER STATUS', 'SHOW BINARY LOG STATUS']) {
    try {
      const [rows] = await conn.query(statement);
      const r = (rows as Array<{ File?: string; Position?: string | number }>)[0];
      if (r?.File !== undefined && r.Position !== undefined) return { file: r.File, pos: Number(r.Position) };
      return undefined;
    } catch {
      // not this server's spelling, or no privilege: try the next one
    }
  }
  return undefined;
}
