import { afterAll, describe } from 'vitest';
import { softcartModel } from '../../schemas/softcart.js';
import { PostgresWarehouse } from '../../sinks/postgres/warehouse-dialect.js';
import type { WarehouseDialect } from '../../sinks/warehouse/dialect.js';
import { testConfig, uniqueName } from '../support/context.js';
import { snapshotTables, warehousePool } from '../support/star.js';
import { conformanceSuite } from './conformance.js';

const config = testConfig();
const pool = warehousePool(config);
const schemas: string[] = [];

afterAll(async () => {
  for (const s of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch(() => undefined);
  await pool.end();
});

const schemaOf = (d: WarehouseDialect) => (d as PostgresWarehouse).schema;

describe('warehouse dialect conformance: PostgreSQL (live)', () => {
  conformanceSuite({
    async fresh() {
      const schema = uniqueName('it_conf');
      schemas.push(schema);
      const d = new PostgresWarehouse(config.postgres.warehouseUrl, schema);
      await d.ensureModel(softcartModel);
      return d;
    },
    snapshot: (d) => snapshotTables(pool, schemaOf(d)),
    async facts(d) {
      const q = (t: string) => `"${schemaOf(d)}"."${t}"`;
      const { rows } = await pool.query(
        `SELECT f.orderid, cu.customer_id, co.country, cat.category, i.product_id
           FROM ${q('FactSales')} f
           LEFT JOIN ${q('DimCustomer')} cu ON cu.customerkey = f.customerkey
           LEFT JOIN ${q('DimCountry')} co ON co.countryid = f.countryid
           LEFT JOIN ${q('DimCategory')} cat ON cat.categoryid = f.categoryid
           LEFT JOIN ${q('DimItem')} i ON i.itemid = f.itemid`,
      );
      const s = (v: unknown) => (v === null ? '∅' : String(v));
      return new Map(
        rows.map((r) => [
          Number(r.orderid),
          [r.customer_id, r.country, r.category, r.product_id].map(s).join('|'),
        ]),
      );
    },
  });
});
