/**
 * Everything a backfill needs, checked before anything is written, with every problem reported at once:
 * the table exists and has a primary key, its database is captured (STARLING_SOURCE_DATABASES) by a running
 * Debezium connector with the configured topic prefix, that connector reads a signal table which exists and
 * which its capture user may write, the raw topic exists, and the --where condition is one MariaDB accepts
 * (counting the rows it matches, which is also the progress's target).
 */
import type { Connection } from 'mysql2/promise';
import type { StarlingConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import { createKafka, kafkaOptionsFrom } from '../../core/kafka/client.js';
import { type ConnectorInfo, captureConnectorsFor, describeState, isRunning } from './capture-connector.js';
import { listConnectors } from './connect.js';
import type { BackfillSettings } from './options.js';
import { countRows, tableColumns, tableFacts, userCanInsert } from './source.js';

export interface BackfillPlan {
  /** the names as the server spells them */
  db: string;
  table: string;
  primaryKey: string[];
  where: string | undefined;
  topic: string;
  connector: ConnectorInfo;
  signalTable: { db: string; table: string };
  /** rows matching --where (all rows without it) when checked */
  expected: number;
}

const SIGNAL_COLUMNS = ['id', 'type', 'data'];

export async function planBackfill(
  config: StarlingConfig,
  s: BackfillSettings,
  conn: Connection,
): Promise<BackfillPlan> {
  const problems: string[] = [];
  const id = `${s.db}.${s.table}`;
  const prefix = config.topics.prefix;
  const topic = `${prefix}.${s.db}.${s.table}`;

  const captured = config.topics.sourceDatabases.includes(s.db);
  if (!captured)
    problems.push(
      `database ${s.db} is not captured: STARLING_SOURCE_DATABASES is ${config.topics.sourceDatabases.join(',') || '(empty)'}`,
    );

  const facts = await tableFacts(conn, s.db, s.table);
  const found = facts.found ?? { db: s.db, table: s.table };
  if (!facts.databaseExists)
    problems.push(`database ${s.db} does not exist in MariaDB at ${config.mysql.host}:${config.mysql.port}`);
  else if (facts.found === undefined) problems.push(`table ${id} does not exist (or is not a base table)`);
  else if (facts.primaryKey.length === 0)
    problems.push(
      `table ${id} has no primary key: Debezium's incremental snapshot reads a table in primary-key order, chunk by chunk`,
    );

  let connector: ConnectorInfo | undefined;
  let signalTable: { db: string; table: string } | undefined;
  if (captured) {
    let connectors: ConnectorInfo[] | undefined;
    try {
      connectors = await listConnectors(config.connect.url, config.connect.auth);
    } catch (e) {
      problems.push((e as Error).message);
    }
    if (connectors !== undefined) {
      connector = captureConnectorsFor(connectors, prefix, found.db, found.table)[0];
      if (connector === undefined)
        problems.push(
          `no Debezium connector on Kafka Connect (${config.connect.url}) captures ${id} with topic prefix ${prefix} (starling connectors register)`,
        );
      else {
        if (!isRunning(connector))
          problems.push(`connector ${connector.name} is not running (${describeState(connector)})`);
        signalTable = await checkSignalTable(conn, connector, problems);
      }
    }
  }

  // The topic matters only for a captured table that can be snapshotted (anything else is reported above).
  if (connector !== undefined && facts.primaryKey.length > 0) {
    const admin = createKafka(kafkaOptionsFrom(config)).admin();
    try {
      await admin.connect();
      if (!(await admin.listTopics()).includes(topic))
        problems.push(`raw topic ${topic} does not exist (the connector has not captured ${id} yet)`);
    } catch (e) {
      problems.push(`Kafka at ${config.kafka.brokers.join(',')} does not answer (${(e as Error).message})`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  let expected = 0;
  if (facts.found !== undefined) {
    try {
      expected = await countRows(conn, found.db, found.table, s.where);
    } catch (e) {
      if (s.where === undefined) throw e;
      problems.push(`--where "${s.where}" is rejected by MariaDB: ${(e as Error).message}`);
    }
  }

  if (problems.length > 0 || connector === undefined || signalTable === undefined)
    throw new UserError(
      problems.length === 1
        ? `cannot backfill ${id}: ${problems[0]}`
        : `cannot backfill ${id}, ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      'BACKFILL_INVALID',
    );
  return {
    db: found.db,
    table: found.table,
    primaryKey: facts.primaryKey,
    where: s.where,
    topic,
    connector,
    signalTable,
    expected,
  };
}

/** The connector's signal table: configured, read through the source channel, present, writable by Debezium. */
async function checkSignalTable(
  conn: Connection,
  connector: ConnectorInfo,
  problems: string[],
): Promise<{ db: string; table: string } | undefined> {
  const c = connector.config;
  const collection = c['signal.data.collection']?.trim();
  if (!collection) {
    problems.push(`connector ${connector.name} has no signal.data.collection: it reads no signal table`);
    return undefined;
  }
  const channels = c['signal.enabled.channels'];
  if (channels !== undefined && !channels.split(',').some((ch) => ch.trim() === 'source'))
    problems.push(
      `connector ${connector.name} does not read its signal table (signal.enabled.channels = ${channels}, without source)`,
    );
  const [db, table, ...rest] = collection.split('.');
  if (db === undefined || table === undefined || rest.length > 0) {
    problems.push(`connector ${connector.name}: signal.data.collection "${collection}" is not db.table`);
    return undefined;
  }
  const columns = await tableColumns(conn, db, table);
  if (columns.length === 0)
    problems.push(
      `signal table ${collection} of connector ${connector.name} does not exist (CREATE TABLE ${collection} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data TEXT NULL))`,
    );
  else if (SIGNAL_COLUMNS.some((col) => !columns.includes(col)))
    problems.push(
      `signal table ${collection} does not have the columns id, type, data (it has ${columns.join(', ')})`,
    );
  else if (c['read.only'] !== 'true') {
    const user = c['database.user'];
    if (user !== undefined && (await userCanInsert(conn, user, db, table)) === false)
      problems.push(
        `the capture user ${user} cannot INSERT into the signal table ${collection}: Debezium writes its snapshot watermarks there, and without it skips the snapshot (GRANT INSERT, UPDATE, DELETE ON ${collection} TO '${user}'@'<host>')`,
      );
  }
  return { db, table };
}
