/**
 * The raw kafkajs baseline's own process (run-raw-kafkajs.ts starts it): a bare kafkajs consumer configured
 * like the staging sink's (sinks/runtime/sink-runner.ts: fresh group, from the beginning, no auto-commit,
 * one partition at a time, 1 MiB per partition per fetch) that counts records and their key + value bytes
 * until every partition's last record is read. No decoding, no database.
 *
 *   node --import tsx bench/sink/raw-kafkajs.ts --brokers H:P[,H:P] --topic T --group G --ends P:HIGH[,P:HIGH]
 *
 * Prints one JSON line (RawKafkajsResult) once it has read the end offsets, then waits for stdin to close
 * (so its parent reads its CPU and peak RSS from /proc while it is still there) and leaves.
 */
import { parseArgs } from 'node:util';
import { createConsumer, createKafka } from '../../core/kafka/client.js';

export interface RawKafkajsResult {
  records: number;
  bytes: number;
  /** From before connect (group join included) until the last record was counted, ms. */
  elapsedMs: number;
  /** From before connect until kafkajs reported the group joined, ms. */
  joinMs: number | null;
  /** From before connect until the first batch arrived, ms. */
  firstBatchMs: number | null;
  /** CPU of this process over the same interval (startup and module loading excluded), s. */
  consumeCpuS: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      brokers: { type: 'string' },
      topic: { type: 'string' },
      group: { type: 'string' },
      ends: { type: 'string' },
    },
  });
  if (!values.brokers || !values.topic || !values.group || !values.ends)
    throw new Error('--brokers, --topic, --group and --ends are required');
  const topic = values.topic;
  // Partition -> offset one past its last record; an empty partition is read at once.
  const ends = new Map(values.ends.split(',').map((e) => e.split(':').map(Number) as [number, number]));
  const remaining = new Set([...ends].filter(([, high]) => high > 0).map(([p]) => p));

  const kafka = createKafka({ brokers: values.brokers.split(','), clientId: 'starling-bench-raw' });
  const consumer = createConsumer(kafka, {
    groupId: values.group,
    sessionTimeout: 30_000,
    heartbeatInterval: 3000,
    maxBytesPerPartition: 1024 * 1024,
  });
  let records = 0;
  let bytes = 0;
  let joinMs: number | null = null;
  let firstBatchMs: number | null = null;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinMs ??= performance.now() - t0;
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    if (remaining.size === 0) resolve();
    consumer
      .run({
        autoCommit: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: async ({ batch }) => {
          const n = batch.messages.length;
          if (n === 0) return;
          firstBatchMs ??= performance.now() - t0;
          records += n;
          for (const m of batch.messages) bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
          if (Number(batch.messages[n - 1]!.offset) + 1 >= (ends.get(batch.partition) ?? 0))
            remaining.delete(batch.partition);
          if (remaining.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const result: RawKafkajsResult = {
    records,
    bytes,
    elapsedMs,
    joinMs,
    firstBatchMs,
    consumeCpuS: (cpu.user + cpu.system) / 1e6,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await new Promise<void>((resolve) => {
    process.stdin.on('end', resolve).on('error', resolve).resume();
  });
  await consumer.disconnect();
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`raw kafkajs consumer failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
