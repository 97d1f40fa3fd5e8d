import { describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config/load.js';
import { avroConverterConfig } from './avro-converter.js';
import { mongoCaptureOptions, mongoDbConnectorConfig } from './mongodb.js';

// One host: core/config's URL check (WHATWG URL) rejects the multi-host form mongo1:27017,mongo2:27017.
const URL = 'mongodb://cdc:s3cret@mongo1:27017/?replicaSet=rs0';
const config = loadConfig({ STARLING_MONGODB_URL: URL });

describe('mongoCaptureOptions', () => {
  it('is null without a configured MongoDB: no MongoDB connector is registered', () => {
    expect(mongoCaptureOptions(loadConfig({}))).toBeNull();
  });

  it('captures catalog.electronics under the topic prefix', () => {
    const c = loadConfig({
      STARLING_MONGODB_URL: URL,
      STARLING_TOPIC_PREFIX: 'shop',
      STARLING_TOPIC_PARTITIONS: '3',
      STARLING_TOPIC_RETENTION_MS: '86400000',
    });
    expect(mongoCaptureOptions(c)).toEqual({
      name: 'starling-mongodb-shop',
      topicPrefix: 'shop',
      collections: ['catalog.electronics'],
      connectionString: URL,
      partitions: 3,
      retentionMs: 86_400_000,
    });
  });
});

describe('mongoDbConnectorConfig', () => {
  const opts = mongoCaptureOptions(config)!;
  const out = mongoDbConnectorConfig(config, opts);

  it('is deterministic, key order included, and holds only strings', () => {
    const again = mongoDbConnectorConfig(
      loadConfig({ STARLING_MONGODB_URL: URL }),
      mongoCaptureOptions(config)!,
    );
    expect(JSON.stringify(again)).toBe(JSON.stringify(out));
    for (const [k, v] of Object.entries(out)) expect(typeof v, k).toBe('string');
  });

  it('is the Debezium MongoDB connector reading the configured deployment', () => {
    expect(out['connector.class']).toBe('io.debezium.connector.mongodb.MongoDbConnector');
    expect(out['mongodb.connection.string']).toBe(URL);
    expect(out['topic.prefix']).toBe('softcart');
    expect(out['collection.include.list']).toBe('catalog.electronics');
    expect(out['tasks.max']).toBe('1');
  });

  it('asks for full documents on updates and Avro-valid names', () => {
    expect(out['capture.mode']).toBe('change_streams_update_full');
    expect(out['schema.name.adjustment.mode']).toBe('avro');
    expect(out['snapshot.mode']).toBe('initial');
    expect(out['tombstones.on.delete']).toBe('true');
  });

  it('creates topics like the MariaDB connector: configured partitions, whole history', () => {
    expect(out['topic.creation.default.replication.factor']).toBe('-1');
    expect(out['topic.creation.default.partitions']).toBe('1');
    expect(out['topic.creation.default.cleanup.policy']).toBe('delete');
    expect(out['topic.creation.default.retention.ms']).toBe('-1');
  });

  it('writes keys and values with the Avro converter through the registry', () => {
    expect(out).toMatchObject(avroConverterConfig(config));
    expect(out['value.converter']).toBe('io.apicurio.registry.utils.converter.AvroConverter');
  });

  it('lists several collections comma-separated', () => {
    const two = mongoDbConnectorConfig(config, {
      ...opts,
      collections: ['catalog.electronics', 'catalog.books'],
    });
    expect(two['collection.include.list']).toBe('catalog.electronics,catalog.books');
  });
});
