import { afterAll, describe, expect, it } from 'vitest';
import { seedSoftcartEtl } from '../../seeds/etl-seed.js';
import { resolveDataDir } from '../../seeds/source.js';
import { mysqlConnection, testConfig, uniqueName } from '../support/context.js';

const config = testConfig();
const courseDir = resolveDataDir(undefined, config.softcartDir);
const databases: string[] = [];
const newDatabase = () => {
  const db = uniqueName('it_etl');
  databases.push(db);
  return db;
};

afterAll(async () => {
  const conn = await mysqlConnection(config);
  for (const db of databases) await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
  await conn.end();
});

async function figures(db: string) {
  const conn = await mysqlConnection(config, db);
  const [rows] = await conn.query(
    `SELECT COUNT(*) AS n, MAX(rowid) AS m, SUM(price IS NULL) AS nulls, SUM(commit_ts IS NOT NULL) AS stamped,
       SUM(rowid > 12289 AND \`timestamp\` > '2021-01-01') AS live_time FROM sales_data`,
  );
  await conn.end();
  const r = (rows as Record<string, string>[])[0]!;
  return {
    rows: Number(r.n),
    maxRowid: Number(r.m),
    nulls: Number(r.nulls),
    stamped: Number(r.stamped),
    liveTime: Number(r.live_time),
  };
}

describe.skipIf(courseDir === undefined)(
  'seed softcart-etl from the course files (needs the course files; skipped when absent)',
  () => {
    it('loads sales.csv, then inserts the newer rows of sales.sql live, and a rerun changes nothing', async () => {
      const db = newDatabase();
      const load = await seedSoftcartEtl({ config, database: db, dataDir: courseDir, phase: 'load' });
      expect(load).toMatchObject({ loaded: 12186, liveInserted: 0, rows: 12186, maxRowid: 12289 });
      expect((await figures(db)).nulls).toBe(0);

      const live = await seedSoftcartEtl({ config, database: db, dataDir: courseDir, phase: 'live' });
      expect(live).toMatchObject({ loaded: 0, liveInserted: 1650, rows: 13836, maxRowid: 13939 });
      expect(await figures(db)).toEqual({
        rows: 13836,
        maxRowid: 13939,
        nulls: 1650,
        stamped: 1650,
        liveTime: 1650,
      });

      const again = await seedSoftcartEtl({ config, database: db, dataDir: courseDir, phase: 'all' });
      expect(again).toMatchObject({ liveInserted: 0, rows: 13836, maxRowid: 13939 });
    });
  },
);

describe('seed softcart-etl without the course files', () => {
  it('runs the same scenario on generated rows of the same rowid ranges', async () => {
    const db = newDatabase();
    const r = await seedSoftcartEtl({ config, database: db, dataDir: undefined });
    expect(r).toMatchObject({
      origin: 'built-in generator',
      loaded: 12186,
      liveInserted: 1650,
      rows: 13836,
      maxRowid: 13939,
    });
  });
});
