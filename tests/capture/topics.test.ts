import { afterAll, describe, expect, it } from 'vitest';
import { checkRawTopics, ensureRawTopics } from '../../connectors/topics.js';
import { loadConfig } from '../../core/config/load.js';
import { createKafka } from '../../core/kafka/client.js';
import { uniqueName } from '../support/context.js';

const prefix = uniqueName('it-topics').replaceAll('_', '-');
const config = loadConfig({ ...process.env, STARLING_TOPIC_PREFIX: prefix, STARLING_TOPIC_PARTITIONS: '3' });
const admin = createKafka({ brokers: config.kafka.brokers }).admin();

afterAll(async () => {
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  await admin.deleteTopics({ topics: mine }).catch(() => undefined);
  await admin.disconnect();
});

describe('raw topics', () => {
  it('are created by Starling with the whole history kept, deletion not compaction, and the configured partitions', async () => {
    await admin.connect();
    const created = await ensureRawTopics(config, admin, ['sales.a', 'sales.b']);
    expect(created).toEqual([`${prefix}.sales.a`, `${prefix}.sales.b`]);
    expect(await ensureRawTopics(config, admin, ['sales.a', 'sales.b'])).toEqual([]); // idempotent
    const meta = await admin.fetchTopicMetadata({ topics: [`${prefix}.sales.a`] });
    expect(meta.topics[0]!.partitions).toHaveLength(3);
    expect(await checkRawTopics(config, admin, created)).toEqual([]);
  });

  it('a compacted topic, or one keeping less history than configured, is reported', async () => {
    const compacted = `${prefix}.sales.compacted`;
    const short = `${prefix}.sales.short`;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: compacted,
          numPartitions: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: '-1' },
          ],
        },
        { topic: short, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '3600000' }] },
      ],
    });
    const problems = await checkRawTopics(config, admin, [compacted, short]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain(`${compacted}: cleanup.policy=compact`);
    expect(problems[1]).toContain(`${short}: retention.ms=3600000`);
  });
});
