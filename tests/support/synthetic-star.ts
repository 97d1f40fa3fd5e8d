import type pg from 'pg';
import { quoteIdentifier } from '../../schemas/ddl/dialect-neutral.js';
import { postgresDdl } from '../../schemas/ddl/postgres.js';
import { refreshReportStatements, reportStatements } from '../../schemas/ddl/reports.js';
import { softcartModel } from '../../schemas/softcart.js';

/**
 * A SoftCart star of `facts` synthetic sales in its own warehouse schema (which must not exist): the model's
 * DDL and report objects, the days of 2019–2021, 56 countries (ids 1000–1055), the three catalog categories
 * (201 laptop, 202 smart phone, 203 television), facts spread evenly over days, countries and categories,
 * quantity 1–4 and a price of 1.00–999.99; the materialized report refreshed and every table analyzed, as
 * autovacuum keeps them on a running warehouse. For the dashboard's scale test and `npm run bench`.
 */
export async function buildSyntheticStar(pool: pg.Pool, schema: string, facts: number): Promise<void> {
  const q = quoteIdentifier;
  const t = (name: string) => `${q(schema)}.${q(name)}`;
  await pool.query(`CREATE SCHEMA ${q(schema)}`);
  await pool.query(postgresDdl(softcartModel, { schema }));
  for (const sql of reportStatements('postgres', schema)) await pool.query(sql);
  await pool.query(
    `INSERT INTO ${t('DimDate')}
     SELECT to_char(d, 'YYYYMMDD')::int, d, extract(year FROM d), extract(quarter FROM d),
            'Q' || extract(quarter FROM d), extract(month FROM d), to_char(d, 'FMMonth'), extract(day FROM d),
            extract(dow FROM d) + 1, to_char(d, 'FMDay')
       FROM generate_series(date '2019-01-01', date '2021-12-31', interval '1 day') AS g(d)`,
  );
  await pool.query(
    `INSERT INTO ${t('DimCountry')} ("countryid", "country")
     SELECT 1000 + g, 'Country ' || lpad(g::text, 2, '0') FROM generate_series(0, 55) g`,
  );
  await pool.query(
    `INSERT INTO ${t('DimCategory')} ("categoryid", "category")
     SELECT * FROM unnest('{201,202,203}'::bigint[], '{laptop,smart phone,television}'::text[])`,
  );
  await pool.query(
    `INSERT INTO ${t('FactSales')} ("orderid", "countryid", "categoryid", "event_time", "dateid", "quantity",
            "price", "amount", "_starling_pos")
     SELECT g, 1000 + g % 56, 201 + g % 3, d, to_char(d, 'YYYYMMDD')::int, 1 + g % 4, p, p * (1 + g % 4),
            lpad(g::text, 20, '0')
       FROM generate_series(1, $1::int) g,
            LATERAL (SELECT timestamp '2019-01-01' + (g % 1096) * interval '1 day' AS d,
                            ((g::bigint * 7919) % 99900 + 100) / 100.0 AS p) x`,
    [facts],
  );
  for (const sql of refreshReportStatements('postgres', schema)) await pool.query(sql);
  // Without statistics the planner guesses thousands of groups where there are hundreds.
  for (const table of ['FactSales', 'DimDate', 'DimCountry', 'DimCategory'])
    await pool.query(`VACUUM ANALYZE ${t(table)}`);
}
