import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, createProducer, type KafkaMessage } from '../../core/kafka/client.js';
import { createLogger } from '../../core/log/logger.js';
import { replayGroup } from '../../ops/dlq/groups.js';
import type { DlqListing } from '../../ops/dlq/list.js';
import { probeGroup, readTopics } from '../../ops/dlq/read-topics.js';
import type { ReplayResult } from '../../ops/dlq/replay.js';
import type { ShowResult } from '../../ops/dlq/show.js';
import { dlqTopic } from '../../sinks/runtime/dead-letters.js';
import { createStagingSink } from '../../sinks/staging/staging-sink.js';
import { newCapture } from '../support/capture.js';
import { starling } from '../support/cli.js';
import { mysqlConnection, testConfig, uniqueName } from '../support/context.js';

// `starling dlq list | show | replay` against the real stack, with a fixable failure: the staging table
// is created before the sink sees the source, with its country column narrowed (a domain over text that
// allows 3 characters). Rows with a longer country are value errors (SQLSTATE 23514) the sink dead-letters
// with its reason; a poison record (not Avro) is dead-lettered too. The operator then widens the column
// (ALTER COLUMN TYPE text) and replays the 23514 dead letters; they land; a second replay sends nothing.
// (A plain VARCHAR(3) column would not do: the sink's schema check rejects varchar for a text source as
// SCHEMA_INCOMPATIBLE and dead-letters every event of the table, not just the long values.)
// The sink runs in this process; the CLI runs from dist/ (`npm run build` first) with the capture's env.
const base = testConfig();
const cap = newCapture(base, 'it_dlqops');
const fatal: Error[] = [];
const sink = createStagingSink(cap.config, createLogger('silent'), (e) => {
  fatal.push(e);
});
const staging = new pg.Pool({ connectionString: base.postgres.stagingUrl, max: 2 });
const kafka = createKafka({ brokers: base.kafka.brokers });
const admin = kafka.admin();
const producer = createProducer(kafka);
const topic = cap.topic('customers');
const dlq = dlqTopic(cap.group);
const ledgerGroup = replayGroup(cap.group);
const schema = `"${cap.db}"`;
const POISON = { key: Buffer.from('poison key'), value: Buffer.from('{"hello": "not Avro"}') };

const dlqCli = (...args: string[]) => starling(['dlq', ...args], cap.env);
const json = <T>(r: { code: number; stdout: string; stderr: string }): T => {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
};

async function rows(sql: string, db?: 'mariadb'): Promise<string[]> {
  if (db === 'mariadb') {
    const conn = await mysqlConnection(base, cap.db);
    const [r] = await conn.query({ sql, rowsAsArray: true });
    await conn.end();
    return (r as unknown[][]).map((x) => x.join('|'));
  }
  const r = await staging.query({ text: sql, rowMode: 'array' }).catch((e) => {
    if (['42P01', '3F000'].includes(e.code)) return { rows: [] as unknown[][] };
    throw e;
  });
  return r.rows.map((x: unknown[]) => x.join('|'));
}
const sourceRows = () => rows('SELECT id, name, country FROM customers ORDER BY id', 'mariadb');
const stagingRows = () => rows(`SELECT id, name, country FROM ${schema}.customers ORDER BY id`);

async function end(t: string): Promise<number> {
  return (await admin.fetchTopicOffsets(t)).reduce((n, o) => n + Number(o.high), 0);
}

async function mariadb(...statements: string[]): Promise<void> {
  const conn = await mysqlConnection(base, cap.db);
  for (const s of statements) await conn.query(s);
  await conn.end();
}

