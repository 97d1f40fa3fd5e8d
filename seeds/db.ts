import mysql, { type Connection } from 'mysql2/promise';
import type { StarlingConfig } from '../core/config/load.js';
import { mysqlSslOptions } from '../core/config/security.js';
import { UserError } from '../core/errors/user-error.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Database names are spliced into SQL as identifiers, so only plain names are accepted. */
export function checkDatabaseName(name: string): string {
  if (!NAME.test(name))
    throw new UserError(
      `--database "${name}" is not a plain database name (letters, digits and _, starting with a letter or _, at most 64).`,
      'SEED_DATABASE_NAME',
    );
  return name;
}

/**
 * A connection to the configured MariaDB/MySQL. Dates and big numbers come back as strings (exact, and
 * comparable with what was written); the session runs in UTC like the stack's server.
 */
export async function connectMysql(config: StarlingConfig, database?: string): Promise<Connection> {
  try {
    const conn = await mysql.createConnection({
      host: config.mysql.host,
      port: config.mysql.port,
      user: config.mysql.user,
      password: config.mysql.password,
      ssl: mysqlSslOptions(config.mysql.tls),
      database,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      dateStrings: true,
      timezone: 'Z',
    });
    await conn.query("SET time_zone = '+00:00'");
    return conn;
  } catch (e) {
    const err = e as { code?: string; message: string };
    if (
      err.code === 'ECONNREFUSED' ||
      err.code === 'ER_ACCESS_DENIED_ERROR' ||
      err.code === 'ER_BAD_DB_ERROR'
    )
      throw new UserError(
        `Cannot reach MariaDB at ${config.mysql.host}:${config.mysql.port}${database ? ` (database ${database})` : ''}: ${err.message}. Is the stack up (starling stack status)?`,
        'SEED_MYSQL_UNREACHABLE',
      );
    throw e;
  }
}
