import type { Connection } from 'mysql2/promise';

/**
 * A checksum of the tables' contents, leaving out commit_ts (the server's commit time differs between two
 * otherwise identical runs). Row count plus sum and xor of per-row CRC32s: an order-independent fingerprint.
 */
export async function tableChecksums(conn: Connection): Promise<Record<string, string>> {
  const [sales] = await conn.query(
    `SELECT COUNT(*) AS n,
       COALESCE(SUM(CRC32(CONCAT_WS('|', rowid, product_id, customer_id, COALESCE(price, 'NULL'), quantity, \`timestamp\`))), 0) AS s,
       COALESCE(BIT_XOR(CRC32(CONCAT_WS('|', rowid, product_id, customer_id, COALESCE(price, 'NULL'), quantity, \`timestamp\`))), 0) AS x
     FROM sales_data`,
  );
  const [customers] = await conn.query(
    `SELECT COUNT(*) AS n, COALESCE(SUM(CRC32(CONCAT_WS('|', customer_id, country))), 0) AS s,
       COALESCE(BIT_XOR(CRC32(CONCAT_WS('|', customer_id, country))), 0) AS x FROM customers`,
  );
  const fmt = (r: unknown) => {
    const row = (r as { n: string; s: string; x: string }[])[0]!;
    return `${row.n}:${row.s}:${row.x}`;
  };
  return { sales_data: fmt(sales), customers: fmt(customers) };
}
