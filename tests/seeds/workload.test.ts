import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import { createConsumer, createKafka } from '../../core/kafka/client.js';
import { publishCatalogSnapshot } from '../../seeds/catalog/standin.js';
import { seedSoftcart } from '../../seeds/softcart-seed.js';
import { catalogDocuments } from '../../seeds/source.js';
import { parseMix } from '../../seeds/workload/mix.js';
import { runWorkload } from '../../seeds/workload/run.js';
import { mongoPosition } from '../../sinks/envelope/mongodb.js';
import { type MongoEnvelope, type MongoKey, mongoTopic } from '../../sinks/envelope/mongodb-schema.js';
import { dropTopicsUnder } from '../support/capture.js';
import { mysqlConnection, testConfig, uniqueName } from '../support/context.js';
import { type LogLine, readLog } from '../support/history-oracle.js';
import { tableChecksums } from './checksum.js';

const config = testConfig();
const kafka = createKafka({ brokers: config.kafka.brokers });
const logDir = mkdtempSync(join(tmpdir(), 'starling-load-'));
const databases: string[] = [];
const prefixes: string[] = [];

afterAll(async () => {
  const conn = await mysqlConnection(config);
  for (const db of databases) await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
  await conn.end();
  rmSync(logDir, { recursive: true, force: true });
  await dropTopicsUnder(config, prefixes);
});

/** Every record of a topic, decoded, with its partition and offset. */
async function readTopic(topic: string, count: number) {
  const codec = new AvroCodec(new RegistryClient(config.registry.ccompatUrl));
  const consumer = createConsumer(kafka, { groupId: uniqueName('it-load-reader') });
  const out: Array<{ partition: number; offset: string; key: MongoKey; value: MongoEnvelope }> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const key = await codec.decode<MongoKey>(message.key);
        const value = await codec.decode<MongoEnvelope>(message.value);
        out.push({ partition, offset: message.offset, key: key!.value, value: value!.value });
      },
    });
    await expect.poll(() => out.length, { timeout: 60_000, interval: 200 }).toBe(count);
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/** A database seeded with the built-in data (the same on every machine), then loaded by the workload. */
async function seededThenLoaded(seed: number, txnSize: number) {
  const db = uniqueName('it_load');
  databases.push(db);
  await seedSoftcart({ config, database: db, dataDir: undefined });
  const logFile = join(logDir, `${db}.jsonl`);
  const result = await runWorkload({ config, database: db, rate: 200, durationS: 3, seed, txnSize, logFile });
  const conn = await mysqlConnection(config, db);
  const checksums = await tableChecksums(conn);
  const [stamped] = await conn.query('SELECT COUNT(*) AS n FROM sales_data WHERE commit_ts IS NOT NULL');
  await conn.end();
  const log = readLog(logFile);
  return { result, checksums, log, stamped: Number((stamped as { n: string }[])[0]!.n) };
}

