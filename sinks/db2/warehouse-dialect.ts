import type { DimensionDef, FactDef, StarModel } from '../../schemas/model/types.js';
import type { DateRow } from '../../streams/date-dimension.js';
import type { SqlValue } from '../envelope/types.js';
import type {
  FactDelete,
  FactRow,
  MemberRepoint,
  MemberRow,
  PointRow,
  StoredMember,
  VersionRepoint,
  VersionRow,
  WarehouseDialect,
  WarehouseTx,
} from '../warehouse/dialect.js';
import { type Db2Connection, type IbmDb, loadIbmDb } from './driver.js';
import { Db2Pool } from './pool.js';
import { createSchemaSql, SCHEMA_EXISTS_SQL } from './sql.js';
import {
  createModelIndexesSql,
  createModelTablesSql,
  createReportsSql,
  decodeMembers,
  decodePoints,
  deleteFactsSql,
  ensureDatesSql,
  hasReports,
  insertInferredSql,
  insertPointsSql,
  lockRowSql,
  lockSql,
  readMembersSql,
  readPointsSql,
  refreshReportsSql,
  replaceVersionsSql,
  repointByMemberSql,
  repointByVersionSql,
  SCHEMA_INDEXES_SQL,
  SCHEMA_TABLES_SQL,
  type Statement,
  upsertFactsSql,
  upsertMembersSql,
} from './warehouse-sql.js';

/** SQLSTATE 42710 / SQL0601N: the object already exists (another writer created it first). */
function alreadyExists(e: unknown): boolean {
  const x = e as { state?: string; sqlstate?: string; sqlcode?: number } | null;
  return x?.state === '42710' || x?.sqlstate === '42710' || x?.sqlcode === -601;
}

/** SQLSTATE 23505 / SQL0803N: a duplicate key (a concurrent insert of the same row won). */
function duplicateKey(e: unknown): boolean {
  const x = e as { state?: string; sqlstate?: string; sqlcode?: number } | null;
  return x?.state === '23505' || x?.sqlstate === '23505' || x?.sqlcode === -803;
}

/** The operations of one transaction, on its connection; unusable once the transaction has ended. */
class Db2WarehouseTx implements WarehouseTx {
  private ended = false;

  constructor(
    private readonly conn: Db2Connection,
    private readonly schema: string,
  ) {}

  end(): void {
    this.ended = true;
  }

  private async run(statements: Statement[]): Promise<Array<Record<string, unknown>>> {
    const rows: Array<Record<string, unknown>> = [];
    for (const s of statements) {
      if (this.ended) throw new Error('the Db2 warehouse transaction has already ended');
      rows.push(...(await this.conn.query<Record<string, unknown>>(s.sql, s.params)));
    }
    return rows;
  }

  async upsertMembers(dim: DimensionDef, rows: MemberRow[]): Promise<void> {
    await this.run(upsertMembersSql(this.schema, dim, rows));
  }

  async insertInferred(
    dim: DimensionDef,
    rows: Array<{ key: bigint; naturalKey: SqlValue; validFrom?: bigint }>,
  ): Promise<void> {
    await this.run(insertInferredSql(this.schema, dim, rows));
  }

  async readMembers(dim: DimensionDef, naturalKeys: SqlValue[]): Promise<StoredMember[]> {
    return decodeMembers(dim, await this.run(readMembersSql(this.schema, dim, naturalKeys)));
  }

  async insertPoints(dim: DimensionDef, points: PointRow[]): Promise<void> {
    await this.run(insertPointsSql(this.schema, dim, points));
  }

  async readPoints(dim: DimensionDef, naturalKeys: SqlValue[]): Promise<PointRow[]> {
    return decodePoints(dim, await this.run(readPointsSql(this.schema, dim, naturalKeys)));
  }

  async replaceVersions(dim: DimensionDef, naturalKeys: SqlValue[], versions: VersionRow[]): Promise<void> {
    await this.run(replaceVersionsSql(this.schema, dim, naturalKeys, versions));
  }

