/**
 * Facts about the Kafka cluster and the topics Starling owns under the configured prefix: the raw change
 * topics, the conformed topics and the connector's schema history topic. The only I/O of the Kafka checks.
 */
import { defaultCaptureOptions, mariaDbConnectorConfig } from '../../connectors/mariadb.js';
import type { StarlingConfig } from '../../core/config/load.js';
import { createKafka, kafkaOptionsFrom } from '../../core/kafka/client.js';

export type TopicKind = 'raw' | 'conformed' | 'schema history';

export interface TopicFacts {
  name: string;
  kind: TopicKind;
  partitions: number;
  replicationFactor: number;
  /** the topic's effective settings (cleanup.policy, retention.ms, ...) */
  config: Record<string, string | undefined>;
}

export interface KafkaFacts {
  brokers: string;
  brokerCount: number;
  /** the broker's auto.create.topics.enable, when it says */
  autoCreateTopics: string | undefined;
  schemaHistoryTopic: string;
  topics: TopicFacts[];
}

export const TOPIC_SETTINGS = [
  'cleanup.policy',
  'retention.ms',
  'retention.bytes',
  'min.insync.replicas',
  'max.message.bytes',
];

const regexLiteral = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/** Which of Starling's topics this is, by name; undefined for anyone else's. */
export function topicKind(config: StarlingConfig, name: string): TopicKind | undefined {
  if (name === schemaHistoryTopic(config)) return 'schema history';
  if (name.startsWith(`${config.pipeline.conformedPrefix}.`)) return 'conformed';
  if (new RegExp(`^${regexLiteral(config.topics.prefix)}\\.[^.]+\\.[^.]+$`).test(name)) return 'raw';
  return undefined;
}

export function schemaHistoryTopic(config: StarlingConfig): string {
  return mariaDbConnectorConfig(config, defaultCaptureOptions(config))[
    'schema.history.internal.kafka.topic'
  ]!;
}

export async function gatherKafka(config: StarlingConfig): Promise<KafkaFacts> {
  const admin = createKafka(kafkaOptionsFrom(config, { retries: 1, connectionTimeoutMs: 5000 })).admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    let autoCreateTopics: string | undefined;
    const broker = cluster.brokers[0];
    if (broker !== undefined) {
      const b = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 4, name: String(broker.nodeId), configNames: ['auto.create.topics.enable'] }],
      });
      autoCreateTopics = b.resources[0]?.configEntries.find(
        (e) => e.configName === 'auto.create.topics.enable',
      )?.configValue;
    }
    const names = (await admin.listTopics()).filter((t) => topicKind(config, t) !== undefined).sort();
    const topics: TopicFacts[] = [];
    if (names.length > 0) {
      const [meta, configs] = await Promise.all([
        admin.fetchTopicMetadata({ topics: names }),
        admin.describeConfigs({
          includeSynonyms: false,
          resources: names.map((name) => ({ type: 2, name, configNames: TOPIC_SETTINGS })),
        }),
      ]);
      for (const name of names) {
        const m = meta.topics.find((t) => t.name === name);
        const c = configs.resources.find((r) => r.resourceName === name);
        topics.push({
          name,
          kind: topicKind(config, name)!,
          partitions: m?.partitions.length ?? 0,
          replicationFactor: m?.partitions[0]?.replicas.length ?? 0,
          config: Object.fromEntries((c?.configEntries ?? []).map((e) => [e.configName, e.configValue])),
        });
      }
    }
    return {
      brokers: config.kafka.brokers.join(','),
      brokerCount: cluster.brokers.length,
      autoCreateTopics,
      schemaHistoryTopic: schemaHistoryTopic(config),
      topics,
    };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
