import type { Connection } from 'mysql2/promise';
import type { StarlingConfig } from '../core/config/load.js';
import { batchInsert } from './batch-insert.js';
import { checkDatabaseName, connectMysql } from './db.js';
import { CUSTOMERS_DDL, ensureSchema, SALES_DATA_DDL } from './schema.js';
import { customerTuples, salesTuples } from './softcart-rows.js';
import { loadSoftcartData } from './source.js';

export interface SeedSoftcartOptions {
  config: StarlingConfig;
  database?: string;
  /** The course files; undefined uses the built-in generator. */
  dataDir: string | undefined;
  scale?: number;
  onProgress?: (table: string, done: number, total: number) => void;
}

export interface TableCount {
  table: string;
  rows: number;
  /** Rows that were not there before this run. */
  added: number;
}

export interface SeedSoftcartResult {
  database: string;
  origin: string;
  tables: TableCount[];
  catalogDocuments: number;
}

async function count(conn: Connection, table: string): Promise<number> {
  const [rows] = await conn.query(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number((rows as { n: string }[])[0]!.n);
}

/**
 * `starling seed softcart`. Idempotent by ownership: the seed owns sales_data rowids 1 … scale×2,605 and the
 * customers of those rows, and upserts them (INSERT … ON DUPLICATE KEY UPDATE) to their seed values. A second
 * run adds nothing and, on untouched rows, changes nothing (so capture sees no events); rows the workload
 * changed are put back; rows the workload added (higher rowids) are left alone.
 */
export async function seedSoftcart(options: SeedSoftcartOptions): Promise<SeedSoftcartResult> {
  const database = checkDatabaseName(options.database ?? 'sales');
  const data = loadSoftcartData(options.dataDir);
  const sales = salesTuples(data.oltp, options.scale ?? 1);
  const customers = customerTuples(data.oltp, data.countries);
  const conn = await connectMysql(options.config);
  try {
    await ensureSchema(conn, database, [SALES_DATA_DDL, CUSTOMERS_DDL]);
    const before = { sales: await count(conn, 'sales_data'), customers: await count(conn, 'customers') };
    await batchInsert(
      conn,
      `INSERT INTO customers (customer_id, country, updated_at) VALUES ?
       ON DUPLICATE KEY UPDATE country = VALUES(country), updated_at = VALUES(updated_at)`,
      customers,
      { onProgress: (d, t) => options.onProgress?.('customers', d, t) },
    );
    await batchInsert(
      conn,
      `INSERT INTO sales_data (rowid, product_id, customer_id, price, quantity, \`timestamp\`, commit_ts) VALUES ?
       ON DUPLICATE KEY UPDATE product_id = VALUES(product_id), customer_id = VALUES(customer_id),
         price = VALUES(price), quantity = VALUES(quantity), \`timestamp\` = VALUES(\`timestamp\`), commit_ts = NULL`,
      sales.map((t) => [...t, null]),
      { onProgress: (d, t) => options.onProgress?.('sales_data', d, t) },
    );
    const after = { sales: await count(conn, 'sales_data'), customers: await count(conn, 'customers') };
    return {
      database,
      origin: data.origin,
      tables: [
        { table: 'sales_data', rows: after.sales, added: after.sales - before.sales },
        { table: 'customers', rows: after.customers, added: after.customers - before.customers },
      ],
      catalogDocuments: data.catalog.length,
    };
  } finally {
    await conn.end();
  }
}
