import { type Admin, createProducer, type Kafka } from '../../core/kafka/client.js';
import type { EnvelopeEncoder } from './envelope.js';
import type { Change, ChangePlan } from './generator.js';

export interface Produced {
  topic: string;
  records: number;
  bytes: number;
  seconds: number;
}

/** A send is one record batch per partition; the broker takes at most 1 MB (message.max.bytes). */
const BATCH_BYTES = 768 * 1024;

/**
 * Writes a change plan to a new single-partition topic as Debezium would: key and value in the registry's
 * wire format, Debezium's headers, a delete followed by its tombstone, the record timestamp the envelope's
 * ts_ms, partition 0 given (kafkajs would hash every key to find it). Acks from all replicas. One send at a time (kafkajs reorders concurrent sends to one partition,
 * seen here), the next batch encoded while the previous one is in flight; the producer never retries,
 * so the topic holds the plan in order or the benchmark fails.
 */
export async function produceTopic(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  plan: ChangePlan,
  encoder: EnvelopeEncoder,
  progress: (line: string) => void,
  sample?: (change: Change, key: Buffer, value: Buffer) => void,
): Promise<Produced> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: 1,
        replicationFactor: -1,
        configEntries: [
          { name: 'retention.ms', value: '-1' },
          { name: 'cleanup.policy', value: 'delete' },
        ],
      },
    ],
  });
  const producer = createProducer(kafka, { retry: { retries: 0 } });
  await producer.connect();
  const t0 = performance.now();
  let records = 0;
  let bytes = 0;
  let inFlight: Promise<unknown> = Promise.resolve();
  let lastReport = t0;
  try {
    type Message = {
      partition: number;
      key: Buffer;
      value: Buffer | null;
      headers: Record<string, Buffer>;
      timestamp: string;
    };
    let batch: Message[] = [];
    let batchBytes = 0;
    const headers = encoder.template.headers;
    const headerBytes = Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
    const flush = async () => {
      const messages = batch;
      batch = [];
      batchBytes = 0;
      await inFlight;
      inFlight = producer.send({ topic, acks: -1, messages });
      inFlight.catch(() => undefined); // awaited before the next send; this only avoids an unhandled rejection
    };
    for (const change of plan.changes()) {
      const c = encoder.coordinates(change, plan.commitTimeUs(change.seq));
      const key = encoder.key(change.key);
      const value = encoder.value(change.op, change.before, change.after, c);
      const timestamp = String(c.tsMs);
      sample?.(change, key, value);
      batch.push({ partition: 0, key, value, headers, timestamp });
      bytes += key.length + value.length;
      batchBytes += key.length + value.length + headerBytes + 20;
      records++;
      if (change.op === 'd') {
        batch.push({ partition: 0, key, value: null, headers, timestamp });
        bytes += key.length;
        batchBytes += key.length + headerBytes + 20;
        records++;
      }
      if (batchBytes >= BATCH_BYTES) await flush();
      if (performance.now() - lastReport > 5000) {
        lastReport = performance.now();
        progress(`${topic}: ${records} of ${plan.totalRecords} records produced`);
      }
    }
    if (batch.length) await flush();
    await inFlight;
  } finally {
    await producer.disconnect();
  }
  const high = (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0);
  if (high !== records) throw new Error(`${topic} holds ${high} records, ${records} were produced`);
  return { topic, records, bytes, seconds: (performance.now() - t0) / 1000 };
}
