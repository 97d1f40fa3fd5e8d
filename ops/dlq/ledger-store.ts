import type { Admin } from '../../core/kafka/client.js';
import { type Ledger, parseLedger } from './ledger.js';

/** The replay ledger of each partition of a dead-letter topic, as the replay group committed it. */
export async function readLedgers(
  admin: Admin,
  replayGroupId: string,
  topic: string,
): Promise<Map<number, Ledger>> {
  const ledgers = new Map<number, Ledger>();
  for (const t of await admin.fetchOffsets({ groupId: replayGroupId, topics: [topic] }))
    for (const p of t.partitions) ledgers.set(p.partition, parseLedger(p.offset, p.metadata));
  return ledgers;
}

export const ledgerOf = (ledgers: Map<number, Ledger>, partition: number): Ledger =>
  ledgers.get(partition) ?? { next: 0, done: [] };
