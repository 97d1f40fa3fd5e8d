import type pg from 'pg';
import { expect } from 'vitest';
import type { StarlingConfig } from '../../core/config/load.js';
import { createKafka } from '../../core/kafka/client.js';
import { publishCatalogSnapshot } from '../../seeds/catalog/standin.js';
import { seedSoftcart } from '../../seeds/softcart-seed.js';
import { catalogDocuments } from '../../seeds/source.js';
import type { Mix } from '../../seeds/workload/mix.js';
import type { Capture } from './capture.js';
import { mysqlConnection } from './context.js';
import { customersBefore, type OracleVersion } from './history-oracle.js';
import {
  caughtUp,
  customerVersionRows,
  diffFacts,
  type FactLine,
  type Star,
  warehouseFacts,
} from './star.js';

/** The workload mix of the star tests: every kind of change the star must follow. */
export const STAR_MIX: Mix = { insert: 45, update: 18, delete: 8, pk: 4, country: 12, late: 7, category: 6 };

export type CatalogDoc = { product_id: number; type: string; model: string };

/**
 * The sources of a star test: SoftCart seeded into the capture's database, the catalog published by the
 * stand-in under its prefix. Returns the catalog and the customers as they were before any workload, which
 * the history oracle starts from.
 */
export async function seedStarSources(
  config: StarlingConfig,
  cap: Capture,
  star: Star,
  dataDir: string | undefined,
): Promise<{ docs: CatalogDoc[]; before: Awaited<ReturnType<typeof customersBefore>> }> {
  const docs = catalogDocuments(dataDir) as unknown as CatalogDoc[];
  await seedSoftcart({ config, database: cap.db, dataDir });
  await publishCatalogSnapshot(docs as never, { config: star.config, topicPrefix: cap.prefix });
  return { docs, before: await customersBefore(config, cap.db) };
}

/**
 * Waits until the star's facts equal the oracle's and both groups have consumed everything, then checks the
 * SCD2 versions against the oracle's.
 */
export async function expectStarConverges(
  config: StarlingConfig,
  pool: pg.Pool,
  star: Star,
  expected: Map<number, FactLine>,
  versions: OracleVersion[],
): Promise<void> {
  await expect
    .poll(async () => diffFacts(expected, await warehouseFacts(pool, star.schema)), {
      timeout: 240_000,
      interval: 2000,
    })
    .toEqual([]);
  await expect
    .poll(() => caughtUp(config, [star.conformGroup, star.warehouseGroup]), {
      timeout: 120_000,
      interval: 1000,
    })
    .toBe(true);
  expect(await customerVersionRows(pool, star.schema)).toEqual(versions);
}

/**
 * Waits until Debezium's initial snapshot of the seeded tables is in Kafka (one event per row). A workload
 * must not start before: a change committed before the snapshot's consistent read is seen only as the
 * snapshot's state (CDC has no history from before it), while the workload's log — the oracle — has it.
 */
export async function waitForSnapshot(config: StarlingConfig, cap: Capture): Promise<void> {
  const conn = await mysqlConnection(config, cap.db);
  const want: Record<string, number> = {};
  try {
    for (const table of ['sales_data', 'customers']) {
      const [rows] = await conn.query(`SELECT count(*) AS n FROM \`${table}\``);
      want[cap.topic(table)] = Number((rows as Array<{ n: number }>)[0]!.n);
    }
  } finally {
    await conn.end();
  }
  const admin = createKafka({ brokers: config.kafka.brokers }).admin();
  await admin.connect();
  try {
    await expect
      .poll(
        async () => {
          const have: Record<string, number> = {};
          for (const topic of Object.keys(want)) {
            const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
            have[topic] = offsets.reduce((s, o) => s + Number(o.high), 0);
          }
          return Object.keys(want).every((t) => (have[t] ?? 0) >= want[t]!);
        },
        { timeout: 120_000, interval: 500 },
      )
      .toBe(true);
  } finally {
    await admin.disconnect();
  }
}
