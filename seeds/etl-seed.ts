import mysql, { type Connection } from 'mysql2/promise';
import type { StarlingConfig } from '../core/config/load.js';
import { UserError } from '../core/errors/user-error.js';
import { batchInsert } from './batch-insert.js';
import { checkDatabaseName, connectMysql } from './db.js';
import type { DumpRow } from './rows.js';
import { ensureSchema, SALES_DATA_DDL } from './schema.js';
import { loadEtlData } from './source.js';

export type EtlPhase = 'load' | 'live' | 'all';
export const ETL_PHASES: readonly EtlPhase[] = ['load', 'live', 'all'];

export function parsePhase(text: string): EtlPhase {
  if ((ETL_PHASES as readonly string[]).includes(text)) return text as EtlPhase;
  throw new UserError(`--phase "${text}" is not one of ${ETL_PHASES.join(', ')}.`, 'SEED_PHASE');
}

export interface SeedEtlOptions {
  config: StarlingConfig;
  database?: string;
  dataDir: string | undefined;
  phase?: EtlPhase;
  /** Rows per live transaction: small, so capture sees a stream of changes rather than one big commit. */
  liveBatchSize?: number;
  onProgress?: (phase: 'load' | 'live', done: number, total: number) => void;
}

export interface SeedEtlResult {
  database: string;
  origin: string;
  /** sales.csv rows written (upserted) by the load phase; 0 when it did not run. */
  loaded: number;
  /** sales.sql rows inserted by the live phase. */
  liveInserted: number;
  rows: number;
  maxRowid: number;
}

async function stats(conn: Connection): Promise<{ rows: number; maxRowid: number }> {
  const [r] = await conn.query('SELECT COUNT(*) AS n, COALESCE(MAX(rowid), 0) AS m FROM sales_data');
  const row = (r as { n: string; m: string }[])[0]!;
  return { rows: Number(row.n), maxRowid: Number(row.m) };
}

/** The sales.sql rows the warehouse does not have yet: rowid above the largest one present. */
export function newerRows(dump: readonly DumpRow[], maxRowid: number): DumpRow[] {
  return dump.filter((r) => r.rowid > maxRowid).sort((a, b) => a.rowid - b.rowid);
}

/**
 * `starling seed softcart-etl`: the course's ETL module as a capture scenario. Phase load upserts sales.csv's
 * rows with their own rowids, prices and timestamps (a rerun restores them, never duplicates). Phase live
 * inserts the sales.sql rows above the current largest rowid, as the course's incremental sync did: they have
 * no price or time in the course, so price is NULL and the timestamp is the load time (NOW()), as the
 * course's solutions did; commit_ts carries the microsecond commit time. A rerun of live finds nothing newer.
 */
export async function seedSoftcartEtl(options: SeedEtlOptions): Promise<SeedEtlResult> {
  const database = checkDatabaseName(options.database ?? 'sales_etl');
  const phase = options.phase ?? 'all';
  const data = loadEtlData(options.dataDir);
  const conn = await connectMysql(options.config);
  try {
    await ensureSchema(conn, database, [SALES_DATA_DDL]);
    let loaded = 0;
    if (phase !== 'live') {
      await batchInsert(
        conn,
        `INSERT INTO sales_data (rowid, product_id, customer_id, price, quantity, \`timestamp\`, commit_ts) VALUES ?
         ON DUPLICATE KEY UPDATE product_id = VALUES(product_id), customer_id = VALUES(customer_id),
           price = VALUES(price), quantity = VALUES(quantity), \`timestamp\` = VALUES(\`timestamp\`), commit_ts = NULL`,
        data.load.map((r) => [r.rowid, r.productId, r.customerId, r.price, r.quantity, r.timestamp, null]),
        { onProgress: (d, t) => options.onProgress?.('load', d, t) },
      );
      loaded = data.load.length;
    }
    let liveInserted = 0;
    if (phase !== 'load') {
      const pending = newerRows(data.dump, (await stats(conn)).maxRowid);
      const now = mysql.raw('NOW()');
      const now6 = mysql.raw('NOW(6)');
      await batchInsert(
        conn,
        'INSERT INTO sales_data (rowid, product_id, customer_id, price, quantity, `timestamp`, commit_ts) VALUES ?',
        pending.map((r) => [r.rowid, r.productId, r.customerId, null, r.quantity, now, now6]),
        {
          rowsPerStatement: options.liveBatchSize ?? 50,
          statementsPerTransaction: 1,
          onProgress: (d, t) => options.onProgress?.('live', d, t),
        },
      );
      liveInserted = pending.length;
    }
    return { database, origin: data.origin, loaded, liveInserted, ...(await stats(conn)) };
  } finally {
    await conn.end();
  }
}
