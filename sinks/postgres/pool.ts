import pg from 'pg';

/**
 * A connection pool of a sink. node-postgres emits 'error' on a client whose connection breaks while no
 * query runs on it (PostgreSQL restarting): idle in the pool, or checked out between two statements. With
 * no listener that event kills the process; the sinks must instead see the failure on their next statement
 * and retry it (sinks/runtime/retry.ts), so every client and the pool get a listener that only logs.
 */
export function sinkPool(url: string, max: number, onError: (e: Error) => void = () => undefined): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}
