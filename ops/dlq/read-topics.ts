/**
 * Reads topics from given offsets up to their end offsets as they are at the moment of the call (records
 * written meanwhile are left for the next call). kafkajs has no assign(), so this is a consumer in a group:
 * a throwaway group that is deleted afterwards (list, show), or the replay group, whose commits are the
 * replay ledger. Nothing is committed unless the caller commits through the context it is given.
 */
import { randomUUID } from 'node:crypto';
import { UserError } from '../../core/errors/user-error.js';
import { type Admin, createConsumer, type Kafka, type KafkaMessage } from '../../core/kafka/client.js';
import { DLQ_MAX_MESSAGE_BYTES } from '../../sinks/runtime/dead-letters.js';
import { PROBE_GROUP_PREFIX } from '../lag/lag.js';

/** Bytes per fetch: a whole record batch of the largest dead letter a topic takes, with room to spare. */
export const READ_MAX_BYTES = DLQ_MAX_MESSAGE_BYTES + 1024 * 1024;

/** A throwaway reader group: `starling lag` never reports these. */
export function probeGroup(): string {
  return `${PROBE_GROUP_PREFIX}dlq-${randomUUID()}`;
}

export interface PartitionRange {
  topic: string;
  partition: number;
  /** the earliest retained offset */
  low: number;
  /** where reading starts (at least `low`) */
  start: number;
  /** the end offset at the moment of the call: reading stops before it */
  end: number;
}

export interface ReadContext {
  /** Commits an offset (with metadata) for the reading group; only meaningful in a group of one's own. */
  commit(topic: string, partition: number, offset: string, metadata: string): Promise<void>;
}

export interface ReadOptions {
  topics: string[];
  groupId: string;
  /** delete the group afterwards (a throwaway reader) */
  deleteGroup: boolean;
  /** where to start on a partition (default: its earliest retained offset) */
  startAt?: (topic: string, partition: number) => number;
  /** give up when nothing arrived for this long (default 30 s) */
  idleTimeoutMs?: number;
  /** the records of one partition, in offset order, each below the partition's end; one call at a time */
  onBatch(topic: string, partition: number, messages: KafkaMessage[], ctx: ReadContext): Promise<void>;
}

const pk = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export async function partitionRanges(
  admin: Admin,
  topics: string[],
  startAt?: (topic: string, partition: number) => number,
): Promise<PartitionRange[]> {
  const ranges: PartitionRange[] = [];
  for (const topic of topics) {
    for (const o of await admin.fetchTopicOffsets(topic)) {
      const low = Number(o.low);
      const end = Number(o.high);
      const start = Math.min(end, Math.max(low, startAt?.(topic, o.partition) ?? low));
      ranges.push({ topic, partition: o.partition, low, start, end });
    }
  }
  return ranges.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/** Reads every partition from its start to its end; returns the ranges it read. */
export async function readTopics(kafka: Kafka, admin: Admin, o: ReadOptions): Promise<PartitionRange[]> {
  const ranges = await partitionRanges(admin, o.topics, o.startAt);
  const position = new Map<string, number>();
  const ends = new Map<string, number>();
  for (const r of ranges) {
    if (r.start < r.end) position.set(pk(r.topic, r.partition), r.start);
    ends.set(pk(r.topic, r.partition), r.end);
  }
  if (position.size === 0) return ranges;

  const consumer = createConsumer(kafka, {
    groupId: o.groupId,
    maxWaitTimeInMs: 100,
    retry: { retries: 2 },
    // A dead letter may be as large as its topic allows (16 MiB): with kafkajs' 1 MiB per partition, a
    // record batch holding a letter of about 1 MiB was never read whole and reading stalled there.
    maxBytesPerPartition: READ_MAX_BYTES,
    maxBytes: READ_MAX_BYTES,
  });
  let failure: unknown;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const idleMs = o.idleTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const progress = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const left = [...position.entries()].map(
        ([k, at]) => `${k.replace('\u0000', '[')}] at ${at} of ${ends.get(k)}`,
      );
      failure = new UserError(
        `reading ${o.topics.join(', ')} made no progress for ${idleMs / 1000} s (${left.join('; ')}); is Kafka healthy?`,
        'DLQ_READ_TIMEOUT',
      );
      finish();
    }, idleMs);
  };
  /** The partition has been read up to `next` (exclusive). */
  const advance = (topic: string, partition: number, next: number) => {
    const k = pk(topic, partition);
    const at = position.get(k);
    if (at === undefined || next <= at) return;
    progress();
    if (next >= ends.get(k)!) {
      position.delete(k);
      consumer.pause([{ topic, partitions: [partition] }]);
      if (position.size === 0) finish();
    } else position.set(k, next);
  };
  const ctx: ReadContext = {
    commit: (topic, partition, offset, metadata) =>
      consumer.commitOffsets([{ topic, partition, offset, metadata }]),
  };
  consumer.on(consumer.events.CRASH, (e) => {
    failure ??= e.payload.error;
    finish();
  });
  // Batches of only control records never reach eachBatch; their end still counts as read.
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    const last = Number(e.payload.lastOffset);
    if (Number.isFinite(last)) advance(e.payload.topic, e.payload.partition, last + 1);
  });
  try {
    progress();
    await consumer.connect();
    await consumer.subscribe({ topics: o.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, resolveOffset }) => {
        const k = pk(batch.topic, batch.partition);
        const at = position.get(k);
        if (at === undefined || failure !== undefined) return;
        const end = ends.get(k)!;
        const mine = batch.messages.filter((m) => Number(m.offset) >= at && Number(m.offset) < end);
        try {
          if (mine.length > 0) await o.onBatch(batch.topic, batch.partition, mine, ctx);
        } catch (e) {
          failure ??= e;
          finish();
          return;
        }
        const last = batch.messages[batch.messages.length - 1];
        if (last !== undefined) {
          // Moves the fetch position on (nothing is committed): without it kafkajs fetches the same batch
          // again, and a topic larger than one fetch was never read to its end.
          resolveOffset(last.offset);
          advance(batch.topic, batch.partition, Number(last.offset) + 1);
        }
      },
    });
    // Applied once the partitions are assigned; a partition with nothing to read is paused from the start.
    for (const r of ranges) {
      if (position.has(pk(r.topic, r.partition)))
        consumer.seek({ topic: r.topic, partition: r.partition, offset: String(r.start) });
      else consumer.pause([{ topic: r.topic, partitions: [r.partition] }]);
    }
    await done;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    if (o.deleteGroup) await deleteGroup(admin, o.groupId);
  }
  if (failure !== undefined) throw failure;
  return ranges;
}

/** The group is empty once its consumer has left; the coordinator may lag a moment behind. */
async function deleteGroup(admin: Admin, groupId: string): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      await admin.deleteGroups([groupId]);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
