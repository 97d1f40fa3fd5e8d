/**
 * `starling dlq replay`: sends selected dead letters back to their source topic (the original key, value
 * and headers, at the original partition) so the stage consumes them again once an operator fixed the
 * cause. What was sent is remembered in the replay group's commits (./ledger.ts): a second replay passes
 * over it. Sending comes before committing, so a crash in between sends those letters again next time,
 * which is harmless: every sink write is position-guarded (a replayed old record never overwrites a newer
 * row). Every other consumer group of the source topic reads the replayed records too, under the same guard.
 */
import type { Admin, Kafka, Producer } from '../../core/kafka/client.js';
import { createProducer } from '../../core/kafka/client.js';
import { dlqTopic } from '../../sinks/runtime/dead-letters.js';
import { replayGroup } from './groups.js';
import { encodeLedger, fitLedger, isReplayed, type Ledger } from './ledger.js';
import { ledgerOf, readLedgers } from './ledger-store.js';
import { type DeadLetter, parseLetter } from './letter.js';
import { probeGroup, type ReadContext, readTopics } from './read-topics.js';
import { matches, type Selection } from './select.js';

/** How many letters a result lists one by one (every one is counted). */
export const REPLAY_LIST_MAX = 100;

export interface ReplayedLetter {
  dlqPartition: number;
  dlqOffset: number;
  code: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string | null;
  /** the offset the record got in the source topic; null in a dry run */
  sentOffset: string | null;
}

export interface SkippedLetter {
  dlqPartition: number;
  dlqOffset: number;
  code: string;
  sourceTopic: string | null;
  reason: string;
}

export interface ReplayResult {
  group: string;
  topic: string;
  replayGroup: string;
  dryRun: boolean;
  /** sent (or, in a dry run, to be sent) */
  sent: number;
  /** the first REPLAY_LIST_MAX of them */
  letters: ReplayedLetter[];
  bySource: Array<{ sourceTopic: string; code: string; count: number }>;
  /** selected, but sent back by an earlier replay */
  alreadyReplayed: number;
  /** selected, but they cannot be sent */
  notReplayed: number;
  /** the first REPLAY_LIST_MAX of them */
  skipped: SkippedLetter[];
}

export async function replayDeadLetters(
  kafka: Kafka,
  admin: Admin,
  o: { group: string; selection: Selection; dryRun: boolean },
): Promise<ReplayResult> {
  const topic = dlqTopic(o.group);
  const result: ReplayResult = {
    group: o.group,
    topic,
    replayGroup: replayGroup(o.group),
    dryRun: o.dryRun,
    sent: 0,
    letters: [],
    bySource: [],
    alreadyReplayed: 0,
    notReplayed: 0,
    skipped: [],
  };
  const ledgers = await readLedgers(admin, result.replayGroup, topic);
  const bySource = new Map<string, { sourceTopic: string; code: string; count: number }>();
  const skip = (l: DeadLetter, reason: string) => {
    result.notReplayed++;
    if (result.skipped.length < REPLAY_LIST_MAX)
      result.skipped.push({
        dlqPartition: l.dlqPartition,
        dlqOffset: l.dlqOffset,
        code: l.code,
        sourceTopic: l.sourceTopic,
        reason,
      });
  };
  const counted = (l: DeadLetter, sentOffset: string | null) => {
    result.sent++;
    const k = `${l.sourceTopic}\u0000${l.code}`;
    const entry = bySource.get(k) ?? { sourceTopic: l.sourceTopic!, code: l.code, count: 0 };
    entry.count++;
    bySource.set(k, entry);
    if (result.letters.length < REPLAY_LIST_MAX)
      result.letters.push({
        dlqPartition: l.dlqPartition,
        dlqOffset: l.dlqOffset,
        code: l.code,
        sourceTopic: l.sourceTopic!,
        sourcePartition: l.sourcePartition!,
        sourceOffset: l.sourceOffset,
        sentOffset,
      });
  };
  const targets = new SourceTopics(admin);
  const producer = o.dryRun ? undefined : createProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
  await producer?.connect();
  try {
    await readTopics(kafka, admin, {
      topics: [topic],
      // The real replay reads in its own group (the commits are the ledger); a dry run in a throwaway one.
      groupId: o.dryRun ? probeGroup() : result.replayGroup,
      deleteGroup: o.dryRun,
      startAt: (_t, partition) => ledgerOf(ledgers, partition).next,
      onBatch: async (_t, partition, messages, ctx) => {
        const ledger = ledgerOf(ledgers, partition);
        const selected: DeadLetter[] = [];
        for (const m of messages) {
          const l = parseLetter(topic, partition, m);
          if (!matches(o.selection, l)) continue;
          if (isReplayed(ledger, l.dlqOffset)) {
            result.alreadyReplayed++;
            continue;
          }
          const why = l.truncated
            ? 'its key or value was cut to fit the dead-letter topic: the original bytes are not kept'
            : await targets.problem(l);
          if (why === null) selected.push(l);
          else skip(l, why);
        }
        if (selected.length === 0) return;
        if (producer === undefined) {
          for (const l of selected) counted(l, null);
          return;
        }
        const { count, next } = fitLedger(
          ledger,
          selected.map((l) => l.dlqOffset),
        );
        const send = selected.slice(0, count);
        for (const l of selected.slice(count))
          skip(
            l,
            'the replay ledger is full (too many gaps between replayed dead letters); replay the earlier ones first, e.g. without --code/--topic',
          );
        if (send.length === 0) return;
        const offsets = await sendBack(producer, send);
        await commitLedger(ctx, topic, partition, next);
        ledgers.set(partition, next);
        for (const [i, l] of send.entries()) counted(l, offsets[i]!);
      },
    });
  } finally {
    await producer?.disconnect().catch(() => undefined);
  }
  result.bySource = [...bySource.values()].sort(
    (a, b) => a.sourceTopic.localeCompare(b.sourceTopic) || a.code.localeCompare(b.code),
  );
  return result;
}

