import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import { createConsumer, createKafka, createProducer, type KafkaMessage } from '../../core/kafka/client.js';
import { createLogger } from '../../core/log/logger.js';
import { dlqTopic } from '../../sinks/runtime/dead-letters.js';
import { createStagingSink } from '../../sinks/staging/staging-sink.js';
import { newCapture } from '../support/capture.js';
import { mysqlConnection, testConfig, uniqueName } from '../support/context.js';
import { header, readDeadLetters } from '../support/dead-letters.js';

// Bad records produced straight into a captured table's raw topic, between good changes made in MariaDB:
// each lands in the dead-letter topic with its origin and reason and its original bytes, and every good
// change before and after them lands in staging. The sink runs in this process, against the real stack.
const base = testConfig();
const cap = newCapture(base, 'it_dlq');
const fatal: Error[] = [];
const sink = createStagingSink(cap.config, createLogger('silent'), (e) => {
  fatal.push(e);
});
const staging = new pg.Pool({ connectionString: base.postgres.stagingUrl, max: 2 });
const kafka = createKafka({ brokers: base.kafka.brokers });
const admin = kafka.admin();
const producer = createProducer(kafka);
const codec = new AvroCodec(new RegistryClient(base.registry.ccompatUrl));
const readerGroups = [uniqueName('it-dlq-letters-reader'), uniqueName('it-dlq-raw-reader')];
let deadLetterReader: Awaited<ReturnType<typeof readDeadLetters>> | undefined;
let deadLetters: KafkaMessage[] = [];
const topic = cap.topic('t');

const COLUMNS = 'id, name, amount';
const normalize = (row: unknown[]) => JSON.stringify(row.map((v) => (v === null ? null : String(v))));

async function sourceRows(): Promise<string[]> {
  const conn = await mysqlConnection(base, cap.db);
  const [rows] = await conn.query({ sql: `SELECT ${COLUMNS} FROM t ORDER BY id`, rowsAsArray: true });
  await conn.end();
  return (rows as unknown[][]).map(normalize);
}

async function stagingRows(): Promise<string[]> {
  const r = await staging
    .query({ text: `SELECT ${COLUMNS} FROM "${cap.db}".t ORDER BY id`, rowMode: 'array' })
    .catch((e) => {
      if (['42P01', '3F000'].includes(e.code)) return { rows: [] as unknown[][] };
      throw e;
    });
  return r.rows.map(normalize);
}

/** The raw topic's end offset (one partition). */
async function endOffset(): Promise<bigint> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return BigInt(offsets.find((o) => o.partition === 0)!.high);
}

/** A good change made in MariaDB; returns once Debezium has written its `records` records. */
async function goodChange(records: number, ...statements: string[]): Promise<void> {
  const target = (await endOffset()) + BigInt(records);
  const conn = await mysqlConnection(base, cap.db);
  for (const s of statements) await conn.query(s);
  await conn.end();
  await expect.poll(endOffset, { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(target);
}

/** A bad record produced into the raw topic; returns the offset Kafka gave it. */
async function produceBad(key: Buffer, value: Buffer): Promise<string> {
  const [meta] = await producer.send({ topic, acks: -1, messages: [{ partition: 0, key, value }] });
  return meta!.baseOffset!;
}

async function latestValueSchemaId(): Promise<number> {
  const res = await fetch(
    `${base.registry.ccompatUrl}/subjects/${encodeURIComponent(`${topic}-value`)}/versions/latest`,
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: number }).id;
}

/** The first record Debezium wrote to the raw topic, as bytes. */
async function firstRawRecord(): Promise<KafkaMessage> {
  const consumer = createConsumer(kafka, { groupId: readerGroups[1]! });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(message);
    },
  });
  await expect.poll(() => seen.length, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
  await consumer.disconnect();
  return seen[0]!;
}

beforeAll(async () => {
  await cap.start();
  const conn = await mysqlConnection(base, cap.db);
  await conn.query(
    'CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(50), amount DECIMAL(12,2)) CHARACTER SET utf8mb4',
  );
  await conn.query(`INSERT INTO t VALUES (1, 'one', 10.00), (2, 'two', -0.01)`);
  await conn.end();
  await admin.connect();
  await producer.connect();
  await sink.runner.start();
  deadLetterReader = await readDeadLetters(kafka, dlqTopic(cap.group), readerGroups[0]!);
  deadLetters = deadLetterReader.letters;
});

