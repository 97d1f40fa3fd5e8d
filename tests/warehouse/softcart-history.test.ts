import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log/logger.js';
import { softcartModel } from '../../schemas/softcart.js';
import { dataDirFor } from '../../seeds/source.js';
import { runWorkload } from '../../seeds/workload/run.js';
import { createWarehouseSink } from '../../sinks/warehouse/warehouse-sink.js';
import { createConformService } from '../../streams/conform/conform-service.js';
import { newCapture } from '../support/capture.js';
import { mysqlConnection, testConfig } from '../support/context.js';
import { buildOracle, countryAtSaleTime, finalCatalog } from '../support/history-oracle.js';
import {
  caughtUp,
  diffFacts,
  dropOracle,
  expectedFacts,
  newStar,
  type Star,
  snapshotTables,
  warehouseFacts,
  warehousePool,
} from '../support/star.js';
import {
  type CatalogDoc,
  expectStarConverges,
  STAR_MIX,
  seedStarSources,
  waitForSnapshot,
} from '../support/star-scenario.js';

// A seeded random workload of 10,000+ changes (sales inserted, updated, re-keyed and deleted; customers
// moving country, i.e. SCD2; products changing category; sales arriving before their customer or product)
// through the whole pipeline; the oracle is a recomputation from the sources plus, for history, the
// workload's own log. Then two replays from the earliest offsets must rebuild identical tables.
const SEED = Number(process.env.STARLING_TEST_SEED ?? Date.now() % 1_000_000_007);
const base = testConfig();
const dataDir = dataDirFor(undefined);
const pool = warehousePool(base);
const log = createLogger(process.env.IT_LOG === '1' ? 'info' : 'silent');
const cap = newCapture(base, 'it_hist');
const star = newStar(cap);
const tmp = mkdtempSync(join(tmpdir(), 'starling-hist-'));
const stops: Array<() => Promise<void>> = [];
const stars: Star[] = [star];
const errors: Error[] = [];

afterAll(async () => {
  for (const f of stops.reverse()) await f().catch(() => undefined);
  for (const s of stars) await s.drop().catch(() => undefined);
  await dropOracle(base, cap.db).catch(() => undefined);
  await cap.drop().catch(() => undefined);
  await pool.end();
  rmSync(tmp, { recursive: true, force: true });
});

/** `instances` members of each group (they share the partitions; the result must not depend on it). */
async function startPipeline(s: Star, instances = 1): Promise<void> {
  for (let i = 0; i < instances; i++) {
    const conform = createConformService(s.config, softcartModel, log, (e) => errors.push(e));
    const warehouse = createWarehouseSink(s.config, softcartModel, log, (e) => errors.push(e));
    stops.push(
      () => conform.stop(),
      () => warehouse.stop(),
    );
    await conform.start();
    await warehouse.start();
  }
}

let catalog: CatalogDoc[] = [];
let expectedAll: Awaited<ReturnType<typeof expectedFacts>>;

