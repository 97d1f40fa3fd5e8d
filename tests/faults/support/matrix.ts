import { expect } from 'vitest';
import { loadConfig, type StarlingConfig } from '../../../core/config/load.js';
import { reconcile } from '../../../ops/reconcile/reconcile.js';
import type { Mix } from '../../../seeds/workload/mix.js';
import { runWorkload } from '../../../seeds/workload/run.js';
import { type Capture, newCapture } from '../../support/capture.js';
import { testConfig } from '../../support/context.js';
import { stagingPool } from '../../support/mirror-checksum.js';
import { newStar } from '../../support/star.js';
import type { CatalogDoc } from '../../support/star-scenario.js';

/**
 * The fault matrix's common ground: a printed seed (STARLING_TEST_SEED reruns a failure exactly as far as
 * the seed decides: the order and placement of faults, the workload), and a size: `ci` (default) fits the CI
 * run, `full` (STARLING_FAULTS_SIZE=full, by hand) runs the full numbers.
 */
export const SEED = Number(process.env.STARLING_TEST_SEED ?? Date.now() % 1_000_000_007);
export const FULL = process.env.STARLING_FAULTS_SIZE === 'full';
export const SIZE = FULL ? 'full' : 'ci';

/** A short session timeout: a member killed with -9 gives its partitions up after 10 s, not 30. */
export const FAST_FAILOVER = { STARLING_CONSUMER_SESSION_TIMEOUT_MS: '10000' };

/** The workload of the matrix: the star's kinds of change, without catalog category moves (see below). */
export const MATRIX_MIX: Mix = {
  insert: 45,
  update: 20,
  delete: 8,
  pk: 4,
  country: 15,
  late: 8,
  category: 0,
};

/**
 * A workload that runs until stopped: seeded chunks of a few seconds, each starting from the source's
 * current rows. (One long run would fix the test's length in advance; the faults take as long as they take.)
 * Catalog category moves are left out because each chunk starts from the catalog as first published.
 */
export function endlessWorkload(
  config: StarlingConfig,
  cap: Capture,
  docs: CatalogDoc[],
  o: { seed: number; rate: number; mix?: Mix },
): { stop(): Promise<number> } {
  let stopping = false;
  let committed = 0;
  const done = (async () => {
    for (let chunk = 0; !stopping; chunk++) {
      const r = await runWorkload({
        config,
        database: cap.db,
        rate: o.rate,
        durationS: 4,
        seed: o.seed + chunk,
        txnSize: 3,
        mix: o.mix ?? MATRIX_MIX,
        catalog: { standin: { topicPrefix: cap.prefix } },
        catalogDocs: docs as never,
      });
      committed += r.committed;
    }
  })();
  // A failure surfaces in stop(); until then it must not be an unhandled rejection (a test that failed
  // earlier drops the database under the running chunk).
  done.catch(() => undefined);
  return {
    async stop() {
      stopping = true;
      await done;
      return committed;
    },
  };
}

/** reconcile's verdict in a form a failed assertion prints usefully. */
export async function reconcileSummary(config: StarlingConfig): Promise<{ clean: boolean; lines: string[] }> {
  const r = await reconcile(config);
  return {
    clean: r.clean,
    lines: r.tables.map((t) => [t.kind, t.source, t.status, ...t.problems].join(' ')),
  };
}

/**
 * reconcile clean within two minutes: the warehouse sink may still settle a last batch after the groups
 * caught up, so the verdict is polled; the last one is what a failure prints.
 */
export async function expectReconcileClean(config: StarlingConfig): Promise<void> {
  let verdict = await reconcileSummary(config);
  const deadline = Date.now() + 120_000;
  while (!verdict.clean && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 2000));
    verdict = await reconcileSummary(config);
  }
  expect(verdict.clean, `seed ${SEED}\n${verdict.lines.join('\n')}`).toBe(true);
}

/**
 * The pipeline a matrix test runs as three processes: a SoftCart capture and its star, with fast failover.
 * Staging mirrors this capture's tables only (the catalog stand-in's topic would otherwise land in the
 * shared staging schema "catalog"); reconcile checks the capture's database.
 */
export function matrixPipeline(label: string) {
  const base = testConfig();
  const cap = newCapture(base, label);
  const star = newStar(cap, { stages: 'staging', env: FAST_FAILOVER });
  const staging = stagingPool(base);
  const env = {
    ...star.env,
    STARLING_STAGING_TOPICS: `^${cap.prefix}\\.${cap.db}\\.[^.]+$`,
    STARLING_SOURCE_DATABASES: cap.db,
  };
  const config = loadConfig({ ...process.env, ...env });
  return {
    base,
    cap,
    star,
    env,
    config,
    /** Everything the test created, whatever state it ended in. */
    async drop(): Promise<void> {
      await staging.query(`DROP SCHEMA IF EXISTS "${cap.db}" CASCADE`).catch(() => undefined);
      await staging.end();
      await star.drop().catch(() => undefined);
      await cap.drop().catch(() => undefined);
    },
  };
}
