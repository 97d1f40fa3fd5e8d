import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresDdl } from '../../schemas/ddl/postgres.js';
import { softcartModel } from '../../schemas/softcart.js';
import { starling } from '../support/cli.js';
import { testConfig, uniqueName } from '../support/context.js';

const base = testConfig();
const pool = new pg.Pool({ connectionString: base.postgres.warehouseUrl, max: 2 });
const schema = uniqueName('it_projection_star');

afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await pool.end();
});

/** A day of the date dimension, as far as the projection cares (the other columns just need values). */
async function day(dateid: number): Promise<void> {
  const s = String(dateid);
  await pool.query(
    `INSERT INTO "${schema}"."DimDate" (dateid, date, year, quarter, quartername, month, monthname, day, weekday, weekdayname)
     VALUES ($1, $2::date, $3, 1, 'Q1', 1, 'January', 1, 1, 'Sunday')`,
    [dateid, `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6)}`, Number(s.slice(0, 4))],
  );
}

async function fact(orderid: number, dateid: number, amount: string): Promise<void> {
  await pool.query(
    `INSERT INTO "${schema}"."FactSales" (orderid, event_time, dateid, quantity, price, amount, _starling_pos)
     VALUES ($1, now(), $2, 1, $3, $3, 'test')`,
    [orderid, dateid, amount],
  );
}

describe('analytics projection over the star (the warehouse DDL of the SoftCart model)', () => {
  it('sums FactSales.amount by DimDate.year and fits a line over the years', async () => {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    for (const sql of postgresDdl(softcartModel, { schema }).split(';\n\n')) await pool.query(sql);
    const env = { STARLING_WAREHOUSE_SCHEMA: schema };

    // One year only: explained, with the course model's projection, exit 0.
    await day(20200105);
    await fact(1, 20200105, '1000.25');
    await fact(2, 20200105, '999.75');
    const one = await starling(['analytics', 'projection'], env);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain(`Yearly sales from ${schema}.FactSales by DimDate.year (SUM(amount))`);
    expect(one.stdout).toContain('  2020  2000.00');
    expect(one.stdout).toContain('needs sales of at least 2 different years, and this data has only 2020');
    expect(one.stdout).toContain('Course model check: 2023 -> 175.1656');

    await day(20210301);
    await day(20220301);
    await fact(3, 20210301, '3000.00');
    await fact(4, 20220301, '4000.00');
    const r = await starling(['analytics', 'projection', '--years', '1', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.points).toEqual([
      { year: 2020, sales: 2000 },
      { year: 2021, sales: 3000 },
      { year: 2022, sales: 4000 },
    ]);
    expect(o.fit.slope).toBeCloseTo(1000, 6);
    expect(o.fit.r2).toBeCloseTo(1, 10);
    expect(o.fit.n).toBe(3);
    expect(o.projection).toHaveLength(1);
    expect(o.projection[0].year).toBe(2023);
    expect(o.projection[0].sales).toBeCloseTo(5000, 4);
  });
});
