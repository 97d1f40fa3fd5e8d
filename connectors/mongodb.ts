import type { StarlingConfig } from '../core/config/load.js';
import { avroConverterConfig } from './avro-converter.js';

export interface MongoCaptureOptions {
  /** Connector name; one per MongoDB deployment. */
  name: string;
  /** Names the topics: <prefix>.<database>.<collection>. */
  topicPrefix: string;
  /** Collections as db.collection. */
  collections: string[];
  connectionString: string;
  partitions: number;
  retentionMs: number;
}

/** The catalog capture, or null when no MongoDB is configured (then no MongoDB connector is registered). */
export function mongoCaptureOptions(config: StarlingConfig): MongoCaptureOptions | null {
  if (!config.mongodb) return null;
  return {
    name: `starling-mongodb-${config.topics.prefix}`,
    topicPrefix: config.topics.prefix,
    collections: ['catalog.electronics'],
    connectionString: config.mongodb.url,
    partitions: config.topics.partitions,
    retentionMs: config.topics.retentionMs,
  };
}

/**
 * The Debezium MongoDB connector config. Pure: the same inputs give the same config, so registering again
 * with unchanged settings changes nothing.
 */
export function mongoDbConnectorConfig(
  config: StarlingConfig,
  o: MongoCaptureOptions,
): Record<string, string> {
  return {
    'connector.class': 'io.debezium.connector.mongodb.MongoDbConnector',
    'tasks.max': '1',
    'mongodb.connection.string': o.connectionString,
    'topic.prefix': o.topicPrefix,
    // Regular expressions matched against whole db.collection names.
    'collection.include.list': o.collections.join(','),
    // Every update carries the whole document: the staging sink mirrors documents and cannot apply a diff
    // (sinks/envelope/mongodb.ts rejects updates without one).
    'capture.mode': 'change_streams_update_full',
    // Record names derive from the topic; a '-' in the prefix is not a valid Avro name.
    'schema.name.adjustment.mode': 'avro',
    'snapshot.mode': 'initial',
    'tombstones.on.delete': 'true',
    // Freshness: hand events to Connect every few ms instead of waiting up to 500 ms to fill a batch.
    'poll.interval.ms': '20',
    'max.batch.size': '4096',
    'max.queue.size': '16384',
    'heartbeat.interval.ms': '10000',
    // Topics Debezium creates keep their whole history (replay and SCD2 depend on it).
    'topic.creation.default.replication.factor': '-1',
    'topic.creation.default.partitions': String(o.partitions),
    'topic.creation.default.cleanup.policy': 'delete',
    'topic.creation.default.retention.ms': String(o.retentionMs),
    ...avroConverterConfig(config),
  };
}
