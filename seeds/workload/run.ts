import { type FileHandle, open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Connection } from 'mysql2/promise';
import type { StarlingConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import { BUILTIN_COUNTRIES } from '../countries.js';
import { checkDatabaseName, connectMysql } from '../db.js';
import { CUSTOMERS_DDL, ensureSchema, SALES_DATA_DDL } from '../schema.js';
import { type CatalogTarget, type CatalogWriter, openCatalogWriter } from './catalog-target.js';
import { CATALOG_TABLE, type Change, toStatement } from './change.js';
import { DEFAULT_MIX, type Mix, OP_KINDS, type OpKind, writesCatalog } from './mix.js';
import { dueMs, waitUntil } from './pacing.js';
import { type StartingState, WorkloadPlanner } from './planner.js';

export interface WorkloadOptions {
  config: StarlingConfig;
  database?: string;
  /** Changes per second. */
  rate: number;
  durationS: number;
  /**
   * Stops starting changes after this many seconds even when the schedule is not done (a source that cannot
   * keep the rate): for load, never for an oracle (the final state then depends on speed).
   */
  cutOffS?: number;
  seed?: number;
  mix?: Mix;
  /** Statements per transaction. */
  txnSize?: number;
  /**
   * Sessions committing at once (default 1). With more than one, transactions are started in planned order
   * but may commit in another: the final table can then differ from the plan's, and there is no commit-order
   * log — for load (benchmarks), not for an oracle. Needs a mix without catalog changes.
   */
  connections?: number;
  /** Appends one JSON line per committed change, in commit order. */
  logFile?: string;
  /** Where moving customers go (the course's countries or the built-in list). */
  countries?: readonly string[];
  /** Where catalog changes go; required when the mix has late or category changes. */
  catalog?: CatalogTarget;
  /** The catalog documents the target holds at the start (those `starling seed catalog` publishes). */
  catalogDocs?: Array<Record<string, unknown>>;
  /** Called about once a second. */
  onProgress?: (committed: number, planned: number, elapsedS: number) => void;
}

export interface WorkloadResult {
  /** round(rate × duration): the changes on the schedule. */
  planned: number;
  /** Late members still pending when the schedule ended, created then (not paced). */
  flushed: number;
  /** Every change committed: planned + flushed. */
  committed: number;
  transactions: number;
  byKind: Record<OpKind, number>;
  elapsedS: number;
  /** Scheduled changes committed per second of wall time (the unpaced flush is not the pace). */
  achievedRate: number;
  /** How far behind its schedule the run fell at worst (0 when it kept up). */
  maxLateMs: number;
}

async function startingState(
  conn: Connection,
  catalog: ReadonlyArray<Record<string, unknown>>,
): Promise<StartingState> {
  const [rows] = await conn.query('SELECT rowid FROM sales_data ORDER BY rowid');
  const [customers] = await conn.query(
    "SELECT customer_id, country, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s') AS updated_at FROM customers ORDER BY customer_id",
  );
  const [max] = await conn.query('SELECT COALESCE(MAX(product_id), 0) AS m FROM sales_data');
  return {
    rowids: (rows as { rowid: number }[]).map((r) => Number(r.rowid)),
    customers: (customers as { customer_id: number; country: string; updated_at: string }[]).map((c) => [
      Number(c.customer_id),
      c.country,
      c.updated_at,
    ]),
    catalog,
    maxSaleProductId: Number((max as { m: string }[])[0]!.m),
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
 * The transactions of a batch, in order: runs of SQL changes commit together in MariaDB; a catalog change
 * (MongoDB or its stand-in) commits alone, after the SQL before it and before the SQL after it, so the
 * commit order is the planned order.
 */
export function transactionsOf(changes: Change[]): Change[][] {
  const out: Change[][] = [];
  for (const c of changes) {
    const last = out.at(-1);
    if (c.table !== CATALOG_TABLE && last && last[0]!.table !== CATALOG_TABLE) last.push(c);
    else out.push([c]);
  }
  return out;
}

/**
 * The workload generator: round(rate × duration) changes planned by WorkloadPlanner, committed in
 * transactions of txnSize statements, each transaction started when its first change is due. Every planned
 * change is committed even when the database cannot keep up (the final table must not depend on speed);
 * the achieved rate and the worst lateness say how well it kept the pace. Catalog changes go to the catalog
 * target, each alone and in commit order; late members still pending at the end are created after the
 * schedule, so the final state has every member a sale refers to.
 */
export async function runWorkload(options: WorkloadOptions): Promise<WorkloadResult> {
  const database = checkDatabaseName(options.database ?? 'sales');
  const txnSize = options.txnSize ?? 1;
  const mix = options.mix ?? DEFAULT_MIX;
  const planned = Math.round(options.rate * options.durationS);
  if (writesCatalog(mix) && !options.catalog)
    throw new UserError(
      'The mix has late or category changes, which write the product catalog, but no catalog target is given: pass catalog (the Kafka stand-in with a topic prefix, or a MongoDB URL) and the catalog documents it holds.',
      'LOAD_NO_CATALOG',
    );
  const sessions = options.connections ?? 1;
  if (sessions > 1 && (writesCatalog(mix) || options.logFile))
    throw new UserError(
      'Concurrent sessions commit in no fixed order: they cannot write the catalog in order nor keep a commit-order log; use one connection for a mix with catalog changes or a log file.',
      'LOAD_CONCURRENT_ORDER',
    );
  const conn = await connectMysql(options.config);
  const extra: Connection[] = [];
  let log: FileHandle | undefined;
  let catalog: CatalogWriter | undefined;
  try {
    await ensureSchema(conn, database, [SALES_DATA_DDL, CUSTOMERS_DDL]);
    const docs = options.catalogDocs ?? [];
    const planner = new WorkloadPlanner(
      options.seed ?? 1,
      mix,
      options.countries ?? BUILTIN_COUNTRIES,
      await startingState(conn, docs),
    );
    if (writesCatalog(mix) && options.catalog)
      catalog = await openCatalogWriter(options.catalog, docs, options.config);
    if (options.logFile) log = await open(options.logFile, 'a');
    const byKind = Object.fromEntries(OP_KINDS.map((k) => [k, 0])) as Record<OpKind, number>;
    let committed = 0;
    let transactions = 0;

    /** Commits a batch in order, logging each transaction after its commit. */
    const commit = async (changes: Change[]) => {
      for (const txn of transactionsOf(changes)) {
        if (txn[0]!.table === CATALOG_TABLE) await catalog!.write(txn[0]!);
        else await commitSql(conn, txn);
        await log?.write(`${logLines(txn, committed + 1, transactions + 1)}\n`);
        for (const c of txn) byKind[c.kind]++;
        committed += txn.length;
        transactions++;
      }
    };

    for (let i = 1; i < sessions; i++) extra.push(await connectMysql(options.config, database));
    // Idle sessions (the first one is `conn`, used alone when there is only one).
    const idle = [conn, ...extra];
    const busy = new Set<Promise<void>>();
    let failed: unknown;
    /** Commits on an idle session without waiting for it; waits for one to be idle first. */
    const commitConcurrently = async (changes: Change[]) => {
      while (idle.length === 0) await Promise.race(busy);
      if (failed) throw failed;
      const session = idle.pop()!;
      const p: Promise<void> = commitSql(session, changes).then(
        () => {
          for (const c of changes) byKind[c.kind]++;
          committed += changes.length;
          transactions++;
          busy.delete(p);
          idle.push(session);
        },
        (e) => {
          failed ??= e;
          busy.delete(p);
          idle.push(session);
        },
      );
      busy.add(p);
    };

    let maxLateMs = 0;
    let started = 0;
    const start = performance.now();
    let lastReport = start;
    const cutOff = options.cutOffS === undefined ? Number.POSITIVE_INFINITY : start + options.cutOffS * 1000;
    while (started < planned && performance.now() < cutOff) {
      const changes = Array.from({ length: Math.min(txnSize, planned - started) }, () => planner.next());
      maxLateMs = Math.max(
        maxLateMs,
        await waitUntil(start, dueMs(started, options.rate), () => performance.now()),
      );
      started += changes.length;
      if (sessions > 1) await commitConcurrently(changes);
      else await commit(changes);
      const now = performance.now();
      if (options.onProgress && now - lastReport >= 1000) {
        lastReport = now;
        options.onProgress(committed, planned, (now - start) / 1000);
      }
    }
    await Promise.all(busy);
    if (failed) throw failed;
    // Members late sales refer to and that were still pending: the final state must have every one.
    const pending = planner.flush();
    for (let i = 0; i < pending.length; i += txnSize) await commit(pending.slice(i, i + txnSize));
    // The run lasts its duration: the last change is due 1/rate before the end, not at it.
    await waitUntil(start, options.durationS * 1000, () => performance.now());
    const elapsedS = (performance.now() - start) / 1000;
    return {
      planned,
      flushed: pending.length,
      committed,
      transactions,
      byKind,
      elapsedS,
      // The scheduled changes committed (all of them unless cut off), per second.
      achievedRate: (committed - pending.length) / Math.max(elapsedS, 1e-9),
      maxLateMs,
    };
  } finally {
    await catalog?.close();
    await log?.close();
    for (const c of extra) await c.end().catch(() => undefined);
    await conn.end();
  }
}

async function commitSql(conn: Connection, changes: Change[]): Promise<void> {
  if (changes.length === 1) {
    // One statement in autocommit mode is its own transaction: one round trip instead of three.
    const s = toStatement(changes[0]!);
    await conn.query(s.sql, s.params);
    return;
  }
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
}
