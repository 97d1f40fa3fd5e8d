import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { javaBinary } from '../../infra/stack/jvm.js';
import { type Measure, round } from './measure.js';
import { processWatch } from './proc.js';
import type { RawRunInput } from './run-raw-kafkajs.js';

const TOOL = 'org.apache.kafka.tools.ConsumerPerformance';
const HEAP = '-Xmx256m';

/** ConsumerPerformance's summary line: start, end, MB, MB/s, records, records/s, rebalance ms, fetch ms, ... */
export interface ToolSummary {
  mb: number;
  records: number;
  rebalanceMs: number;
  fetchMs: number;
  /** It gave up before reading --num-records (its --timeout between records passed). */
  incomplete: boolean;
}

export function parseSummary(stdout: string): ToolSummary | undefined {
  for (const line of stdout.split('\n')) {
    const f = line.split(',').map((s) => s.trim());
    if (f.length < 10 || !/^\d+$/.test(f[4]!)) continue;
    return {
      mb: Number(f[2]),
      records: Number(f[4]),
      rebalanceMs: Number(f[6]),
      fetchMs: Number(f[7]),
      incomplete: /WARNING: Exiting before consuming/.test(stdout),
    };
  }
  return undefined;
}

function unavailable(why: string, i: RawRunInput): Measure {
  return {
    contender: 'raw-java',
    settings: TOOL,
    events: Number.NaN,
    finalRows: Number.NaN,
    wallS: Number.NaN,
    firstRowS: Number.NaN,
    rate: Number.NaN,
    cpuS: Number.NaN,
    pgCpuS: Number.NaN,
    peakRssMb: null,
    settleS: 0,
    unavailable: why,
    extra: { group: i.group, expectedRecords: i.records },
  };
}

/**
 * Baseline: Kafka's own consumer performance tool (the Java client, from the local stack's jars, in the
 * stack's Java, a 256 MB heap) reading the topic with a fresh group, no auto-commit, 1 MiB per partition per
 * fetch (its default). Its rate is the tool's own elapsed time (group join and fetches, JVM start-up not);
 * its CPU and peak RSS are its process's, start-up and JIT included. Any failure is reported as the
 * row's reason, never as the benchmark's.
 */
export async function runRawJava(i: RawRunInput & { jarsDir: string }): Promise<Measure> {
  const dir = join(i.jarsDir, 'lib', 'kafka');
  if (!existsSync(dir) || !readdirSync(dir).some((f) => /^kafka-tools-[\d.]+\.jar$/.test(f)))
    return unavailable(`no kafka-tools jar in ${dir}`, i);
  let java: string;
  try {
    java = javaBinary();
  } catch (e) {
    return unavailable((e as Error).message, i);
  }
  const args = [
    HEAP,
    '-cp',
    `${dir}/*`,
    TOOL,
    '--bootstrap-server',
    i.brokers.join(','),
    '--topic',
    i.topic,
    '--num-records',
    String(i.records),
    '--group',
    i.group,
    '--timeout',
    '60000',
    '--command-property',
    'enable.auto.commit=false',
  ];
  const t0 = performance.now();
  const child = spawn(java, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  i.track(child);
  const watch = child.pid === undefined ? undefined : processWatch(child.pid, 50);
  let stdout = '';
  let stderr = '';
  let processS = Number.NaN;
  child.stdout!.on('data', (d) => {
    stdout += d;
    // The summary comes after the consumer closed, just before the JVM exits: its cost as of that moment.
    if (Number.isNaN(processS) && parseSummary(stdout)) {
      watch?.read();
      processS = (performance.now() - t0) / 1000;
    }
  });
  child.stderr!.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), i.timeoutS * 1000);
  const how = await new Promise<string>((resolve) => {
    child.once('error', (e) => resolve(`could not start ${java}: ${e.message}`));
    child.once('exit', (code, signal) => resolve(code === 0 ? '' : `exited (${signal ?? code})`));
  });
  clearTimeout(timer);
  i.track(undefined);
  const { cpuS, peakRssMb } = watch?.stop() ?? { cpuS: Number.NaN, peakRssMb: Number.NaN };
  const s = parseSummary(stdout);
  const tail = (text: string) => text.trim().split('\n').slice(-3).join(' | ').slice(0, 300);
  if (!s) return unavailable(`${TOOL} ${how || 'printed no summary'}: ${tail(stderr || stdout)}`, i);
  if (s.incomplete || s.records !== i.records)
    return unavailable(`${TOOL} read ${s.records} of ${i.records} records (--timeout 60000 passed)`, i);
  const wallS = (s.rebalanceMs + s.fetchMs) / 1000;
  return {
    contender: 'raw-java',
    settings: `ConsumerPerformance (Java client), ${HEAP}, 1 MiB/partition`,
    events: s.records,
    finalRows: Number.NaN,
    wallS: round(wallS, 3),
    firstRowS: Number.NaN,
    rate: Math.round(s.records / wallS),
    cpuS: round(cpuS, 2),
    pgCpuS: Number.NaN,
    peakRssMb: Math.round(peakRssMb),
    settleS: 0,
    extra: {
      group: i.group,
      expectedRecords: i.records,
      complete: true,
      mb: round(s.mb, 2),
      joinS: round(s.rebalanceMs / 1000, 3),
      fetchRate: s.fetchMs > 0 ? Math.round(s.records / (s.fetchMs / 1000)) : null,
      processWallS: round(processS, 3),
      java,
      tool: TOOL,
    },
  };
}
