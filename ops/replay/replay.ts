import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../../core/errors/user-error.js';
import type { Admin, Kafka } from '../../core/kafka/client.js';
import type { ControlChannel } from '../control/control-channel.js';
import { key, measureLag, readTimestamps } from '../lag/lag.js';
import { type PartitionState, planOffsets, type ReplayTarget } from './target.js';

export interface ReplayOptions {
  group: string;
  target: ReplayTarget;
  /** Only these topics of the group (default: every topic it has offsets for). */
  topics?: string[];
  /** Ask Starling's own consumers of the group to leave it first (through the control topic). */
  pause: boolean;
  /** How long members may take to leave (ms). */
  leaveTimeoutMs?: number;
  onProgress?: (p: { consumed: number; total: number; elapsedS: number }) => void;
  /** Wait until the group has consumed everything again (default true). */
  wait?: boolean;
}

export interface ReplayResult {
  partitions: Array<{ topic: string; partition: number; from: number | null; to: number }>;
  /** Records the group has to consume again (sum over partitions of end - new offset). */
  records: number;
  paused: string[];
  elapsedS: number;
}

/**
 * `starling replay`: moves a consumer group's offsets (docs/hard-parts.md "Replay and backfill"). Kafka
 * refuses an offset reset while the group has members, so it refuses too, naming them, unless asked to
 * pause: then the pipeline's processes leave the group on a control-topic request, the offsets are reset,
 * and they rejoin. It refuses to replay across history the topics no longer hold. A replay never loses or
 * duplicates warehouse rows: every write downstream is position-guarded.
 */
