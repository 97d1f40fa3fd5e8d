import { afterAll, describe, expect, it } from 'vitest';
import { createConsumer, createKafka, createProducer } from '../../core/kafka/client.js';
import { testConfig, uniqueName } from '../support/context.js';

// Smoke test of kafkajs against this Kafka 4 broker: the calls the later pipeline depends on.
const config = testConfig();
const kafka = createKafka({ brokers: config.kafka.brokers });
const admin = kafka.admin();
const topic = uniqueName('it-smoke');
const groupId = uniqueName('it-smoke-group');

afterAll(async () => {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

describe('the Kafka client against the local broker', () => {
  it('creates a topic with settings and reads them back', async () => {
    await admin.connect();
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: 3,
          replicationFactor: 1,
          configEntries: [
            { name: 'retention.ms', value: '-1' },
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'max.message.bytes', value: '4194304' },
          ],
        },
      ],
    });
    expect(created).toBe(true);
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: 2 /* TOPIC */,
          name: topic,
          configNames: ['retention.ms', 'cleanup.policy', 'max.message.bytes'],
        },
      ],
    });
    const entries = Object.fromEntries(
      described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]),
    );
    expect(entries).toEqual({
      'retention.ms': '-1',
      'cleanup.policy': 'delete',
      'max.message.bytes': '4194304',
    });
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]!.partitions).toHaveLength(3);
  });

  it('produces, consumes in a group with commits, and reports offsets and the group', async () => {
    const producer = createProducer(kafka, { idempotent: true });
    await producer.connect();
    const messages = Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}` }));
    await producer.send({ topic, messages, acks: -1 });
    await producer.disconnect();

    const ends = await admin.fetchTopicOffsets(topic);
    expect(ends.reduce((n, p) => n + Number(p.high), 0)).toBe(30);

    const consumer = createConsumer(kafka, { groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic: t, partition, message }) => {
        seen.push(message.value!.toString());
        await consumer.commitOffsets([
          { topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() },
        ]);
      },
    });
    await expect.poll(() => seen.length, { timeout: 30_000 }).toBe(30);
    expect(new Set(seen)).toEqual(new Set(messages.map((m) => m.value)));

    const groups = await admin.describeGroups([groupId]);
    expect(groups.groups[0]!.state).toBe('Stable');
    expect(groups.groups[0]!.members).toHaveLength(1);
    await consumer.disconnect();

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const byPartition = new Map(ends.map((p) => [p.partition, p.high]));
    for (const p of committed[0]!.partitions) expect(p.offset).toBe(byPartition.get(p.partition));

    // With the group empty, offsets can be reset (the replay command's primitive).
    await admin.setOffsets({
      groupId,
      topic,
      partitions: ends.map((p) => ({ partition: p.partition, offset: '0' })),
    });
    const reset = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(reset[0]!.partitions.every((p) => p.offset === '0')).toBe(true);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain(groupId);
    await admin.deleteGroups([groupId]);
  });
});
