import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

/** A table in the target PostgreSQL database. */
export interface Target {
  schema: string;
  table: string;
}

export const q = (t: Target) => `"${t.schema}"."${t.table}"`;

/** The source columns of sales_data, in the order the digest joins them. */
export const SOURCE_COLUMNS = [
  'rowid',
  'product_id',
  'customer_id',
  'price',
  'quantity',
  'timestamp',
  'commit_ts',
] as const;

export interface Arrival {
  /** Seconds from t0 until the table first held a row. */
  firstRowS: number;
  /** Seconds from t0 until the sentinel row showed the closing event. */
  sentinelS: number;
}

/**
 * Polls the target every 100 ms until the sentinel row carries `marker` (a missing schema or table is "not
 * yet"). `check` runs between polls and throws when the contender failed.
 */
export async function waitForSentinel(
  pool: pg.Pool,
  target: Target,
  sentinelKey: number,
  marker: number,
  t0: number,
  opts: { timeoutS: number; check?: () => Promise<void> | void },
): Promise<Arrival> {
  let firstRowS = Number.NaN;
  for (;;) {
    await opts.check?.();
    try {
      const { rows } = await pool.query(
        `SELECT (SELECT quantity FROM ${q(target)} WHERE rowid = $1) AS q, EXISTS (SELECT 1 FROM ${q(target)}) AS any`,
        [sentinelKey],
      );
      const now = (performance.now() - t0) / 1000;
      if (rows[0].any && Number.isNaN(firstRowS)) firstRowS = now;
      if (rows[0].q === marker) return { firstRowS, sentinelS: now };
    } catch (e) {
      // 42P01: no table yet; 3F000: no schema yet.
      if (!['42P01', '3F000'].includes((e as { code?: string }).code ?? '')) throw e;
    }
    if ((performance.now() - t0) / 1000 > opts.timeoutS)
      throw new Error(`${q(target)}: the sentinel did not arrive in ${opts.timeoutS} s`);
    await sleep(100);
  }
}

/**
 * After the sentinel: seconds until the table holds `expected` rows (a sink may apply a batch's deletes
 * after its upserts, in a later transaction): 0 when it already does, -1 when it does not within `maxS`.
 */
export async function settle(pool: pg.Pool, target: Target, expected: number, maxS = 15): Promise<number> {
  const t0 = performance.now();
  for (let first = true; ; first = false) {
    const { rows } = await pool.query(`SELECT count(*)::bigint AS n FROM ${q(target)}`);
    if (Number(rows[0].n) === expected) return first ? 0 : (performance.now() - t0) / 1000;
    if ((performance.now() - t0) / 1000 > maxS) return -1;
    await sleep(100);
  }
}

export interface Digest {
  rows: number;
  md5: string;
  /** The declared type of each source column (sinks map Debezium's types their own way). */
  types: Record<string, string>;
}

/**
 * md5 over the source columns of every row, ordered by rowid, each value rendered as text the same way
 * whatever the column's type: decimals at scale 2, timestamps (with or without time zone) as UTC
 * 'YYYY-MM-DD HH24:MI:SS.US', NULL as \N. Equal data gives an equal digest.
 */
export async function digest(pool: pg.Pool, target: Target): Promise<Digest> {
  const { rows: cols } = await pool.query<{ column_name: string; data_type: string }>(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
    [target.schema, target.table],
  );
  const types = Object.fromEntries(cols.map((c) => [c.column_name, c.data_type]));
  const { rows: declared } = await pool.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [q(target)],
  );
  const declaredTypes = Object.fromEntries(
    declared
      .filter((d) => (SOURCE_COLUMNS as readonly string[]).includes(d.name))
      .map((d) => [d.name, d.type]),
  );
  const exprs = SOURCE_COLUMNS.map((name) => {
    const type = types[name];
    if (!type) throw new Error(`${q(target)} has no column ${name}`);
    const c = `"${name}"`;
    const text =
      type === 'numeric'
        ? `round(${c}, 2)::text`
        : type === 'timestamp with time zone'
          ? `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')`
          : type === 'timestamp without time zone'
            ? `to_char(${c}, 'YYYY-MM-DD HH24:MI:SS.US')`
            : `${c}::text`;
    return `coalesce(${text}, '\\N')`;
  });
  const { rows } = await pool.query(
    `SELECT count(*)::bigint AS n,
            md5(coalesce(string_agg(concat_ws('|', ${exprs.join(', ')}), E'\\n' ORDER BY rowid), '')) AS md5
       FROM ${q(target)}`,
  );
  return { rows: Number(rows[0].n), md5: rows[0].md5, types: declaredTypes };
}
