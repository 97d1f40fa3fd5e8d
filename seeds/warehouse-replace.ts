import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { UserError } from '../core/errors/user-error.js';
import { type CopyValue, copyChunks } from './copy-text.js';
import type { CourseTable } from './course-tables.js';
import {
  COLUMNS_SQL,
  columnMismatch,
  copySql,
  courseTableName,
  createCourseTableSql,
} from './warehouse-table-sql.js';

/** What a replace did: rows before (replaced) and after (loaded). */
export interface ReplaceResult {
  replaced: number;
  loaded: number;
}

/**
 * Replaces the whole content of a course table with `rows`, in one transaction: the table is created when
 * missing, checked when present, emptied (TRUNCATE) and loaded with COPY. A re-run therefore never doubles
 * the rows, a failure leaves the previous content, and readers see the old or the new table, never a half.
 * A transaction-scoped advisory lock on the table's name makes two loads at once run one after the other
 * (CREATE TABLE IF NOT EXISTS alone races on the catalog).
 */
export async function replaceCourseTable(
  client: pg.Client,
  schema: string,
  t: CourseTable,
  rows: readonly (readonly CopyValue[])[],
): Promise<ReplaceResult> {
  const name = courseTableName(schema, t);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`starling.course-table:${name}`]);
    for (const sql of createCourseTableSql(schema, t)) await client.query(sql);
    const cols = await client.query<{ name: string }>(COLUMNS_SQL, [schema, t.table]);
    const mismatch = columnMismatch(
      schema,
      t,
      cols.rows.map((r) => r.name),
    );
    if (mismatch !== undefined) throw new UserError(mismatch, 'SEED_TABLE_SHAPE');
    const before = await client.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${name}`);
    await client.query(`TRUNCATE ${name}`);
    await pipeline(Readable.from(copyChunks(rows)), client.query(copyFrom(copySql(schema, t))));
    const after = await client.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${name}`);
    await client.query('COMMIT');
    return { replaced: before.rows[0]!.n, loaded: after.rows[0]!.n };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
