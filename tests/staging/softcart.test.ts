import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log/logger.js';
import { seedSoftcartEtl } from '../../seeds/etl-seed.js';
import { seedSoftcart } from '../../seeds/softcart-seed.js';
import { dataDirFor } from '../../seeds/source.js';
import { createStagingSink } from '../../sinks/staging/staging-sink.js';
import { newCapture } from '../support/capture.js';
import { testConfig } from '../support/context.js';
import { sourceChecksums, stagingChecksums, stagingPool } from '../support/mirror-checksum.js';

const base = testConfig();
const dataDir = dataDirFor(undefined);
const staging = stagingPool(base);
const cleanup: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
  await staging.end();
});

function sinkFor(cap: ReturnType<typeof newCapture>) {
  const sink = createStagingSink(
    cap.config,
    createLogger(process.env.IT_LOG === '1' ? 'info' : 'silent'),
    (e) => {
      throw e;
    },
  );
  cleanup.push(async () => {
    await sink.stop();
    await staging.query(`DROP SCHEMA IF EXISTS "${cap.db}" CASCADE`);
    await cap.drop();
  });
  return sink;
}

describe(`SoftCart into staging (${dataDir ? 'the course files' : 'the built-in generator: no course files here'})`, () => {
  it('after `seed softcart`, staging equals the source tables (checksums computed in each database)', async () => {
    const cap = newCapture(base, 'it_softcart');
    const sink = sinkFor(cap);
    await seedSoftcart({ config: base, database: cap.db, dataDir });
    await cap.start();
    await sink.runner.start();
    const expected = await sourceChecksums(base, cap.db);
    expect(expected.sales_data).toMatch(dataDir ? /^2605:/ : /^\d+:/);
    await expect
      .poll(() => stagingChecksums(staging, cap.db), { timeout: 120_000, interval: 1000 })
      .toEqual(expected);
  });

  it.runIf(dataDir)('the ETL scenario ends with 13,836 rows in staging, the last rowid 13939', async () => {
    const cap = newCapture(base, 'it_etl');
    const sink = sinkFor(cap);
    await seedSoftcartEtl({ config: base, database: cap.db, dataDir, phase: 'load' });
    await cap.start();
    await sink.runner.start();
    // sales.sql's newer rows arrive as live changes while capture runs.
    const live = await seedSoftcartEtl({ config: base, database: cap.db, dataDir, phase: 'live' });
    expect(live.liveInserted).toBe(1650);
    await expect
      .poll(
        async () => {
          const { rows } = await staging
            .query(`SELECT count(*)::int AS n, max(rowid) AS m FROM "${cap.db}".sales_data`)
            .catch(() => ({ rows: [{ n: 0, m: null }] }));
          return rows[0];
        },
        { timeout: 120_000, interval: 1000 },
      )
      .toEqual({ n: 13836, m: 13939 });
  });
});
