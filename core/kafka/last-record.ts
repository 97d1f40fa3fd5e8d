import { randomUUID } from 'node:crypto';
import { type Admin, createConsumer, type Kafka, type KafkaMessage } from './client.js';

/** Records read per step when looking back for an accepted one. */
const WINDOW = 256;

/**
 * The last record of one partition that `accept` takes (default: any), or undefined when there is none
 * (empty, every record expired, or none accepted). For a source that keeps its checkpoint in the topic it
 * writes: what it last got acknowledged, passing over records others put there. Reads back from the high
 * watermark a window at a time. Rejects when a window is not read within `timeoutMs` or the consumer crashes.
 */
export async function readLastRecord(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  o: { partition?: number; accept?: (m: KafkaMessage) => boolean; timeoutMs?: number } = {},
): Promise<KafkaMessage | undefined> {
  const partition = o.partition ?? 0;
  const offsets = await admin.fetchTopicOffsets(topic);
  const p = offsets.find((x) => x.partition === partition);
  if (p === undefined) throw new Error(`topic ${topic} has no partition ${partition}`);
  const low = BigInt(p.low);
  let end = BigInt(p.high);
  while (end > low) {
    const from = end - BigInt(WINDOW) > low ? end - BigInt(WINDOW) : low;
    const messages = await readRange(kafka, admin, topic, partition, from, end, o.timeoutMs ?? 30_000);
    const found = messages.filter(o.accept ?? (() => true)).at(-1);
    if (found) return found;
    end = from;
  }
  return undefined;
}

/**
 * The records at offsets [from, to) of one partition (to ≤ the high watermark). kafkajs has no assign(),
 * so this reads in a throwaway group (deleted afterwards) and seeks; without transactions every offset
 * below the watermark is a record, so the read ends at offset to - 1.
 */
async function readRange(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  partition: number,
  from: bigint,
  to: bigint,
  timeoutMs: number,
): Promise<KafkaMessage[]> {
  const groupId = `starling-probe-${randomUUID()}`;
  const consumer = createConsumer(kafka, { groupId, maxWaitTimeInMs: 100, retry: { retries: 2 } });
  const out: KafkaMessage[] = [];
  let settle: (error?: Error) => void = () => undefined;
  const done = new Promise<Error | undefined>((resolve) => {
    settle = resolve;
  });
  const timer = setTimeout(
    () => settle(new Error(`reading ${topic} [${from}, ${to}): not done after ${timeoutMs} ms`)),
    timeoutMs,
  );
  consumer.on(consumer.events.CRASH, ({ payload }) => settle(payload.error));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch }) => {
        if (batch.partition !== partition) return;
        for (const m of batch.messages) {
          const offset = BigInt(m.offset);
          if (offset >= from && offset < to && (out.length === 0 || offset > BigInt(out.at(-1)!.offset)))
            out.push(m);
          if (offset >= to - 1n) return settle();
        }
      },
    });
    consumer.seek({ topic, partition, offset: from.toString() });
    const error = await done;
    if (error) throw error;
    return out;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await admin.deleteGroups([groupId]);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
}
