import {
  type Dialect,
  hashSumSql,
  keyOrderSql,
  keyParamSql,
  partSql,
  rowTextSql,
  valueSql,
} from './canonical.js';
import type { Canon, Checksum, FetchedRow, KeyRange, KeyTuple } from './types.js';

/**
 * One side of a comparison: a table (or the expressions over it) in MariaDB or PostgreSQL, and the queries
 * the bisection needs, all aggregating or ordering in the database: the checksum of a key range, the
 * first key column's smallest and largest values, evenly spaced key boundaries in a range, and the rows of
 * a (small) range. Identifiers arrive quoted in the spec; values always travel as parameters.
 */
export interface SideSpec {
  dialect: Dialect;
  /** The qualified, quoted table. */
  table: string;
  /** Key columns in key order: quoted column, canonical kind, and (PostgreSQL) the column's type. */
  key: Array<{ sql: string; canon: Canon; pgType?: string }>;
  /** Compared columns (or expressions over the row), in the order both sides list them. */
  columns: Array<{ sql: string; canon: Canon }>;
}

/** Runs a query and returns its rows as arrays of values. */
export type Runner = (sql: string, params: unknown[]) => Promise<unknown[][]>;

export class TableSide {
  constructor(
    readonly spec: SideSpec,
    private readonly run: Runner,
  ) {}

  private get d(): Dialect {
    return this.spec.dialect;
  }

  private keyTexts(): string[] {
    return this.spec.key.map((k) => valueSql(this.d, k.sql, k.canon));
  }

  private orders(): string[] {
    return this.spec.key.map((k) => keyOrderSql(this.d, k.sql, k.canon));
  }

  /** The WHERE condition of a range, appending its parameters to `params`. */
  where(range: KeyRange, params: unknown[]): string {
    const conds: string[] = [];
    if (range.lo) conds.push(this.bound(range.lo, '>', params));
    if (range.hi) conds.push(this.bound(range.hi, '<', params));
    return conds.length === 0 ? '1 = 1' : conds.join(' AND ');
  }

  /** key >= bound (op '>') or key < bound (op '<'), over the bound's length (a prefix of the key). */
  private bound(values: KeyTuple, op: '>' | '<', params: unknown[]): string {
    const n = values.length;
    const orders = this.orders().slice(0, n);
    const param = (i: number) => {
      params.push(values[i]);
      const k = this.spec.key[i]!;
      return keyParamSql(this.d, this.d === 'mariadb' ? '?' : `$${params.length}`, k.canon, k.pgType);
    };
    const last = op === '>' ? '>=' : '<';
    if (this.d === 'postgres') {
      if (n === 1) return `${orders[0]} ${last} ${param(0)}`;
      const ps = values.map((_, i) => param(i));
      return `(${orders.join(', ')}) ${last} (${ps.join(', ')})`;
    }
    // MariaDB does not use an index for row-value comparisons: spelled out, with the first column's
    // condition alone in front, which its range optimizer does use.
    const lead = `${orders[0]} ${op === '>' ? '>=' : n === 1 ? '<' : '<='} ${param(0)}`;
    if (n === 1) return lead;
    const nest = (i: number): string => {
      if (i === n - 1) return `${orders[i]} ${last} ${param(i)}`;
      const strict = `${orders[i]} ${op} ${param(i)}`;
      const eq = `${orders[i]} = ${param(i)}`;
      return `(${strict} OR (${eq} AND ${nest(i + 1)}))`;
    };
    return `${lead} AND ${nest(0)}`;
  }

  /** Parts of the row text: the key's, then the compared columns'. */
  private rowText(): string {
    const parts = [
      ...this.spec.key.map((k) => partSql(this.d, k.sql, k.canon)),
      ...this.spec.columns.map((c) => partSql(this.d, c.sql, c.canon)),
    ];
    return rowTextSql(this.d, parts);
  }

  checksumSql(range: KeyRange): { sql: string; params: unknown[] } {
    const params: unknown[] = [];
    const where = this.where(range, params);
    return {
      sql: `SELECT COUNT(*), ${hashSumSql(this.d, this.rowText())} FROM ${this.spec.table} WHERE ${where}`,
      params,
    };
  }

  async checksum(range: KeyRange): Promise<Checksum> {
    const { sql, params } = this.checksumSql(range);
    const [row] = await this.run(sql, params);
    return { count: Number(row![0]), sum: String(row![1]) };
  }

  /** The smallest and largest value of the first key column (null for an empty table). */
  async firstKeyBounds(): Promise<[string | null, string | null]> {
    const k = this.spec.key[0]!;
    const [row] = await this.run(
      `SELECT ${valueSql(this.d, `MIN(${k.sql})`, k.canon)}, ${valueSql(this.d, `MAX(${k.sql})`, k.canon)} FROM ${this.spec.table}`,
      [],
    );
    const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
    return [text(row![0]), text(row![1])];
  }

  /**
   * Keys splitting the range's rows into parts of `step` rows: the keys of rows step+1, 2·step+1, ...
   * in key order (one pass over the range's keys, numbered by a window function in the database).
   */
  async sample(range: KeyRange, step: number): Promise<KeyTuple[]> {
    const params: unknown[] = [];
    const where = this.where(range, params);
    params.push(step);
    const stepParam = this.d === 'mariadb' ? '?' : `$${params.length}::bigint`;
    const aliases = this.spec.key.map((_, i) => `k${i}`);
    const mod = this.d === 'mariadb' ? `MOD(rn - 1, ${stepParam}) = 0` : `(rn - 1) % ${stepParam} = 0`;
    const sql = `SELECT ${aliases.join(', ')} FROM (SELECT ${this.keyTexts()
      .map((t, i) => `${t} AS ${aliases[i]}`)
      .join(
        ', ',
      )}, ROW_NUMBER() OVER (ORDER BY ${this.orders().join(', ')}) AS rn FROM ${this.spec.table} WHERE ${where}) s WHERE rn > 1 AND ${mod} ORDER BY rn`;
    const rows = await this.run(sql, params);
    return rows.map((r) => r.map((v) => String(v)));
  }

  rowsSql(range: KeyRange): { sql: string; params: unknown[] } {
    const params: unknown[] = [];
    const where = this.where(range, params);
    const cols = [...this.keyTexts(), ...this.spec.columns.map((c) => valueSql(this.d, c.sql, c.canon))];
    return {
      sql: `SELECT ${cols.join(', ')} FROM ${this.spec.table} WHERE ${where} ORDER BY ${this.orders().join(', ')}`,
      params,
    };
  }

  /** The range's rows, key and compared columns as canonical text. */
  async rows(range: KeyRange): Promise<FetchedRow[]> {
    const { sql, params } = this.rowsSql(range);
    const n = this.spec.key.length;
    const text = (v: unknown) =>
      v === null || v === undefined ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
    return (await this.run(sql, params)).map((r) => ({
      key: r.slice(0, n).map((v) => text(v) ?? ''),
      values: r.slice(n).map(text),
    }));
  }
}