async function commitLedger(
  ctx: ReadContext,
  topic: string,
  partition: number,
  ledger: Ledger,
): Promise<void> {
  const { offset, metadata } = encodeLedger(ledger);
  await ctx.commit(topic, partition, offset, metadata);
}

/** Sends the letters to their source partitions (acks=all); returns each one's new offset, in order. */
async function sendBack(producer: Producer, letters: DeadLetter[]): Promise<string[]> {
  const byTopic = new Map<string, DeadLetter[]>();
  for (const l of letters) {
    const list = byTopic.get(l.sourceTopic!);
    if (list === undefined) byTopic.set(l.sourceTopic!, [l]);
    else list.push(l);
  }
  const meta = await producer.sendBatch({
    acks: -1,
    topicMessages: [...byTopic].map(([topic, list]) => ({
      topic,
      messages: list.map((l) => ({
        key: l.key,
        value: l.value,
        headers: l.headers,
        partition: l.sourcePartition!,
      })),
    })),
  });
  const base = new Map(meta.map((r) => [`${r.topicName}\u0000${r.partition}`, BigInt(r.baseOffset ?? '-1')]));
  const seen = new Map<string, bigint>();
  return letters.map((l) => {
    const k = `${l.sourceTopic}\u0000${l.sourcePartition}`;
    const i = seen.get(k) ?? 0n;
    seen.set(k, i + 1n);
    const b = base.get(k);
    return b === undefined || b < 0n ? '?' : String(b + i);
  });
}

/** Whether a dead letter's source topic and partition still exist (looked up once per topic). */
class SourceTopics {
  private existing: Promise<Set<string>> | undefined;
  private readonly partitions = new Map<string, Promise<number>>();
  constructor(private readonly admin: Admin) {}

  async problem(l: DeadLetter): Promise<string | null> {
    if (l.sourceTopic === null) return 'it has no starling.source.topic header';
    if (l.sourcePartition === null) return 'it has no starling.source.partition header';
    this.existing ??= this.admin.listTopics().then((t) => new Set(t));
    if (!(await this.existing).has(l.sourceTopic)) return `its source topic ${l.sourceTopic} does not exist`;
    let count = this.partitions.get(l.sourceTopic);
    if (count === undefined) {
      count = this.admin
        .fetchTopicMetadata({ topics: [l.sourceTopic] })
        .then((m) => m.topics[0]?.partitions.length ?? 0);
      this.partitions.set(l.sourceTopic, count);
    }
    if (l.sourcePartition >= (await count))
      return `partition ${l.sourcePartition} of ${l.sourceTopic} does not exist`;
    return null;
  }
}
