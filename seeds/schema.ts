import type { Connection } from 'mysql2/promise';
import { SEED_CUSTOMER_UPDATED_AT } from './contract.js';

/**
 * The OLTP tables of the data contract (docs/product.md). `rowid` is the course's key; commit_ts is the
 * microsecond commit time the workload writes (Debezium's MariaDB source timestamps are whole seconds, too
 * coarse to measure freshness); seeded rows leave it NULL.
 */
export const SALES_DATA_DDL = `CREATE TABLE IF NOT EXISTS sales_data (
  rowid INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  product_id INT NOT NULL,
  customer_id INT NOT NULL,
  price DECIMAL(10,2) NULL,
  quantity INT NOT NULL,
  \`timestamp\` DATETIME NOT NULL,
  commit_ts DATETIME(6) NULL,
  KEY ts (\`timestamp\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

/**
 * updated_at is business time: when the customer's current values took effect, on the same clock as
 * sales_data.`timestamp` (not the commit time), so a country move can take effect before sales that were
 * committed earlier. The warehouse versions customers by it.
 */
const UPDATED_AT = `updated_at DATETIME(6) NOT NULL DEFAULT '${SEED_CUSTOMER_UPDATED_AT}'`;

export const CUSTOMERS_DDL = `CREATE TABLE IF NOT EXISTS customers (
  customer_id INT NOT NULL PRIMARY KEY,
  country VARCHAR(64) NOT NULL,
  ${UPDATED_AT}
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

/**
 * Columns added to the contract after tables may already exist (CREATE TABLE IF NOT EXISTS leaves an old
 * table as it is): added when the table is there without them. Existing rows get the column's default.
 */
const ADDED_COLUMNS = [{ table: 'customers', column: 'updated_at', definition: UPDATED_AT }];

/** Creates the database and the tables when missing, and adds missing contract columns; reruns change nothing. */
export async function ensureSchema(conn: Connection, database: string, tables: string[]): Promise<void> {
  await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4`);
  await conn.query(`USE \`${database}\``);
  for (const ddl of tables) await conn.query(ddl);
  for (const a of ADDED_COLUMNS) {
    const [rows] = await conn.query(
      'SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [database, a.table],
    );
    const columns = (rows as { c: string }[]).map((r) => r.c);
    if (columns.length > 0 && !columns.includes(a.column))
      await conn.query(`ALTER TABLE \`${a.table}\` ADD COLUMN ${a.definition}`);
  }
}
