import type { Connection } from 'mysql2/promise';

export interface BatchOptions {
  /** Rows per multi-row INSERT statement. */
  rowsPerStatement?: number;
  /** Statements per transaction: big enough to be fast, small enough not to hold locks for long. */
  statementsPerTransaction?: number;
  /** Called after each committed transaction with the rows written so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Writes rows with multi-row INSERT statements inside transactions. `sql` is an INSERT ending in
 * `VALUES ?` (mysql2 expands the nested array and escapes every value), optionally followed by an
 * ON DUPLICATE KEY UPDATE clause. Callers count rows with queries before and after: affected-row counts
 * cannot tell an insert from an unchanged duplicate under mysql2's FOUND_ROWS default.
 */
export async function batchInsert(
  conn: Connection,
  sql: string,
  rows: unknown[][],
  options: BatchOptions = {},
): Promise<void> {
  const perStatement = options.rowsPerStatement ?? 1000;
  const perTxn = perStatement * (options.statementsPerTransaction ?? 10);
  for (let start = 0; start < rows.length; start += perTxn) {
    const chunk = rows.slice(start, start + perTxn);
    await conn.beginTransaction();
    try {
      for (let i = 0; i < chunk.length; i += perStatement) {
        await conn.query(sql, [chunk.slice(i, i + perStatement)]);
      }
      await conn.commit();
    } catch (e) {
      await conn.rollback().catch(() => undefined);
      throw e;
    }
    options.onProgress?.(start + chunk.length, rows.length);
  }
}
