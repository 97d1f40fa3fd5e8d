/**
 * Follows a raw topic from given offsets and counts the records a predicate accepts: how a backfill watches
 * Debezium's snapshot reads arrive. kafkajs has no assign(), so this is one consumer in a throwaway group of
 * its own (never a real group): it subscribes, seeks every partition to its start offset, never commits,
 * and the group is deleted when it stops.
 */
import { randomUUID } from 'node:crypto';
import { type AvroCodec, CodecError } from '../../core/codec/avro-codec.js';
import { createConsumer, type Kafka } from '../../core/kafka/client.js';

/** Throwaway groups of backfill followers: no commits, deleted afterwards. */
export const FOLLOWER_GROUP_PREFIX = 'starling-backfill-probe-';

export interface PartitionOffset {
  partition: number;
  offset: number;
}

/** Each partition's end offset (high watermark) now. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<PartitionOffset[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic))
      .map((o) => ({ partition: o.partition, offset: Number(o.high) }))
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface Follower {
  /** records accepted so far */
  accepted(): number;
  /** true when every partition has been read up to these offsets */
  caughtUp(ends: PartitionOffset[]): boolean;
  /** the consumer's failure, if it crashed */
  failure(): Error | undefined;
  stop(): Promise<void>;
}

export async function followTopic(
  kafka: Kafka,
  codec: AvroCodec,
  topic: string,
  from: PartitionOffset[],
  accept: (value: unknown) => boolean,
): Promise<Follower> {
  const groupId = `${FOLLOWER_GROUP_PREFIX}${randomUUID()}`;
  const consumer = createConsumer(kafka, { groupId, maxWaitTimeInMs: 200 });
  const next = new Map(from.map((p) => [p.partition, p.offset]));
  let accepted = 0;
  let failure: Error | undefined;
  consumer.on(consumer.events.CRASH, (e) => {
    if (!e.payload.restart) failure = e.payload.error;
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const cached = codec.decodeCached(m.value);
          let value: unknown;
          try {
            value = cached !== undefined ? cached?.value : (await codec.decode(m.value))?.value;
          } catch (e) {
            if (!(e instanceof CodecError)) throw e; // the registry is unreachable: kafkajs retries the batch
            value = undefined; // not a Debezium Avro record: not a snapshot read either
          }
          if (value !== undefined && value !== null && accept(value)) accepted++;
          next.set(batch.partition, Number(m.offset) + 1);
        }
      },
    });
    // Applied once the partitions are assigned (kafkajs queues seeks made before that).
    for (const p of from) consumer.seek({ topic, partition: p.partition, offset: String(p.offset) });
  } catch (e) {
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(kafka, groupId);
    throw e;
  }
  return {
    accepted: () => accepted,
    caughtUp: (ends) => ends.every((e) => (next.get(e.partition) ?? 0) >= e.offset),
    failure: () => failure,
    async stop() {
      await consumer.disconnect().catch(() => undefined);
      await deleteGroup(kafka, groupId);
    },
  };
}

/** The group is empty once its consumer has left; the coordinator may lag a moment behind. */
async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await admin.deleteGroups([groupId]);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } catch {
    // best effort: an empty group without offsets expires on its own
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
