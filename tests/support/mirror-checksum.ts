import pg from 'pg';
import type { StarlingConfig } from '../../core/config/load.js';
import { mysqlConnection } from './context.js';

/**
 * Checksums of the SoftCart source tables, computed independently by MariaDB and by PostgreSQL over the
 * same canonical row text: row count and the sum of a 60-bit prefix of each row's MD5 (order-independent).
 */
const TABLES: Record<string, { mysql: string; pg: string }> = {
  sales_data: {
    mysql: `CONCAT_WS('|', rowid, product_id, customer_id, COALESCE(price, '~'), quantity,
              DATE_FORMAT(\`timestamp\`, '%Y-%m-%d %H:%i:%s'), COALESCE(DATE_FORMAT(commit_ts, '%Y-%m-%d %H:%i:%s.%f'), '~'))`,
    pg: `concat_ws('|', rowid, product_id, customer_id, COALESCE(price::text, '~'), quantity,
              to_char("timestamp", 'YYYY-MM-DD HH24:MI:SS'), COALESCE(to_char(commit_ts, 'YYYY-MM-DD HH24:MI:SS.US'), '~'))`,
  },
  customers: {
    mysql: `CONCAT_WS('|', customer_id, country)`,
    pg: `concat_ws('|', customer_id, country)`,
  },
};

export async function sourceChecksums(config: StarlingConfig, db: string): Promise<Record<string, string>> {
  const conn = await mysqlConnection(config, db);
  try {
    const out: Record<string, string> = {};
    for (const [table, expr] of Object.entries(TABLES)) {
      const [rows] = await conn.query(
        `SELECT COUNT(*) AS n, COALESCE(SUM(CAST(CONV(LEFT(MD5(${expr.mysql}), 15), 16, 10) AS UNSIGNED)), 0) AS s FROM \`${table}\``,
      );
      const r = (rows as Array<{ n: string; s: string }>)[0]!;
      out[table] = `${r.n}:${r.s}`;
    }
    return out;
  } finally {
    await conn.end();
  }
}

export async function stagingChecksums(pool: pg.Pool, db: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, expr] of Object.entries(TABLES)) {
    try {
      const { rows } = await pool.query(
        `SELECT count(*) AS n, COALESCE(sum(('x' || left(md5(${expr.pg}), 15))::bit(60)::bigint), 0) AS s FROM "${db}"."${table}"`,
      );
      out[table] = `${rows[0].n}:${rows[0].s}`;
    } catch (e) {
      if (!['42P01', '3F000'].includes((e as { code?: string }).code ?? '')) throw e;
      out[table] = 'absent';
    }
  }
  return out;
}

export function stagingPool(config: StarlingConfig): pg.Pool {
  return new pg.Pool({ connectionString: config.postgres.stagingUrl, max: 2 });
}