export async function replay(
  kafka: Kafka,
  control: ControlChannel | undefined,
  o: ReplayOptions,
): Promise<ReplayResult> {
  const started = Date.now();
  const admin = kafka.admin();
  await admin.connect();
  const requestId = randomUUID();
  let paused: string[] = [];
  try {
    const committed = await admin.fetchOffsets({ groupId: o.group });
    const known = committed.map((t) => t.topic);
    if (known.length === 0)
      throw new UserError(
        `Consumer group "${o.group}" has no committed offsets: nothing to replay.`,
        'REPLAY_GROUP',
      );
    const unknown = (o.topics ?? []).filter((t) => !known.includes(t));
    if (unknown.length)
      throw new UserError(
        `Consumer group "${o.group}" has no offsets on ${unknown.join(', ')} (it consumes ${known.join(', ')}).`,
        'REPLAY_TOPIC',
      );
    const topics = o.topics?.length ? o.topics : known;

    // Plan before touching anything: a refusal must leave the pipeline as it was.
    const states = await partitionStates(kafka, admin, topics, o.target);
    const plan = planOffsets(o.target, states);

    const members = await groupMembers(admin, o.group);
    if (members.length > 0) {
      if (!o.pause || !control)
        throw new UserError(
          `Consumer group "${o.group}" has ${members.length} active member${members.length === 1 ? '' : 's'}: ${members.join(', ')}. Stop them, or pass --pause to have Starling's processes leave the group for the reset and rejoin after it.`,
          'REPLAY_GROUP_ACTIVE',
        );
      paused = await pauseGroup(admin, control, o.group, requestId, o.leaveTimeoutMs ?? 60_000);
    }
    try {
      for (const topic of topics)
        await admin.setOffsets({
          groupId: o.group,
          topic,
          partitions: plan
            .filter((p) => p.topic === topic)
            .map((p) => ({ partition: p.partition, offset: String(p.offset) })),
        });
    } finally {
      if (paused.length && control) await control.send({ type: 'resume', group: o.group, requestId });
    }

    const before = new Map(
      committed.flatMap((t) => t.partitions.map((p) => [key(t.topic, p.partition), Number(p.offset)])),
    );
    const result: ReplayResult = {
      partitions: plan.map((p) => ({
        topic: p.topic,
        partition: p.partition,
        from:
          (before.get(key(p.topic, p.partition)) ?? -1) >= 0 ? before.get(key(p.topic, p.partition))! : null,
        to: p.offset,
      })),
      records: plan.reduce((s, p) => s + (p.high - p.offset), 0),
      paused,
      elapsedS: 0,
    };
    if (o.wait !== false) await waitCaughtUp(kafka, o.group, topics, result.records, started, o.onProgress);
    result.elapsedS = (Date.now() - started) / 1000;
    return result;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function groupMembers(admin: Admin, group: string): Promise<string[]> {
  const { groups } = await admin.describeGroups([group]);
  return (groups[0]?.members ?? []).map(
    (m) => `${m.clientId}@${m.clientHost.replace(/^\//, '')} (${m.memberId})`,
  );
}

/** Asks the group's Starling members to leave (repeating the request until they have) and returns who obeyed. */
async function pauseGroup(
  admin: Admin,
  control: ControlChannel,
  group: string,
  requestId: string,
  timeoutMs: number,
): Promise<string[]> {
  const obeyed = new Set<string>();
  await control.start((m) => {
    if (m.type === 'paused' && m.requestId === requestId) obeyed.add(m.instance);
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Repeated: a process that joined the control topic a moment late must still hear it (pausing is idempotent).
    await control.send({ type: 'pause', group, requestId });
    await sleep(1000);
    const left = await groupMembers(admin, group);
    if (left.length === 0) return [...obeyed];
    if (Date.now() > deadline) {
      await control.send({ type: 'resume', group, requestId });
      throw new UserError(
        `These members of "${group}" did not leave within ${Math.round(timeoutMs / 1000)} s: ${left.join(', ')}. They are not Starling processes listening on this topic prefix's control topic; stop them and run the replay again.`,
        'REPLAY_PAUSE_TIMEOUT',
      );
    }
  }
}

/** The watermarks of every partition, and for a time target the offset at the time and the oldest record's time. */
async function partitionStates(
  kafka: Kafka,
  admin: Admin,
  topics: string[],
  target: ReplayTarget,
): Promise<PartitionState[]> {
  const states: PartitionState[] = [];
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    const atTime = target.kind === 'time' ? await admin.fetchTopicOffsetsByTimestamp(topic, target.ms) : [];
    for (const o of offsets) {
      const t = atTime.find((x) => x.partition === o.partition);
      const high = Number(o.high);
      // Kafka answers -1 when no record is at or after the time: the end.
      const forTime = t === undefined ? undefined : Number(t.offset) < 0 ? high : Number(t.offset);
      states.push({ topic, partition: o.partition, low: Number(o.low), high, offsetForTime: forTime });
    }
  }
  if (target.kind === 'time') {
    const needs = new Map<string, Set<number>>();
    for (const s of states)
      if (s.low > 0 && s.low < s.high) needs.set(key(s.topic, s.partition), new Set([s.low]));
    if (needs.size) {
      const watermarks = new Map<string, Array<{ partition: number; low: number; high: number }>>();
      for (const s of states) watermarks.set(s.topic, [...(watermarks.get(s.topic) ?? []), s]);
      const ts = await readTimestamps(kafka, admin, needs, watermarks, 10_000);
      for (const s of states) s.lowTimestampMs = ts.get(`${key(s.topic, s.partition)}\u0000${s.low}`);
    }
  }
  return states;
}

async function waitCaughtUp(
  kafka: Kafka,
  group: string,
  topics: string[],
  total: number,
  started: number,
  onProgress: ReplayOptions['onProgress'],
): Promise<void> {
  for (;;) {
    const sample = await measureLag(kafka, { groups: [group], readTimeoutMs: 2000 });
    const rows = sample.rows.filter((r) => topics.includes(r.topic));
    const remaining = rows.reduce((s, r) => s + r.lag, 0);
    onProgress?.({
      consumed: Math.max(0, total - remaining),
      total,
      elapsedS: (Date.now() - started) / 1000,
    });
    if (remaining === 0) return;
    await sleep(1000);
  }
}
