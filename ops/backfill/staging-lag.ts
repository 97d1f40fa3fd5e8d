/**
 * How far the staging sink's group is behind on the backfilled table's raw topic: from the lag module, the
 * partitions of that one topic summed (the oldest unconsumed record is the oldest of any partition).
 */
import type { Kafka } from '../../core/kafka/client.js';
import { measureLag, type PartitionLag } from '../lag/lag.js';

export interface TopicLag {
  group: string;
  topic: string;
  /** false when the group has committed nothing on the topic (no staging sink has consumed it) */
  committed: boolean;
  lag: number;
  /** age of the oldest unconsumed record; 0 when caught up; null when it could not be read */
  lagSeconds: number | null;
  partitions: Array<Pick<PartitionLag, 'partition' | 'committed' | 'end' | 'lag' | 'lagSeconds' | 'status'>>;
}

/** Pure: the topic's rows of a lag sample, summed. */
export function topicLag(rows: PartitionLag[], group: string, topic: string): TopicLag {
  const mine = rows.filter((r) => r.group === group && r.topic === topic);
  const ages = mine.filter((r) => r.lag > 0).map((r) => r.lagSeconds);
  return {
    group,
    topic,
    committed: mine.some((r) => r.committed !== null),
    lag: mine.reduce((n, r) => n + r.lag, 0),
    lagSeconds: ages.length === 0 ? 0 : ages.includes(null) ? null : Math.max(...(ages as number[])),
    partitions: mine.map(({ partition, committed, end, lag, lagSeconds, status }) => ({
      partition,
      committed,
      end,
      lag,
      lagSeconds,
      status,
    })),
  };
}

export async function stagingLag(kafka: Kafka, group: string, topic: string): Promise<TopicLag> {
  const sample = await measureLag(kafka, { groups: [group], readTimeoutMs: 5000 });
  return topicLag(sample.rows, group, topic);
}
