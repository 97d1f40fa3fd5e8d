import { afterAll, describe, expect, it } from 'vitest';
import { stackServices } from '../../infra/stack/stack.js';
import { Prng } from '../../seeds/prng.js';
import { dataDirFor } from '../../seeds/source.js';
import { dlqTopic } from '../../sinks/runtime/dead-letters.js';
import { caughtUp } from '../support/star.js';
import { seedStarSources, waitForSnapshot } from '../support/star-scenario.js';
import { committedTotal, topicEnd, until } from './support/groups.js';
import {
  endlessWorkload,
  expectReconcileClean,
  FULL,
  MATRIX_MIX,
  matrixPipeline,
  SEED,
  SIZE,
} from './support/matrix.js';
import { STAGES, type Stage, StageProcess } from './support/stages.js';

// Restarts of every service of the stack under a live workload, then PostgreSQL unavailable for 60 s: the
// pipeline processes never exit, resume by themselves once the service is back (no operator, no restart of
// theirs), send nothing to the dead-letter topics for an outage, hold their memory while PostgreSQL is away
// (the backlog stays in Kafka: backpressure, not buffering), and the run ends with `reconcile` clean.
const SERVICES = ['kafka', 'connect', 'registry', 'postgresql', 'mariadb'] as const;
const OUTAGE_S = 60;

const pipeline = matrixPipeline('it_svcrst');
const { base, cap, star, env, config } = pipeline;
const procs: Partial<Record<Stage, StageProcess>> = {};
const services = stackServices(base);

afterAll(async () => {
  for (const p of Object.values(procs)) await p?.kill9();
  // Whatever happened, the stack is left running for the next test.
  for (const s of services) await s.up().catch(() => undefined);
  await pipeline.drop();
});

const groups = () => [cap.group, star.conformGroup, star.warehouseGroup];
const groupOf: Record<Stage, () => string> = {
  staging: () => cap.group,
  conform: () => star.conformGroup,
  warehouse: () => star.warehouseGroup,
};

function expectAllAlive(when: string): void {
  for (const stage of STAGES) {
    const p = procs[stage]!;
    expect(p.alive, `${stage} exited ${when} (${JSON.stringify(p.exit)}):\n${p.stderr}`).toBe(true);
  }
}

/** Every stage commits further than `from`: it resumed by itself. */
async function expectProgressBeyond(from: Record<Stage, bigint>, what: string): Promise<void> {
  for (const stage of STAGES)
    await until(`${stage} commits again after ${what}`, 240_000, async () => {
      expectAllAlive(`after ${what}`);
      return (await committedTotal(base, groupOf[stage]())) > from[stage];
    });
}

async function committedNow(): Promise<Record<Stage, bigint>> {
  const out = {} as Record<Stage, bigint>;
  for (const stage of STAGES) out[stage] = await committedTotal(base, groupOf[stage]());
  return out;
}

async function deadLetters(): Promise<bigint[]> {
  return Promise.all(groups().map((g) => topicEnd(base, dlqTopic(g))));
}

describe(`fault matrix: service restarts and a ${OUTAGE_S} s PostgreSQL outage (seed ${SEED}, size ${SIZE})`, () => {
  it('the pipeline resumes by itself after each, nothing dead-lettered, memory held, reconcile clean', async () => {
    console.info(`service-restarts seed: ${SEED} (rerun with STARLING_TEST_SEED=${SEED}), size ${SIZE}`);
    const prng = new Prng(SEED);
    const { docs } = await seedStarSources(base, cap, star, dataDirFor(undefined));
    await cap.start();
    await waitForSnapshot(base, cap);
    // No workload change goes through Kafka itself (late members and category moves publish catalog
    // documents): the workload writes MariaDB only, and pauses while MariaDB restarts.
    const mix = { ...MATRIX_MIX, late: 0, category: 0 };
    let workload = endlessWorkload(base, cap, docs, { seed: SEED, rate: FULL ? 300 : 150, mix });
    for (const stage of STAGES) procs[stage] = new StageProcess(stage, env, stage);
    // Running: every stage has committed (the workload never stops, so "caught up" is not a state to wait for).
    await expectProgressBeyond({ staging: 0n, conform: 0n, warehouse: 0n }, 'the start');

    const order = [...SERVICES];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(prng.next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const rounds = FULL ? 3 : 1;
    const dlqBefore = await deadLetters();
    for (let round = 0; round < rounds; round++) {
      for (const name of order) {
        const service = services.find((s) => s.name === name)!;
        if (name === 'mariadb') await workload.stop();
        const before = await committedNow();
        const t0 = Date.now();
        expect(await service.down(), `${name} was not stopped`).toBe(true);
        await until(`${name} is down`, 60_000, async () => (await service.status()) !== 'running', 250);
        await service.up();
        console.info(`${name}: restarted in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        if (name === 'mariadb')
          workload = endlessWorkload(base, cap, docs, { seed: SEED + 1000 * (round + 1), rate: 150, mix });
        await expectProgressBeyond(before, `${name} restarted`);
        expectAllAlive(`after the restart of ${name}`);
      }
    }

    // PostgreSQL away for a minute, under the workload.
    const pgService = services.find((s) => s.name === 'postgresql')!;
    const rssBefore = Object.fromEntries(STAGES.map((s) => [s, procs[s]!.rssMb() ?? 0])) as Record<
      Stage,
      number
    >;
    const peak = { ...rssBefore };
    await pgService.down();
    const outageEnd = Date.now() + OUTAGE_S * 1000;
    // Sampled once the batches in flight at the stop have failed over to retrying.
    let stagingAtStart: bigint | undefined;
    while (Date.now() < outageEnd) {
      if (stagingAtStart === undefined && outageEnd - Date.now() < (OUTAGE_S - 10) * 1000)
        stagingAtStart = await committedTotal(base, cap.group);
      // Sampling, not waiting for a condition: the outage lasts its minute whatever happens.
      for (const s of STAGES) peak[s] = Math.max(peak[s], procs[s]!.rssMb() ?? 0);
      expectAllAlive('during the PostgreSQL outage');
      await new Promise((r) => setTimeout(r, 1000));
    }
    const stagingCommitsDuringOutage = (await committedTotal(base, cap.group)) - stagingAtStart!;
    await pgService.up();
    console.info(
      `PostgreSQL outage ${OUTAGE_S} s: peak RSS MB ${STAGES.map((s) => `${s} ${rssBefore[s].toFixed(0)} -> ${peak[s].toFixed(0)}`).join(', ')}`,
    );
    // Nothing was committed past what PostgreSQL had: staging's offsets stood still (it fetched at most the
    // batches in its pipeline), and memory stayed within a bound while the backlog grew in Kafka.
    expect(stagingCommitsDuringOutage).toBe(0n);
    for (const s of STAGES) expect(peak[s], `${s} RSS during the outage`).toBeLessThan(rssBefore[s] + 150);

    const committed = await workload.stop();
    console.info(`workload: ${committed} changes committed during the faults`);
    await until('every group is caught up after the outage', 300_000, () => caughtUp(base, groups()));
    expectAllAlive('after the outage');
    expect(await deadLetters(), 'dead letters written for an outage').toEqual(dlqBefore);

    await expectReconcileClean(config);
    for (const stage of STAGES) {
      const end = await procs[stage]!.terminate();
      expect(end.code, procs[stage]!.stderr).toBe(0);
    }
  }, 1_500_000);
});
