import type pg from 'pg';
import { UserError } from '../../core/errors/user-error.js';
import { killPoint } from '../../core/faults/kill-points.js';
import {
  deletedTable,
  LOCK_TABLE,
  POINT_AT,
  POINT_POSITION,
  planWarehouse,
  pointsTable,
  renderIndexes,
  renderTables,
} from '../../schemas/ddl/dialect-neutral.js';
import { postgresDialect } from '../../schemas/ddl/postgres.js';
import { refreshReportStatements, reportObjectNames, reportStatements } from '../../schemas/ddl/reports.js';
import type { ModelRecord } from '../../schemas/migrate/model-record.js';
import { reportsFit } from '../../schemas/migrate/reports.js';
import {
  EVENT_TIME,
  INFERRED,
  IS_CURRENT,
  isVersioned,
  POSITION,
  VALID_FROM,
  VALID_TO,
} from '../../schemas/model/columns.js';
import type { AttrType, DimensionDef, FactDef, StarModel } from '../../schemas/model/types.js';
import { isoText } from '../../streams/conform/values.js';
import type { DateRow } from '../../streams/date-dimension.js';
import { EARLIEST } from '../../streams/scd2.js';
import { toEpochMicros } from '../../streams/time.js';
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
import { checkModelRecord, readModelRecord, writeModelRecord } from './model-record.js';
import { sinkPool } from './pool.js';
import { ident } from './sql.js';

/** The array element type of a model column (values are passed as one array parameter per column). */
function pgType(t: AttrType): string {
  switch (t.type) {
    case 'int':
      return 'integer';
    case 'bigint':
      return 'bigint';
    case 'decimal':
      return 'numeric';
    case 'text':
      return 'text';
    case 'date':
      return 'date';
    case 'timestamp':
      return 'timestamp';
    case 'boolean':
      return 'boolean';
  }
}

/** A column read back in the value form (timestamps and dates as text, never a JS Date with ms). */
function readExpr(column: string, t: AttrType): string {
  if (t.type === 'timestamp')
    return `to_char(${ident(column)}, 'YYYY-MM-DD"T"HH24:MI:SS.US') AS ${ident(column)}`;
  if (t.type === 'date') return `to_char(${ident(column)}, 'YYYY-MM-DD') AS ${ident(column)}`;
  return ident(column);
}

const ts = (us: bigint) => isoText(us);
const keyText = (k: bigint | null) => (k === null ? null : k.toString());

/**
 * The PostgreSQL warehouse: the star in one schema, every write set-based through unnest() of one array
 * parameter per column, each transaction serialised per model by a transaction-scoped advisory lock.
 *
 * Position guards accept an EQUAL position (`<=`): a change at the position a row already reflects is that
 * same change (positions are unique per change, values a pure function of it), so rewriting it changes
 * nothing in the columns it had, and fills the columns a migration added since. That is how a replay of
 * the raw history after `starling migrate` completes existing rows without ever moving one back in time
 * (schemas/migrate/plan.ts). A redelivery costs a rewrite of identical values.
 */
export class PostgresWarehouse implements WarehouseDialect {
  private readonly pool: pg.Pool;

  constructor(
    url: string,
    readonly schema: string,
    poolSize = 2,
  ) {
    this.pool = sinkPool(url, poolSize);
    this.pool.on('error', () => undefined);
  }

  private t(name: string): string {
    return `${ident(this.schema)}.${ident(name)}`;
  }

