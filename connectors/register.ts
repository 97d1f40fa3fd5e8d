import mysql from 'mysql2/promise';
import type { StarlingConfig } from '../core/config/load.js';
import { mysqlSslOptions } from '../core/config/security.js';
import { UserError } from '../core/errors/user-error.js';
import { createKafka, kafkaOptionsFrom } from '../core/kafka/client.js';
import { ConnectApi } from './connect-api.js';
import { defaultCaptureOptions, mariaDbConnectorConfig } from './mariadb.js';
import { mongoCaptureOptions, mongoDbConnectorConfig } from './mongodb.js';
import { ensureRawTopics } from './topics.js';

export interface Registration {
  name: string;
  created: boolean;
}

/** Registers (or updates) the capture connectors the configuration asks for. Idempotent. */
export async function registerCapture(config: StarlingConfig): Promise<Registration[]> {
  const api = new ConnectApi(config.connect.url, config.connect.auth);
  const opts = defaultCaptureOptions(config);
  const mariadb = mariaDbConnectorConfig(config, opts);
  await validate(api, 'MariaDB', opts.name, mariadb);
  // Starling creates the raw topics of the tables that exist now, with its settings (Debezium creates those
  // of tables added later, with the same settings through topic.creation.default.*).
  const admin = createKafka(kafkaOptionsFrom(config)).admin();
  await admin.connect();
  try {
    await ensureRawTopics(config, admin, await sourceTables(config, opts.databases));
  } finally {
    await admin.disconnect();
  }
  const out = [await upsertRunning(api, opts.name, mariadb)];

  // The catalog's MongoDB connector, when a MongoDB is configured (none can run on these machines).
  const mongo = mongoCaptureOptions(config);
  if (mongo) {
    const mongoConfig = mongoDbConnectorConfig(config, mongo);
    await validate(api, 'MongoDB', mongo.name, mongoConfig);
    out.push(await upsertRunning(api, mongo.name, mongoConfig));
  }
  return out;
}

/** Connect's own validation of a config, every error at once. */
async function validate(
  api: ConnectApi,
  label: string,
  name: string,
  config: Record<string, string>,
): Promise<void> {
  const errors = await api.validate(config['connector.class']!, { name, ...config });
  if (errors.length) {
    throw new UserError(
      `Kafka Connect rejects the ${label} connector config:\n${errors.map((e) => `  - ${e}`).join('\n')}`,
      'CONNECTOR_INVALID',
    );
  }
}

async function upsertRunning(
  api: ConnectApi,
  name: string,
  config: Record<string, string>,
): Promise<Registration> {
  const created = await api.upsert(name, config);
  await waitRunning(api, name, 60_000);
  return { name, created };
}

/** db.table of every base table in the captured databases (the signal table is Debezium's, not data). */
async function sourceTables(config: StarlingConfig, databases: string[]): Promise<string[]> {
  const conn = await mysql.createConnection({
    host: config.mysql.host,
    port: config.mysql.port,
    user: config.mysql.user,
    password: config.mysql.password,
    ssl: mysqlSslOptions(config.mysql.tls),
  });
  try {
    const [rows] = await conn.query(
      `SELECT table_schema AS db, table_name AS t FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema IN (?) AND table_name <> 'debezium_signal'`,
      [databases],
    );
    return (rows as Array<{ db: string; t: string }>).map((r) => `${r.db}.${r.t}`);
  } finally {
    await conn.end();
  }
}

/** Waits until the connector and all its tasks run; a FAILED one is reported with Connect's trace. */
async function waitRunning(api: ConnectApi, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not yet reported';
  while (Date.now() < deadline) {
    const s = await api.status(name).catch(() => undefined);
    if (s) {
      const failed = [s.connector, ...s.tasks].find((x) => x.state === 'FAILED');
      if (failed) {
        throw new UserError(
          `connector ${name} FAILED:\n${(failed.trace ?? '').split('\n').slice(0, 8).join('\n')}`,
          'CONNECTOR_FAILED',
        );
      }
      if (
        s.connector.state === 'RUNNING' &&
        s.tasks.length > 0 &&
        s.tasks.every((t) => t.state === 'RUNNING')
      )
        return;
      last = `${s.connector.state}; tasks ${s.tasks.map((t) => t.state).join(', ') || 'none'}`;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new UserError(
    `connector ${name} is not running after ${timeoutMs / 1000} s (${last})`,
    'CONNECTOR_NOT_RUNNING',
  );
}
