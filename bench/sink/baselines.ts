import type { ChildProcess } from 'node:child_process';
import type { Admin } from '../../core/kafka/client.js';
import type { Measure } from './measure.js';
import { runRawJava } from './run-raw-java.js';
import { runRawKafkajs } from './run-raw-kafkajs.js';

export interface BaselineInput {
  admin: Admin;
  brokers: string[];
  /** The stack's jars (infra/stack/paths.ts: config.jarsDir, or <home>/jars). */
  jarsDir: string;
  topic: string;
  records: number;
  round: number;
  /** A fresh consumer group name for one baseline; the caller deletes it at the end. */
  group: (name: string) => string;
  timeoutS: number;
  step: (line: string) => void;
  track: (child: ChildProcess | undefined) => void;
}

/**
 * A round's raw-consume baselines on the contenders' topic: how fast kafkajs alone reads it (the staging
 * sink's own client limit), and Kafka's Java consumer beside it. Even rounds run them in reverse order.
 */
export async function runBaselines(i: BaselineInput): Promise<Measure[]> {
  const ends = (await i.admin.fetchTopicOffsets(i.topic)).map((p) => ({
    partition: p.partition,
    high: Number(p.high),
  }));
  const common = { brokers: i.brokers, topic: i.topic, ends, records: i.records, timeoutS: i.timeoutS };
  const kinds = i.round % 2 === 0 ? (['java', 'kafkajs'] as const) : (['kafkajs', 'java'] as const);
  const out: Measure[] = [];
  for (const kind of kinds) {
    i.step(`round ${i.round}: raw ${kind}`);
    const group = i.group(`raw-${kind}`);
    const m =
      kind === 'kafkajs'
        ? await runRawKafkajs({ ...common, group, track: i.track })
        : await runRawJava({ ...common, group, track: i.track, jarsDir: i.jarsDir });
    i.step(m.unavailable ? `  unavailable: ${m.unavailable}` : `  ${m.rate} events/s, ${m.wallS} s`);
    out.push(m);
  }
  return out;
}
