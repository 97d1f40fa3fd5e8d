import type { StarlingConfig } from '../core/config/load.js';

/**
 * The secured-connection part of a Debezium binlog connector's config: TLS to the source database and, when
 * Kafka is secured, the same TLS/SASL for the schema-history producer and consumer, which Debezium opens
 * itself (outside the Connect worker's own clients) and which would otherwise fail to reach the brokers.
 * Pure, so registering twice with unchanged settings changes nothing.
 */
export function securedConnectorConfig(config: StarlingConfig): Record<string, string> {
  return { ...databaseTls(config), ...schemaHistoryKafka(config) };
}

/** Debezium's MariaDB modes: `trust` encrypts without verifying, as MySQL's REQUIRED does. */
const DEBEZIUM_SSL_MODE = {
  disable: 'disable',
  required: 'trust',
  'verify-ca': 'verify-ca',
  'verify-full': 'verify-full',
} as const;

function databaseTls(config: StarlingConfig): Record<string, string> {
  const tls = config.mysql.tls;
  return tls ? { 'database.ssl.mode': DEBEZIUM_SSL_MODE[tls.mode] } : {};
}

/** A JAAS option value in double quotes (JAAS escapes `"` and `\` with a backslash). */
function jaasQuote(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

const LOGIN_MODULE = {
  plain: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  'scram-sha-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'scram-sha-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
} as const;

function schemaHistoryKafka(config: StarlingConfig): Record<string, string> {
  const { protocol, tls, sasl } = config.kafka.security;
  if (protocol === 'PLAINTEXT') return {};
  const client: Record<string, string> = { 'security.protocol': protocol };
  if (sasl) {
    client['sasl.mechanism'] = sasl.mechanism.toUpperCase();
    client['sasl.jaas.config'] =
      `${LOGIN_MODULE[sasl.mechanism]} required username=${jaasQuote(sasl.username)} password=${jaasQuote(sasl.password)};`;
  }
  // PEM contents rather than paths: the Connect worker may run on another machine than Starling.
  if (tls?.ca) {
    client['ssl.truststore.type'] = 'PEM';
    client['ssl.truststore.certificates'] = tls.ca;
  }
  if (tls?.cert && tls.key) {
    client['ssl.keystore.type'] = 'PEM';
    client['ssl.keystore.certificate.chain'] = tls.cert;
    client['ssl.keystore.key'] = tls.key;
  }
  const out: Record<string, string> = {};
  for (const side of ['producer', 'consumer']) {
    for (const [k, v] of Object.entries(client)) out[`schema.history.internal.${side}.${k}`] = v;
  }
  return out;
}
