import pg from 'pg';
import { loadConfig, type StarlingConfig } from '../../core/config/load.js';
import { createKafka } from '../../core/kafka/client.js';
import { measureLag } from '../../ops/lag/lag.js';
import { planWarehouse } from '../../schemas/ddl/dialect-neutral.js';
import { softcartModel } from '../../schemas/softcart.js';
import type { Capture } from './capture.js';
import { mysqlConnection } from './context.js';

/**
 * A private star for a test: the capture's database as the model's `sales` namespace, its own conform and
 * warehouse groups, conformed topics under the capture's prefix (dropped with it) and a warehouse schema
 * named after the database. `env` runs a `starling run` of it; `config` runs the services in-process.
 */
export interface Star {
  schema: string;
  conformGroup: string;
  warehouseGroup: string;
  env: Record<string, string>;
  config: StarlingConfig;
  drop(): Promise<void>;
}

export function newStar(
  cap: Capture,
  o: { stages?: string; label?: string; conformedPrefix?: string; env?: Record<string, string> } = {},
): Star {
  const tag = o.label ? `${cap.prefix}-${o.label}` : cap.prefix;
  const conformGroup = `it-conform-${tag}`;
  const warehouseGroup = `it-warehouse-${tag}`;
  const schema = o.label ? `${cap.db}_${o.label}` : cap.db;
  const env: Record<string, string> = {
    ...cap.env,
    STARLING_PIPELINE: o.stages ?? 'conform,warehouse',
    STARLING_CONFORM_GROUP: conformGroup,
    STARLING_WAREHOUSE_GROUP: warehouseGroup,
    STARLING_WAREHOUSE_SCHEMA: schema,
    STARLING_MODEL_NAMESPACES: `sales=${cap.db}`,
    STARLING_REPORT_REFRESH_MS: '300',
  };
  // Under the capture's prefix, so the capture's drop removes them too.
  if (o.conformedPrefix) env.STARLING_CONFORMED_PREFIX = `${cap.prefix}.${o.conformedPrefix}`;
  Object.assign(env, o.env);
  const config = loadConfig({ ...process.env, ...env });
  return {
    schema,
    conformGroup,
    warehouseGroup,
    env,
    config,
    async drop() {
      const pool = warehousePool(config);
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => pool.end());
      const admin = createKafka({ brokers: config.kafka.brokers }).admin();
      await admin.connect();
      await admin.deleteGroups([conformGroup, warehouseGroup]).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** These consumer groups have committed everything their topics hold. */
export async function caughtUp(config: StarlingConfig, groups: string[]): Promise<boolean> {
  const sample = await measureLag(createKafka({ brokers: config.kafka.brokers }), {
    groups,
    readTimeoutMs: 2000,
  });
  return (
    new Set(sample.rows.map((r) => r.group)).size === groups.length && sample.rows.every((r) => r.lag === 0)
  );
}

/** The SCD2 versions of DimCustomer, in the oracle's form (tests/support/history-oracle.ts). */
export async function customerVersionRows(pool: pg.Pool, schema: string): Promise<unknown[]> {
  const { rows } = await pool.query(
    `SELECT customer_id, country, to_char(valid_from, 'YYYY-MM-DD HH24:MI:SS.US') AS valid_from,
            to_char(valid_to, 'YYYY-MM-DD HH24:MI:SS.US') AS valid_to
       FROM "${schema}"."DimCustomer" ORDER BY customer_id, valid_from`,
  );
  return rows;
}

export function warehousePool(config: StarlingConfig): pg.Pool {
  return new pg.Pool({ connectionString: config.postgres.warehouseUrl, max: 2 });
}

/** Every table of a warehouse schema (model and bookkeeping): rows in primary-key order, all as text. */
export async function snapshotTables(pool: pg.Pool, schema: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of planWarehouse(softcartModel)) {
    const cols = t.columns
      .map((c) =>
        c.type.type === 'timestamp' || c.type.type === 'date'
          ? `to_char("${c.name}", 'YYYY-MM-DD HH24:MI:SS.US') AS "${c.name}"`
          : `"${c.name}"::text AS "${c.name}"`,
      )
      .join(', ');
    const order = t.primaryKey.map((k) => `"${k}"`).join(', ');
    out[t.name] = (await pool.query(`SELECT ${cols} FROM "${schema}"."${t.name}" ORDER BY ${order}`)).rows;
  }
  return out;
}

/** The catalog as the oracle knows it: a table in a side database of MariaDB, never captured. */
export async function loadOracleCatalog(
  config: StarlingConfig,
  db: string,
  docs: Array<{ product_id: number; type: string; model: string }>,
): Promise<string> {
  const oracle = `${db}_oracle`;
  const conn = await mysqlConnection(config);
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${oracle}\``);
    await conn.query(
      `CREATE TABLE IF NOT EXISTS \`${oracle}\`.catalog (product_id INT PRIMARY KEY, type VARCHAR(64), model VARCHAR(255))`,
    );
    await conn.query(`DELETE FROM \`${oracle}\`.catalog`);
    for (let i = 0; i < docs.length; i += 500) {
      const chunk = docs.slice(i, i + 500);
      await conn.query(
        `INSERT INTO \`${oracle}\`.catalog (product_id, type, model) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`,
        chunk.flatMap((d) => [d.product_id, d.type, d.model]),
      );
    }
  } finally {
    await conn.end();
  }
  return oracle;
}

