import { vi } from 'vitest';
import { createConsumer, type Kafka } from '../../core/kafka/client.js';

/** Consumes `topic` in `group` and commits exactly `upTo[p]` on each partition p, then leaves the group. */
export async function commitUpTo(
  kafka: Kafka,
  topic: string,
  group: string,
  upTo: Record<number, number>,
): Promise<void> {
  const consumer = createConsumer(kafka, { groupId: group, maxWaitTimeInMs: 100 });
  const committed = new Set<number>();
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (Number(message.offset) + 1 !== upTo[partition]) return;
        await consumer.commitOffsets([{ topic, partition, offset: String(upTo[partition]) }]);
        committed.add(partition);
      },
    });
    await vi.waitFor(
      () => {
        if (committed.size < Object.keys(upTo).length) throw new Error('not committed yet');
      },
      { timeout: 60_000, interval: 50 },
    );
  } finally {
    await consumer.disconnect();
  }
}
