import { ConnectApi } from '../../connectors/connect-api.js';
import { defaultCaptureOptions, mariaDbConnectorConfig } from '../../connectors/mariadb.js';
import { loadConfig, type StarlingConfig } from '../../core/config/load.js';
import { createKafka } from '../../core/kafka/client.js';
import { mysqlConnection, uniqueName } from './context.js';

/**
 * A test's own capture: its own MariaDB database, Debezium connector, topic prefix and staging group, so
 * tests never see each other's changes. `env` is the environment a `starling` process for it needs.
 */
export interface Capture {
  db: string;
  prefix: string;
  group: string;
  connector: string;
  config: StarlingConfig;
  env: Record<string, string>;
  topic(table: string): string;
  start(): Promise<void>;
  drop(): Promise<void>;
}

export function newCapture(base: StarlingConfig, label: string): Capture {
  const db = uniqueName(label);
  const prefix = db.replaceAll('_', '-');
  const group = `it-staging-${prefix}`;
  const env = {
    STARLING_TOPIC_PREFIX: prefix,
    STARLING_STAGING_GROUP: group,
    STARLING_LOG_LEVEL: 'warn',
  };
  const config = loadConfig({ ...process.env, ...env });
  const api = new ConnectApi(base.connect.url);
  const connector = `it-${prefix}`;
  return {
    db,
    prefix,
    group,
    connector,
    config,
    env,
    topic: (table) => `${prefix}.${db}.${table}`,
    async start() {
      const conn = await mysqlConnection(base);
      await conn.query(`CREATE DATABASE IF NOT EXISTS \`${db}\` CHARACTER SET utf8mb4`);
      await conn.query(
        `CREATE TABLE IF NOT EXISTS \`${db}\`.debezium_signal (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data TEXT NULL)`,
      );
      await conn.end();
      const opts = {
        ...defaultCaptureOptions(config),
        name: connector,
        databases: [db],
        serverId: 300_000 + Math.floor(Math.random() * 500_000),
      };
      await api.upsert(connector, mariaDbConnectorConfig(config, opts));
    },
    async drop() {
      await api.delete(connector);
      const conn = await mysqlConnection(base);
      await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await conn.end();
      const admin = createKafka({ brokers: base.kafka.brokers }).admin();
      await admin.connect();
      const mine = (await admin.listTopics()).filter((t) => t.includes(prefix));
      await admin.deleteTopics({ topics: mine }).catch(() => undefined);
      await admin.deleteGroups([group]).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
