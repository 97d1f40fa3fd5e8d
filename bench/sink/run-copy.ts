import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { cpuByService } from '../proc-cpu.js';
import { dateTime } from './canonical.js';
import type { Row } from './generator.js';
import { type Measure, round } from './measure.js';
import { digest, q, type Target } from './target.js';

/** The final rows in COPY's text format, in chunks of about 1 MB, rendered before any timing. */
export function renderCopyText(rows: Iterable<Row>): { chunks: Buffer[]; rows: number } {
  const chunks: Buffer[] = [];
  let lines: string[] = [];
  let size = 0;
  let n = 0;
  for (const r of rows) {
    const line = `${r.rowid}\t${r.product_id}\t${r.customer_id}\t${r.price ?? '\\N'}\t${r.quantity}\t${dateTime(r.timestamp * 1000)}\t${r.commit_ts === null ? '\\N' : dateTime(r.commit_ts)}\n`;
    lines.push(line);
    size += line.length;
    n++;
    if (size >= 1 << 20) {
      chunks.push(Buffer.from(lines.join('')));
      lines = [];
      size = 0;
    }
  }
  if (lines.length) chunks.push(Buffer.from(lines.join('')));
  return { chunks, rows: n };
}

/** The same source columns and key as the staging mirror's, without its bookkeeping columns. */
export const COPY_TABLE_DDL = (t: Target) => `CREATE TABLE ${q(t)} (
  rowid integer NOT NULL PRIMARY KEY,
  product_id integer NOT NULL,
  customer_id integer NOT NULL,
  price numeric(10,2),
  quantity integer NOT NULL,
  "timestamp" timestamp(3) NOT NULL,
  commit_ts timestamp(6))`;

/**
 * (c) The floor: the final rows COPY'd (text format) into an empty table with the same columns and primary
 * key, timed from the COPY statement's start to its completion (COPY commits as one statement).
 */
export async function runCopy(
  url: string,
  target: Target,
  text: { chunks: Buffer[]; rows: number },
  pool: pg.Pool,
): Promise<Measure> {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema}"`);
  await pool.query(`DROP TABLE IF EXISTS ${q(target)}`);
  await pool.query(COPY_TABLE_DDL(target));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const svc0 = cpuByService();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await pipeline(
      Readable.from(text.chunks),
      client.query(copyFrom(`COPY ${q(target)} FROM STDIN (FORMAT text)`)),
    );
    const wallS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const pgCpuS = (cpuByService().postgresql ?? 0) - (svc0.postgresql ?? 0);
    return {
      contender: 'copy',
      settings: 'COPY FROM STDIN (text), empty table with primary key',
      events: text.rows,
      finalRows: text.rows,
      wallS: round(wallS, 3),
      firstRowS: Number.NaN,
      rate: Math.round(text.rows / wallS),
      cpuS: round((cpu.user + cpu.system) / 1e6, 2),
      pgCpuS: round(pgCpuS, 2),
      peakRssMb: null,
      settleS: 0,
      digest: await digest(pool, target),
      extra: { bytes: text.chunks.reduce((s, c) => s + c.length, 0) },
    };
  } finally {
    await client.end();
  }
}
