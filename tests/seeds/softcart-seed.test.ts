import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedSoftcart } from '../../seeds/softcart-seed.js';
import { resolveDataDir } from '../../seeds/source.js';
import { mysqlConnection, testConfig, uniqueName } from '../support/context.js';
import { tableChecksums } from './checksum.js';

const config = testConfig();
const courseDir = resolveDataDir(undefined, config.softcartDir);
const databases: string[] = [];
const newDatabase = () => {
  const db = uniqueName('it_seed');
  databases.push(db);
  return db;
};

afterAll(async () => {
  const conn = await mysqlConnection(config);
  for (const db of databases) await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
  await conn.end();
});

async function query<T>(db: string, sql: string): Promise<T[]> {
  const conn = await mysqlConnection(config, db);
  try {
    const [rows] = await conn.query(sql);
    return rows as T[];
  } finally {
    await conn.end();
  }
}

/** The expected figures, computed here from the file itself, independently of the seed's parser. */
function expectedFromOltp(dir: string) {
  const lines = readFileSync(join(dir, 'oltpdata.csv'), 'utf8').trim().split('\n');
  const rows = lines.map((l) => l.split(','));
  const fold = (p: number) => 5600 + ((p - 5600) % 438);
  return {
    count: rows.length,
    sumPrice: rows.reduce((s, r) => s + Number(r[2]), 0),
    sumQuantity: rows.reduce((s, r) => s + Number(r[3]), 0),
    distinctProducts: new Set(rows.map((r) => fold(Number(r[0])))).size,
    customers: new Set(rows.map((r) => Number(r[1]))),
  };
}

type Figures = { n: string; price: string; qty: string; products: string; maxts: string };
const FIGURES =
  'SELECT COUNT(*) AS n, SUM(price) AS price, SUM(quantity) AS qty, COUNT(DISTINCT product_id) AS products, MAX(`timestamp`) AS maxts FROM sales_data';

describe.skipIf(courseDir === undefined)(
  'seed softcart from the course files (needs the course files; skipped when absent)',
  () => {
    it('loads the 2,605 sales of oltpdata.csv with folded product ids, and customers by the country rule', async () => {
      const db = newDatabase();
      const expected = expectedFromOltp(courseDir!);
      const r = await seedSoftcart({ config, database: db, dataDir: courseDir });
      expect(r.tables).toEqual([
        { table: 'sales_data', rows: 2605, added: 2605 },
        { table: 'customers', rows: expected.customers.size, added: expected.customers.size },
      ]);
      const [f] = await query<Figures>(db, FIGURES);
      expect(Number(f!.n)).toBe(expected.count);
      expect(f!.price).toBe(`${expected.sumPrice}.00`);
      expect(Number(f!.qty)).toBe(expected.sumQuantity);
      expect(Number(f!.products)).toBe(expected.distinctProducts);
      const [range] = await query<{ lo: number; hi: number }>(
        db,
        'SELECT MIN(product_id) AS lo, MAX(product_id) AS hi FROM sales_data',
      );
      expect(range!.lo).toBeGreaterThanOrEqual(5600);
      expect(range!.hi).toBeLessThanOrEqual(6037);

      const countries = readFileSync(join(courseDir!, 'DimCountry.csv'), 'utf8')
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','))
        .sort((a, b) => Number(a[0]) - Number(b[0]))
        .map((c) => c[1]!.trim());
      const customers = await query<{ customer_id: number; country: string }>(db, 'SELECT * FROM customers');
      expect(new Set(customers.map((c) => c.customer_id))).toEqual(expected.customers);
      for (const c of customers) expect(c.country).toBe(countries[c.customer_id % 56]);
    });

    it('adds nothing and changes nothing when run again; --scale repeats the rows later in time', async () => {
      const db = newDatabase();
      await seedSoftcart({ config, database: db, dataDir: courseDir });
      const conn = await mysqlConnection(config, db);
      const before = await tableChecksums(conn);
      const again = await seedSoftcart({ config, database: db, dataDir: courseDir });
      expect(again.tables.map((t) => t.added)).toEqual([0, 0]);
      expect(await tableChecksums(conn)).toEqual(before);

      const scaled = await seedSoftcart({ config, database: db, dataDir: courseDir, scale: 3 });
      expect(scaled.tables[0]).toEqual({ table: 'sales_data', rows: 3 * 2605, added: 2 * 2605 });
      const [f] = await query<Figures>(db, FIGURES);
      const one = expectedFromOltp(courseDir!);
      expect(f!.price).toBe(`${3 * one.sumPrice}.00`);
      // 2,605 one-per-second sales from 16:20:03, three times in a row: the last is 3×2,605−1 s later.
      expect(f!.maxts).toBe('2020-09-05 18:30:17');
      await conn.end();
    });
  },
);

describe('seed softcart without the course files', () => {
  it('loads the built-in generator data of the same shapes', async () => {
    const db = newDatabase();
    const r = await seedSoftcart({ config, database: db, dataDir: undefined });
    expect(r.origin).toBe('built-in generator');
    expect(r.tables[0]).toEqual({ table: 'sales_data', rows: 2605, added: 2605 });
    expect(r.catalogDocuments).toBe(438);
    const [f] = await query<Figures>(db, FIGURES);
    expect(Number(f!.n)).toBe(2605);
    expect(f!.maxts).toBe('2020-09-05 17:03:27');
    const [c] = await query<{ n: string; d: string }>(
      db,
      'SELECT COUNT(*) AS n, (SELECT COUNT(DISTINCT customer_id) FROM sales_data) AS d FROM customers',
    );
    expect(c!.n).toBe(c!.d);
  });
});
