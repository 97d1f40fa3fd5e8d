import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectApi } from '../../connectors/connect-api.js';
import { defaultCaptureOptions, mariaDbConnectorConfig } from '../../connectors/mariadb.js';
import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import { createConsumer, createKafka } from '../../core/kafka/client.js';
import { mysqlConnection, testConfig, uniqueName } from '../support/context.js';

// The first end-to-end path: MariaDB binlog -> Debezium (Kafka Connect) -> Kafka -> Avro through the
// registry -> decoded by Starling's codec. Exact decimals, microsecond DATETIMEs, NULLs, non-ASCII and emoji.
type Row = {
  id: number;
  price: string | null;
  happened: bigint | null;
  note: string | null;
  label: string | null;
};
type Envelope = { op: string; before: Row | null; after: Row | null; source: { db: string; table: string } };

const config = testConfig();
const db = uniqueName('it_capture');
const api = new ConnectApi(config.connect.url);
const opts = {
  ...defaultCaptureOptions(config),
  name: `it-${db}`,
  topicPrefix: db.replaceAll('_', '-'),
  databases: [db],
  serverId: 200_000 + Math.floor(Math.random() * 100_000),
};
const topic = `${opts.topicPrefix}.${db}.items`;
const readerGroup = uniqueName('it-capture-reader');

/** DATETIME(6) arrives as microseconds since the epoch, read as if the local time were UTC. */
const micros = (iso: string, us: number) => BigInt(Date.parse(`${iso}Z`)) * 1000n + BigInt(us);

beforeAll(async () => {
  const conn = await mysqlConnection(config);
  await conn.query(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4`);
  await conn.query(
    `CREATE TABLE \`${db}\`.items (id INT PRIMARY KEY, price DECIMAL(12,2), happened DATETIME(6), note VARCHAR(100) NULL, label VARCHAR(100))`,
  );
  await conn.query(
    `CREATE TABLE \`${db}\`.debezium_signal (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data TEXT NULL)`,
  );
  // A row the initial snapshot reads: its event marks the snapshot's end, after which changes stream.
  await conn.query(`INSERT INTO \`${db}\`.items VALUES (0, 0, NULL, 'snapshot', NULL)`);
  await conn.end();
});

afterAll(async () => {
  await api.delete(opts.name);
  const admin = createKafka({ brokers: config.kafka.brokers }).admin();
  await admin.connect();
  const mine = (await admin.listTopics()).filter((t) => t.includes(opts.topicPrefix));
  await admin.deleteTopics({ topics: mine }).catch(() => undefined);
  await admin.deleteGroups([readerGroup]).catch(() => undefined);
  await admin.disconnect();
  const conn = await mysqlConnection(config);
  await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
  await conn.end();
});

describe('capture from MariaDB through Debezium and the registry', () => {
  it('registers the connector idempotently and it runs', async () => {
    const connectorConfig = mariaDbConnectorConfig(config, opts);
    expect(await api.upsert(opts.name, connectorConfig)).toBe(true);
    expect(await api.upsert(opts.name, connectorConfig)).toBe(false); // twice is not an error
    await expect
      .poll(
        async () => {
          const s = await api.status(opts.name).catch(() => undefined);
          return s ? [s.connector.state, ...s.tasks.map((t) => t.state)].join(',') : 'absent';
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe('RUNNING,RUNNING');
  });

  it('delivers the snapshot, then inserts, updates and deletes with exact values', async () => {
    const kafka = createKafka({ brokers: config.kafka.brokers });
    const codec = new AvroCodec(new RegistryClient(config.registry.ccompatUrl));
    const consumer = createConsumer(kafka, { groupId: readerGroup });
    const events: Array<{ key: { id: number } | null; value: Envelope | null }> = [];
    // The topic appears when Debezium's first event for the table (the snapshot read) is written.
    await expect
      .poll(async () => (await kafka.admin().listTopics()).includes(topic), { timeout: 60_000 })
      .toBe(true);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = await codec.decode<{ id: number }>(message.key);
        const value = await codec.decode<Envelope>(message.value);
        events.push({ key: key?.value ?? null, value: value?.value ?? null });
      },
    });
    await expect.poll(() => events.length, { timeout: 60_000 }).toBe(1);
    expect(events[0]!.value).toMatchObject({ op: 'r', after: { id: 0, note: 'snapshot', price: '0.00' } });

    const conn = await mysqlConnection(config, db);
    await conn.query('INSERT INTO items VALUES (1, 1234567890.12, ?, NULL, ?)', [
      '2024-02-29 13:45:59.123456',
      'Zoë 日本 🐦‍🔥',
    ]);
    await conn.query('INSERT INTO items VALUES (2, -9999999999.99, ?, ?, ?)', [
      '1970-01-01 00:00:00.000001',
      'n',
      'plain',
    ]);
    await conn.query('UPDATE items SET price = -0.01, note = ? WHERE id = 1', ['changed']);
    await conn.query('DELETE FROM items WHERE id = 2');
    await conn.end();

    await expect.poll(() => events.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(6);
    await consumer.disconnect();

    const [, c1, c2, u1, d2, tomb] = events;
    expect(c1!.key).toEqual({ id: 1 });
    expect(c1!.value!.op).toBe('c');
    expect(c1!.value!.before).toBeNull();
    expect(c1!.value!.after).toEqual({
      id: 1,
      price: '1234567890.12',
      happened: micros('2024-02-29T13:45:59', 123456),
      note: null,
      label: 'Zoë 日本 🐦‍🔥',
    });
    expect(c1!.value!.source).toMatchObject({ db, table: 'items' });

    expect(c2!.value!.after).toMatchObject({ id: 2, price: '-9999999999.99', happened: 1n, note: 'n' });

    expect(u1!.value!.op).toBe('u');
    expect(u1!.value!.before).toMatchObject({ price: '1234567890.12', note: null });
    expect(u1!.value!.after).toMatchObject({ price: '-0.01', note: 'changed', label: 'Zoë 日本 🐦‍🔥' });

    expect(d2!.key).toEqual({ id: 2 });
    expect(d2!.value!.op).toBe('d');
    expect(d2!.value!.before).toMatchObject({ id: 2, price: '-9999999999.99' });
    expect(d2!.value!.after).toBeNull();

    expect(tomb!.key).toEqual({ id: 2 });
    expect(tomb!.value).toBeNull();
  });
});
