import type { StarlingConfig } from '../core/config/load.js';
import { avroConverterConfig } from './avro-converter.js';
import { securedConnectorConfig } from './secured.js';

export interface MariaDbCaptureOptions {
  /** Connector name; one per source server. */
  name: string;
  /** Names the topics: <prefix>.<database>.<table>. */
  topicPrefix: string;
  databases: string[];
  /** Tables as db.table; all tables of `databases` when omitted. */
  tables?: string[];
  /** Unique among every client of the source's binlog. */
  serverId: number;
  partitions: number;
  retentionMs: number;
}

export function defaultCaptureOptions(config: StarlingConfig): MariaDbCaptureOptions {
  return {
    name: `starling-mariadb-${config.topics.prefix}`,
    topicPrefix: config.topics.prefix,
    databases: config.topics.sourceDatabases,
    serverId: 184_054,
    partitions: config.topics.partitions,
    retentionMs: config.topics.retentionMs,
  };
}

/**
 * The Debezium MariaDB connector config. Pure: the same inputs give the same config, so registering again
 * with unchanged settings changes nothing.
 */
export function mariaDbConnectorConfig(
  config: StarlingConfig,
  o: MariaDbCaptureOptions,
): Record<string, string> {
  const m = config.mysql;
  const signalDb = o.databases[0] ?? 'sales';
  return {
    'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
    'tasks.max': '1',
    'database.hostname': m.host,
    'database.port': String(m.port),
    'database.user': m.captureUser,
    'database.password': m.capturePassword,
    'database.server.id': String(o.serverId),
    'topic.prefix': o.topicPrefix,
    'database.include.list': o.databases.join(','),
    ...(o.tables ? { 'table.include.list': o.tables.join(',') } : {}),
    'schema.history.internal.kafka.bootstrap.servers': config.kafka.brokers.join(','),
    'schema.history.internal.kafka.topic': `_starling.schema-history.${o.topicPrefix}`,
    'include.schema.changes': 'false',
    // Record names derive from the topic; a '-' in the prefix is not a valid Avro name.
    'schema.name.adjustment.mode': 'avro',
    // Column names that are not Avro names (`my col`, `名前`, `x"; --`) become reversible _uXXXX escapes
    // (`_` itself is `_u005f`), so `my col` and `my_col` stay two fields: plain `avro` maps both to `my_col`
    // and the connector fails on the duplicate. The sink names columns from the next setting, not the field.
    'field.name.adjustment.mode': 'avro_unicode',
    // Every value field carries its exact source column name (`__debezium.source.column.name`), with the
    // source type and length.
    'column.propagate.source.type': '.*',
    // Money stays exact, unsigned BIGINT stays whole, times keep microseconds.
    'decimal.handling.mode': 'precise',
    'bigint.unsigned.handling.mode': 'precise',
    'time.precision.mode': 'adaptive_time_microseconds',
    // The adjuster reads years 0-99 as two-digit years (0001-01-01 would arrive as 2001-01-01).
    'enable.time.adjuster': 'false',
    'snapshot.mode': 'initial',
    // Incremental snapshots (starling backfill) are requested through this table.
    'signal.data.collection': `${signalDb}.debezium_signal`,
    // Freshness: hand events to Connect every few ms instead of waiting up to 500 ms to fill a batch.
    'poll.interval.ms': '20',
    'max.batch.size': '4096',
    'max.queue.size': '16384',
    'heartbeat.interval.ms': '10000',
    'tombstones.on.delete': 'true',
    // Topics Debezium creates keep their whole history (replay and SCD2 depend on it).
    'topic.creation.default.replication.factor': '-1',
    'topic.creation.default.partitions': String(o.partitions),
    'topic.creation.default.cleanup.policy': 'delete',
    'topic.creation.default.retention.ms': String(o.retentionMs),
    ...avroConverterConfig(config),
    ...securedConnectorConfig(config),
  };
}