  async ensureDates(model: StarModel, rows: DateRow[]): Promise<void> {
    await this.run(ensureDatesSql(this.schema, model, rows));
  }

  async upsertFacts(fact: FactDef, model: StarModel, rows: FactRow[]): Promise<void> {
    await this.run(upsertFactsSql(this.schema, fact, model, rows));
  }

  async deleteFacts(fact: FactDef, deletes: FactDelete[]): Promise<void> {
    await this.run(deleteFactsSql(this.schema, fact, deletes));
  }

  async repointByVersion(fact: FactDef, dim: DimensionDef, ranges: VersionRepoint[]): Promise<void> {
    await this.run(repointByVersionSql(this.schema, fact, dim, ranges));
  }

  async repointByMember(fact: FactDef, via: DimensionDef, members: MemberRepoint[]): Promise<void> {
    await this.run(repointByMemberSql(this.schema, fact, via, members));
  }
}

/**
 * The warehouse sink's Db2 dialect (the same tables and guarantees as sinks/postgres/warehouse-dialect.ts;
 * SQL in warehouse-sql.ts). ibm_db is loaded at the first use, so constructing this without the driver
 * installed does not fail. A small pool of connections (Db2Pool, shared with Db2Staging): each transaction
 * is one connection, which first takes LOCK TABLE "<schema>"."_starling_lock" IN EXCLUSIVE MODE (held to
 * commit or rollback).
 */
export class Db2Warehouse implements WarehouseDialect {
  private readonly pool: Db2Pool;

  constructor(
    url: string,
    readonly schema: string,
    poolSize = 4,
    load: () => Promise<IbmDb> = () => loadIbmDb(),
  ) {
    // Db2Pool validates the URL now (a config error should surface at start), without loading the driver.
    this.pool = new Db2Pool(url, poolSize, load);
  }

  async ensureModel(model: StarModel): Promise<void> {
    await this.pool.withConnection(async (conn) => {
      const tolerate = (e: unknown) => {
        if (!alreadyExists(e)) throw e;
      };
      if ((await conn.query(SCHEMA_EXISTS_SQL, [this.schema])).length === 0)
        await conn.query(createSchemaSql(this.schema)).catch(tolerate);
      const existing = async () =>
        new Set(
          (await conn.query<{ TABNAME: string }>(SCHEMA_TABLES_SQL, [this.schema])).map((r) => r.TABNAME),
        );
      // DDL runs in autocommit; concurrent creators may race, so "already exists" is fine.
      for (const ddl of createModelTablesSql(this.schema, model, await existing()))
        await conn.query(ddl).catch(tolerate);
      const indexes = new Set(
        (await conn.query<{ INDNAME: string }>(SCHEMA_INDEXES_SQL, [this.schema])).map((r) => r.INDNAME),
      );
      for (const ddl of createModelIndexesSql(this.schema, model, indexes))
        await conn.query(ddl).catch(tolerate);
      const lock = lockRowSql(this.schema, model);
      await conn.query(lock.sql, lock.params).catch((e: unknown) => {
        if (!duplicateKey(e)) throw e;
      });
      if (hasReports(model))
        for (const group of createReportsSql(this.schema, await existing())) {
          for (const sql of group) await conn.query(sql).catch(tolerate);
        }
    });
  }

  async transaction<T>(fn: (tx: WarehouseTx) => Promise<T>): Promise<T> {
    const conn = await this.pool.acquire();
    let broken = false;
    const tx = new Db2WarehouseTx(conn, this.schema);
    try {
      await conn.beginTransaction();
      await conn.query(lockSql(this.schema));
      const result = await fn(tx);
      await conn.commitTransaction();
      return result;
    } catch (e) {
      await conn.rollbackTransaction().catch(() => {
        broken = true;
      });
      throw e;
    } finally {
      tx.end();
      this.pool.release(conn, broken);
    }
  }

  async refreshReports(model: StarModel): Promise<void> {
    if (!hasReports(model)) return;
    await this.pool.withConnection(async (conn) => {
      for (const sql of refreshReportsSql(this.schema)) await conn.query(sql);
    });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