  async ensureModel(model: StarModel): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Two instances starting at once: one creates, the other waits and then finds everything there.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`starling.ddl.${this.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(this.schema)}`);
      // Before any DDL: a star built for another model is refused (starling migrate), never half-extended.
      const unrecorded = await checkModelRecord(client, this.schema, model);
      const existing = new Set(
        (
          await client.query<{ relname: string }>(
            `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1`,
            [this.schema],
          )
        ).rows.map((r) => r.relname),
      );
      const plan = planWarehouse(model).filter((t) => !existing.has(t.name));
      for (const sql of renderTables(plan, postgresDialect, { schema: this.schema })) await client.query(sql);
      for (const sql of renderIndexes(plan, postgresDialect, { schema: this.schema }))
        await client.query(sql);
      await client.query(`INSERT INTO ${this.t(LOCK_TABLE)} (model) VALUES ($1) ON CONFLICT DO NOTHING`, [
        model.name,
      ]);
      if (unrecorded) await writeModelRecord(client, this.schema, model, 'run');
      // The course's reports are written for the SoftCart star (once a migration gave it what they read).
      if (reportsFit(model) && !reportObjectNames().every((n) => existing.has(n)))
        for (const sql of reportStatements('postgres', this.schema)) await client.query(sql);
      killPoint('ddl');
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async transaction<T>(fn: (tx: WarehouseTx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`starling.model.${this.schema}`]);
      const result = await fn(new PostgresWarehouseTx(client, this.schema));
      killPoint('in-transaction');
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async refreshReports(model: StarModel): Promise<void> {
    if (!reportsFit(model)) return;
    for (const sql of refreshReportStatements('postgres', this.schema)) await this.pool.query(sql);
    killPoint('report-refresh');
  }

  /** The model the warehouse records (undefined: no star yet, or one created before models were recorded). */
  async readModel(): Promise<ModelRecord | undefined> {
    const client = await this.pool.connect();
    try {
      return await readModelRecord(client, this.schema);
    } finally {
      client.release();
    }
  }

  /**
   * A migration (schemas/migrate/plan.ts): its DDL and the new model record in ONE transaction, under the
   * schema's DDL lock and the model's write lock, after checking that the record is still the one the plan
   * was made from (another migration in between would make the plan wrong).
   */
  async migrate(fromHash: string, statements: string[], model: StarModel): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`starling.ddl.${this.schema}`]);
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`starling.model.${this.schema}`]);
      const now = await readModelRecord(client, this.schema);
      if (now?.hash !== fromHash)
        throw new UserError(
          `The warehouse schema "${this.schema}" changed model while the migration was planned; run it again.`,
          'MIGRATE_RACE',
        );
      for (const sql of statements) await client.query(sql);
      await writeModelRecord(client, this.schema, model, 'migrate');
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

class PostgresWarehouseTx implements WarehouseTx {
  constructor(
    private readonly c: pg.PoolClient,
    private readonly schema: string,
  ) {}

  private t(name: string): string {
    return `${ident(this.schema)}.${ident(name)}`;
  }

  /** `unnest($1::T1[], $2::T2[], ...) AS u(c1, c2, ...)` and its parameters. */
  private unnest(cols: Array<{ name: string; type: string; values: unknown[] }>, from = 1) {
    const args = cols.map((c, i) => `$${from + i}::${c.type}[]`).join(', ');
    const names = cols.map((c) => ident(c.name)).join(', ');
    return { sql: `unnest(${args}) AS u(${names})`, params: cols.map((c) => c.values) };
  }

  async upsertMembers(dim: DimensionDef, rows: MemberRow[]): Promise<void> {
    if (rows.length === 0) return;
    const cols = [
      { name: dim.surrogateKey, type: 'bigint', values: rows.map((r) => r.key.toString()) },
      { name: dim.naturalKey.name, type: pgType(dim.naturalKey.type), values: rows.map((r) => r.naturalKey) },
      ...dim.attributes.map((a) => ({
        name: a.name,
        type: pgType(a.type),
        values: rows.map((r) => r.attributes[a.name] ?? null),
      })),
      { name: POSITION, type: 'text', values: rows.map((r) => r.position) },
    ];
    const u = this.unnest(cols);
    const names = cols.map((c) => ident(c.name));
    const set = [...dim.attributes.map((a) => a.name), POSITION]
      .map((n) => `${ident(n)} = EXCLUDED.${ident(n)}`)
      .concat(`${ident(INFERRED)} = FALSE`);
    await this.c.query(
      `INSERT INTO ${this.t(dim.name)} AS d (${names.join(', ')}, ${ident(INFERRED)})
       SELECT ${names.map((n) => `u.${n}`).join(', ')}, FALSE FROM ${u.sql}
       ON CONFLICT (${ident(dim.surrogateKey)}) DO UPDATE SET ${set.join(', ')}
       WHERE d.${ident(POSITION)} IS NULL OR d.${ident(POSITION)} <= EXCLUDED.${ident(POSITION)}`,
      u.params,
    );
  }

  async insertInferred(
    dim: DimensionDef,
    rows: Array<{ key: bigint; naturalKey: SqlValue; validFrom?: bigint }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    const versioned = rows.some((r) => r.validFrom !== undefined);
    const cols = [
      { name: dim.surrogateKey, type: 'bigint', values: rows.map((r) => r.key.toString()) },
      { name: dim.naturalKey.name, type: pgType(dim.naturalKey.type), values: rows.map((r) => r.naturalKey) },
      ...(versioned
        ? [{ name: VALID_FROM, type: 'timestamp', values: rows.map((r) => ts(r.validFrom ?? EARLIEST)) }]
        : []),
    ];
    const u = this.unnest(cols);
    const names = cols.map((c) => ident(c.name));
    await this.c.query(
      `INSERT INTO ${this.t(dim.name)} (${names.join(', ')}, ${ident(INFERRED)})
       SELECT ${names.map((n) => `u.${n}`).join(', ')}, TRUE FROM ${u.sql}
       ON CONFLICT DO NOTHING`,
      u.params,
    );
  }

