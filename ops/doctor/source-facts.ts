/**
 * Facts about the source MariaDB/MySQL, read as the capture user (the account Debezium connects with), so
 * that what the doctor sees is what Debezium will be allowed to see. The only I/O of the source checks.
 */

import mysql from 'mysql2/promise';
import { defaultCaptureOptions, mariaDbConnectorConfig } from '../../connectors/mariadb.js';
import type { StarlingConfig } from '../../core/config/load.js';
import { mysqlSslOptions } from '../../core/config/security.js';
import { tableColumns } from '../backfill/source.js';

export interface SourceFacts {
  /** host:port */
  address: string;
  /** CURRENT_USER(): the account the server matched, which names the grants' target */
  account: { user: string; host: string };
  /** VERSION(), e.g. 10.11.19-MariaDB-0+deb12u1-log or 8.0.36 */
  version: string;
  /** global variables by lower-case name; a variable the server does not have is absent */
  variables: Record<string, string>;
  /** SHOW GRANTS lines */
  grants: string[];
  databases: Array<{ name: string; exists: boolean }>;
  /** db.table of the captured base tables without a primary key */
  tablesWithoutPrimaryKey: string[];
  /** the connector's signal table and its columns (lower case; empty when it does not exist) */
  signalTable: { db: string; table: string; columns: string[] };
  /** the connector Starling registers: its class and database.server.id */
  connector: { className: string; serverId: number };
}

export const SOURCE_VARIABLES = [
  'log_bin',
  'binlog_format',
  'binlog_row_image',
  'binlog_row_metadata',
  'server_id',
  'binlog_expire_logs_seconds',
  'expire_logs_days',
  'gtid_mode',
  'enforce_gtid_consistency',
  'gtid_strict_mode',
  'gtid_domain_id',
  'log_bin_compress',
];

/** The connector settings the checks compare the server against, as `connectors register` would send them. */
export function connectorExpectations(config: StarlingConfig): SourceFacts['connector'] & {
  signal: { db: string; table: string };
} {
  const options = defaultCaptureOptions(config);
  const c = mariaDbConnectorConfig(config, options);
  const [db = '', table = ''] = (c['signal.data.collection'] ?? '').split('.');
  return { className: c['connector.class']!, serverId: options.serverId, signal: { db, table } };
}

export async function gatherSource(config: StarlingConfig): Promise<SourceFacts> {
  const m = config.mysql;
  const conn = await mysql.createConnection({
    host: m.host,
    port: m.port,
    user: m.captureUser,
    password: m.capturePassword,
    ssl: mysqlSslOptions(m.tls),
    connectTimeout: 5000,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  try {
    const [who] = await conn.query('SELECT VERSION() AS v, CURRENT_USER() AS u');
    const { v, u } = (who as Array<{ v: string; u: string }>)[0]!;
    const at = u.lastIndexOf('@');
    const [vars] = await conn.query('SHOW GLOBAL VARIABLES WHERE Variable_name IN (?)', [SOURCE_VARIABLES]);
    const variables = Object.fromEntries(
      (vars as Array<{ Variable_name: string; Value: string }>).map((r) => [
        r.Variable_name.toLowerCase(),
        String(r.Value),
      ]),
    );
    const [grantRows] = await conn.query('SHOW GRANTS');
    const grants = (grantRows as Array<Record<string, string>>).map((r) => Object.values(r)[0]!);

    const names = config.topics.sourceDatabases;
    const existing = new Set<string>();
    let keyless: string[] = [];
    if (names.length > 0) {
      const [schemata] = await conn.query(
        'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
        [names],
      );
      for (const r of schemata as Array<{ s: string }>) existing.add(r.s);
      // STATISTICS, not TABLE_CONSTRAINTS: MariaDB shows a SELECT-only user no constraints at all.
      const [tables] = await conn.query(
        `SELECT t.TABLE_SCHEMA AS d, t.TABLE_NAME AS t FROM information_schema.TABLES t
          WHERE t.TABLE_TYPE = 'BASE TABLE' AND t.TABLE_SCHEMA IN (?)
            AND NOT EXISTS (SELECT 1 FROM information_schema.STATISTICS s
                             WHERE s.TABLE_SCHEMA = t.TABLE_SCHEMA AND s.TABLE_NAME = t.TABLE_NAME
                               AND s.INDEX_NAME = 'PRIMARY')
          ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME`,
        [names],
      );
      keyless = (tables as Array<{ d: string; t: string }>).map((r) => `${r.d}.${r.t}`);
    }
    const expected = connectorExpectations(config);
    const columns = expected.signal.db
      ? await tableColumns(conn, expected.signal.db, expected.signal.table)
      : [];
    return {
      address: `${m.host}:${m.port}`,
      account: { user: u.slice(0, at), host: u.slice(at + 1) },
      version: v,
      variables,
      grants,
      databases: names.map((name) => ({ name, exists: existing.has(name) })),
      tablesWithoutPrimaryKey: keyless,
      signalTable: { ...expected.signal, columns },
      connector: { className: expected.className, serverId: expected.serverId },
    };
  } finally {
    await conn.end().catch(() => undefined);
  }
}
