import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../../core/config/load.js';
import { RUN_NODE_FLAGS } from '../support/processes.js';
import { type Measure, round } from './measure.js';
import { processWatch } from './proc.js';
import type { RawKafkajsResult } from './raw-kafkajs.js';

export interface RawRunInput {
  brokers: string[];
  topic: string;
  /** Partition -> end offset (high watermark) of the topic. */
  ends: Array<{ partition: number; high: number }>;
  records: number;
  /** A consumer group never used before. */
  group: string;
  timeoutS: number;
  /** Registers the child, so an interrupt can stop it. */
  track: (child: ChildProcess | undefined) => void;
}

/**
 * Baseline: a bare kafkajs consumer (raw-kafkajs.ts) in its own Node process, started with the staging
 * sink's Node flags, counting the topic's records. Its rate is the client's own time (connect, group join
 * and fetches); its CPU and peak RSS are its process's, read when it reports.
 */
export async function runRawKafkajs(i: RawRunInput): Promise<Measure> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...RUN_NODE_FLAGS,
      '--import',
      'tsx',
      join(REPO_ROOT, 'bench', 'sink', 'raw-kafkajs.ts'),
      '--brokers',
      i.brokers.join(','),
      '--topic',
      i.topic,
      '--group',
      i.group,
      '--ends',
      i.ends.map((e) => `${e.partition}:${e.high}`).join(','),
    ],
    { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  i.track(child);
  const watch = processWatch(child.pid!, 250);
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(`exited (${signal ?? code})`)),
  );
  let reported = false;
  try {
    const line = await Promise.race([
      new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve)),
      exited.then((how) => Promise.reject(new Error(`the raw kafkajs consumer ${how}:\n${stderr}`))),
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`the raw kafkajs consumer did not read the topic in ${i.timeoutS} s`)),
          i.timeoutS * 1000,
        ).unref(),
      ),
    ]);
    // Its cost, read while it waits for us: start-up (tsx loading TypeScript included) and consuming.
    watch.read();
    reported = true;
    const processS = (performance.now() - t0) / 1000;
    const r = JSON.parse(line) as RawKafkajsResult;
    const { cpuS, peakRssMb } = watch.stop();
    const wallS = r.elapsedMs / 1000;
    return {
      contender: 'raw-kafkajs',
      settings: 'bare kafkajs consumer, eachBatch, 1 MiB/partition, count only',
      events: r.records,
      finalRows: Number.NaN,
      wallS: round(wallS, 3),
      firstRowS: r.firstBatchMs === null ? Number.NaN : round(r.firstBatchMs / 1000, 3),
      rate: Math.round(r.records / wallS),
      cpuS: round(cpuS, 2),
      pgCpuS: Number.NaN,
      peakRssMb: Math.round(peakRssMb),
      settleS: 0,
      extra: {
        group: i.group,
        expectedRecords: i.records,
        complete: r.records === i.records,
        mb: round(r.bytes / 2 ** 20, 2),
        joinS: r.joinMs === null ? null : round(r.joinMs / 1000, 3),
        fetchRate: r.joinMs === null ? null : Math.round(r.records / ((r.elapsedMs - r.joinMs) / 1000)),
        consumeCpuS: round(r.consumeCpuS, 2),
        processWallS: round(processS, 3),
        nodeFlags: RUN_NODE_FLAGS,
      },
    };
  } finally {
    watch.stop();
    // Told to leave once it has reported; stopped at once when it has not.
    if (reported) child.stdin!.end();
    else child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    if (child.exitCode === null && child.signalCode === null) await exited;
    clearTimeout(timer);
    i.track(undefined);
  }
}
