import type { Admin } from '../../core/kafka/client.js';

/**
 * Records of these topics the group has not committed yet: every partition that holds records counts, also
 * one the group never committed (a new group that has done the small topics only is not caught up).
 */
export async function remaining(admin: Admin, group: string, topics: string[]): Promise<number> {
  if (topics.length === 0) return 0;
  const done = new Map<string, number>();
  for (const t of await admin.fetchOffsets({ groupId: group, topics }))
    for (const p of t.partitions) done.set(`${t.topic}:${p.partition}`, Number(p.offset));
  let left = 0;
  for (const topic of topics)
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const high = Number(p.high);
      const from = Math.max(Number(p.low), done.get(`${topic}:${p.partition}`) ?? -1);
      if (high > Number(p.low)) left += Math.max(0, high - Math.max(from, Number(p.low)));
    }
  return left;
}
