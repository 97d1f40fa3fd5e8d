import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log/logger.js';
import { createStagingSink } from '../../sinks/staging/staging-sink.js';
import { newCapture } from '../support/capture.js';
import { mysqlConnection, testConfig } from '../support/context.js';

// A table of every common MariaDB type, captured by Debezium and mirrored by the staging sink running
// in this process, against the real stack. Rows are compared value by value, each side formatted by its
// own database.
const base = testConfig();
const cap = newCapture(base, 'it_types');
const sink = createStagingSink(cap.config, createLogger('silent'), (e) => {
  throw e;
});
const staging = new pg.Pool({ connectionString: base.postgres.stagingUrl, max: 2 });

const DDL = `CREATE TABLE t (
  id INT PRIMARY KEY,
  i8 TINYINT, i16 SMALLINT, i64 BIGINT, u64 BIGINT UNSIGNED,
  amount DECIMAL(12,2), big DECIMAL(38,10),
  f FLOAT, d DOUBLE,
  dt6 DATETIME(6), dt0 DATETIME, ts3 TIMESTAMP(3) NULL, day DATE, tm TIME(6),
  name VARCHAR(100), body TEXT, doc JSON, color ENUM('red','green','blue'), tags SET('a','b','c'),
  flag BIT(1), raw VARBINARY(16)
) CHARACTER SET utf8mb4`;

/** Each column rendered as text by MariaDB ... */
const MY = `id, i8, i16, i64, u64, amount, big, f, d,
  DATE_FORMAT(dt6, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(dt0, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(ts3, '%Y-%m-%d %H:%i:%s.%f'),
  DATE_FORMAT(day, '%Y-%m-%d'), TIME_FORMAT(tm, '%H:%i:%s.%f'), name, body, CAST(JSON_EXTRACT(doc, '$.k') AS CHAR), color, tags, flag + 0, HEX(raw)`;
/** ... and by PostgreSQL, in the same shapes. */
const PG = `id, i8, i16, i64, u64, amount, big, f, d,
  to_char(dt6, 'YYYY-MM-DD HH24:MI:SS.US'), to_char(dt0, 'YYYY-MM-DD HH24:MI:SS'), to_char(ts3 AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'),
  to_char(day, 'YYYY-MM-DD'), CASE WHEN tm < interval '0' THEN '-' ELSE '' END || to_char(abs(extract(epoch from tm)) * interval '1 second', 'HH24:MI:SS.US'),
  name, body, (doc::jsonb -> 'k')::text, color, tags, flag::int, upper(encode(raw, 'hex'))`;

async function sourceRows(): Promise<string[]> {
  const conn = await mysqlConnection(base, cap.db);
  const [rows] = await conn.query({ sql: `SELECT ${MY} FROM t ORDER BY id`, rowsAsArray: true });
  await conn.end();
  return (rows as unknown[][]).map(normalizeRow);
}

async function stagingRows(): Promise<string[]> {
  const r = await staging
    .query({ text: `SELECT ${PG} FROM "${cap.db}".t ORDER BY id`, rowMode: 'array' })
    .catch((e) => {
      // Until the sink has created the table, there is nothing to compare yet.
      if (['42P01', '3F000'].includes(e.code)) return { rows: [] as unknown[][] };
      throw e;
    });
  return r.rows.map(normalizeRow);
}

/** MariaDB's JSON type is text with a check: Debezium sends it as a string, and staging keeps text. */
const JSON_COLUMN = 16;

/** Floats compared as numbers and JSON as parsed values (their text differs between the two databases). */
function normalizeRow(row: unknown[]): string {
  return JSON.stringify(
    row.map((v, i) => {
      if (v === null) return null;
      if (i === 7) return Number(Number(v).toPrecision(6));
      if (i === 8) return Number(v);
      if (i === JSON_COLUMN) return JSON.parse(String(v));
      return String(v);
    }),
  );
}

beforeAll(async () => {
  await cap.start();
  const conn = await mysqlConnection(base, cap.db);
  await conn.query(DDL);
  // A row present before capture starts: it arrives as a snapshot read.
  await conn.query(
    `INSERT INTO t VALUES (1, -128, -32768, -9223372036854775808, 18446744073709551615, 9999999999.99, 12345678901234567890123456.0123456789,
      1.5, 2.718281828459045, '2024-02-29 13:45:59.123456', '1999-12-31 23:59:59', '2038-01-19 03:14:07.999', '0001-01-01', '-838:59:59.000000',
      'Zoë 日本 🐦', 'line1\\nline2 \\'quoted\\'', '{"k": [1, "two", {"x": null}]}', 'green', 'a,c', b'1', X'00FF10')`,
  );
  await conn.end();
  await sink.runner.start();
});

afterAll(async () => {
  await sink.stop();
  await staging.query(`DROP SCHEMA IF EXISTS "${cap.db}" CASCADE`).catch(() => undefined);
  await staging.end();
  await cap.drop();
});

describe('the staging sink mirrors a schema unrelated to SoftCart, created by the test, with every common type', () => {
  it('mirrors the snapshot exactly', async () => {
    await expect.poll(stagingRows, { timeout: 90_000, interval: 500 }).toEqual(await sourceRows());
  });

  it('follows inserts, updates, primary-key updates and deletes', async () => {
    const conn = await mysqlConnection(base, cap.db);
    await conn.query(
      `INSERT INTO t (id, amount, big, dt6, name, doc, tags, flag, u64, tm) VALUES
        (2, -0.01, -0.0000000001, '1970-01-01 00:00:00.000001', NULL, 'null', '', b'0', 0, '00:00:00'),
        (3, 0.00, 99999999999999999999999999.9999999999, '9999-12-31 23:59:59.999999', '', '{"k": "ü"}', 'b', NULL, 9007199254740993, '838:59:59')`,
    );
    await conn.query(
      `UPDATE t SET amount = 1234567890.12, name = 'renamed 🚀', i64 = 9223372036854775807 WHERE id = 1`,
    );
    await conn.query('UPDATE t SET id = 30 WHERE id = 3'); // a primary-key change: delete 3, create 30
    await conn.query('DELETE FROM t WHERE id = 2');
    await conn.query(`INSERT INTO t (id, name) VALUES (2, 'back again')`); // re-insert after delete
    await conn.end();
    const expected = await sourceRows();
    expect(expected).toHaveLength(3);
    await expect.poll(stagingRows, { timeout: 60_000, interval: 500 }).toEqual(expected);
  });

  it('keeps the metadata columns on every row', async () => {
    const { rows } = await staging.query(
      `SELECT id, _starling_op, _starling_pos, _starling_source_ts, _starling_loaded_at FROM "${cap.db}".t ORDER BY id`,
    );
    for (const r of rows) {
      expect(r._starling_pos).toMatch(/^b:\d{10}:\d{20}:\d{6}:\d{20}$/);
      expect(['c', 'u', 'r']).toContain(r._starling_op);
      expect(r._starling_source_ts).toBeInstanceOf(Date);
      expect(r._starling_loaded_at.getTime()).toBeGreaterThanOrEqual(r._starling_source_ts.getTime() - 1000);
    }
    expect(rows.find((r) => r.id === 1)._starling_op).toBe('u');
    const tomb = await staging.query(
      `SELECT key FROM "${cap.db}".__starling_deleted_keys WHERE table_name = 't' ORDER BY key`,
    );
    // Key 3 moved to 30; key 2's delete may have been reduced away by its re-insert in the same batch.
    expect(tomb.rows.map((r) => r.key)).toContain('[3]');
  });
});
