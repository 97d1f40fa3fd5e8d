import type { Admin } from '../../core/kafka/client.js';
import { dlqTopic } from '../../sinks/runtime/dead-letters.js';

const PREFIX = dlqTopic('');

/** The consumer group whose committed offsets remember what `starling dlq replay` sent back. */
export function replayGroup(group: string): string {
  return `${group}-dlq-replay`;
}

/** The groups that have a dead-letter topic, from the cluster's topic names (`dlq.<group>`). */
export function groupsWithDlq(topics: string[]): string[] {
  return topics
    .filter((t) => t.startsWith(PREFIX) && t.length > PREFIX.length)
    .map((t) => t.slice(PREFIX.length))
    .sort();
}

/** A problem for every requested group without a dead-letter topic, with a hint. */
export function unknownGroupProblems(requested: string[], known: string[]): string[] {
  const problems: string[] = [];
  const list = known.length > 0 ? known.join(', ') : 'none';
  for (const g of requested) {
    if (g.trim() === '' || known.includes(g)) continue;
    const hint =
      g.startsWith(PREFIX) && known.includes(g.slice(PREFIX.length))
        ? ` (give the group, not the topic: --group ${g.slice(PREFIX.length)})`
        : ` (groups with a dead-letter topic: ${list})`;
    problems.push(`no dead-letter topic ${dlqTopic(g)}: no Starling stage has run with group "${g}"${hint}`);
  }
  return problems;
}

export async function dlqGroupsOnCluster(admin: Admin): Promise<string[]> {
  return groupsWithDlq(await admin.listTopics());
}
