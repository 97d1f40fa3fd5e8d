import { afterAll, describe, expect, it } from 'vitest';
import { KILL_POINTS, type KillPoint } from '../../core/faults/kill-points.js';
import { createKafka } from '../../core/kafka/client.js';
import { Prng } from '../../seeds/prng.js';
import { dataDirFor } from '../../seeds/source.js';
import { caughtUp } from '../support/star.js';
import { seedStarSources, waitForSnapshot } from '../support/star-scenario.js';
import { until } from './support/groups.js';
import { endlessWorkload, expectReconcileClean, FULL, matrixPipeline, SEED, SIZE } from './support/matrix.js';
import { exitWithin, STAGES, type Stage, StageProcess } from './support/stages.js';

// kill -9 of each pipeline process (staging sink, conform processor, warehouse sink, each its own process) at
// every named point where a death could lose or duplicate something (core/faults/kill-points.ts), under a live
// workload; each death is followed by a restart, and the run must end with `reconcile` clean: staging equal
// to the source, the facts equal to the source, every fact's keys naming the right dimension members.
const POINTS: Record<Stage, KillPoint[]> = {
  // ddl first: a staging table is created only once, by the first process to see its topic.
  staging: [
    'ddl',
    'joined',
    'batch-received',
    'prepared',
    'in-transaction',
    'written',
    'before-commit',
    'committed',
    'rebalance',
  ],
  conform: [
    'joined',
    'batch-received',
    'prepared',
    'produce-request',
    'written',
    'before-commit',
    'committed',
    'rebalance',
  ],
  warehouse: [
    'ddl',
    'joined',
    'batch-received',
    'in-transaction',
    'written',
    'before-commit',
    'committed',
    'rebalance',
    'report-refresh',
  ],
};
/** Points reached once per process start (one rebalance: the one the test causes), killed the first time. */
const ONCE: KillPoint[] = ['ddl', 'joined', 'rebalance'];

const pipeline = matrixPipeline('it_killmx');
const { base, cap, star, env, config } = pipeline;
const running = new Set<StageProcess>();

afterAll(async () => {
  for (const p of running) await p.kill9();
  await pipeline.drop();
});

function launch(stage: Stage, label: string, extra: Record<string, string> = {}): StageProcess {
  const p = new StageProcess(stage, { ...env, ...extra }, label);
  running.add(p);
  void p.exited.then(() => running.delete(p));
  return p;
}

function groupOf(stage: Stage): string {
  return stage === 'staging' ? cap.group : stage === 'conform' ? star.conformGroup : star.warehouseGroup;
}

async function memberIds(stage: Stage): Promise<Set<string>> {
  const admin = createKafka({ brokers: base.kafka.brokers }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupOf(stage)]);
    return new Set(groups[0]?.members.map((m) => m.memberId) ?? []);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Until the group is stable with exactly one member that was not there before the process started: the new
 * process holds every partition and a dead predecessor's session has expired.
 */
async function waitForSoleNewMember(stage: Stage, before: Set<string>): Promise<void> {
  const admin = createKafka({ brokers: base.kafka.brokers }).admin();
  await admin.connect();
  try {
    await until(
      `${stage}: the group settles on the new process alone`,
      120_000,
      async () => {
        const { groups } = await admin.describeGroups([groupOf(stage)]);
        const g = groups[0];
        return g?.state === 'Stable' && g.members.length === 1 && !before.has(g.members[0]!.memberId);
      },
      250,
    );
  } finally {
    await admin.disconnect();
  }
}