  async readMembers(dim: DimensionDef, naturalKeys: SqlValue[]): Promise<StoredMember[]> {
    if (naturalKeys.length === 0) return [];
    const versioned = isVersioned(dim);
    const select = [
      `${ident(dim.surrogateKey)}::text AS "__key"`,
      ident(dim.naturalKey.name),
      ...dim.attributes.map((a) => readExpr(a.name, a.type)),
      ...(versioned
        ? [readExpr(VALID_FROM, { type: 'timestamp' }), readExpr(VALID_TO, { type: 'timestamp' })]
        : []),
    ];
    const res = await this.c.query(
      `SELECT ${select.join(', ')} FROM ${this.t(dim.name)} WHERE ${ident(dim.naturalKey.name)} = ANY($1::${pgType(dim.naturalKey.type)}[])`,
      [naturalKeys],
    );
    return res.rows.map((r: Record<string, unknown>) => {
      const m: StoredMember = {
        key: BigInt(r.__key as string),
        naturalKey: r[dim.naturalKey.name] as SqlValue,
        attributes: Object.fromEntries(dim.attributes.map((a) => [a.name, r[a.name] as SqlValue])),
      };
      if (versioned) {
        m.validFrom = toEpochMicros(r[VALID_FROM] as string);
        m.validTo = toEpochMicros(r[VALID_TO] as string);
      }
      return m;
    });
  }

  async insertPoints(dim: DimensionDef, points: PointRow[]): Promise<void> {
    if (points.length === 0) return;
    const cols = [
      {
        name: dim.naturalKey.name,
        type: pgType(dim.naturalKey.type),
        values: points.map((p) => p.naturalKey),
      },
      { name: POINT_AT, type: 'timestamp', values: points.map((p) => ts(p.at)) },
      { name: POINT_POSITION, type: 'text', values: points.map((p) => p.position) },
      ...dim.attributes.map((a) => ({
        name: a.name,
        type: pgType(a.type),
        values: points.map((p) => p.values[a.name] ?? null),
      })),
    ];
    const u = this.unnest(cols);
    const names = cols.map((c) => ident(c.name));
    await this.c.query(
      `INSERT INTO ${this.t(pointsTable(dim.name))} (${names.join(', ')})
       SELECT ${names.map((n) => `u.${n}`).join(', ')} FROM ${u.sql}
       ON CONFLICT (${ident(dim.naturalKey.name)}, ${ident(POINT_POSITION)}) DO UPDATE SET ${
         dim.attributes.length
           ? dim.attributes.map((a) => `${ident(a.name)} = EXCLUDED.${ident(a.name)}`).join(', ')
           : `${ident(POINT_AT)} = EXCLUDED.${ident(POINT_AT)}`
       }`,
      u.params,
    );
  }

  async readPoints(dim: DimensionDef, naturalKeys: SqlValue[]): Promise<PointRow[]> {
    if (naturalKeys.length === 0) return [];
    const select = [
      ident(dim.naturalKey.name),
      readExpr(POINT_AT, { type: 'timestamp' }),
      ident(POINT_POSITION),
      ...dim.attributes.map((a) => readExpr(a.name, a.type)),
    ];
    const res = await this.c.query(
      `SELECT ${select.join(', ')} FROM ${this.t(pointsTable(dim.name))}
       WHERE ${ident(dim.naturalKey.name)} = ANY($1::${pgType(dim.naturalKey.type)}[])`,
      [naturalKeys],
    );
    return res.rows.map((r: Record<string, unknown>) => ({
      naturalKey: r[dim.naturalKey.name] as SqlValue,
      at: toEpochMicros(r[POINT_AT] as string),
      position: r[POINT_POSITION] as string,
      values: Object.fromEntries(dim.attributes.map((a) => [a.name, r[a.name] as SqlValue])),
    }));
  }

