import mysql from 'mysql2/promise';
import type { StarlingConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import type { Runner } from './table-side.js';

/**
 * The MariaDB/MySQL side: a small pool of the application user's connections, each in UTC (TIMESTAMP
 * columns render as UTC, like PostgreSQL's `AT TIME ZONE 'UTC'`) and utf8mb4, numbers and dates returned as
 * text, rows as arrays.
 */
export interface MariadbSource {
  run: Runner;
  close(): Promise<void>;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'PROTOCOL_CONNECTION_LOST',
]);

export function mariadbSource(config: StarlingConfig, connections = 4): MariadbSource {
  const pool = mysql.createPool({
    host: config.mysql.host,
    port: config.mysql.port,
    user: config.mysql.user,
    password: config.mysql.password,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    dateStrings: true,
    timezone: 'Z',
    connectionLimit: connections,
  });
  const ready = new WeakSet<object>();
  const run: Runner = async (sql, params) => {
    let conn: mysql.PoolConnection;
    try {
      conn = await pool.getConnection();
    } catch (e) {
      throw unreachable(config, e);
    }
    try {
      // The pool hands out wrappers of the same underlying connections: set each one up once.
      const raw = (conn as unknown as { connection: object }).connection;
      if (!ready.has(raw)) {
        await conn.query("SET time_zone = '+00:00'");
        ready.add(raw);
      }
      const [rows] = await conn.query({ sql, rowsAsArray: true }, params);
      return rows as unknown[][];
    } catch (e) {
      throw unreachable(config, e);
    } finally {
      conn.release();
    }
  };
  return { run, close: () => pool.end() };
}

function unreachable(config: StarlingConfig, e: unknown): unknown {
  const err = e as { code?: string; message?: string };
  if (err.code && UNREACHABLE.has(err.code))
    return new UserError(
      `Cannot reach MariaDB at ${config.mysql.host}:${config.mysql.port}: ${err.message}. Is the stack up (starling stack status)?`,
      'RECONCILE_MYSQL_UNREACHABLE',
    );
  return e;
}

export function mysqlIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}
