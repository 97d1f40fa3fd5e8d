import { describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config/load.js';
import { avroConverterConfig } from './avro-converter.js';
import { defaultCaptureOptions, type MariaDbCaptureOptions, mariaDbConnectorConfig } from './mariadb.js';

const config = loadConfig({});

function options(overrides: Partial<MariaDbCaptureOptions> = {}): MariaDbCaptureOptions {
  return { ...defaultCaptureOptions(config), ...overrides };
}

describe('defaultCaptureOptions', () => {
  it('derives the capture options from the config', () => {
    const c = loadConfig({
      STARLING_TOPIC_PREFIX: 'shop',
      STARLING_SOURCE_DATABASES: 'sales,inventory',
      STARLING_TOPIC_PARTITIONS: '3',
      STARLING_TOPIC_RETENTION_MS: '86400000',
    });
    expect(defaultCaptureOptions(c)).toEqual({
      name: 'starling-mariadb-shop',
      topicPrefix: 'shop',
      databases: ['sales', 'inventory'],
      serverId: 184_054,
      partitions: 3,
      retentionMs: 86_400_000,
    });
  });
});

describe('mariaDbConnectorConfig', () => {
  it('is deterministic: the same inputs give a deep-equal config, key order included', () => {
    const a = mariaDbConnectorConfig(config, options());
    const b = mariaDbConnectorConfig(loadConfig({}), options());
    expect(b).toEqual(a);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('holds only string values (the Connect REST API takes strings)', () => {
    for (const [k, v] of Object.entries(mariaDbConnectorConfig(config, options()))) {
      expect(typeof v, k).toBe('string');
    }
  });

  it('is the Debezium MariaDB connector reading the configured server', () => {
    const out = mariaDbConnectorConfig(config, options());
    expect(out['connector.class']).toBe('io.debezium.connector.mariadb.MariaDbConnector');
    expect(out['database.hostname']).toBe('127.0.0.1');
    expect(out['database.port']).toBe('13306');
    expect(out['database.server.id']).toBe('184054');
    expect(out['topic.prefix']).toBe('softcart');
    expect(out['database.include.list']).toBe('sales');
    expect(out['schema.history.internal.kafka.bootstrap.servers']).toBe('127.0.0.1:19092');
    expect(out['schema.history.internal.kafka.topic']).toBe('_starling.schema-history.softcart');
    expect(out).not.toHaveProperty('table.include.list');
  });

  it('keeps money, unsigned BIGINT and names exact', () => {
    const out = mariaDbConnectorConfig(config, options());
    expect(out['decimal.handling.mode']).toBe('precise');
    expect(out['bigint.unsigned.handling.mode']).toBe('precise');
    expect(out['schema.name.adjustment.mode']).toBe('avro');
    // Column names: distinct in Avro (reversible escapes) and exact in each field's parameters.
    expect(out['field.name.adjustment.mode']).toBe('avro_unicode');
    expect(out['column.propagate.source.type']).toBe('.*');
  });

  it('captures as the capture user of the local stack', () => {
    const out = mariaDbConnectorConfig(config, options());
    expect(out['database.user']).toBe(config.mysql.captureUser);
    expect(out['database.password']).toBe(config.mysql.capturePassword);
    expect(out['database.user']).toBe('starling_cdc');
    expect(out['database.user']).not.toBe(config.mysql.user);
  });

  it('captures as the user of an external MySQL URL', () => {
    const external = loadConfig({ STARLING_MYSQL_URL: 'mysql://u:p%40ss@db:3307' });
    const out = mariaDbConnectorConfig(external, defaultCaptureOptions(external));
    expect(out['database.hostname']).toBe('db');
    expect(out['database.port']).toBe('3307');
    expect(out['database.user']).toBe('u');
    expect(out['database.password']).toBe('p@ss');
  });

  it('reads signals from debezium_signal in the first captured database', () => {
    expect(mariaDbConnectorConfig(config, options())['signal.data.collection']).toBe('sales.debezium_signal');
    const two = mariaDbConnectorConfig(config, options({ databases: ['inventory', 'sales'] }));
    expect(two['signal.data.collection']).toBe('inventory.debezium_signal');
    expect(two['database.include.list']).toBe('inventory,sales');
  });

  it('creates topics with the configured retention and partitions', () => {
    expect(mariaDbConnectorConfig(config, options())['topic.creation.default.retention.ms']).toBe('-1');
    const c = loadConfig({ STARLING_TOPIC_RETENTION_MS: '604800000', STARLING_TOPIC_PARTITIONS: '4' });
    const out = mariaDbConnectorConfig(c, defaultCaptureOptions(c));
    expect(out['topic.creation.default.retention.ms']).toBe('604800000');
    expect(out['topic.creation.default.partitions']).toBe('4');
  });

  it('lists the tables when given', () => {
    const out = mariaDbConnectorConfig(config, options({ tables: ['sales.orders', 'sales.customers'] }));
    expect(out['table.include.list']).toBe('sales.orders,sales.customers');
  });

  it('writes keys and values with the Apicurio Avro converter, ids in the payload by content id', () => {
    const out = mariaDbConnectorConfig(config, options());
    for (const side of ['key', 'value']) {
      const p = `${side}.converter`;
      expect(out[p]).toBe('io.apicurio.registry.utils.converter.AvroConverter');
      expect(out[`${p}.apicurio.registry.headers.enabled`]).toBe('false');
      expect(out[`${p}.apicurio.registry.use-id`]).toBe('contentId');
      expect(out[`${p}.apicurio.registry.url`]).toBe('http://127.0.0.1:18081/apis/registry/v2');
      expect(out[`${p}.apicurio.registry.id-handler`]).toBe(
        'io.apicurio.registry.serde.Legacy4ByteIdHandler',
      );
      expect(out[`${p}.apicurio.registry.auto-register`]).toBe('true');
    }
    expect(out).toMatchObject(avroConverterConfig(config));
  });
});

describe('avroConverterConfig', () => {
  it('points both converters at the v2 API of the configured registry', () => {
    const c = loadConfig({ STARLING_REGISTRY_URL: 'https://registry.example:8443/' });
    const out = avroConverterConfig(c);
    expect(out['key.converter.apicurio.registry.url']).toBe('https://registry.example:8443/apis/registry/v2');
    expect(out['value.converter.apicurio.registry.url']).toBe(
      'https://registry.example:8443/apis/registry/v2',
    );
  });

  it('configures the key and the value side identically', () => {
    const out = avroConverterConfig(config);
    const side = (prefix: string) =>
      Object.fromEntries(
        Object.entries(out)
          .filter(([k]) => k.startsWith(prefix))
          .map(([k, v]) => [k.slice(prefix.length), v]),
      );
    expect(Object.keys(side('key.converter')).length).toBeGreaterThan(1);
    expect(side('key.converter')).toEqual(side('value.converter'));
    expect(
      Object.keys(out).every((k) => k.startsWith('key.converter') || k.startsWith('value.converter')),
    ).toBe(true);
  });
});
