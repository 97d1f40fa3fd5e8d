import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log/logger.js';
import { softcartModel } from '../../schemas/softcart.js';
import { publishCatalogSnapshot } from '../../seeds/catalog/standin.js';
import { seedSoftcart } from '../../seeds/softcart-seed.js';
import { catalogDocuments, dataDirFor } from '../../seeds/source.js';
import { createWarehouseSink } from '../../sinks/warehouse/warehouse-sink.js';
import { createConformService } from '../../streams/conform/conform-service.js';
import { newCapture } from '../support/capture.js';
import { mysqlConnection, testConfig } from '../support/context.js';
import {
  diffFacts,
  dropOracle,
  expectedFacts,
  loadOracleCatalog,
  newStar,
  warehouseFacts,
  warehousePool,
} from '../support/star.js';

const base = testConfig();
const dataDir = dataDirFor(undefined);
const pool = warehousePool(base);
const cleanup: Array<() => Promise<void>> = [];
const log = createLogger(process.env.IT_LOG === '1' ? 'info' : 'silent');

afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
  await pool.end();
});

describe(`the SoftCart star from the seed (${dataDir ? 'the course files' : 'the built-in generator'})`, () => {
  it('after `seed softcart` and the pipeline, the warehouse equals a batch recomputation from the sources', async () => {
    const cap = newCapture(base, 'it_star');
    const star = newStar(cap);
    const errors: Error[] = [];
    const conform = createConformService(star.config, softcartModel, log, (e) => errors.push(e));
    const warehouse = createWarehouseSink(star.config, softcartModel, log, (e) => errors.push(e));
    cleanup.push(async () => {
      await conform.stop();
      await warehouse.stop();
      await star.drop();
      await dropOracle(base, cap.db);
      await cap.drop();
    });

    await seedSoftcart({ config: base, database: cap.db, dataDir });
    const docs = catalogDocuments(dataDir) as unknown as Array<{
      product_id: number;
      type: string;
      model: string;
    }>;
    await publishCatalogSnapshot(docs as never, { config: star.config, topicPrefix: cap.prefix });
    await loadOracleCatalog(base, cap.db, docs);
    await cap.start();
    await conform.start();
    await warehouse.start();

    const expected = await expectedFacts(base, cap.db);
    expect(expected.size).toBeGreaterThan(0);
    await expect
      .poll(async () => diffFacts(expected, await warehouseFacts(pool, star.schema)), {
        timeout: 180_000,
        interval: 1000,
      })
      .toEqual([]);
    expect(errors).toEqual([]);

    const q = (t: string) => `"${star.schema}"."${t}"`;
    // Dimensions, by natural values: the catalog's items and categories, the customers' countries.
    const items = await pool.query(
      `SELECT product_id, item, category, inferred FROM ${q('DimItem')} ORDER BY product_id`,
    );
    expect(items.rows).toEqual(
      [...docs]
        .sort((a, b) => a.product_id - b.product_id)
        .map((d) => ({ product_id: d.product_id, item: d.model, category: d.type, inferred: false })),
    );
    const categories = await pool.query(
      `SELECT category, inferred FROM ${q('DimCategory')} ORDER BY category`,
    );
    expect(categories.rows).toEqual(
      [...new Set(docs.map((d) => d.type))].sort().map((category) => ({ category, inferred: false })),
    );
    const conn = await mysqlConnection(base, cap.db);
    try {
      const [countries] = await conn.query('SELECT DISTINCT country FROM customers ORDER BY country');
      const dimCountries = await pool.query(
        `SELECT country FROM ${q('DimCountry')} WHERE NOT inferred ORDER BY country`,
      );
      expect(dimCountries.rows.map((r) => r.country).sort()).toEqual(
        (countries as Array<{ country: string }>).map((r) => r.country).sort(),
      );
      // One version per customer (no history yet), open from the beginning to the end of time.
      const [customers] = await conn.query('SELECT customer_id, country FROM customers ORDER BY customer_id');
      const versions = await pool.query(
        `SELECT customer_id, country, to_char(valid_from, 'YYYY-MM-DD') AS f, to_char(valid_to, 'YYYY-MM-DD') AS t,
                is_current, inferred FROM ${q('DimCustomer')} ORDER BY customer_id`,
      );
      expect(versions.rows).toEqual(
        (customers as Array<{ customer_id: number; country: string }>).map((c) => ({
          customer_id: c.customer_id,
          country: c.country,
          f: '0001-01-01',
          t: '9999-12-31',
          is_current: true,
          inferred: false,
        })),
      );
      // The date dimension, against MariaDB's own calendar functions (DAYOFWEEK: 1 = Sunday).
      const [days] = await conn.query(
        `SELECT DISTINCT DATE_FORMAT(\`timestamp\`, '%Y%m%d') + 0 AS dateid, DATE_FORMAT(\`timestamp\`, '%Y-%m-%d') AS date,
                YEAR(\`timestamp\`) AS year, QUARTER(\`timestamp\`) AS quarter, CONCAT('Q', QUARTER(\`timestamp\`)) AS quartername,
                MONTH(\`timestamp\`) AS month, MONTHNAME(\`timestamp\`) AS monthname, DAY(\`timestamp\`) AS day,
                DAYOFWEEK(\`timestamp\`) AS weekday, DAYNAME(\`timestamp\`) AS weekdayname
           FROM sales_data ORDER BY dateid`,
      );
      const dimDate = await pool.query(
        `SELECT dateid, to_char(date, 'YYYY-MM-DD') AS date, year, quarter, quartername, month, monthname, day, weekday, weekdayname
           FROM ${q('DimDate')} ORDER BY dateid`,
      );
      expect(dimDate.rows).toEqual(
        (days as Array<Record<string, unknown>>).map((d) => ({ ...d, dateid: Number(d.dateid) })),
      );
    } finally {
      await conn.end();
    }
  });
});
