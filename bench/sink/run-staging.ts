import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { REPO_ROOT } from '../../core/config/load.js';
import type { Admin } from '../../core/kafka/client.js';
import type { Capture } from '../../tests/support/capture.js';
import { testHttpPort } from '../../tests/support/ports.js';
import { cpuByService } from '../proc-cpu.js';
import { RUN_NODE_FLAGS } from '../support/processes.js';
import { type Measure, round } from './measure.js';
import { cpuSeconds, memoryMb } from './proc.js';
import { digest, settle, type Target, waitForSentinel } from './target.js';

export interface StagingRunInput {
  cap: Capture;
  admin: Admin;
  pool: pg.Pool;
  topic: string;
  /** A consumer group never used before, so the sink reads the topic from the beginning. */
  group: string;
  records: number;
  finalRows: number;
  sentinelKey: number;
  marker: number;
  timeoutS: number;
  step: (line: string) => void;
  /** Node flags for the sink process (a CPU profile). */
  nodeArgs?: string[];
  /** Registers the child, so an interrupt can stop it. */
  track: (child: ChildProcess | undefined) => void;
}

/**
 * (a) Starling's staging sink as its own process (`starling run`, staging stage only, no connector
 * supervisor), consuming nothing but the benchmark topic. The target (the capture's staging schema, which
 * the sink creates) is dropped first. Timed from the spawn until the sentinel is visible; its group's
 * committed offsets reaching the end offsets is reported beside it.
 */
export async function runStaging(i: StagingRunInput): Promise<Measure> {
  const target: Target = { schema: i.cap.db, table: 'sales_data' };
  await i.pool.query(`DROP SCHEMA IF EXISTS "${target.schema}" CASCADE`);
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...i.cap.env,
    STARLING_STAGING_GROUP: i.group,
    STARLING_PIPELINE: 'staging',
    STARLING_CONNECTOR_SUPERVISOR: 'off',
    STARLING_STAGING_TOPICS: `^${i.topic.replace(/[.-]/g, '\\$&')}$`,
    STARLING_LOG_LEVEL: 'warn',
    STARLING_HTTP_PORT: testHttpPort(),
  };
  const ends = await i.admin.fetchTopicOffsets(i.topic);
  const svc0 = cpuByService();
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [...RUN_NODE_FLAGS, ...(i.nodeArgs ?? []), join(REPO_ROOT, 'bin', 'starling.mjs'), 'run'],
    {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  i.track(child);
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = `exited (${signal ?? code})`;
  });
  const pid = child.pid!;
  let caughtUpS = Number.NaN;
  const offsetsCaughtUp = async () => {
    if (!Number.isNaN(caughtUpS)) return true;
    const got = await i.admin.fetchOffsets({ groupId: i.group, topics: [i.topic] });
    const done = ends.every((e) => {
      const p = got[0]?.partitions.find((x) => x.partition === e.partition);
      return Number(e.high) === Number(e.low) || Number(p?.offset ?? -1) >= Number(e.high);
    });
    if (done) caughtUpS = (performance.now() - t0) / 1000;
    return done;
  };
  let lastOffsetPoll = 0;
  try {
    const arrival = await waitForSentinel(i.pool, target, i.sentinelKey, i.marker, t0, {
      timeoutS: i.timeoutS,
      check: async () => {
        if (exited) throw new Error(`starling run ${exited} before the sentinel arrived:\n${stderr}`);
        if (performance.now() - lastOffsetPoll > 250) {
          lastOffsetPoll = performance.now();
          await offsetsCaughtUp();
        }
      },
    });
    // The contender's cost, read at the moment its final state is visible.
    const cpuS = cpuSeconds(pid) ?? Number.NaN;
    const peakRssMb = memoryMb(pid, 'VmHWM') ?? Number.NaN;
    const pgCpuS = (cpuByService().postgresql ?? 0) - (svc0.postgresql ?? 0);
    while (!(await offsetsCaughtUp())) {
      if ((performance.now() - t0) / 1000 > arrival.sentinelS + 30) break;
      await sleep(100);
    }
    const settleS = await settle(i.pool, target, i.finalRows);
    return {
      contender: 'staging',
      settings: 'starling run (staging stage), defaults',
      events: i.records,
      finalRows: i.finalRows,
      wallS: round(arrival.sentinelS, 3),
      firstRowS: round(arrival.firstRowS, 3),
      rate: Math.round(i.records / arrival.sentinelS),
      cpuS: round(cpuS, 2),
      pgCpuS: round(pgCpuS, 2),
      peakRssMb: Math.round(peakRssMb),
      settleS: round(settleS, 3),
      digest: await digest(i.pool, target),
      extra: { committedOffsetsAtEndS: Number.isNaN(caughtUpS) ? null : round(caughtUpS, 3), group: i.group },
    };
  } finally {
    await stopChild(child, i.step);
    i.track(undefined);
  }
}

/** SIGTERM (the sink drains and commits), then SIGKILL after 35 s. */
export async function stopChild(child: ChildProcess, step: (line: string) => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    step('starling run did not stop within 35 s; SIGKILL');
    child.kill('SIGKILL');
  }, 35_000);
  await gone;
  clearTimeout(timer);
}
