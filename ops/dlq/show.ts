import type { AvroCodec } from '../../core/codec/avro-codec.js';
import type { Admin, Kafka } from '../../core/kafka/client.js';
import { dlqTopic } from '../../sinks/runtime/dead-letters.js';
import { replayGroup } from './groups.js';
import { isReplayed } from './ledger.js';
import { ledgerOf, readLedgers } from './ledger-store.js';
import { type DeadLetter, parseLetter } from './letter.js';
import { type Preview, previewOf } from './preview.js';
import { probeGroup, readTopics } from './read-topics.js';
import { matches, type Selection } from './select.js';

/** A dead letter as `dlq show` prints it: its headers, and previews instead of its bytes. */
export interface ShownLetter {
  dlqPartition: number;
  dlqOffset: number;
  time: string;
  sourceTopic: string | null;
  sourcePartition: number | null;
  sourceOffset: string | null;
  stage: string | null;
  code: string;
  message: string;
  replayed: boolean;
  key: Preview;
  value: Preview;
}

export interface ShowResult {
  group: string;
  topic: string;
  /** how many dead letters match the selection (all of them, not only those shown) */
  matched: number;
  /** the first `limit` matching ones, in dead-letter order */
  letters: ShownLetter[];
}

/**
 * The dead letters of a group that match the selection, oldest first, at most `limit` of them; every
 * matching one is counted. Only the shown ones are kept (as previews), so memory does not grow with the topic.
 */
export async function showDeadLetters(
  kafka: Kafka,
  admin: Admin,
  codec: AvroCodec,
  o: { group: string; selection: Selection; limit: number },
): Promise<ShowResult> {
  const topic = dlqTopic(o.group);
  const ledgers = await readLedgers(admin, replayGroup(o.group), topic);
  const picked: Array<{ letter: DeadLetter; replayed: boolean }> = [];
  let matched = 0;
  await readTopics(kafka, admin, {
    topics: [topic],
    groupId: probeGroup(),
    deleteGroup: true,
    onBatch: async (_topic, partition, messages) => {
      const ledger = ledgerOf(ledgers, partition);
      for (const m of messages) {
        const letter = parseLetter(topic, partition, m);
        if (!matches(o.selection, letter)) continue;
        matched++;
        if (picked.length < o.limit) picked.push({ letter, replayed: isReplayed(ledger, letter.dlqOffset) });
      }
    },
  });
  const letters: ShownLetter[] = [];
  for (const { letter: l, replayed } of picked.sort(
    (a, b) => a.letter.dlqPartition - b.letter.dlqPartition || a.letter.dlqOffset - b.letter.dlqOffset,
  )) {
    letters.push({
      dlqPartition: l.dlqPartition,
      dlqOffset: l.dlqOffset,
      time: new Date(l.timestampMs).toISOString(),
      sourceTopic: l.sourceTopic,
      sourcePartition: l.sourcePartition,
      sourceOffset: l.sourceOffset,
      stage: l.stage,
      code: l.code,
      message: l.message,
      replayed,
      key: await previewOf(codec, l.key),
      value: await previewOf(codec, l.value),
    });
  }
  return { group: o.group, topic, matched, letters };
}
