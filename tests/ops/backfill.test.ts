import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import { createKafka } from '../../core/kafka/client.js';
import { createLogger } from '../../core/log/logger.js';
import { committedOffset } from '../../ops/backfill/connect.js';
import { endOffsets, followTopic } from '../../ops/backfill/follow.js';
import { isIncrementalRead, type SnapshotEnvelope } from '../../ops/backfill/snapshot-event.js';
import { snapshotPhase, snapshottingTables } from '../../ops/backfill/snapshot-phase.js';
import { withSourceNames } from '../../ops/reconcile/dead-letter-keys.js';
import { seedSoftcart } from '../../seeds/softcart-seed.js';
import { dataDirFor } from '../../seeds/source.js';
import { runWorkload } from '../../seeds/workload/run.js';
import { createStagingSink } from '../../sinks/staging/staging-sink.js';
import { newCapture } from '../support/capture.js';
import { starling } from '../support/cli.js';
import { mysqlConnection, testConfig } from '../support/context.js';
import { sourceChecksums, stagingChecksums, stagingPool } from '../support/mirror-checksum.js';

// `starling backfill` against the real stack: a private capture of SoftCart, the staging sink in-process, and
// the command run as a process (from dist/: `npm run build` first). The capture's database is the one
// STARLING_SOURCE_DATABASES names, and its signal table is writable by the capture user (as `sales`'s is on
// the stack), except in the first test, which checks that a backfill refuses to start without that grant.
const base = testConfig();
const dataDir = dataDirFor(undefined);
const staging = stagingPool(base);
const cap = newCapture(base, 'it_backfill');
const env = { ...cap.env, STARLING_SOURCE_DATABASES: cap.db };
const kafka = createKafka({ brokers: base.kafka.brokers });
const uncaptured = `${cap.db}_x`;
const signalTable = `\`${cap.db}\`.debezium_signal`;
const grantee = `'${base.mysql.captureUser}'@'127.0.0.1'`;
const sink = createStagingSink(
  cap.config,
  createLogger(process.env.IT_LOG === '1' ? 'info' : 'silent'),
  (e) => {
    throw e;
  },
);

async function sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  const conn = await mysqlConnection(base);
  try {
    const [rows] = await conn.query(query, params);
    return rows as T[];
  } finally {
    await conn.end();
  }
}

const count = async (where = '1 = 1') =>
  Number(
    (await sql<{ n: string }>(`SELECT COUNT(*) AS n FROM \`${cap.db}\`.sales_data WHERE ${where}`))[0]!.n,
  );

const backfill = (args: string[]) => starling(['backfill', ...args], env);

/** Debezium runs no incremental snapshot of sales_data: its committed offset no longer names the table. */
async function noSnapshotRunning(): Promise<boolean> {
  const offset = await committedOffset(base.connect.url, cap.connector, cap.prefix);
  return (
    offset !== undefined && offset !== null && !snapshottingTables(offset).includes(`${cap.db}.sales_data`)
  );
}

beforeAll(async () => {
  await seedSoftcart({ config: base, database: cap.db, dataDir });
  await sql(`CREATE TABLE \`${cap.db}\`.no_key (a INT, b VARCHAR(10))`);
  await sql(`INSERT INTO \`${cap.db}\`.no_key VALUES (1, 'x'), (2, 'y')`);
  await sql(`CREATE DATABASE \`${uncaptured}\``);
  await sql(`CREATE TABLE \`${uncaptured}\`.t (id INT PRIMARY KEY)`);
  await cap.start();
  await sink.runner.start();
  // The initial snapshot is in staging before anything else happens.
  const expected = await sourceChecksums(base, cap.db);
  await vi.waitFor(async () => expect(await stagingChecksums(staging, cap.db)).toEqual(expected), {
    timeout: 120_000,
    interval: 1000,
  });
});

afterAll(async () => {
  await sink.stop().catch(() => undefined);
  await staging.query(`DROP SCHEMA IF EXISTS "${cap.db}" CASCADE`).catch(() => undefined);
  await staging.end();
  // Table grants outlive their database.
  await sql(`REVOKE INSERT, UPDATE, DELETE ON ${signalTable} FROM ${grantee}`).catch(() => undefined);
  await sql(`DROP DATABASE IF EXISTS \`${uncaptured}\``).catch(() => undefined);
  const failed = await cap.drop();
  if (failed.length > 0) console.warn(`cleanup: ${failed.join('; ')}`);
});

