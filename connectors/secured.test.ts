import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config/load.js';
import { defaultCaptureOptions, mariaDbConnectorConfig } from './mariadb.js';
import { securedConnectorConfig } from './secured.js';

const dir = mkdtempSync(join(tmpdir(), 'starling-secured-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const ca = file('ca.pem', 'CA-PEM');
const cert = file('client.pem', 'CERT-PEM');
const key = file('client.key', 'KEY-PEM');

describe('securedConnectorConfig', () => {
  it('adds nothing for a plaintext Kafka and a MySQL without TLS settings', () => {
    expect(securedConnectorConfig(loadConfig({}))).toEqual({});
  });

  it("gives Debezium's schema-history producer and consumer the same SCRAM login, quoted for JAAS", () => {
    const out = securedConnectorConfig(
      loadConfig({
        STARLING_KAFKA_BROKERS: 'k1:9094',
        STARLING_KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
        STARLING_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        STARLING_KAFKA_SASL_USERNAME: 'cdc',
        STARLING_KAFKA_SASL_PASSWORD: 'p"w\\1',
      }),
    );
    const jaas =
      'org.apache.kafka.common.security.scram.ScramLoginModule required username="cdc" password="p\\"w\\\\1";';
    for (const side of ['producer', 'consumer']) {
      expect(out).toMatchObject({
        [`schema.history.internal.${side}.security.protocol`]: 'SASL_PLAINTEXT',
        [`schema.history.internal.${side}.sasl.mechanism`]: 'SCRAM-SHA-512',
        [`schema.history.internal.${side}.sasl.jaas.config`]: jaas,
      });
    }
    expect(Object.keys(out).some((k) => k.includes('ssl.'))).toBe(false);
  });

  it('passes TLS as PEM contents (the Connect worker may be another machine) with PLAIN over SASL_SSL', () => {
    const out = securedConnectorConfig(
      loadConfig({
        STARLING_KAFKA_BROKERS: 'k1:9094',
        STARLING_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        STARLING_KAFKA_SASL_MECHANISM: 'PLAIN',
        STARLING_KAFKA_SASL_USERNAME: 'cdc',
        STARLING_KAFKA_SASL_PASSWORD: 'pw',
        STARLING_KAFKA_SSL_CA_FILE: ca,
        STARLING_KAFKA_SSL_CERT_FILE: cert,
        STARLING_KAFKA_SSL_KEY_FILE: key,
      }),
    );
    expect(out).toMatchObject({
      'schema.history.internal.consumer.security.protocol': 'SASL_SSL',
      'schema.history.internal.consumer.sasl.mechanism': 'PLAIN',
      'schema.history.internal.consumer.sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="cdc" password="pw";',
      'schema.history.internal.producer.ssl.truststore.type': 'PEM',
      'schema.history.internal.producer.ssl.truststore.certificates': 'CA-PEM',
      'schema.history.internal.producer.ssl.keystore.type': 'PEM',
      'schema.history.internal.producer.ssl.keystore.certificate.chain': 'CERT-PEM',
      'schema.history.internal.producer.ssl.keystore.key': 'KEY-PEM',
    });
  });

  it("maps STARLING_MYSQL_SSL_MODE onto Debezium's MariaDB modes", () => {
    const mode = (m: string, extra: Record<string, string> = {}) =>
      securedConnectorConfig(loadConfig({ STARLING_MYSQL_SSL_MODE: m, ...extra }))['database.ssl.mode'];
    expect(mode('disable')).toBe('disable');
    expect(mode('required')).toBe('trust');
    expect(mode('verify-ca', { STARLING_MYSQL_SSL_CA_FILE: ca })).toBe('verify-ca');
    expect(mode('verify-full', { STARLING_MYSQL_SSL_CA_FILE: ca })).toBe('verify-full');
  });

  it('is part of the MariaDB connector config, with the registry credentials in the converters', () => {
    const config = loadConfig({
      STARLING_KAFKA_BROKERS: 'k1:9094',
      STARLING_KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      STARLING_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
      STARLING_KAFKA_SASL_USERNAME: 'cdc',
      STARLING_KAFKA_SASL_PASSWORD: 'pw',
      STARLING_MYSQL_SSL_MODE: 'required',
      STARLING_REGISTRY_USERNAME: 'reg',
      STARLING_REGISTRY_PASSWORD: 'reg-pw',
    });
    const out = mariaDbConnectorConfig(config, defaultCaptureOptions(config));
    expect(out['database.ssl.mode']).toBe('trust');
    expect(out['schema.history.internal.producer.sasl.mechanism']).toBe('SCRAM-SHA-256');
    for (const side of ['key', 'value']) {
      expect(out[`${side}.converter.apicurio.auth.username`]).toBe('reg');
      expect(out[`${side}.converter.apicurio.auth.password`]).toBe('reg-pw');
    }
  });
});
