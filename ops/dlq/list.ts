import type { Admin, Kafka } from '../../core/kafka/client.js';
import { dlqTopic } from '../../sinks/runtime/dead-letters.js';
import { replayGroup } from './groups.js';
import type { Ledger } from './ledger.js';
import { isReplayed } from './ledger.js';
import { ledgerOf, readLedgers } from './ledger-store.js';
import { parseLetter } from './letter.js';
import { probeGroup, readTopics } from './read-topics.js';
import { type LetterGroup, LetterSummary } from './summary.js';

export interface DlqListing {
  group: string;
  topic: string;
  total: number;
  replayed: number;
  letters: LetterGroup[];
}

/** Every dead letter of these groups, read from the beginning to the end offsets of now, summarized. */
export async function listDeadLetters(kafka: Kafka, admin: Admin, groups: string[]): Promise<DlqListing[]> {
  const summaries = new Map<string, LetterSummary>();
  const ledgers = new Map<string, Map<number, Ledger>>();
  for (const g of groups) {
    summaries.set(dlqTopic(g), new LetterSummary());
    ledgers.set(dlqTopic(g), await readLedgers(admin, replayGroup(g), dlqTopic(g)));
  }
  if (groups.length > 0)
    await readTopics(kafka, admin, {
      topics: groups.map(dlqTopic),
      groupId: probeGroup(),
      deleteGroup: true,
      onBatch: async (topic, partition, messages) => {
        const summary = summaries.get(topic)!;
        const ledger = ledgerOf(ledgers.get(topic)!, partition);
        for (const m of messages)
          summary.add(parseLetter(topic, partition, m), isReplayed(ledger, Number(m.offset)));
      },
    });
  return groups.map((group) => {
    const s = summaries.get(dlqTopic(group))!;
    return { group, topic: dlqTopic(group), total: s.total, replayed: s.replayed, letters: s.result() };
  });
}