afterAll(async () => {
  await deadLetterReader?.stop();
  await producer.disconnect();
  await sink.stop();
  await staging.query(`DROP SCHEMA IF EXISTS "${cap.db}" CASCADE`).catch(() => undefined);
  await staging.end();
  await admin.deleteGroups(readerGroups).catch(() => undefined);
  await admin.disconnect();
  await cap.drop();
});

describe('the staging sink dead-letters bad records and goes on', () => {
  it('dead-letters each bad record with its origin and reason; every good change lands', async () => {
    await expect.poll(stagingRows, { timeout: 90_000, interval: 500 }).toEqual(await sourceRows());
    const real = await firstRawRecord();
    const schemaId = await latestValueSchemaId();
    const decoded = await codec.decode<Record<string, unknown>>(real.value);
    expect(decoded!.schemaId).toBe(schemaId);

    const bad: Array<{ offset: string; key: Buffer; value: Buffer; code: string; stage: string }> = [];
    const send = async (code: string, stage: string, key: Buffer, value: Buffer) => {
      bad.push({ offset: await produceBad(key, value), key, value, code, stage });
    };

    // (a) bytes that are not Avro at all
    await send('NOT_AVRO', 'decode', Buffer.from('key, not avro'), Buffer.from('{"hello": "not Avro"}'));
    await goodChange(1, `UPDATE t SET name = 'one, after a' WHERE id = 1`);

    // (b) the Confluent framing with a schema id the registry does not have
    const unknownId = Buffer.alloc(9);
    unknownId.writeUInt32BE(999_999_999, 1);
    unknownId.write('body', 5);
    await send('UNKNOWN_SCHEMA_ID', 'decode', real.key!, unknownId);
    await goodChange(1, `INSERT INTO t VALUES (3, 'three', 3.33)`);

    // (c) the topic's value schema id with a body cut short
    const body = real.value!.subarray(5);
    const truncated = Buffer.concat([real.value!.subarray(0, 5), body.subarray(0, body.length >> 1)]);
    await send('AVRO_DECODE', 'decode', real.key!, truncated);
    await goodChange(2, 'DELETE FROM t WHERE id = 2'); // the delete and its tombstone

    // (d) a well-formed Debezium envelope whose operation is 'x'
    const opX = await codec.encode(schemaId, { ...decoded!.value, op: 'x' });
    await send('OP_UNKNOWN', 'map', real.key!, opX);
    await goodChange(2, `INSERT INTO t VALUES (4, 'four', 4.00)`, `UPDATE t SET amount = 30.03 WHERE id = 3`);

    await expect.poll(() => deadLetters.length, { timeout: 60_000, interval: 500 }).toBe(bad.length);
    const byOffset = new Map(deadLetters.map((m) => [header(m, 'starling.source.offset'), m]));
    for (const b of bad) {
      const m = byOffset.get(b.offset);
      expect(m, `a dead letter for offset ${b.offset} (${b.code})`).toBeDefined();
      expect(header(m!, 'starling.source.topic')).toBe(topic);
      expect(header(m!, 'starling.source.partition')).toBe('0');
      expect(header(m!, 'starling.stage')).toBe(b.stage);
      expect(header(m!, 'starling.error.code')).toBe(b.code);
      expect(header(m!, 'starling.error.message')).toBeTruthy();
      expect(Buffer.compare(m!.key!, b.key)).toBe(0);
      expect(Buffer.compare(m!.value!, b.value)).toBe(0);
    }
    expect(header(byOffset.get(bad[1]!.offset)!, 'starling.error.message')).toMatch(/999999999/);
    expect(header(byOffset.get(bad[3]!.offset)!, 'starling.error.message')).toMatch(/'x'/);

    // Every good change, before and after the bad records, is in staging.
    const expected = await sourceRows();
    expect(expected).toEqual([
      normalize([1, 'one, after a', '10.00']),
      normalize([3, 'three', '30.03']),
      normalize([4, 'four', '4.00']),
    ]);
    await expect.poll(stagingRows, { timeout: 60_000, interval: 500 }).toEqual(expected);
    expect(sink.runner.stats.deadLetters).toBe(bad.length);
    expect(fatal).toEqual([]);
  });
});
