import pg from 'pg';
import type { StarlingConfig } from '../core/config/load.js';
import { UserError } from '../core/errors/user-error.js';
import { softcartModel } from '../schemas/softcart.js';

/** Driver codes of a database that is not there or refuses us: the user fixes these, not the code. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '3D000', // no such database
]);

/**
 * A connected client of the PostgreSQL database at `url`, named `what` in messages. A server that is down or
 * a database that does not exist is a UserError naming host, port and database (never the password); a
 * refused login is left to the CLI's secured-connection mapping, which names the settings to check.
 */
export async function connectPostgres(url: string, what: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // A connection lost between statements must surface on the next statement, not kill the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (e) {
    await client.end().catch(() => undefined);
    const err = e as { code?: string; message?: string };
    if (err.code && UNREACHABLE.has(err.code)) {
      const u = new URL(url);
      throw new UserError(
        `Cannot reach the ${what} database at ${u.hostname}:${u.port || 5432}${u.pathname}: ${err.message}. Is the stack up (starling stack status)?`,
        'POSTGRES_UNREACHABLE',
      );
    }
    throw e;
  }
}

/** The warehouse schema tables go to: STARLING_WAREHOUSE_SCHEMA, else the SoftCart model's name. */
export function warehouseSchema(config: StarlingConfig): string {
  return config.pipeline.warehouseSchema ?? softcartModel.name;
}

/**
 * The PostgreSQL warehouse, for `command` (named in the refusal). A Db2 warehouse (STARLING_WAREHOUSE_URL
 * db2://…) is refused with exit code 2: these loads and queries are written for PostgreSQL only so far.
 */
export async function connectWarehouse(config: StarlingConfig, command: string): Promise<pg.Client> {
  const url = config.postgres.warehouseUrl;
  if (url.startsWith('db2:'))
    throw new UserError(
      `${command}: the warehouse is IBM Db2 (STARLING_WAREHOUSE_URL db2://…), which this command does not support yet; it runs against a PostgreSQL warehouse.`,
      'WAREHOUSE_DB2_UNSUPPORTED',
    );
  return connectPostgres(url, 'warehouse');
}