describe('starling load (the workload generator)', () => {
  it('commits rate × duration changes, logs each in commit order, and is deterministic for a seed', async () => {
    const a = await seededThenLoaded(42, 1);
    expect(a.result.planned).toBe(600);
    expect(a.result.committed).toBe(600);
    expect(a.result.transactions).toBe(600);
    expect(Object.values(a.result.byKind).reduce((s, n) => s + n, 0)).toBe(600);
    // Paced, not bursty: the schedule puts the last of 600 changes at 599/200 s, so the run cannot end sooner.
    expect(a.result.elapsedS).toBeGreaterThanOrEqual(599 / 200 - 0.005);
    expect(a.log.map((l) => l.seq)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(new Set(a.log.map((l) => l.op))).toEqual(new Set(['insert', 'update', 'delete', 'pk']));
    expect(a.stamped).toBeGreaterThan(0);

    // The same seed on identical starting data, in transactions of 4: the same final tables.
    const b = await seededThenLoaded(42, 4);
    expect(b.result.transactions).toBe(150);
    expect(b.checksums).toEqual(a.checksums);
    expect(b.log.map(({ op, table, key }) => ({ op, table, key }))).toEqual(
      a.log.map(({ op, table, key }) => ({ op, table, key })),
    );

    const c = await seededThenLoaded(43, 1);
    expect(c.checksums.sales_data).not.toEqual(a.checksums.sales_data);
  });

  it('late and category changes: members follow their sales, catalog events in commit order', async () => {
    const docs = catalogDocuments(undefined) as unknown as Array<Record<string, unknown>>;
    const mix = parseMix('insert=30,update=10,country=20,late=25,category=15');
    const loaded = async () => {
      const db = uniqueName('it_load');
      databases.push(db);
      const prefix = db.replaceAll('_', '-');
      prefixes.push(prefix);
      await seedSoftcart({ config, database: db, dataDir: undefined });
      const snapshot = await publishCatalogSnapshot(docs, { config, topicPrefix: prefix });
      const logFile = join(logDir, `${db}.jsonl`);
      const result = await runWorkload({
        config,
        database: db,
        rate: 200,
        durationS: 2,
        seed: 7,
        txnSize: 3,
        mix,
        logFile,
        catalog: { standin: { topicPrefix: prefix } },
        catalogDocs: docs,
      });
      return { db, prefix, snapshot, result, log: readLog(logFile) };
    };
    const a = await loaded();
    expect(a.result.planned).toBe(400);
    expect(a.result.committed).toBe(400 + a.result.flushed);
    expect(a.result.byKind.late).toBeGreaterThan(50);
    expect(a.result.byKind.category).toBeGreaterThan(20);

    // (a) Customers: seeded ones at the seed time, the workload's at business times; every sale has its
    // customer (late ones included: the pending were created at the end), each at its last logged values.
    const conn = await mysqlConnection(config, a.db);
    const [customers] = await conn.query('SELECT customer_id, country, updated_at FROM customers');
    const [orphans] = await conn.query(
      'SELECT COUNT(*) AS n FROM sales_data s LEFT JOIN customers c USING (customer_id) WHERE c.customer_id IS NULL',
    );
    const [products] = await conn.query(
      'SELECT DISTINCT product_id FROM sales_data WHERE product_id >= 6038',
    );
    await conn.end();
    expect(Number((orphans as Array<{ n: string }>)[0]!.n)).toBe(0);
    const logged = new Map<number, LogLine['values']>();
    for (const l of a.log) if (l.table === 'customers') logged.set(l.key.customer_id!, l.values);
    expect(logged.size).toBeGreaterThan(20);
    for (const c of customers as Array<{ customer_id: number; country: string; updated_at: string }>) {
      const last = logged.get(c.customer_id);
      if (!last) expect(c.updated_at).toBe('2019-01-01 00:00:00.000000');
      else expect([c.country, c.updated_at]).toEqual([last.country, `${last.updated_at}.000000`]);
    }
    // A move that takes effect before a sale committed earlier: the dimension change arrives after its fact.
    const sales = a.log.filter((l) => l.table === 'sales_data' && l.op === 'insert');
    const moves = a.log.filter((l) => l.table === 'customers' && l.op === 'update');
    expect(
      moves.some((m) => sales.some((s) => s.seq < m.seq && s.values!.timestamp! > m.values!.updated_at!)),
    ).toBe(true);

    // (b) The catalog topic: the snapshot, then one change event per logged catalog change. Ordered by
    // their positions, the changes are the log's catalog lines in commit order.
    const catalogLog = a.log.filter((l) => l.table === 'electronics');
    const topic = mongoTopic(a.prefix, 'catalog', 'electronics');
    const records = await readTopic(topic, a.snapshot.events + catalogLog.length);
    const snapshotTs = records.find((r) => r.value.op === 'r')!.value.source.ts_ms;
    const changes = records
      .filter((r) => r.value.op !== 'r')
      .map((r) => ({ ...r, position: mongoPosition(r.value.source, '0') }))
      .sort((x, y) => (x.position < y.position ? -1 : 1));
    expect(new Set(changes.map((c) => c.position)).size).toBe(changes.length);
    expect(
      changes.map((c) => {
        const doc = JSON.parse(c.value.after!) as Record<string, unknown>;
        return { op: c.value.op, product_id: doc.product_id, type: doc.type };
      }),
    ).toEqual(
      catalogLog.map((l) => ({
        op: l.op === 'insert' ? 'c' : 'u',
        product_id: l.key.product_id,
        type: l.values!.type,
      })),
    );
    for (const c of changes) {
      expect(c.value.source.snapshot).toBe('false');
      expect(c.value.source.ts_ms).toBeGreaterThanOrEqual(snapshotTs);
      if (c.value.op === 'u')
        expect(JSON.parse(c.value.updateDescription!.updatedFields!)).toHaveProperty('type');
    }
    // Within a partition, offsets follow the positions.
    for (const p of new Set(changes.map((c) => c.partition))) {
      const offsets = changes.filter((c) => c.partition === p).map((c) => BigInt(c.offset));
      expect(offsets).toEqual([...offsets].sort((x, y) => (x < y ? -1 : 1)));
    }
    // Every new product a sale refers to was created in the catalog.
    const created = new Set(catalogLog.filter((l) => l.op === 'insert').map((l) => l.key.product_id));
    for (const { product_id } of products as Array<{ product_id: number }>)
      expect(created).toContain(product_id);

    // Deterministic: the same seed on the same starting data makes the same changes (the catalog's
    // wall-clock event times aside).
    const b = await loaded();
    expect(b.log.map(({ op, table, key, values }) => ({ op, table, key, values }))).toEqual(
      a.log.map(({ op, table, key, values }) => ({ op, table, key, values })),
    );
  });

  it('adds updated_at to a customers table created before it, existing rows at the seed time', async () => {
    const db = uniqueName('it_load');
    databases.push(db);
    const conn = await mysqlConnection(config);
    await conn.query(`CREATE DATABASE \`${db}\``);
    await conn.query(
      `CREATE TABLE \`${db}\`.customers (customer_id INT NOT NULL PRIMARY KEY, country VARCHAR(64) NOT NULL)`,
    );
    await conn.query(`INSERT INTO \`${db}\`.customers VALUES (?, ?), (?, ?)`, [1, 'A', 2, 'B']);
    await runWorkload({ config, database: db, rate: 1, durationS: 1, mix: parseMix('country=1') });
    const [rows] = await conn.query(`SELECT updated_at FROM \`${db}\`.customers ORDER BY updated_at`);
    await conn.end();
    // One move: the moved customer at a business time, the other at the column's default.
    expect((rows as Array<{ updated_at: string }>).map((r) => r.updated_at.slice(0, 7))).toEqual([
      '2019-01',
      expect.stringMatching(/^2020-(09|10)$/),
    ]);
  });
});
