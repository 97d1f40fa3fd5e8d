import pg from 'pg';
import { UserError } from '../../core/errors/user-error.js';
import type { Runner } from './table-side.js';

/** A PostgreSQL database (staging or warehouse): a small pool, rows as arrays of text. */
export interface PostgresSource {
  run: Runner;
  close(): Promise<void>;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '28P01', // invalid password
  '28000', // invalid authorization
  '3D000', // no such database
]);

export function postgresSource(url: string, what: string, connections = 4): PostgresSource {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const run: Runner = async (sql, params) => {
    try {
      const r = await pool.query({ text: sql, values: params, rowMode: 'array' });
      return r.rows as unknown[][];
    } catch (e) {
      const err = e as { code?: string; message?: string };
      if (err.code && UNREACHABLE.has(err.code)) {
        const u = new URL(url);
        throw new UserError(
          `Cannot reach the ${what} database at ${u.hostname}:${u.port || 5432}${u.pathname}: ${err.message}. Is the stack up (starling stack status)?`,
          'RECONCILE_POSTGRES_UNREACHABLE',
        );
      }
      throw e;
    }
  };
  return { run, close: () => pool.end() };
}

export function pgIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
