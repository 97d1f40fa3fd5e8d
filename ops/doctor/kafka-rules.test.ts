import { describe, expect, it } from 'vitest';
import type { KafkaFacts, TopicFacts } from './kafka-facts.js';
import { historyTopicFindings, kafkaRules, keepsForever, schemaHistoryFindings } from './kafka-rules.js';

const topic = (over: Partial<TopicFacts> = {}, config: Record<string, string> = {}): TopicFacts => ({
  name: 'softcart.sales.customers',
  kind: 'raw',
  partitions: 1,
  replicationFactor: 1,
  ...over,
  config: {
    'cleanup.policy': 'delete',
    'retention.ms': '-1',
    'retention.bytes': '-1',
    'min.insync.replicas': '1',
    'max.message.bytes': '1048588',
    ...config,
  },
});
const history = (config: Record<string, string> = {}, partitions = 1) =>
  topic(
    { name: '_starling.schema-history.softcart', kind: 'schema history', partitions },
    { 'retention.ms': '9223372036854775807', ...config },
  );
const cluster = (topics: TopicFacts[]): KafkaFacts => ({
  brokers: '127.0.0.1:19092',
  brokerCount: 1,
  autoCreateTopics: 'false',
  schemaHistoryTopic: '_starling.schema-history.softcart',
  topics,
});

describe('the Kafka rules', () => {
  it('treat -1 and Long.MAX_VALUE as keeping forever', () => {
    expect(keepsForever('-1')).toBe(true);
    expect(keepsForever('9223372036854775807')).toBe(true);
    expect(keepsForever(undefined)).toBe(true);
    expect(keepsForever('604800000')).toBe(false);
    expect(keepsForever('0')).toBe(false);
  });

  it('pass a raw topic that keeps its whole history', () => {
    expect(historyTopicFindings(topic())).toEqual([]);
  });

  it('flag a compacted raw topic', () => {
    const [f] = historyTopicFindings(topic({}, { 'cleanup.policy': 'compact' }));
    expect(f).toMatchObject({ status: 'PROBLEM', detail: 'cleanup.policy=compact' });
    expect(f!.fix).toContain('cleanup.policy=delete');
    expect(historyTopicFindings(topic({}, { 'cleanup.policy': 'compact,delete' }))[0]!.status).toBe(
      'PROBLEM',
    );
  });

  it('warn about finite retention, saying the window', () => {
    const [f] = historyTopicFindings(topic({}, { 'retention.ms': '3600000' }));
    expect(f).toMatchObject({ status: 'WARN', detail: 'retention.ms=3600000: keeps 1 h of history' });
    expect(f!.why).toContain('1 h');
    expect(f!.fix).toContain('--entity-name softcart.sales.customers --add-config retention.ms=-1');
    const [b] = historyTopicFindings(topic({ kind: 'conformed' }, { 'retention.bytes': '1073741824' }));
    expect(b).toMatchObject({ status: 'WARN', detail: expect.stringContaining('1024 MiB') });
  });

  it('flag min.insync.replicas above the replication factor', () => {
    const [f] = historyTopicFindings(topic({ replicationFactor: 1 }, { 'min.insync.replicas': '2' }));
    expect(f).toMatchObject({ status: 'PROBLEM', detail: 'min.insync.replicas=2 > replication factor 1' });
    expect(historyTopicFindings(topic({ replicationFactor: 3 }, { 'min.insync.replicas': '2' }))).toEqual([]);
  });

  it('warn about a max.message.bytes below 1 MiB', () => {
    const [f] = historyTopicFindings(topic({}, { 'max.message.bytes': '65536' }));
    expect(f).toMatchObject({ status: 'WARN', detail: 'max.message.bytes=65536' });
  });

  it('need the schema history topic kept forever, not compacted, in one partition', () => {
    expect(schemaHistoryFindings(cluster([]))[0]).toMatchObject({
      status: 'OK',
      detail: expect.stringContaining('not created'),
    });
    expect(schemaHistoryFindings(cluster([history()]))[0]!.status).toBe('OK');
    const bad = schemaHistoryFindings(
      cluster([
        history({ 'cleanup.policy': 'compact', 'retention.ms': '604800000', 'retention.bytes': '100' }, 3),
      ]),
    );
    expect(bad.map((f) => [f.status, f.detail])).toEqual([
      ['PROBLEM', 'cleanup.policy=compact'],
      ['PROBLEM', 'retention.ms=604800000'],
      ['PROBLEM', 'retention.bytes=100'],
      ['PROBLEM', '3 partitions'],
    ]);
  });

  it('summarise clean topics in one line per kind and list each bad one', () => {
    const findings = kafkaRules(
      cluster([
        topic(),
        topic({ name: 'softcart.sales.sales_data' }, { 'retention.ms': '3600000' }),
        topic({ name: 'softcart.conformed.softcart.DimItem', kind: 'conformed' }),
        history(),
      ]),
    );
    expect(findings.map((f) => [f.status, f.check])).toEqual([
      ['OK', 'cluster'],
      ['OK', 'auto.create.topics.enable'],
      ['WARN', 'topic softcart.sales.sales_data'],
      ['OK', 'raw topics'],
      ['OK', 'conformed topics'],
      ['OK', 'schema history _starling.schema-history.softcart'],
    ]);
    expect(findings[3]!.detail).toBe('1 raw topic: whole history kept, not compacted, replication factor 1');
    expect(kafkaRules(cluster([])).find((f) => f.check === 'raw topics')?.detail).toBe('none yet');
  });
});