describe(`fault matrix: kill -9 at every named point of every stage (seed ${SEED}, size ${SIZE})`, () => {
  it('each death is followed by a restart, and reconcile ends clean', async () => {
    console.info(`kill-matrix seed: ${SEED} (rerun with STARLING_TEST_SEED=${SEED}), size ${SIZE}`);
    const prng = new Prng(SEED);
    const { docs } = await seedStarSources(base, cap, star, dataDirFor(undefined));
    await cap.start();
    await waitForSnapshot(base, cap);
    const workload = endlessWorkload(base, cap, docs, { seed: SEED, rate: FULL ? 300 : 150 });

    // Per stage, the points in a seeded order (ddl kept first), each reached a seeded number of times.
    const plans = Object.fromEntries(
      STAGES.map((stage) => {
        const rounds = FULL ? 3 : 1;
        const points: KillPoint[] = [];
        for (let r = 0; r < rounds; r++) {
          const rest = POINTS[stage].filter((p) => p !== 'ddl' || r === 0);
          for (let i = rest.length - 1; i > 0; i--) {
            const j = Math.floor(prng.next() * (i + 1));
            [rest[i], rest[j]] = [rest[j]!, rest[i]!];
          }
          const ddl = rest.indexOf('ddl');
          if (ddl > 0) rest.unshift(...rest.splice(ddl, 1));
          points.push(...rest);
        }
        return [
          stage,
          points.map((point) => ({ point, nth: ONCE.includes(point) ? 1 : 1 + Math.floor(prng.next() * 3) })),
        ];
      }),
    ) as Record<Stage, Array<{ point: KillPoint; nth: number }>>;
    console.info(
      STAGES.map((s) => `${s}: ${plans[s].map((k) => `${k.point}@${k.nth}`).join(' ')}`).join('\n'),
    );

    const deaths: string[] = [];
    const finals: Partial<Record<Stage, StageProcess>> = {};
    // The three stages die and restart independently and at the same time, as in production.
    await Promise.all(
      STAGES.map(async (stage) => {
        for (const [i, { point, nth }] of plans[stage].entries()) {
          const label = `${stage} #${i} (${point}@${nth})`;
          const before = point === 'rebalance' ? await memberIds(stage) : new Set<string>();
          const hooked = launch(stage, label, { STARLING_FAULT_KILL_AT: `${point}@${nth}` });
          let extra: StageProcess | undefined;
          if (point === 'rebalance') {
            // A second member joins once the hooked one holds the partitions: the hooked one is told to
            // rebalance while it works, and dies there.
            await waitForSoleNewMember(stage, before);
            extra = launch(stage, `${stage} #${i} (joins for the rebalance)`);
          }
          const exit = await exitWithin(hooked, 180_000, `kill point ${point}@${nth}`);
          expect(exit.signal, `${label} exited by itself:\n${hooked.stderr}`).toBe('SIGKILL');
          deaths.push(`${stage}:${point}@${nth}`);
          console.info(`died as planned: ${label}`);
          // The member that joined for the rebalance dies too (a timed kill -9): the next hooked process
          // must be the group's only member to reach its point.
          if (extra) {
            expect(extra.alive, `${extra.label} died:\n${extra.stderr}`).toBe(true);
            await extra.kill9();
          }
        }
        finals[stage] = launch(stage, `${stage} (final)`);
      }),
    );
    console.info(`deaths (${deaths.length}): ${deaths.join(' ')}`);
    expect(deaths.length).toBeGreaterThanOrEqual(20);
    expect(new Set(deaths.map((d) => d.split('@')[0])).size).toBe(
      Object.values(POINTS).reduce((n, p) => n + p.length, 0),
    );
    const committed = await workload.stop();
    console.info(`workload: ${committed} changes committed during the faults`);
    expect(committed).toBeGreaterThan(0);

    await expect
      .poll(() => caughtUp(base, [cap.group, star.conformGroup, star.warehouseGroup]), {
        timeout: 240_000,
        interval: 1000,
      })
      .toBe(true);
    await expectReconcileClean(config);

    // Graceful shutdown of the survivors: SIGTERM drains, commits and exits 0.
    for (const stage of STAGES) {
      const end = await finals[stage]!.terminate();
      expect(end.code, finals[stage]!.stderr).toBe(0);
    }
    expect(Object.keys(KILL_POINTS)).toEqual(expect.arrayContaining(Object.values(POINTS).flat()));
  }, 1_500_000);
});
