import type { StagingDialect } from '../dialect.js';
import {
  BadRecordError,
  type ChangeEvent,
  type ColumnSpec,
  type SqlValue,
  type TableId,
} from '../envelope/types.js';
import { splitForWrite } from '../runtime/reduce.js';
import { compatibility, describeTable } from './catalog.js';
import { type Db2Param, type IbmDb, loadIbmDb } from './driver.js';
import { Db2Pool } from './pool.js';
import {
  addColumnSql,
  alterTypeSql,
  createSchemaSql,
  createTableSql,
  createTombstonesSql,
  deleteRowWidth,
  deleteSql,
  MARKER_ROW_WIDTH,
  markerUpsertSql,
  reorgSql,
  SCHEMA_EXISTS_SQL,
  TOMBSTONES,
  upsertRowWidth,
  upsertSql,
} from './sql.js';
import { chunk, deleteRow, markerRow, rowsPerStatement, toDb2, upsertRow } from './values.js';

interface KnownTable {
  key: string[];
  /** Column-spec arrays (one per source schema version) already reconciled with the table. */
  versions: WeakSet<ColumnSpec[]>;
}

/** SQLSTATE 42710: the object already exists (another sink instance created it first). */
function alreadyExists(e: unknown): boolean {
  const x = e as { state?: string; sqlstate?: string; sqlcode?: number } | null;
  return x?.state === '42710' || x?.sqlstate === '42710' || x?.sqlcode === -601;
}

/** A converted value -> an ibm_db parameter (LOBs and binary as descriptors). */
export function toParam(v: SqlValue, c?: ColumnSpec, key = false): Db2Param {
  if (v === null) return null;
  if (Buffer.isBuffer(v)) return { ParamType: 'INPUT', DataType: key ? 'BINARY' : 'BLOB', Data: v };
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (c?.kind === 'json') return { ParamType: 'INPUT', DataType: 'CLOB', Data: v as string };
  return v;
}

/**
 * The Db2 staging mirror (same tables and guarantees as sinks/postgres/staging-dialect.ts). ibm_db is
 * loaded at the first prepare/apply, so constructing this without the driver installed does not fail.
 * A small pool of connections (Db2Pool, shared with Db2Warehouse): each apply is one transaction on one
 * connection.
 */
export class Db2Staging implements StagingDialect {
  private readonly pool: Db2Pool;
  private readonly tables = new Map<string, KnownTable>();

  constructor(url: string, poolSize = 4, load: () => Promise<IbmDb> = () => loadIbmDb()) {
    // Db2Pool validates the URL now (a config error should surface at start), without loading the driver.
    this.pool = new Db2Pool(url, poolSize, load);
  }

  async prepare(table: TableId, keyColumns: string[], columns: ColumnSpec[]): Promise<void> {
    const id = `${table.namespace}.${table.name}`;
    const known = this.tables.get(id);
    if (known?.versions.has(columns) && known.key.join(',') === keyColumns.join(',')) return;
    // A BadRecordError (the key changed) comes from this check, not the connection: it stays in the pool.
    await this.pool.withConnection(
      async (conn) => {
        const { namespace: schema, name } = table;
        // DDL runs in autocommit; concurrent creators may race, so "already exists" is fine.
        const tolerate = (e: unknown) => {
          if (!alreadyExists(e)) throw e;
        };
        const keys = new Set(keyColumns);
        const defaults = new Map<string, SqlValue>();
        for (const c of columns)
          if (c.defaultValue !== undefined) defaults.set(c.name, toDb2(c.defaultValue, c));
        let current = await describeTable(conn, schema, name);
        if (!current) {
          if ((await conn.query(SCHEMA_EXISTS_SQL, [schema])).length === 0)
            await conn.query(createSchemaSql(schema)).catch(tolerate);
          if (!(await describeTable(conn, schema, TOMBSTONES)))
            await conn.query(createTombstonesSql(schema)).catch(tolerate);
          await conn.query(createTableSql(schema, name, keyColumns, columns, defaults)).catch(tolerate);
          current = await describeTable(conn, schema, name);
          if (!current) throw new Error(`staging table ${id} was not created`);
        }
        if (current.key.join(',') !== keyColumns.join(',')) {
          throw new BadRecordError(
            'KEY_CHANGED',
            `${id}: the source key is now (${keyColumns.join(', ')}) but staging's is (${current.key.join(', ')}); recreate the staging table to follow it`,
          );
        }
        let altered = false;
        for (const c of columns) {
          const existing = current.columns.get(c.name);
          if (!existing) {
            await conn.query(addColumnSql(schema, name, c, defaults.get(c.name)));
            continue;
          }
          const widenTo = compatibility(existing, c, keys.has(c.name));
          if (widenTo) {
            await conn.query(alterTypeSql(schema, name, c.name, widenTo));
            altered = true;
          }
        }
        if (altered) await conn.query(reorgSql(schema, name));
        const entry = known ?? { key: keyColumns, versions: new WeakSet<ColumnSpec[]>() };
        entry.key = keyColumns;
        entry.versions.add(columns);
        this.tables.set(id, entry);
      },
      { reusableAfter: (e) => e instanceof BadRecordError },
    );
  }

