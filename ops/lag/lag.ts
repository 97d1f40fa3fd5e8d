/**
 * Consumer lag for any consumer group on the cluster, Starling's or not: the one lag module behind
 * `starling lag`, and later `/metrics` and the dashboard.
 *
 * Per group, topic and partition: the committed offset (or none), the end offset (high watermark), the lag
 * in messages (end - committed; a partition without a committed offset counts from the earliest retained
 * offset, the low watermark) and the lag in seconds: now minus the timestamp of the oldest unconsumed record,
 * the record at the committed offset, which is read, not interpolated (0 when the lag is 0). Only partitions
 * with lag > 0 are read, by one short-lived consumer in a throwaway group that seeks to the needed offsets
 * and is deleted afterwards; a partition not read before the deadline has lag seconds null (unknown).
 *
 * The status (see ./status.ts) compares with a previous sample: a one-shot caller measures twice a window
 * apart; a long-running caller (metrics, dashboard) keeps its samples and passes the one a window old.
 */
import { randomUUID } from 'node:crypto';
import { type Admin, createConsumer, type Kafka } from '../../core/kafka/client.js';
import { CONTROL_GROUP_PREFIX } from '../control/control-channel.js';
import { type LagStatus, lagStatus } from './status.js';

export type { LagStatus } from './status.js';

/** Throwaway groups of the record reader; never reported as consumer groups (nor control listeners'). */
export const PROBE_GROUP_PREFIX = 'starling-lag-probe-';

export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  /** committed offset, or null when the group has none on this partition */
  committed: number | null;
  /** earliest retained offset (low watermark) */
  start: number;
  /** end offset (high watermark) */
  end: number;
  /** end - committed, or end - start without a committed offset */
  lag: number;
  /** timestamp (ms) of the oldest unconsumed record; null when the lag is 0 or the record was not read */
  oldestUnconsumedMs: number | null;
  /** now - oldestUnconsumedMs in seconds; 0 when the lag is 0; null when not read in time */
  lagSeconds: number | null;
  status: LagStatus;
}

export interface GroupSummary {
  group: string;
  /** as the coordinator reports it: Stable, Empty, PreparingRebalance, Dead (unknown group), ... */
  state: string;
  members: number;
}

export interface LagSample {
  /** when the sample was taken (ms since the epoch), after the records were read */
  at: number;
  groups: GroupSummary[];
  rows: PartitionLag[];
}

export interface MeasureLagOptions {
  /** only these groups (default: every consumer group on the cluster) */
  groups?: string[];
  /** an earlier sample of the same groups, a window ago: the status is judged against it */
  previous?: LagSample;
  /** how long reading the oldest unconsumed records may take (default 10 s) */
  readTimeoutMs?: number;
}

/** The key of a partition in the maps readTimestamps takes and returns. */
export const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
const rowKey = (r: { group: string; topic: string; partition: number }) =>
  `${r.group}\u0000${r.topic}\u0000${r.partition}`;

export async function measureLag(kafka: Kafka, opts: MeasureLagOptions = {}): Promise<LagSample> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groupIds = opts.groups ?? (await listConsumerGroups(admin));
    const groups = await describe(admin, groupIds);
    const committedByGroup = new Map<string, Map<string, Map<number, number>>>();
    for (const groupId of groupIds) {
      const perTopic = new Map<string, Map<number, number>>();
      for (const t of await admin.fetchOffsets({ groupId })) {
        const parts = new Map<number, number>();
        for (const p of t.partitions) if (Number(p.offset) >= 0) parts.set(p.partition, Number(p.offset));
        perTopic.set(t.topic, parts);
      }
      committedByGroup.set(groupId, perTopic);
    }

    const topics = [...new Set([...committedByGroup.values()].flatMap((m) => [...m.keys()]))].sort();
    const watermarks = new Map<string, { partition: number; low: number; high: number }[]>();
    for (const topic of topics) {
      try {
        const offsets = await admin.fetchTopicOffsets(topic);
        watermarks.set(
          topic,
          offsets
            .map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }))
            .sort((a, b) => a.partition - b.partition),
        );
      } catch {
        // The topic was deleted after the group committed on it: nothing to consume, no lag to report.
      }
    }

    type Draft = Omit<PartitionLag, 'oldestUnconsumedMs' | 'lagSeconds' | 'status'> & { readFrom: number };
    const drafts: Draft[] = [];
    for (const groupId of [...groupIds].sort()) {
      const perTopic = committedByGroup.get(groupId)!;
      for (const topic of [...perTopic.keys()].sort()) {
        for (const w of watermarks.get(topic) ?? []) {
          const committed = perTopic.get(topic)!.get(w.partition) ?? null;
          const lag = Math.max(0, w.high - (committed ?? w.low));
          // Records below the low watermark are gone: the oldest unconsumed one that exists is at `low`.
          const readFrom = Math.max(committed ?? w.low, w.low);
          drafts.push({
            group: groupId,
            topic,
            partition: w.partition,
            committed,
            start: w.low,
            end: w.high,
            lag,
            readFrom,
          });
        }
      }
    }

    const needs = new Map<string, Set<number>>();
    for (const d of drafts) {
      if (d.lag === 0 || d.readFrom >= d.end) continue;
      const k = key(d.topic, d.partition);
      if (!needs.has(k)) needs.set(k, new Set());
      needs.get(k)!.add(d.readFrom);
    }
    const timestamps =
      needs.size === 0
        ? new Map<string, number>()
        : await readTimestamps(kafka, admin, needs, watermarks, opts.readTimeoutMs ?? 10_000);

    const at = Date.now();
    const previous = new Map((opts.previous?.rows ?? []).map((r) => [rowKey(r), r]));
    const rows = drafts.map(({ readFrom, ...d }): PartitionLag => {
      const ts = d.lag === 0 ? undefined : timestamps.get(`${key(d.topic, d.partition)}\u0000${readFrom}`);
      const oldestUnconsumedMs = ts ?? null;
      const lagSeconds = d.lag === 0 ? 0 : ts === undefined ? null : Math.max(0, Math.round(at - ts) / 1000);
      const row = { ...d, oldestUnconsumedMs, lagSeconds };
      return { ...row, status: lagStatus(row, previous.get(rowKey(d))) };
    });
    return { at, groups, rows };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Every consumer group the cluster knows, except the record reader's throwaway groups. */
