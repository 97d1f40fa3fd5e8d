import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import { createKafka, type KafkaMessage } from '../../core/kafka/client.js';
import { createLogger } from '../../core/log/logger.js';
import { dlqTopic } from '../../sinks/runtime/dead-letters.js';
import { createStagingSink } from '../../sinks/staging/staging-sink.js';
import { newCapture } from '../support/capture.js';
import { mysqlConnection, testConfig, uniqueName } from '../support/context.js';
import { header, readDeadLetters } from '../support/dead-letters.js';

// The source's schema changes while changes flow, and the staging sink (running in this process, never
// restarted) follows: added columns (with the source default on the rows staging already holds), a
// widened integer, and an unsafe change whose events go to the dead-letter topic while the rest goes on.
const base = testConfig();
const cap = newCapture(base, 'it_schema');
const fatal: Error[] = [];
const sink = createStagingSink(cap.config, createLogger('silent'), (e) => {
  fatal.push(e);
});
const staging = new pg.Pool({ connectionString: base.postgres.stagingUrl, max: 2 });
const kafka = createKafka({ brokers: base.kafka.brokers });
const codec = new AvroCodec(new RegistryClient(base.registry.ccompatUrl));
const dlqGroup = uniqueName('it-schema-dlq-reader');
let deadLetterReader: Awaited<ReturnType<typeof readDeadLetters>> | undefined;
let deadLetters: KafkaMessage[] = [];

const BASE_COLUMNS = ['id', 'name', 'small_col', 'amount'];
const ALL_COLUMNS = [...BASE_COLUMNS, 'c1', 'c2', 'c3'];

/** Values as each database renders them (decimals are exact text on both sides), compared as text. */
const normalize = (row: unknown[]) => JSON.stringify(row.map((v) => (v === null ? null : String(v))));

async function sourceRows(table: string, columns: string[]): Promise<string[]> {
  const conn = await mysqlConnection(base, cap.db);
  const [rows] = await conn.query({
    sql: `SELECT ${columns.join(', ')} FROM ${table} ORDER BY id`,
    rowsAsArray: true,
  });
  await conn.end();
  return (rows as unknown[][]).map(normalize);
}

async function stagingRows(table: string, columns: string[]): Promise<string[]> {
  const r = await staging
    .query({
      text: `SELECT ${columns.join(', ')} FROM "${cap.db}".${table} ORDER BY id`,
      rowMode: 'array',
    })
    .catch((e) => {
      // Until the sink has created the table (or a column), there is nothing to compare yet.
      if (['42P01', '3F000', '42703'].includes(e.code)) return { rows: [] as unknown[][] };
      throw e;
    });
  return r.rows.map(normalize);
}

async function stagingColumnTypes(table: string): Promise<Record<string, string>> {
  const { rows } = await staging.query<{ column_name: string; type: string }>(
    `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped`,
    [cap.db, table],
  );
  return Object.fromEntries(rows.map((r) => [r.column_name, r.type]));
}

async function mysqlExec(...statements: string[]): Promise<void> {
  const conn = await mysqlConnection(base, cap.db);
  try {
    for (const s of statements) await conn.query(s);
  } finally {
    await conn.end();
  }
}

beforeAll(async () => {
  await cap.start();
  await mysqlExec(
    'CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(50), small_col SMALLINT, amount DECIMAL(12,2)) CHARACTER SET utf8mb4',
    'CREATE TABLE t2 (id INT PRIMARY KEY, label VARCHAR(50)) CHARACTER SET utf8mb4',
    'CREATE TABLE k (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL, v INT) CHARACTER SET utf8mb4',
    'CREATE TABLE k3 (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL, v INT) CHARACTER SET utf8mb4',
    'CREATE TABLE n (id INT PRIMARY KEY, d DECIMAL(10,2) NULL DEFAULT 1.50, s VARCHAR(10) NULL) CHARACTER SET utf8mb4',
    `INSERT INTO t VALUES (1, 'one', 1, 10.00), (2, 'two', -2, -20.50), (3, NULL, NULL, NULL),
       (4, 'four', 32767, 99999.99), (5, 'five', -32768, 0.01)`,
    `INSERT INTO t2 VALUES (1, 'first')`,
    `INSERT INTO k VALUES (1, 'a', 1)`,
    `INSERT INTO k3 VALUES (1, 'a', 1)`,
    `INSERT INTO n VALUES (1, 1.00, 'one')`,
  );
  await sink.runner.start();
  // The sink created its dead-letter topic on start: read it from the beginning, for the whole file.
  deadLetterReader = await readDeadLetters(kafka, dlqTopic(cap.group), dlqGroup);
  deadLetters = deadLetterReader.letters;
});

