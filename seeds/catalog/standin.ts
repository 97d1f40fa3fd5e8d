/**
 * STAND-IN for the Debezium MongoDB connector, for the local demo only: no MongoDB server can run on these
 * machines, so this writes the catalog to Kafka exactly as the connector's initial snapshot would (same
 * topic, Avro schemas, subjects, key and value bytes in the Confluent wire format). Everything downstream
 * (the staging sink, the conform processors) cannot tell the difference. With a real MongoDB, seed it with
 * mongo.ts and register connectors/mongodb.ts instead; never run both against one topic prefix.
 */
import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import { loadConfig, type StarlingConfig } from '../../core/config/load.js';
import { type Admin, createKafka, createProducer, kafkaOptionsFrom } from '../../core/kafka/client.js';
import { mongoKeySchema, mongoTopic, mongoValueSchema } from '../../sinks/envelope/mongodb-schema.js';
import { catalogSnapshotEvents, type SnapshotOptions } from './debezium-event.js';

export interface StandinOptions extends SnapshotOptions {
  config?: StarlingConfig;
  /** Publish nothing when the topic already holds events. */
  onlyIfEmpty?: boolean;
}

export interface StandinResult extends CatalogSchemas {
  events: number;
}

/** The catalog topic's subjects and schema ids, registered as the connector's converter would. */
export interface CatalogSchemas {
  topic: string;
  keySchemaId: number;
  valueSchemaId: number;
}

/** Registers the subjects the Apicurio converter registers under (TopicNameStrategy): <topic>-key, <topic>-value. */
export async function registerCatalogSchemas(
  registry: RegistryClient,
  topicPrefix: string,
  db: string,
  collection: string,
): Promise<CatalogSchemas> {
  const topic = mongoTopic(topicPrefix, db, collection);
  const keySchemaId = await registry.register(`${topic}-key`, mongoKeySchema(topicPrefix, db, collection));
  const valueSchemaId = await registry.register(
    `${topic}-value`,
    mongoValueSchema(topicPrefix, db, collection),
  );
  return { topic, keySchemaId, valueSchemaId };
}

/** Creates the topic when missing: Debezium's topic.creation settings (connectors/mongodb.ts), the broker's replication factor. */
export async function ensureCatalogTopic(admin: Admin, topic: string, config: StarlingConfig): Promise<void> {
  if ((await admin.listTopics()).includes(topic)) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: config.topics.partitions,
        configEntries: [
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'retention.ms', value: String(config.topics.retentionMs) },
        ],
      },
    ],
  });
}

/** Publishes one Debezium-format snapshot read event per catalog document. */
export async function publishCatalogSnapshot(
  docs: Array<Record<string, unknown>>,
  opts: StandinOptions,
): Promise<StandinResult> {
  const config = opts.config ?? loadConfig();
  const db = opts.db ?? 'catalog';
  const collection = opts.collection ?? 'electronics';
  const events = catalogSnapshotEvents(docs, { ...opts, db, collection });

  const registry = new RegistryClient(config.registry.ccompatUrl, config.registry.auth);
  const schemas = await registerCatalogSchemas(registry, opts.topicPrefix, db, collection);
  const { topic, keySchemaId, valueSchemaId } = schemas;
  const codec = new AvroCodec(registry);
  const messages = await Promise.all(
    events.map(async (e) => ({
      key: await codec.encode(keySchemaId, e.key),
      value: await codec.encode(valueSchemaId, e.value),
    })),
  );

  const kafka = createKafka(kafkaOptionsFrom(config));
  const admin = kafka.admin();
  await admin.connect();
  try {
    // A snapshot already published is not published again (a rerun of npm start would only grow the topic).
    if (opts.onlyIfEmpty && (await admin.listTopics()).includes(topic)) {
      const ends = await admin.fetchTopicOffsets(topic);
      if (ends.some((p) => BigInt(p.high) > 0n)) return { ...schemas, events: 0 };
    }
    await ensureCatalogTopic(admin, topic, config);
  } finally {
    await admin.disconnect();
  }

  const producer = createProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    // Keyed like the connector, so the default partitioner (murmur2, as Kafka's Java client) picks the same partition.
    for (let i = 0; i < messages.length; i += 500)
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
  } finally {
    await producer.disconnect();
  }
  return { ...schemas, events: messages.length };
}