export async function dropOracle(config: StarlingConfig, db: string): Promise<void> {
  const conn = await mysqlConnection(config);
  await conn.query(`DROP DATABASE IF EXISTS \`${db}_oracle\``).finally(() => conn.end());
}

/**
 * One fact as both sides describe it, by natural values only (never by surrogate keys, which the oracle
 * does not compute): the product, category, customer and country it belongs to, its day and measures.
 */
export type FactLine = string;

/**
 * The expected facts, computed in MariaDB from the source tables and the oracle's catalog with plain SQL.
 * `countryAt` (optional) is a SQL expression for the customer's country at the sale's time (SCD2 history);
 * by default the current country.
 */
export async function expectedFacts(
  config: StarlingConfig,
  db: string,
  countryExpr = 'cu.country',
): Promise<Map<number, FactLine>> {
  const conn = await mysqlConnection(config);
  try {
    const [rows] = await conn.query(
      `SELECT s.rowid AS orderid, s.product_id, s.customer_id, c.type AS category, ${countryExpr} AS country,
              DATE_FORMAT(s.\`timestamp\`, '%Y%m%d') AS dateid, s.quantity, s.price,
              CAST(s.price * s.quantity AS DECIMAL(20,2)) AS amount,
              DATE_FORMAT(s.\`timestamp\`, '%Y-%m-%dT%H:%i:%s.%f') AS event_time
         FROM \`${db}\`.sales_data s
         LEFT JOIN \`${db}_oracle\`.catalog c ON c.product_id = s.product_id
         LEFT JOIN \`${db}\`.customers cu ON cu.customer_id = s.customer_id`,
    );
    const out = new Map<number, FactLine>();
    for (const r of rows as Array<Record<string, string | number | null>>)
      out.set(Number(r.orderid), factLine(r));
    return out;
  } finally {
    await conn.end();
  }
}

export function factLine(r: Record<string, unknown>): FactLine {
  const s = (v: unknown) => (v === null || v === undefined ? '∅' : String(v));
  return [
    r.product_id,
    r.customer_id,
    r.category,
    r.country,
    r.dateid,
    r.quantity,
    r.price,
    r.amount,
    r.event_time,
  ]
    .map(s)
    .join(' | ');
}

/** The warehouse's facts, resolved through their surrogate keys to the members' natural values. */
export async function warehouseFacts(pool: pg.Pool, schema: string): Promise<Map<number, FactLine>> {
  const q = (t: string) => `"${schema}"."${t}"`;
  const { rows } = await pool.query(
    `SELECT f.orderid, i.product_id, cu.customer_id, cat.category, co.country, d.dateid::text AS dateid,
            f.quantity, f.price::text AS price, f.amount::text AS amount,
            to_char(f.event_time, 'YYYY-MM-DD"T"HH24:MI:SS.US') AS event_time,
            (cu.valid_from <= f.event_time AND f.event_time < cu.valid_to) AS in_version
       FROM ${q('FactSales')} f
       LEFT JOIN ${q('DimItem')} i ON i.itemid = f.itemid
       LEFT JOIN ${q('DimCategory')} cat ON cat.categoryid = f.categoryid
       LEFT JOIN ${q('DimCustomer')} cu ON cu.customerkey = f.customerkey
       LEFT JOIN ${q('DimCountry')} co ON co.countryid = f.countryid
       LEFT JOIN ${q('DimDate')} d ON d.dateid = f.dateid`,
  );
  const out = new Map<number, FactLine>();
  for (const r of rows) {
    // A fact pointing at a customer version whose range misses its time is wrong whatever the country says.
    out.set(Number(r.orderid), r.in_version === false ? `${factLine(r)} | OUT OF VERSION` : factLine(r));
  }
  return out;
}

/** The differences of two fact maps, at most `limit` of them, for a readable failure. */
export function diffFacts(
  expected: Map<number, FactLine>,
  actual: Map<number, FactLine>,
  limit = 8,
): string[] {
  const out: string[] = [];
  for (const [k, v] of expected) {
    const a = actual.get(k);
    if (a !== v) out.push(`orderid ${k}: expected ${v}\n               got ${a ?? 'nothing'}`);
  }
  for (const k of actual.keys()) if (!expected.has(k)) out.push(`orderid ${k}: unexpected ${actual.get(k)}`);
  return out.length > limit ? [...out.slice(0, limit), `... and ${out.length - limit} more`] : out;
}