describe(`the SoftCart star under a seeded workload (seed ${SEED})`, () => {
  it('10,000 changes leave the warehouse equal to the batch recomputation, with correct SCD2 history', async () => {
    console.info(`softcart-history seed: ${SEED} (rerun with STARLING_TEST_SEED=${SEED})`);
    const { docs, before } = await seedStarSources(base, cap, star, dataDir);
    catalog = docs;
    await cap.start();
    await waitForSnapshot(base, cap);
    await startPipeline(star);

    const logFile = join(tmp, 'workload.jsonl');
    const done = await runWorkload({
      config: base,
      database: cap.db,
      rate: 700,
      durationS: 15,
      seed: SEED,
      txnSize: 5,
      mix: STAR_MIX,
      logFile,
      catalog: { standin: { topicPrefix: cap.prefix } },
      catalogDocs: docs as never,
    });
    expect(done.committed).toBeGreaterThanOrEqual(10_000);

    // The oracle: final catalog and customer versions from the log; expected facts by SQL in MariaDB.
    const { lines, versions } = await buildOracle(base, cap.db, before, docs, logFile);
    expectedAll = await expectedFacts(base, cap.db, countryAtSaleTime(cap.db));

    // The workload made the cases that matter: moves, category changes, late members, and sales committed
    // before a move that covers them (their facts must be re-pointed to the later version).
    const kinds = (table: string, op: string) => lines.filter((l) => l.table === table && l.op === op).length;
    expect(kinds('customers', 'update')).toBeGreaterThan(100);
    expect(kinds('electronics', 'update')).toBeGreaterThan(50);
    expect(kinds('electronics', 'insert')).toBeGreaterThan(10);
    const moveAt = new Map<number, Array<{ seq: number; at: string }>>();
    for (const l of lines)
      if (l.table === 'customers' && l.op === 'update')
        moveAt.set(l.key.customer_id!, [
          ...(moveAt.get(l.key.customer_id!) ?? []),
          { seq: l.seq, at: String(l.values!.updated_at) },
        ]);
    const repointed = lines.filter(
      (l) =>
        l.table === 'sales_data' &&
        l.op === 'insert' &&
        (moveAt.get(Number(l.values!.customer_id)) ?? []).some(
          (m) => m.seq > l.seq && m.at <= String(l.values!.timestamp),
        ),
    ).length;
    console.info(`sales committed before a move that covers them: ${repointed}`);
    expect(repointed).toBeGreaterThan(0);

    await expectStarConverges(base, pool, star, expectedAll, versions);
    expect(errors).toEqual([]);

    // No member is still inferred (every late one arrived); is_current marks exactly the open versions.
    const q = (t: string) => `"${star.schema}"."${t}"`;
    const current = await pool.query(
      `SELECT count(*)::int AS n FROM ${q('DimCustomer')} WHERE is_current <> (valid_to = '9999-12-31')`,
    );
    expect(current.rows[0].n).toBe(0);
    for (const t of ['DimItem', 'DimCategory', 'DimCountry', 'DimCustomer']) {
      const r = await pool.query(`SELECT count(*)::int AS n FROM ${q(t)} WHERE inferred`);
      expect(r.rows[0].n, `${t} inferred members`).toBe(0);
    }
    const items = await pool.query(
      `SELECT product_id, item, category FROM ${q('DimItem')} ORDER BY product_id`,
    );
    expect(items.rows).toEqual(
      finalCatalog(catalog, lines)
        .sort((a, b) => a.product_id - b.product_id)
        .map((d) => ({ product_id: d.product_id, item: d.model, category: d.type })),
    );
  });

  it("the course's reports give the numbers of the same aggregations over the source data", async () => {
    const conn = await mysqlConnection(base, cap.db);
    const country = countryAtSaleTime(cap.db);
    const sales = `FROM sales_data s LEFT JOIN \`${cap.db}_oracle\`.catalog c ON c.product_id = s.product_id`;
    const amount = 's.price * s.quantity';
    const rows = async (sql: string) =>
      ((await conn.query(sql))[0] as Array<Record<string, unknown>>).map(line);
    const line = (r: Record<string, unknown>) =>
      Object.values(r)
        .map((v) =>
          v === null || v === undefined
            ? '∅'
            : typeof v === 'string' && /^-?\d+\.\d+$/.test(v)
              ? Number(v).toFixed(2)
              : String(v),
        )
        .join(' | ');
    const sorted = (a: string[]) => [...a].sort();
    const q = (t: string) => `"${star.schema}"."${t}"`;
    const wh = async (sql: string) => (await pool.query(sql)).rows.map(line);
    try {
      expect(
        sorted(await wh(`SELECT country, category, total_sales FROM ${q('report_sales_grouping_sets')}`)),
      ).toEqual(
        sorted([
          ...(await rows(
            `SELECT ${country} AS country, NULL AS category, SUM(${amount}) AS t ${sales} GROUP BY 1`,
          )),
          ...(await rows(
            `SELECT NULL AS country, c.type AS category, SUM(${amount}) AS t ${sales} GROUP BY 2`,
          )),
        ]),
      );
      expect(sorted(await wh(`SELECT year, country, total_sales FROM ${q('report_sales_rollup')}`))).toEqual(
        sorted(
          await rows(
            `SELECT YEAR(s.\`timestamp\`) AS y, ${country} AS country, SUM(${amount}) AS t ${sales} GROUP BY y, country WITH ROLLUP`,
          ),
        ),
      );
      // CUBE (MariaDB has none): every grouping of (year, country), averages compared to the cent.
      const cube = [
        `SELECT YEAR(s.\`timestamp\`) AS y, ${country} AS country, AVG(${amount}) AS a ${sales} GROUP BY 1, 2`,
        `SELECT YEAR(s.\`timestamp\`) AS y, NULL AS country, AVG(${amount}) AS a ${sales} GROUP BY 1`,
        `SELECT NULL AS y, ${country} AS country, AVG(${amount}) AS a ${sales} GROUP BY 2`,
        `SELECT NULL AS y, NULL AS country, AVG(${amount}) AS a ${sales}`,
      ];
      const expectedCube: string[] = [];
      for (const sql of cube) expectedCube.push(...(await rows(sql)));
      expect(sorted(await wh(`SELECT year, country, average_sales FROM ${q('report_sales_cube')}`))).toEqual(
        sorted(expectedCube),
      );
      // The materialized report, refreshed by the sink at most every STARLING_REPORT_REFRESH_MS.
      const expectedTotals = sorted(
        await rows(`SELECT ${country} AS country, SUM(${amount}) AS t ${sales} GROUP BY 1`),
      );
      await expect
        .poll(
          async () => sorted(await wh(`SELECT country, total_sales FROM ${q('total_sales_per_country')}`)),
          {
            timeout: 30_000,
            interval: 500,
          },
        )
        .toEqual(expectedTotals);
    } finally {
      await conn.end();
    }
  });

  it('replaying every topic from the earliest offsets into an empty warehouse rebuilds identical tables, keys included', async () => {
    const want = await snapshotTables(pool, star.schema);
    expect(want.FactSales!.length).toBe(expectedAll.size);
    // (a) the warehouse sink alone, a new group over the same conformed topics; (b) the whole pipeline, new
    // groups and new conformed topics of 3 partitions each, from the raw topics, with two members in each
    // group (scale-out: the warehouse members share the conformed partitions).
    const sinkOnly = newStar(cap, { label: 'replay_sink' });
    const whole = newStar(cap, {
      label: 'replay_all',
      conformedPrefix: 'conformed2',
      env: { STARLING_TOPIC_PARTITIONS: '3' },
    });
    stars.push(sinkOnly, whole);
    const warehouse = createWarehouseSink(sinkOnly.config, softcartModel, log, (e) => errors.push(e));
    stops.push(() => warehouse.stop());
    await warehouse.start();
    await startPipeline(whole, 2);
    for (const s of [sinkOnly, whole])
      await expect
        .poll(
          async () => {
            const d = diffFacts(expectedAll, await warehouseFacts(pool, s.schema), 3);
            if (process.env.IT_LOG === '1') console.info(s.schema, d.length, d[0]);
            return d;
          },
          {
            timeout: 240_000,
            interval: 2000,
          },
        )
        .toEqual([]);
    await expect
      .poll(() => caughtUp(base, [sinkOnly.warehouseGroup, whole.conformGroup, whole.warehouseGroup]), {
        timeout: 120_000,
        interval: 1000,
      })
      .toBe(true);
    expect(await snapshotTables(pool, sinkOnly.schema)).toEqual(want);
    expect(await snapshotTables(pool, whole.schema)).toEqual(want);
    expect(errors).toEqual([]);
  }, 600_000);
});
