import mysql from 'mysql2/promise';
import type { StarlingConfig } from '../../core/config/load.js';
import { mysqlSslOptions } from '../../core/config/security.js';
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
    ssl: mysqlSslOptions(config.mysql.tls),
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
      const [rows] = await conn.query({ sql: bindOutsideQuotes(sql, params), rowsAsArray: true });
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

/**
 * Binds `?` placeholders as mysql2 would (each value escaped by mysql.escape), but only outside quoted
 * identifiers and strings: mysql2's own substitution replaces every `?`, including one inside a quoted
 * column name such as `what?`, which then reads a value as part of a name.
 */
export function bindOutsideQuotes(sql: string, params: unknown[]): string {
  if (params.length === 0) return sql;
  let out = '';
  let quote: string | null = null;
  let next = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      out += ch;
      // A doubled quote stays inside; a single one ends the quoted part.
      if (ch === quote) {
        if (sql[i + 1] === quote) out += sql[++i];
        else quote = null;
      } else if (ch === '\\' && quote !== '`' && i + 1 < sql.length) out += sql[++i];
    } else if (ch === '`' || ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      if (next >= params.length) throw new Error(`more placeholders than the ${params.length} values`);
      out += mysql.escape(params[next++] as Parameters<typeof mysql.escape>[0]);
    } else out += ch;
  }
  if (next !== params.length) throw new Error(`${params.length} values for ${next} placeholders`);
  return out;
}