  async replaceVersions(dim: DimensionDef, naturalKeys: SqlValue[], versions: VersionRow[]): Promise<void> {
    if (naturalKeys.length === 0) return;
    const nkType = pgType(dim.naturalKey.type);
    await this.c.query(
      `DELETE FROM ${this.t(dim.name)} WHERE ${ident(dim.naturalKey.name)} = ANY($1::${nkType}[])
       AND NOT (${ident(dim.surrogateKey)} = ANY($2::bigint[]))`,
      [naturalKeys, versions.map((v) => v.key.toString())],
    );
    if (versions.length === 0) return;
    const cols = [
      { name: dim.surrogateKey, type: 'bigint', values: versions.map((v) => v.key.toString()) },
      { name: dim.naturalKey.name, type: nkType, values: versions.map((v) => v.naturalKey) },
      ...dim.attributes.map((a) => ({
        name: a.name,
        type: pgType(a.type),
        values: versions.map((v) => v.attributes[a.name] ?? null),
      })),
      { name: VALID_FROM, type: 'timestamp', values: versions.map((v) => ts(v.validFrom)) },
      { name: VALID_TO, type: 'timestamp', values: versions.map((v) => ts(v.validTo)) },
      { name: IS_CURRENT, type: 'boolean', values: versions.map((v) => v.isCurrent) },
      { name: INFERRED, type: 'boolean', values: versions.map((v) => v.inferred) },
      { name: POSITION, type: 'text', values: versions.map((v) => v.position || null) },
    ];
    const u = this.unnest(cols);
    const names = cols.map((c) => ident(c.name));
    const set = cols.slice(1).map((c) => `${ident(c.name)} = EXCLUDED.${ident(c.name)}`);
    await this.c.query(
      `INSERT INTO ${this.t(dim.name)} (${names.join(', ')})
       SELECT ${names.map((n) => `u.${n}`).join(', ')} FROM ${u.sql}
       ON CONFLICT (${ident(dim.surrogateKey)}) DO UPDATE SET ${set.join(', ')}`,
      u.params,
    );
  }

  async ensureDates(model: StarModel, rows: DateRow[]): Promise<void> {
    if (rows.length === 0) return;
    const dd = model.dateDimension;
    const f = <K extends keyof DateRow>(k: K) => rows.map((r) => r[k]);
    const cols = [
      { name: dd.surrogateKey, type: 'integer', values: f('dateid') },
      { name: 'date', type: 'date', values: f('date') },
      { name: 'year', type: 'integer', values: f('year') },
      { name: 'quarter', type: 'integer', values: f('quarter') },
      { name: 'quartername', type: 'text', values: f('quartername') },
      { name: 'month', type: 'integer', values: f('month') },
      { name: 'monthname', type: 'text', values: f('monthname') },
      { name: 'day', type: 'integer', values: f('day') },
      { name: 'weekday', type: 'integer', values: f('weekday') },
      { name: 'weekdayname', type: 'text', values: f('weekdayname') },
    ];
    const u = this.unnest(cols);
    const names = cols.map((c) => ident(c.name));
    await this.c.query(
      `INSERT INTO ${this.t(dd.name)} (${names.join(', ')})
       SELECT ${names.map((n) => `u.${n}`).join(', ')} FROM ${u.sql} ON CONFLICT DO NOTHING`,
      u.params,
    );
  }

  async upsertFacts(fact: FactDef, model: StarModel, rows: FactRow[]): Promise<void> {
    if (rows.length === 0) return;
    const keyCols = fact.dimensions.map(
      (l) => model.dimensions.find((d) => d.name === l.dimension)!.surrogateKey,
    );
    const nkCols = fact.dimensions
      .filter((l) => 'column' in l)
      .map((l) => model.dimensions.find((d) => d.name === l.dimension)!.naturalKey);
    const cols = [
      ...fact.grain.map((g) => ({
        name: g.name,
        type: pgType(g.type),
        values: rows.map((r) => r.grain[g.name]),
      })),
      ...keyCols.map((k) => ({
        name: k,
        type: 'bigint',
        values: rows.map((r) => keyText(r.keys[k] ?? null)),
      })),
      ...nkCols.map((n) => ({
        name: n.name,
        type: pgType(n.type),
        values: rows.map((r) => r.naturalKeys[n.name]),
      })),
      { name: EVENT_TIME, type: 'timestamp', values: rows.map((r) => ts(r.eventTime)) },
      { name: model.dateDimension.surrogateKey, type: 'integer', values: rows.map((r) => r.dateKey) },
      ...fact.measures.map((m) => ({
        name: m.name,
        type: pgType(m.type),
        values: rows.map((r) => r.measures[m.name] ?? null),
      })),
      { name: POSITION, type: 'text', values: rows.map((r) => r.position) },
    ];
    const u = this.unnest(cols);
    const names = cols.map((c) => ident(c.name));
    const grain = fact.grain.map((g) => ident(g.name));
    const set = cols.slice(fact.grain.length).map((c) => `${ident(c.name)} = EXCLUDED.${ident(c.name)}`);
    await this.c.query(
      `INSERT INTO ${this.t(fact.name)} AS f (${names.join(', ')})
       SELECT ${names.map((n) => `u.${n}`).join(', ')} FROM ${u.sql}
       WHERE NOT EXISTS (SELECT 1 FROM ${this.t(deletedTable(fact.name))} m
                         WHERE ${grain.map((g) => `m.${g} = u.${g}`).join(' AND ')}
                           AND m.${ident(POSITION)} >= u.${ident(POSITION)})
       ON CONFLICT (${grain.join(', ')}) DO UPDATE SET ${set.join(', ')}
       WHERE f.${ident(POSITION)} <= EXCLUDED.${ident(POSITION)}`,
      u.params,
    );
  }