afterAll(async () => {
  await deadLetterReader?.stop();
  await sink.stop();
  await staging.query(`DROP SCHEMA IF EXISTS "${cap.db}" CASCADE`).catch(() => undefined);
  await staging.end();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([dlqGroup]).catch(() => undefined);
  await admin.disconnect();
  await cap.drop();
});

describe('the staging sink follows schema changes of the source', () => {
  it('mirrors the starting rows', async () => {
    await expect
      .poll(() => stagingRows('t', BASE_COLUMNS), { timeout: 90_000, interval: 500 })
      .toEqual(await sourceRows('t', BASE_COLUMNS));
    await expect
      .poll(() => stagingRows('t2', ['id', 'label']), { timeout: 60_000, interval: 500 })
      .toEqual(await sourceRows('t2', ['id', 'label']));
    await expect
      .poll(() => stagingRows('k', ['id', 'code', 'v']), { timeout: 60_000, interval: 500 })
      .toEqual(await sourceRows('k', ['id', 'code', 'v']));
  });

  it('adds columns while changes flow, with the source default on rows it already holds', async () => {
    const untouched = await staging.query(
      `SELECT id, _starling_pos FROM "${cap.db}".t WHERE id <= 5 ORDER BY id`,
    );
    expect(untouched.rows).toHaveLength(5);

    // A writer inserting and updating rows 100.. (never rows 1-5) before, during and after the ALTERs.
    let stop = false;
    let written = 0;
    const writer = (async () => {
      const conn = await mysqlConnection(base, cap.db);
      try {
        for (let i = 0; !stop || written < 3; i++) {
          await conn.query('INSERT INTO t (id, name, small_col, amount) VALUES (?, ?, ?, ?)', [
            100 + i,
            `w${i}`,
            i,
            `${i}.25`,
          ]);
          if (i > 0) await conn.query('UPDATE t SET name = ? WHERE id = ?', [`w${i - 1} updated`, 99 + i]);
          written++;
        }
      } finally {
        await conn.end();
      }
    })();
    const writes = async (n: number) => {
      const target = written + n;
      await expect.poll(() => written, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(target);
    };

    await writes(3); // before
    await mysqlExec('ALTER TABLE t ADD COLUMN c1 VARCHAR(20) NULL');
    await writes(1);
    await mysqlExec(`INSERT INTO t (id, name, c1) VALUES (10, 'ten', 'c1 of ten')`);
    await mysqlExec('ALTER TABLE t ADD COLUMN c2 INT NOT NULL DEFAULT 7');
    await writes(1);
    await mysqlExec('ALTER TABLE t ADD COLUMN c3 DECIMAL(10,2) DEFAULT 1.50');
    await mysqlExec(
      `INSERT INTO t (id, name, small_col, amount, c1, c2, c3) VALUES (11, 'eleven', 11, 11.11, 'x', 42, 9.99)`,
      `INSERT INTO t (id, name, c1, c2) VALUES (12, 'twelve', NULL, -1)`,
      `UPDATE t SET c1 = 'set later', c2 = 8, c3 = 2.25 WHERE id = 100`,
      `UPDATE t SET c3 = 3.75 WHERE id = 10`,
    );
    stop = true;
    written = 0; // and a few more after
    await writer;

    await expect
      .poll(
        async () => {
          const types = await stagingColumnTypes('t');
          return [types.c1, types.c2, types.c3];
        },
        { timeout: 60_000, interval: 500 },
      )
      .toEqual(['text', 'integer', 'numeric(10,2)']);
    const expected = await sourceRows('t', ALL_COLUMNS);
    await expect
      .poll(() => stagingRows('t', ALL_COLUMNS), { timeout: 60_000, interval: 500 })
      .toEqual(expected);

    // Rows 1-5 got no row event since the ALTERs: they show the defaults because staging applied them.
    const after = await staging.query(
      `SELECT id, _starling_pos, c1, c2, c3::text AS c3 FROM "${cap.db}".t WHERE id <= 5 ORDER BY id`,
    );
    expect(after.rows.map((r) => r._starling_pos)).toEqual(untouched.rows.map((r) => r._starling_pos));
    for (const r of after.rows) expect([r.c1, r.c2, r.c3]).toEqual([null, 7, '1.50']);
    const src = await sourceRows('t', ['id', 'c1', 'c2', 'c3']);
    expect(src.slice(0, 5)).toEqual([1, 2, 3, 4, 5].map((id) => normalize([id, null, 7, '1.50'])));
    expect(fatal).toEqual([]);
  });

  it('follows a widened integer column', async () => {
    await mysqlExec(
      'ALTER TABLE t MODIFY COLUMN small_col INT',
      `INSERT INTO t (id, name, small_col) VALUES (20, 'wide', 40000)`,
      'UPDATE t SET small_col = -2000000000 WHERE id = 2',
    );
    const expected = await sourceRows('t', ALL_COLUMNS);
    await expect
      .poll(() => stagingRows('t', ALL_COLUMNS), { timeout: 60_000, interval: 500 })
      .toEqual(expected);
    expect((await stagingColumnTypes('t')).small_col).toBe('integer');
    expect(fatal).toEqual([]);
  });

  it('dead-letters the events of an incompatible type change and goes on with the other tables', async () => {
    const before = await stagingRows('t', ALL_COLUMNS);
    expect(before).toEqual(await sourceRows('t', ALL_COLUMNS));
    const lettersBefore = deadLetters.length;

    await mysqlExec(
      'ALTER TABLE t MODIFY COLUMN amount VARCHAR(30)',
      `INSERT INTO t (id, name, amount) VALUES (30, 'text amount', 'not a number')`,
      `UPDATE t SET amount = '12.5 EUR' WHERE id = 1`,
    );
    // A later change to another table of the same database still lands.
    await mysqlExec(
      `INSERT INTO t2 VALUES (2, 'after the unsafe change')`,
      `UPDATE t2 SET label = 'x' WHERE id = 1`,
    );
    await expect
      .poll(() => stagingRows('t2', ['id', 'label']), { timeout: 60_000, interval: 500 })
      .toEqual(await sourceRows('t2', ['id', 'label']));

    await expect.poll(() => deadLetters.length - lettersBefore, { timeout: 60_000, interval: 500 }).toBe(2);
    const letters = deadLetters.slice(lettersBefore);
    const ids: number[] = [];
    for (const m of letters) {
      expect(header(m, 'starling.error.code')).toBe('SCHEMA_INCOMPATIBLE');
      expect(header(m, 'starling.stage')).toBe('schema');
      expect(header(m, 'starling.source.topic')).toBe(cap.topic('t'));
      expect(header(m, 'starling.error.message')).toMatch(/amount/);
      // The original record: key and value as Debezium wrote them, with the column now text.
      const value = await codec.decode<{ op: string; after: { id: number; amount: string } }>(m.value);
      const key = await codec.decode<{ id: number }>(m.key);
      expect(key!.value.id).toBe(value!.value.after.id);
      expect(typeof value!.value.after.amount).toBe('string');
      ids.push(value!.value.after.id);
    }
    expect(ids.sort((a, b) => a - b)).toEqual([1, 30]);

    // Staging keeps the rows it had, unchanged; the sink never stopped.
    expect(await stagingRows('t', ALL_COLUMNS)).toEqual(before);
    expect(fatal).toEqual([]);
  });

  it('dead-letters the events of a primary-key change', async () => {
    const lettersBefore = deadLetters.length;
    const before = await stagingRows('k', ['id', 'code', 'v']);
    // The new key column is a new column too, so the value schema changes with the key schema.
    await mysqlExec(
      'ALTER TABLE k ADD COLUMN region INT NOT NULL DEFAULT 0, DROP PRIMARY KEY, ADD PRIMARY KEY (id, region)',
      `INSERT INTO k VALUES (2, 'b', 2, 1)`,
    );
    await mysqlExec(`INSERT INTO t2 VALUES (3, 'after the key change')`);
    await expect
      .poll(() => stagingRows('t2', ['id', 'label']), { timeout: 60_000, interval: 500 })
      .toEqual(await sourceRows('t2', ['id', 'label']));
    await expect.poll(() => deadLetters.length - lettersBefore, { timeout: 60_000, interval: 500 }).toBe(1);
    const m = deadLetters[lettersBefore]!;
    expect(header(m, 'starling.error.code')).toBe('KEY_CHANGED');
    expect(header(m, 'starling.stage')).toBe('schema');
    expect(header(m, 'starling.source.topic')).toBe(cap.topic('k'));
    expect((await codec.decode<{ id: number; region: number }>(m.key))!.value).toEqual({ id: 2, region: 1 });
    expect(await stagingRows('k', ['id', 'code', 'v'])).toEqual(before);
    expect(fatal).toEqual([]);
  });

  it('dead-letters a primary-key change that leaves the columns as they were, and keeps running', async () => {
    const lettersBefore = deadLetters.length;
    await expect
      .poll(() => stagingRows('k3', ['id', 'code', 'v']), { timeout: 60_000, interval: 500 })
      .toEqual(await sourceRows('k3', ['id', 'code', 'v']));
    const before = await stagingRows('k3', ['id', 'code', 'v']);
    // Same value schema, new key schema: the key change must still be noticed.
    await mysqlExec(
      'ALTER TABLE k3 DROP PRIMARY KEY, ADD PRIMARY KEY (id, code)',
      `INSERT INTO k3 VALUES (1, 'b', 2)`,
    );
    await mysqlExec(`INSERT INTO t2 VALUES (5, 'after the second key change')`);
    await expect
      .poll(() => stagingRows('t2', ['id', 'label']), { timeout: 60_000, interval: 500 })
      .toEqual(await sourceRows('t2', ['id', 'label']));
    await expect.poll(() => deadLetters.length - lettersBefore, { timeout: 60_000, interval: 500 }).toBe(1);
    const m = deadLetters[lettersBefore]!;
    expect(header(m, 'starling.error.code')).toBe('KEY_CHANGED');
    expect(header(m, 'starling.source.topic')).toBe(cap.topic('k3'));
    expect(await stagingRows('k3', ['id', 'code', 'v'])).toEqual(before);
    expect(fatal).toEqual([]);
  });

  it('dead-letters every rejected record once', async () => {
    // A change that lands after everything above: by then every dead letter has been written.
    await mysqlExec(`INSERT INTO t2 VALUES (4, 'last')`);
    await expect
      .poll(() => stagingRows('t2', ['id', 'label']), { timeout: 60_000, interval: 500 })
      .toEqual(await sourceRows('t2', ['id', 'label']));
    const origins = deadLetters.map(
      (m) => `${header(m, 'starling.source.topic')}@${header(m, 'starling.source.offset')}`,
    );
    expect(origins).toHaveLength(4);
    expect(new Set(origins).size).toBe(origins.length);
    expect(sink.runner.stats.deadLetters).toBe(4);
  });

  // KNOWN CAPTURE BUG (not the sink's): Apicurio's 2.6 AvroConverter, like Confluent's before
  // `ignore.default.for.nullables` (confluentinc/schema-registry#2314), writes a nullable column's DEFAULT
  // instead of an explicit NULL when the column has a non-null default. The raw record for the insert below
  // already carries d = "1.50", so staging cannot tell. Remove `.fails` once capture keeps the NULL.
  it.fails('KNOWN CAPTURE BUG, expected to fail until fixed: an explicit NULL in a nullable column with a default should stay NULL (Apicurio 2.6 converter writes the default)', async () => {
    await mysqlExec(
      `INSERT INTO n (id, d, s) VALUES (2, NULL, 'null d')`,
      `INSERT INTO n VALUES (3, 3.00, 'marker')`,
    );
    // Same table, same partition: once the marker is in staging, so is row 2.
    await expect
      .poll(() => stagingRows('n', ['id']), { timeout: 60_000, interval: 500 })
      .toEqual([1, 2, 3].map((id) => normalize([id])));
    expect(await stagingRows('n', ['id', 'd', 's'])).toEqual(await sourceRows('n', ['id', 'd', 's']));
  });
});
