import pg from 'pg';
import type { Query } from './queries.js';

/**
 * The sales dashboard's own small connection pool on the warehouse, apart from the sink's, so a page
 * polling never takes a connection the sink's writes wait for. Read-only in practice (it runs only the
 * SELECTs of queries.ts); a statement timeout bounds what a slow warehouse can hold up, and JIT is off. Broken idle
 * connections are dropped quietly (as sinks/postgres/pool.ts explains) and the next query reconnects.
 */
export interface SalesPool {
  query: (q: Query) => Promise<unknown[]>;
  end: () => Promise<void>;
}

/** A pool of `max` connections to the PostgreSQL warehouse at `url`. */
export function createSalesPool(url: string, max = 3, statementTimeoutMs = 10_000): SalesPool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 10_000,
    statement_timeout: statementTimeoutMs,
    application_name: 'starling-sales-dashboard',
    // JIT compiling these short aggregates took longer (≈280 ms at 300,000 facts) than running them.
    options: '-c jit=off',
  });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return {
    query: async (q) => (await pool.query(q.text, q.values)).rows,
    end: () => pool.end(),
  };
}