async function listConsumerGroups(admin: Admin): Promise<string[]> {
  const { groups } = await admin.listGroups();
  return groups
    .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
    .map((g) => g.groupId)
    .filter((g) => !g.startsWith(PROBE_GROUP_PREFIX) && !g.startsWith(CONTROL_GROUP_PREFIX))
    .sort();
}

async function describe(admin: Admin, groupIds: string[]): Promise<GroupSummary[]> {
  if (groupIds.length === 0) return [];
  const { groups } = await admin.describeGroups(groupIds);
  return groups
    .map((g) => ({ group: g.groupId, state: g.state, members: g.members.length }))
    .sort((a, b) => a.group.localeCompare(b.group));
}

/**
 * Reads the timestamp of the first record at or after each needed offset (at or after: a compacted or
 * transactional topic may have no record at exactly that offset). kafkajs has no assign(), so this is a
 * consumer in a throwaway group: it subscribes to the topics, seeks each needed partition to its first needed
 * offset (the seek is applied once the partitions are assigned), takes the first record per offset from each
 * batch, seeks on to the partition's next needed offset or pauses the partition, and stops when every offset
 * is read or the deadline passes. Partitions nothing is needed from are paused from the start.
 * Returns `topic\0partition\0offset` -> timestamp (ms).
 */
export async function readTimestamps(
  kafka: Kafka,
  admin: Admin,
  needs: Map<string, Set<number>>,
  watermarks: Map<string, { partition: number; low: number; high: number }[]>,
  timeoutMs: number,
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const queues = new Map<string, number[]>();
  for (const [k, offsets] of needs)
    queues.set(
      k,
      [...offsets].sort((a, b) => a - b),
    );
  const topics = [...new Set([...needs.keys()].map((k) => k.split('\u0000')[0]!))];
  const groupId = `${PROBE_GROUP_PREFIX}${randomUUID()}`;
  const consumer = createConsumer(kafka, { groupId, maxWaitTimeInMs: 100, retry: { retries: 2 } });
  let remaining = [...queues.values()].reduce((n, q) => n + q.length, 0);
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const timer = setTimeout(() => finish(), timeoutMs);
  consumer.on(consumer.events.CRASH, () => finish());
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch }) => {
        const k = key(batch.topic, batch.partition);
        const queue = queues.get(k);
        if (queue !== undefined) {
          for (const m of batch.messages) {
            const offset = Number(m.offset);
            while (queue.length > 0 && queue[0]! <= offset) {
              found.set(`${k}\u0000${queue.shift()!}`, Number(m.timestamp));
              remaining--;
            }
            if (queue.length === 0) break;
          }
        }
        if (queue !== undefined && queue.length > 0)
          consumer.seek({ topic: batch.topic, partition: batch.partition, offset: String(queue[0]) });
        else consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
        if (remaining === 0) finish();
      },
    });
    for (const topic of topics) {
      const idle: number[] = [];
      for (const w of watermarks.get(topic) ?? []) {
        const queue = queues.get(key(topic, w.partition));
        if (queue === undefined) idle.push(w.partition);
        else consumer.seek({ topic, partition: w.partition, offset: String(queue[0]) });
      }
      if (idle.length > 0) consumer.pause([{ topic, partitions: idle }]);
    }
    await done;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(admin, groupId);
  }
  return found;
}

/** The throwaway group is empty once its consumer has left; the coordinator may lag a moment behind. */
async function deleteGroup(admin: Admin, groupId: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await admin.deleteGroups([groupId]);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