describe('starling backfill', () => {
  it('refuses to start when Debezium could not write its watermarks into the signal table', async () => {
    const r = await backfill(['--table', `${cap.db}.sales_data`]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe(
      `starling: cannot backfill ${cap.db}.sales_data: the capture user ${base.mysql.captureUser} cannot INSERT into the signal table ${cap.db}.debezium_signal: Debezium writes its snapshot watermarks there, and without it skips the snapshot (GRANT INSERT, UPDATE, DELETE ON ${cap.db}.debezium_signal TO '${base.mysql.captureUser}'@'<host>')\n`,
    );
    await sql(`GRANT INSERT, UPDATE, DELETE ON ${signalTable} TO ${grantee}`);
  });

  it('gives one clear error for a table without a primary key, an uncaptured database, a missing table, a bad --where', async () => {
    const cases: Array<[string[], string]> = [
      [
        ['--table', `${cap.db}.no_key`],
        `table ${cap.db}.no_key has no primary key: Debezium's incremental snapshot reads a table in primary-key order, chunk by chunk`,
      ],
      [
        ['--table', `${uncaptured}.t`],
        `database ${uncaptured} is not captured: STARLING_SOURCE_DATABASES is ${cap.db}`,
      ],
      [
        ['--table', `${cap.db}.no_such_table`],
        `table ${cap.db}.no_such_table does not exist (or is not a base table)`,
      ],
      [
        ['--table', `${cap.db}.sales_data`, '--where', 'no_such_column = 1'],
        `--where "no_such_column = 1" is rejected by MariaDB: Unknown column 'no_such_column' in 'WHERE'`,
      ],
    ];
    for (const [args, problem] of cases) {
      const r = await backfill(args);
      expect(r.code, r.stderr).toBe(2);
      const table = args[1]!;
      expect(r.stderr).toBe(`starling: cannot backfill ${table}: ${problem}\n`);
      expect(r.stdout).toBe('');
    }
    // Nothing was signalled.
    expect(await sql(`SELECT id FROM ${signalTable}`)).toEqual([]);
  });

  it('re-reads the whole table during a live workload, and staging ends equal to the source', async () => {
    // Staging loses and garbles rows behind the sink's back; only a re-read of the source can repair the rows
    // the workload does not touch.
    await staging.query(`DELETE FROM "${cap.db}".sales_data WHERE rowid % 40 = 0`);
    await staging.query(`UPDATE "${cap.db}".sales_data SET quantity = quantity + 1000 WHERE rowid % 40 = 1`);
    expect((await stagingChecksums(staging, cap.db)).sales_data).not.toBe(
      (await sourceChecksums(base, cap.db)).sales_data,
    );

    // The row count while the workload runs: the count the backfill reports lies within these bounds.
    const counts: number[] = [await count()];
    let loading = true;
    const sampler = (async () => {
      while (loading) {
        counts.push(await count());
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const workload = runWorkload({
      config: base,
      database: cap.db,
      rate: 200,
      durationS: 10,
      seed: 7,
    }).finally(() => {
      loading = false;
    });
    await expect.poll(() => count(), { timeout: 10_000, interval: 100 }).not.toBe(counts[0]);
    const r = await backfill(['--table', `${cap.db}.sales_data`, '--timeout', '120']);
    const load = await workload;
    await sampler;
    expect(load.committed).toBeGreaterThanOrEqual(2000);

    expect(r.code, r.stderr).toBe(0);
    const m =
      /^Backfilled (\S+): ([\d,]+) rows read of ([\d,]+) expected, in [^(]+\(([\d,]+) rows\/s\)/m.exec(
        r.stdout,
      );
    expect(m, r.stdout).not.toBeNull();
    const [read, expected] = [Number(m![2]!.replaceAll(',', '')), Number(m![3]!.replaceAll(',', ''))];
    expect(m![1]).toBe(`${cap.db}.sales_data`);
    expect(expected).toBeGreaterThanOrEqual(Math.min(...counts));
    expect(expected).toBeLessThanOrEqual(Math.max(...counts));
    // Rows deleted before Debezium reached them are never read; every other row is.
    expect(read).toBeGreaterThan(expected * 0.9);
    expect(r.stdout).toMatch(new RegExp(`^Staging \\(group ${cap.group}\\) `, 'm'));
    expect(r.stderr).toContain(`Signal `);
    expect(r.stderr).toContain(
      `execute-snapshot {"data-collections":["${cap.db}.sales_data"],"type":"incremental"}`,
    );
    // Progress on stderr, against the rows counted.
    expect(r.stderr).toMatch(new RegExp(`\\d+% {2}[\\d,]+ / ${m![3]} rows {2}[\\d,]+ rows/s`));

    // The signal row is there, as written.
    const signals = await sql<{ type: string; data: string }>(
      `SELECT type, data FROM ${signalTable} WHERE type = 'execute-snapshot'`,
    );
    expect(signals).toEqual([
      {
        type: 'execute-snapshot',
        data: `{"data-collections":["${cap.db}.sales_data"],"type":"incremental"}`,
      },
    ]);

    const source = await sourceChecksums(base, cap.db);
    await expect
      .poll(() => stagingChecksums(staging, cap.db), { timeout: 120_000, interval: 1000 })
      .toEqual(source);
    // And `starling reconcile` agrees: every captured table of the source equals staging.
    const reconciled = await starling(['reconcile'], env);
    expect(reconciled.code, reconciled.stdout + reconciled.stderr).toBe(0);
    expect(reconciled.stdout).toContain(`OK           ${cap.db}.sales_data -> staging ${cap.db}.sales_data`);
  });

  it('with --where re-reads only the matching rows', async () => {
    // The previous snapshot has ended (Debezium's offsets say so), so every read that follows is this one's.
    await expect.poll(noSnapshotRunning, { timeout: 120_000, interval: 1000 }).toBe(true);
    const where = 'customer_id % 3 = 0 AND quantity > 1';
    const matching = await count(where);
    const all = await count();
    expect(matching).toBeGreaterThan(0);
    expect(matching).toBeLessThan(all);

    const topic = cap.topic('sales_data');
    const from = await endOffsets(kafka, topic);
    const reads: SnapshotEnvelope[] = [];
    const follower = await followTopic(
      kafka,
      new AvroCodec(new RegistryClient(base.registry.ccompatUrl)),
      topic,
      from,
      (v) => {
        if (isIncrementalRead(v as SnapshotEnvelope, cap.db, 'sales_data')) reads.push(v as SnapshotEnvelope);
        return false;
      },
    );
    try {
      const r = await backfill(['--table', `${cap.db}.sales_data`, '--where', where, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(result).toMatchObject({
        table: `${cap.db}.sales_data`,
        topic,
        connector: cap.connector,
        expectedRows: matching,
        rowsRead: matching,
        endedBy: 'count',
        signal: {
          type: 'execute-snapshot',
          table: `${cap.db}.debezium_signal`,
          data: {
            'data-collections': [`${cap.db}.sales_data`],
            type: 'incremental',
            'additional-conditions': [{ 'data-collection': `${cap.db}.sales_data`, filter: where }],
          },
        },
        staging: { group: cap.group, topic, committed: true },
      });

      // Independently of the command: once Debezium's offset is past everything committed so far and names no
      // snapshot, the topic holds every read of this snapshot, and those are exactly the matching rows.
      const [status] = await sql<{ File: string; Position: string }>('SHOW MASTER STATUS');
      const after = { file: status!.File, pos: Number(status!.Position) };
      await expect
        .poll(
          async () =>
            snapshotPhase(
              (await committedOffset(base.connect.url, cap.connector, cap.prefix)) ?? undefined,
              `${cap.db}.sales_data`,
              after,
            ),
          { timeout: 120_000, interval: 1000 },
        )
        .toBe('ended');
      const ends = await endOffsets(kafka, topic);
      await expect.poll(() => follower.caughtUp(ends), { timeout: 30_000 }).toBe(true);
      expect(reads).toHaveLength(matching);
      // Field names as the source spells them (the connector escapes them: customer_u005fid).
      const rows = reads.map(
        (e) =>
          withSourceNames((e as { after: Record<string, unknown> }).after) as {
            customer_id: number;
            quantity: number;
          },
      );
      expect(rows.every((row) => row.customer_id % 3 === 0 && row.quantity > 1)).toBe(true);
    } finally {
      await follower.stop();
    }
  });
});
