/** The row shapes the seeds load. Prices are decimal strings so no float ever touches money. */

/** One line of oltpdata.csv: a sale, no rowid (the table assigns it). */
export interface OltpRow {
  productId: number;
  customerId: number;
  price: string;
  quantity: number;
  /** 'YYYY-MM-DD HH:MM:SS', as MariaDB's DATETIME takes it. */
  timestamp: string;
}

/** One line of the ETL module's sales.csv: a sale with its rowid. */
export interface EtlRow extends OltpRow {
  rowid: number;
}

/** One row of the ETL module's sales.sql dump: no price and no timestamp in the course. */
export interface DumpRow {
  rowid: number;
  productId: number;
  customerId: number;
  quantity: number;
}

/** A catalog document with its contract product id (5600 + line index). */
export type CatalogDocument = Record<string, unknown> & { product_id: number; type: string; model: string };