beforeAll(async () => {
  await cap.start();
  // Staging first, as an operator (or a migration) made it: the country column takes 3 characters.
  await staging.query(`CREATE SCHEMA ${schema}`);
  await staging.query(`CREATE DOMAIN ${schema}.country_code AS text CHECK (char_length(VALUE) <= 3)`);
  await staging.query(`CREATE TABLE ${schema}.customers (
      id integer PRIMARY KEY, name text, country ${schema}.country_code,
      _starling_pos text COLLATE "C" NOT NULL, _starling_op char(1) NOT NULL,
      _starling_source_ts timestamptz, _starling_loaded_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
  await staging.query(`CREATE TABLE ${schema}.__starling_deleted_keys (
      table_name text NOT NULL, key text NOT NULL, pos text COLLATE "C" NOT NULL, PRIMARY KEY (table_name, key))`);
  await mariadb(
    'CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, country VARCHAR(40) NOT NULL) CHARACTER SET utf8mb4',
    `INSERT INTO customers VALUES (1, 'Ann', 'US')`,
  );
  await admin.connect();
  await producer.connect();
  await sink.runner.start();
});

afterAll(async () => {
  await producer.disconnect().catch(() => undefined);
  await sink.stop();
  await staging.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  await staging.end();
  await admin.disconnect();
  const failed = await cap.drop([ledgerGroup]);
  if (failed.length > 0) console.warn(`cleanup: ${failed.join('; ')}`);
});

describe('starling dlq', () => {
  it('the sink dead-letters a poison record and the values the narrowed column rejects', async () => {
    await expect.poll(stagingRows, { timeout: 90_000, interval: 500 }).toEqual(['1|Ann|US']);
    await producer.send({ topic, acks: -1, messages: [{ partition: 0, ...POISON }] });
    await expect.poll(() => end(dlq), { timeout: 60_000, interval: 200 }).toBe(1);
    await mariadb(`INSERT INTO customers VALUES (2, 'Bob', 'Germany'), (3, 'Cy', 'France'), (4, 'Di', 'UK')`);
    await expect.poll(() => end(dlq), { timeout: 60_000, interval: 200 }).toBe(3);
    await expect.poll(stagingRows, { timeout: 60_000, interval: 500 }).toEqual(['1|Ann|US', '4|Di|UK']);
    expect(fatal).toEqual([]);
  });

  it('list: the dead letters by code and source topic, with counts and the latest example', async () => {
    const { groups } = json<{ groups: DlqListing[] }>(await dlqCli('list', '--group', cap.group, '--json'));
    expect(groups).toHaveLength(1);
    const [l] = groups;
    expect(l).toMatchObject({ group: cap.group, topic: dlq, total: 3, replayed: 0 });
    expect(l!.letters.map((g) => [g.code, g.sourceTopic, g.count, g.stages])).toEqual([
      ['23514', topic, 2, ['write']],
      ['NOT_AVRO', topic, 1, ['decode']],
    ]);
    const rejected = l!.letters[0]!;
    expect(rejected.latest.dlqOffset).toBe(2);
    expect(rejected.latest.message).toMatch(/country_code/);
    expect(rejected.firstMs).toBeLessThanOrEqual(rejected.lastMs);
    const text = await dlqCli('list', '--group', cap.group);
    console.log(`$ starling dlq list --group ${cap.group}\n${text.stdout}`);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${dlq} (group ${cap.group}): 3 dead letters, 0 replayed`);
    expect(text.stdout).toMatch(/23514\s+\S+customers\s+write\s+2\s+0/);
  });

  it('show: each dead letter with its origin and reason, Avro decoded, other bytes previewed', async () => {
    const r = json<ShowResult>(await dlqCli('show', '--group', cap.group, '--code', '23514', '--json'));
    expect(r.matched).toBe(2);
    expect(r.letters.map((l) => [l.dlqOffset, l.sourceTopic, l.sourcePartition, l.stage, l.code])).toEqual([
      [1, topic, 0, 'write', '23514'],
      [2, topic, 0, 'write', '23514'],
    ]);
    const values = r.letters.map((l) => {
      expect(l.key).toMatchObject({ kind: 'avro', truncated: false });
      expect(l.value).toMatchObject({ kind: 'avro', truncated: false });
      expect(Number(l.sourceOffset)).toBeGreaterThan(0);
      const v = (l.value as { value: { after: { id: number; country: string } } }).value;
      return [(l.key as { value: unknown }).value, v.after.id, v.after.country];
    });
    expect(values).toEqual([
      [{ id: 2 }, 2, 'Germany'],
      [{ id: 3 }, 3, 'France'],
    ]);

    const poison = json<ShowResult>(
      await dlqCli('show', '--group', cap.group, '--code', 'NOT_AVRO', '--json'),
    );
    expect(poison.letters).toHaveLength(1);
    expect(poison.letters[0]).toMatchObject({
      dlqOffset: 0,
      stage: 'decode',
      key: { kind: 'bytes', length: POISON.key.length, hex: POISON.key.toString('hex'), text: 'poison key' },
      value: { kind: 'bytes', length: POISON.value.length, text: '{"hello": "not Avro"}', truncated: false },
    });

    const text = await dlqCli('show', '--group', cap.group, '--limit', '2');
    console.log(`$ starling dlq show --group ${cap.group} --limit 2\n${text.stdout}`);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('3 dead letters match (every dead letter); the first 2 shown');
    expect(text.stdout).toContain(
      `value    ${POISON.value.length} bytes, not decoded (not in the Confluent Avro wire format): hex 7b2268656c6c6f`,
    );
    expect(text.stdout).toMatch(/"country":"Germany"/);
    expect(text.stdout).toContain('1 more not shown');
  });

  it('names every problem with the options and the groups in one message', async () => {
    const unknown = uniqueName('it-no-such-group');
    const r = await dlqCli('show', '--group', unknown, '--limit', '0', '--code', '');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('the dlq show options have 3 problems:');
    expect(r.stderr).toContain(
      `no dead-letter topic dlq.${unknown}: no Starling stage has run with group "${unknown}"`,
    );
    expect(r.stderr).toContain('--limit "0" is not a whole number from 1 to 10000');
    expect(r.stderr).toContain('--code needs an error code');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    const missing = await dlqCli('replay');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^starling: --group is required/);
  });

  it('replay: after the fix, sends the selected dead letters back once; they land; a second replay sends nothing', async () => {
    await staging.query(`ALTER TABLE ${schema}.customers ALTER COLUMN country TYPE text`);
    const rawEnd = await end(topic);

    const dry = await dlqCli('replay', '--group', cap.group, '--code', '23514', '--dry-run');
    console.log(`$ starling dlq replay --group ${cap.group} --code 23514 --dry-run\n${dry.stdout}`);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Dry run: would replay 2 dead letters/);
    expect(await end(topic)).toBe(rawEnd);
    const [none] = await admin.fetchOffsets({ groupId: ledgerGroup, topics: [dlq] });
    expect(none!.partitions[0]!.offset).toBe('-1');

    const first = await dlqCli('replay', '--group', cap.group, '--code', '23514');
    console.log(`$ starling dlq replay --group ${cap.group} --code 23514\n${first.stdout}`);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Replayed 2 dead letters from/);
    expect(await end(topic)).toBe(rawEnd + 2);
    await expect.poll(stagingRows, { timeout: 60_000, interval: 500 }).toEqual(await sourceRows());
    expect(await stagingRows()).toEqual(['1|Ann|US', '2|Bob|Germany', '3|Cy|France', '4|Di|UK']);
    expect(await end(dlq)).toBe(3); // nothing failed again

    // The replayed records: the dead letters' bytes, without the starling.* headers.
    const replayed: KafkaMessage[] = [];
    await readTopics(kafka, admin, {
      topics: [topic],
      groupId: probeGroup(),
      deleteGroup: true,
      startAt: () => rawEnd,
      onBatch: async (_t, _p, messages) => {
        replayed.push(...messages);
      },
    });
    expect(replayed).toHaveLength(2);
    const shown = json<ShowResult>(await dlqCli('show', '--group', cap.group, '--code', '23514', '--json'));
    expect(shown.letters.every((l) => l.replayed)).toBe(true);
    for (const m of replayed)
      expect(Object.keys(m.headers ?? {}).filter((h) => h.startsWith('starling.'))).toEqual([]);

    // The ledger: dlq offset 0 (the poison) is not replayed, 1 and 2 are.
    const [ledger] = await admin.fetchOffsets({ groupId: ledgerGroup, topics: [dlq] });
    expect(ledger!.partitions[0]).toMatchObject({ offset: '0', metadata: 'starling.dlq.replay/1:1-2' });

    const second = await dlqCli('replay', '--group', cap.group, '--code', '23514');
    console.log(`$ starling dlq replay --group ${cap.group} --code 23514   # again\n${second.stdout}`);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Nothing to replay from');
    expect(second.stdout).toContain('2 selected dead letters were replayed before');
    expect(await end(topic)).toBe(rawEnd + 2);

    // Everything else: only the poison record is left, the two are passed over.
    const rest = json<ReplayResult>(await dlqCli('replay', '--group', cap.group, '--dry-run', '--json'));
    expect(rest).toMatchObject({ sent: 1, alreadyReplayed: 2, notReplayed: 0 });
    expect(rest.letters.map((l) => [l.dlqOffset, l.code])).toEqual([[0, 'NOT_AVRO']]);

    const { groups } = json<{ groups: DlqListing[] }>(await dlqCli('list', '--group', cap.group, '--json'));
    expect(groups[0]).toMatchObject({ total: 3, replayed: 2 });
    expect(groups[0]!.letters.map((g) => [g.code, g.count, g.replayed])).toEqual([
      ['23514', 2, 2],
      ['NOT_AVRO', 1, 0],
    ]);
    expect(fatal).toEqual([]);
  });
});
