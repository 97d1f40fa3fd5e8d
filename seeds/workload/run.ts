import { type FileHandle, open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Connection } from 'mysql2/promise';
import type { StarlingConfig } from '../../core/config/load.js';
import { BUILTIN_COUNTRIES } from '../countries.js';
import { checkDatabaseName, connectMysql } from '../db.js';
import { CUSTOMERS_DDL, ensureSchema, SALES_DATA_DDL } from '../schema.js';
import { type Change, toStatement } from './change.js';
import { DEFAULT_MIX, type Mix, OP_KINDS, type OpKind } from './mix.js';
import { dueMs, waitUntil } from './pacing.js';
import { type StartingState, WorkloadPlanner } from './planner.js';

export interface WorkloadOptions {
  config: StarlingConfig;
  database?: string;
  /** Changes per second. */
  rate: number;
  durationS: number;
  seed?: number;
  mix?: Mix;
  /** Statements per transaction. */
  txnSize?: number;
  /** Appends one JSON line per committed change, in commit order. */
  logFile?: string;
  /** Where moving customers go (the course's countries or the built-in list). */
  countries?: readonly string[];
  /** Called about once a second. */
  onProgress?: (committed: number, planned: number, elapsedS: number) => void;
}

export interface WorkloadResult {
  planned: number;
  committed: number;
  transactions: number;
  byKind: Record<OpKind, number>;
  elapsedS: number;
  /** Committed changes per second of wall time. */
  achievedRate: number;
  /** How far behind its schedule the run fell at worst (0 when it kept up). */
  maxLateMs: number;
}

async function startingState(conn: Connection): Promise<StartingState> {
  const [rows] = await conn.query('SELECT rowid FROM sales_data ORDER BY rowid');
  const [customers] = await conn.query('SELECT customer_id, country FROM customers ORDER BY customer_id');
  return {
    rowids: (rows as { rowid: number }[]).map((r) => Number(r.rowid)),
    customers: (customers as { customer_id: number; country: string }[]).map((c) => [
      Number(c.customer_id),
      c.country,
    ]),
  };
}

function logLines(changes: Change[], seq: number, txn: number): string {
  return changes
    .map((c, i) =>
      JSON.stringify({ seq: seq + i, txn, op: c.op, table: c.table, key: c.key, values: c.values }),
    )
    .join('\n');
}

/**
 * The workload generator: round(rate × duration) changes planned by WorkloadPlanner, committed in
 * transactions of txnSize statements, each transaction started when its first change is due. Every planned
 * change is committed even when the database cannot keep up (the final table must not depend on speed);
 * the achieved rate and the worst lateness say how well it kept the pace.
 */
export async function runWorkload(options: WorkloadOptions): Promise<WorkloadResult> {
  const database = checkDatabaseName(options.database ?? 'sales');
  const txnSize = options.txnSize ?? 1;
  const planned = Math.round(options.rate * options.durationS);
  const conn = await connectMysql(options.config);
  let log: FileHandle | undefined;
  try {
    await ensureSchema(conn, database, [SALES_DATA_DDL, CUSTOMERS_DDL]);
    const planner = new WorkloadPlanner(
      options.seed ?? 1,
      options.mix ?? DEFAULT_MIX,
      options.countries ?? BUILTIN_COUNTRIES,
      await startingState(conn),
    );
    if (options.logFile) log = await open(options.logFile, 'a');
    const byKind = Object.fromEntries(OP_KINDS.map((k) => [k, 0])) as Record<OpKind, number>;
    let committed = 0;
    let transactions = 0;
    let maxLateMs = 0;
    const start = performance.now();
    let lastReport = start;
    while (committed < planned) {
      const changes = Array.from({ length: Math.min(txnSize, planned - committed) }, () => planner.next());
      maxLateMs = Math.max(
        maxLateMs,
        await waitUntil(start, dueMs(committed, options.rate), () => performance.now()),
      );
      await conn.beginTransaction();
      try {
        for (const c of changes) {
          const s = toStatement(c);
          await conn.query(s.sql, s.params);
        }
        await conn.commit();
      } catch (e) {
        await conn.rollback().catch(() => undefined);
        throw e;
      }
      await log?.write(`${logLines(changes, committed + 1, transactions + 1)}\n`);
      for (const c of changes) byKind[c.kind]++;
      committed += changes.length;
      transactions++;
      const now = performance.now();
      if (options.onProgress && now - lastReport >= 1000) {
        lastReport = now;
        options.onProgress(committed, planned, (now - start) / 1000);
      }
    }
    // The run lasts its duration: the last change is due 1/rate before the end, not at it.
    await waitUntil(start, options.durationS * 1000, () => performance.now());
    const elapsedS = (performance.now() - start) / 1000;
    return {
      planned,
      committed,
      transactions,
      byKind,
      elapsedS,
      achievedRate: elapsedS > 0 ? committed / elapsedS : committed,
      maxLateMs,
    };
  } finally {
    await log?.close();
    await conn.end();
  }
}
