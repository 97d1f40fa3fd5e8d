import type pg from 'pg';
import { killPoint } from '../../core/faults/kill-points.js';
import type { StagingDialect } from '../dialect.js';
import { BadRecordError, type ChangeEvent, type ColumnSpec, type TableId } from '../envelope/types.js';
import { keyText, splitForWrite } from '../runtime/reduce.js';
import {
  addColumnSql,
  alterTypeSql,
  checkStagingNames,
  compatibility,
  createTableSql,
  describeTable,
  stagingColumn,
  stagingTable,
  TOMBSTONES,
} from './catalog.js';
import { sinkPool } from './pool.js';
import { ARRAY_TYPE, qualified, stagingName } from './sql.js';

interface KnownTable {
  key: string[];
  columns: Set<string>;
  /** Column-spec arrays (one per source schema version) already reconciled with the table. */
  versions: WeakSet<ColumnSpec[]>;
}

/**
 * The PostgreSQL staging mirror: one schema per source database, one table per source table, the source's
 * columns plus `_starling_pos/_op/_source_ts/_loaded_at`. Deleted keys are kept, with their position, in
 * `<schema>.__starling_deleted_keys`, so a redelivered older insert cannot resurrect a deleted row.
 */
export class PostgresStaging implements StagingDialect {
  private readonly pool: pg.Pool;
  private readonly tables = new Map<string, KnownTable>();

  constructor(url: string, poolSize = 4) {
    this.pool = sinkPool(url, poolSize);
    // An idle client that loses its server emits 'error' on the pool; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async prepare(table: TableId, keyColumns: string[], columns: ColumnSpec[]): Promise<void> {
    const id = `${table.namespace}.${table.name}`;
    const known = this.tables.get(id);
    // A version already reconciled under the same key needs nothing; a key change must be checked again
    // even when the columns did not change (their spec arrays can be shared).
    if (known?.versions.has(columns) && known.key.join(',') === keyColumns.join(',')) return;
    checkStagingNames(id, columns);
    const client = await this.pool.connect();
    try {
      let current = await describeTable(client, table.namespace, table.name);
      if (!current) {
        for (const sql of createTableSql(table.namespace, table.name, keyColumns, columns)) {
          await client.query(sql).catch((e) => {
            // Two sink instances may create the same table at once.
            if (!['42P07', '23505', '42P06'].includes((e as { code?: string }).code ?? '')) throw e;
          });
        }
        current = await describeTable(client, table.namespace, table.name);
        if (!current) throw new Error(`staging table ${id} was not created`);
        killPoint('ddl');
      }
      if (current.key.join(',') !== keyColumns.map(stagingName).join(',')) {
        throw new BadRecordError(
          'KEY_CHANGED',
          `${id}: the source key is now (${keyColumns.join(', ')}) but staging's is (${current.key.join(', ')}); recreate the staging table to follow it`,
        );
      }
      for (const c of columns) {
        const existing = current.columns.get(stagingName(c.name));
        if (!existing) {
          for (const sql of addColumnSql(table.namespace, table.name, c)) await client.query(sql);
          continue;
        }
        const widenTo = compatibility(existing, c);
        if (widenTo) await client.query(alterTypeSql(table.namespace, table.name, c.name, widenTo));
      }
      const entry = known ?? {
        key: keyColumns,
        columns: new Set<string>(),
        versions: new WeakSet<ColumnSpec[]>(),
      };
      for (const c of columns) entry.columns.add(c.name);
      entry.versions.add(columns);
      this.tables.set(id, entry);
    } finally {
      client.release();
    }
  }

  async apply(table: TableId, events: ChangeEvent[]): Promise<void> {
    const { deletes, upserts: byVersion } = splitForWrite(events);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      if (deletes.length) await this.applyDeletes(client, table, deletes);
      for (const [columns, list] of byVersion) await this.applyUpserts(client, table, columns, list);
      killPoint('in-transaction');
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  private async applyDeletes(client: pg.PoolClient, table: TableId, events: ChangeEvent[]): Promise<void> {
    const keys = events[0]!.keyColumns;
    const specs = new Map(events[0]!.columns.map((c) => [c.name, c]));
    const params: unknown[] = [events.map(keyText), events.map((e) => e.position), `${table.name}`];
    const keyDecl = keys.map((k, i) => {
      params.push(events.map((e) => e.key[k]));
      return { sql: `$${i + 4}::${ARRAY_TYPE[specs.get(k)!.kind]}[]`, name: `k${i}` };
    });
    const t = stagingTable(table.namespace, table.name);
    const match = keys.map((k, i) => `t.${stagingColumn(k)} = d.k${i}`).join(' AND ');
    await client.query(
      `WITH d AS (SELECT * FROM unnest($1::text[], $2::text[], ${keyDecl.map((k) => k.sql).join(', ')})
                    AS d(_k, _pos, ${keyDecl.map((k) => k.name).join(', ')})),
            gone AS (DELETE FROM ${t} t USING d WHERE ${match} AND t._starling_pos < d._pos)
       INSERT INTO ${qualified(stagingName(table.namespace), TOMBSTONES)} AS x (table_name, key, pos)
       SELECT $3, _k, _pos FROM d
       ON CONFLICT (table_name, key) DO UPDATE SET pos = excluded.pos WHERE x.pos < excluded.pos`,
      params,
    );
  }

  private async applyUpserts(
    client: pg.PoolClient,
    table: TableId,
    columns: ColumnSpec[],
    events: ChangeEvent[],
  ): Promise<void> {
    const keys = events[0]!.keyColumns;
    const params: unknown[] = [
      events.map(keyText),
      events.map((e) => e.position),
      events.map((e) => e.op),
      events.map((e) => new Date(e.sourceTsMs).toISOString()),
      table.name,
    ];
    const decl = columns.map((c, i) => {
      params.push(events.map((e) => e.row![c.name] ?? null));
      return `$${i + 6}::${ARRAY_TYPE[c.kind]}[]`;
    });
    const alias = columns.map((_, i) => `c${i}`);
    const t = stagingTable(table.namespace, table.name);
    const names = columns.map((c) => stagingColumn(c.name));
    const keySet = new Set(keys);
    const updates = columns
      .filter((c) => !keySet.has(c.name))
      .map((c) => `${stagingColumn(c.name)} = excluded.${stagingColumn(c.name)}`)
      .concat([
        '_starling_pos = excluded._starling_pos',
        '_starling_op = excluded._starling_op',
        '_starling_source_ts = excluded._starling_source_ts',
        '_starling_loaded_at = excluded._starling_loaded_at',
      ]);
    await client.query(
      `WITH u AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], ${decl.join(', ')})
                    AS u(_k, _pos, _op, _ts, ${alias.join(', ')}))
       INSERT INTO ${t} AS t (${names.join(', ')}, _starling_pos, _starling_op, _starling_source_ts, _starling_loaded_at)
       SELECT ${alias.join(', ')}, _pos, _op, _ts, clock_timestamp() FROM u
        WHERE NOT EXISTS (SELECT 1 FROM ${qualified(stagingName(table.namespace), TOMBSTONES)} x
                           WHERE x.table_name = $5 AND x.key = u._k AND x.pos >= u._pos)
       ON CONFLICT (${keys.map(stagingColumn).join(', ')}) DO UPDATE SET ${updates.join(', ')}
        WHERE t._starling_pos < excluded._starling_pos`,
      params,
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
