import type { Connection } from 'mysql2/promise';

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

export const CUSTOMERS_DDL = `CREATE TABLE IF NOT EXISTS customers (
  customer_id INT NOT NULL PRIMARY KEY,
  country VARCHAR(64) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

/** Creates the database and the tables when missing; running it again changes nothing. */
export async function ensureSchema(conn: Connection, database: string, tables: string[]): Promise<void> {
  await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4`);
  await conn.query(`USE \`${database}\``);
  for (const ddl of tables) await conn.query(ddl);
}
