import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { planWarehouse, renderTables } from '../../schemas/ddl/dialect-neutral.js';
import { postgresDialect } from '../../schemas/ddl/postgres.js';
import { softcartModel } from '../../schemas/softcart.js';
import { testConfig, uniqueName } from '../support/context.js';

// The generated PostgreSQL DDL of the SoftCart star, executed on the real warehouse database.
const config = testConfig();
const pool = new pg.Pool({ connectionString: config.postgres.warehouseUrl, max: 1 });
const schema = uniqueName('it_ddl');

afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

describe('the warehouse DDL generated from the SoftCart model', () => {
  it('runs on PostgreSQL and creates every table of the star with its key', async () => {
    const client = await pool.connect();
    try {
      await client.query(`CREATE SCHEMA "${schema}"`);
      for (const sql of renderTables(planWarehouse(softcartModel), postgresDialect, { schema }))
        await client.query(sql);
      const { rows } = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
        [schema],
      );
      expect(rows.map((r) => r.table_name)).toEqual(
        [
          'DimCategory',
          'DimCountry',
          'DimCustomer',
          'DimDate',
          'DimItem',
          'FactSales',
          '_starling_deleted_FactSales',
          '_starling_lock',
          '_starling_points_DimCustomer',
        ].sort(),
      );
      const pk = await client.query<{ table_name: string; column_name: string }>(
        `SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc
           JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name)
          WHERE tc.table_schema = $1 AND tc.constraint_type = 'PRIMARY KEY' ORDER BY 1, 2`,
        [schema],
      );
      expect(pk.rows.find((r) => r.table_name === 'DimDate')?.column_name).toBe('dateid');
      expect(pk.rows.filter((r) => r.table_name === 'FactSales').map((r) => r.column_name)).toEqual([
        'orderid',
      ]);
    } finally {
      client.release();
    }
  });
});
