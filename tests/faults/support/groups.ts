import type { StarlingConfig } from '../../../core/config/load.js';
import { createKafka } from '../../../core/kafka/client.js';

/** The sum of a group's committed offsets over its topics: it grows while the group makes progress. */
export async function committedTotal(config: StarlingConfig, group: string): Promise<bigint> {
  const admin = createKafka({ brokers: config.kafka.brokers, retries: 2 }).admin();
  await admin.connect();
  try {
    const topics = await admin.fetchOffsets({ groupId: group });
    let sum = 0n;
    for (const t of topics) for (const p of t.partitions) if (Number(p.offset) >= 0) sum += BigInt(p.offset);
    return sum;
  } finally {
    await admin.disconnect();
  }
}

/** Records in a topic (end offsets summed; 0 when it does not exist). */
export async function topicEnd(config: StarlingConfig, topic: string): Promise<bigint> {
  const admin = createKafka({ brokers: config.kafka.brokers, retries: 2 }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
    return offsets.reduce((s, o) => s + BigInt(o.high), 0n);
  } finally {
    await admin.disconnect();
  }
}

/** Polls `probe` every `everyMs` until it returns true; throws `what` at the deadline. */
export async function until(what: string, deadlineMs: number, probe: () => Promise<boolean>, everyMs = 1000) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    // A probe that throws an assertion (a process died) ends the wait at once; other errors are retried.
    if (
      await probe().catch((e) => {
        if ((e as Error).name === 'AssertionError') throw e;
        return false;
      })
    )
      return;
    if (Date.now() > end) throw new Error(`${what}: not within ${deadlineMs / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