  async apply(table: TableId, events: ChangeEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { deletes, upserts: byVersion } = splitForWrite(events);
    // Convert every value before touching the database: a bad value fails the batch without a round trip.
    const statements: Array<{ sql: string; params: Db2Param[] }> = [];
    if (deletes.length) statements.push(...this.deleteStatements(table, deletes));
    for (const [columns, list] of byVersion) statements.push(...this.upsertStatements(table, columns, list));
    const conn = await this.pool.acquire();
    let broken = false;
    try {
      await conn.beginTransaction();
      for (const s of statements) await conn.query(s.sql, s.params);
      await conn.commitTransaction();
    } catch (e) {
      await conn.rollbackTransaction().catch(() => {
        broken = true;
      });
      throw e;
    } finally {
      this.pool.release(conn, broken);
    }
  }

  private deleteStatements(
    table: TableId,
    events: ChangeEvent[],
  ): Array<{ sql: string; params: Db2Param[] }> {
    const keyColumns = events[0]!.keyColumns;
    const specs = new Map(events[0]!.columns.map((c) => [c.name, c]));
    const keySpecs = keyColumns.map((k) => {
      const s = specs.get(k);
      if (!s) throw new BadRecordError('SCHEMA_UNSUPPORTED', `key column ${k} has no column spec`);
      return s;
    });
    const out: Array<{ sql: string; params: Db2Param[] }> = [];
    for (const part of chunk(events, rowsPerStatement(deleteRowWidth(keyColumns)))) {
      out.push({
        sql: deleteSql(table.namespace, table.name, keySpecs, part.length),
        params: part.flatMap((e) => deleteRow(e, keySpecs).map((v, i) => toParam(v, keySpecs[i], true))),
      });
    }
    for (const part of chunk(events, rowsPerStatement(MARKER_ROW_WIDTH))) {
      out.push({
        sql: markerUpsertSql(table.namespace, part.length),
        params: part.flatMap((e) => markerRow(table.name, e).map((v) => toParam(v))),
      });
    }
    return out;
  }

  private upsertStatements(
    table: TableId,
    columns: ColumnSpec[],
    events: ChangeEvent[],
  ): Array<{ sql: string; params: Db2Param[] }> {
    const keyColumns = events[0]!.keyColumns;
    const keys = new Set(keyColumns);
    return chunk(events, rowsPerStatement(upsertRowWidth(columns))).map((part) => ({
      sql: upsertSql(table.namespace, table.name, keyColumns, columns, part.length),
      params: [
        ...part.flatMap((e) =>
          upsertRow(e, columns).map((v, i) => {
            const c = i >= 4 ? columns[i - 4] : undefined;
            return toParam(v, c, c ? keys.has(c.name) : false);
          }),
        ),
        table.name,
      ],
    }));
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