  async deleteFacts(fact: FactDef, deletes: FactDelete[]): Promise<void> {
    if (deletes.length === 0) return;
    const cols = [
      ...fact.grain.map((g) => ({
        name: g.name,
        type: pgType(g.type),
        values: deletes.map((d) => d.grain[g.name]),
      })),
      { name: POSITION, type: 'text', values: deletes.map((d) => d.position) },
    ];
    const u = this.unnest(cols);
    const grain = fact.grain.map((g) => ident(g.name));
    await this.c.query(
      `DELETE FROM ${this.t(fact.name)} f USING ${u.sql}
       WHERE ${grain.map((g) => `f.${g} = u.${g}`).join(' AND ')} AND f.${ident(POSITION)} < u.${ident(POSITION)}`,
      u.params,
    );
    const names = cols.map((c) => ident(c.name));
    await this.c.query(
      `INSERT INTO ${this.t(deletedTable(fact.name))} AS m (${names.join(', ')})
       SELECT ${names.map((n) => `u.${n}`).join(', ')} FROM ${u.sql}
       ON CONFLICT (${grain.join(', ')}) DO UPDATE SET ${ident(POSITION)} = EXCLUDED.${ident(POSITION)}
       WHERE m.${ident(POSITION)} < EXCLUDED.${ident(POSITION)}`,
      u.params,
    );
  }

  async repointByVersion(fact: FactDef, dim: DimensionDef, ranges: VersionRepoint[]): Promise<void> {
    if (ranges.length === 0) return;
    const keyCols = Object.keys(ranges[0]!.keys);
    const naturalKeyColumn = dim.naturalKey.name;
    const nkType = pgType(dim.naturalKey.type);
    const cols = [
      { name: '__nk', type: nkType, values: ranges.map((r) => r.naturalKey) },
      { name: '__from', type: 'timestamp', values: ranges.map((r) => ts(r.validFrom)) },
      { name: '__to', type: 'timestamp', values: ranges.map((r) => ts(r.validTo)) },
      ...keyCols.map((k) => ({
        name: k,
        type: 'bigint',
        values: ranges.map((r) => keyText(r.keys[k] ?? null)),
      })),
    ];
    const u = this.unnest(cols);
    await this.c.query(
      `UPDATE ${this.t(fact.name)} f SET ${keyCols.map((k) => `${ident(k)} = u.${ident(k)}`).join(', ')}
       FROM ${u.sql}
       WHERE f.${ident(naturalKeyColumn)} = u."__nk"
         AND f.${ident(EVENT_TIME)} >= u."__from" AND f.${ident(EVENT_TIME)} < u."__to"
         AND (${keyCols.map((k) => `f.${ident(k)} IS DISTINCT FROM u.${ident(k)}`).join(' OR ')})`,
      u.params,
    );
  }

  async repointByMember(fact: FactDef, via: DimensionDef, members: MemberRepoint[]): Promise<void> {
    if (members.length === 0) return;
    const viaKeyColumn = via.surrogateKey;
    const keyCols = Object.keys(members[0]!.keys);
    if (keyCols.length === 0) return;
    const cols = [
      { name: '__via', type: 'bigint', values: members.map((m) => m.viaKey.toString()) },
      ...keyCols.map((k) => ({
        name: k,
        type: 'bigint',
        values: members.map((m) => keyText(m.keys[k] ?? null)),
      })),
    ];
    const u = this.unnest(cols);
    await this.c.query(
      `UPDATE ${this.t(fact.name)} f SET ${keyCols.map((k) => `${ident(k)} = u.${ident(k)}`).join(', ')}
       FROM ${u.sql}
       WHERE f.${ident(viaKeyColumn)} = u."__via"
         AND (${keyCols.map((k) => `f.${ident(k)} IS DISTINCT FROM u.${ident(k)}`).join(' OR ')})`,
      u.params,
    );
  }
}
