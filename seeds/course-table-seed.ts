import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StarlingConfig } from '../core/config/load.js';
import { UserError } from '../core/errors/user-error.js';
import type { CourseTable } from './course-tables.js';
import { connectWarehouse, warehouseSchema } from './warehouse-db.js';
import { replaceCourseTable } from './warehouse-replace.js';

export interface CourseTableSeedOptions {
  config: StarlingConfig;
  /** The course files (seeds/source.ts dataDirFor); undefined: none configured or found. */
  dataDir: string | undefined;
  table: CourseTable;
  /** The CLI command, named in messages (e.g. 'seed sales-history'). */
  command: string;
}

export interface CourseTableSeedResult {
  file: string;
  schema: string;
  table: string;
  /** Rows the table held before (replaced by this load). */
  replaced: number;
  rows: number;
  ms: number;
}

/**
 * The course file's text. There is no built-in generator for these tables (they are the course's own
 * history, charted as it is), so a missing data directory or file is a UserError (exit code 2) that says
 * which file is needed and how to point at it.
 */
export function readCourseFile(dataDir: string | undefined, t: CourseTable, command: string): string {
  const how = 'give --data-dir or set STARLING_SOFTCART_DIR to the folder holding the SoftCart course files';
  if (dataDir === undefined)
    throw new UserError(
      `${command} needs the course file ${t.file}, and no SoftCart data directory is configured or found (../shared/data/softcart): ${how}. There is no built-in generator for ${t.table}.`,
      'SEED_COURSE_FILE_NEEDED',
    );
  const path = join(dataDir, t.file);
  if (!existsSync(path))
    throw new UserError(
      `${command} needs the course file ${t.file}, which ${dataDir} does not hold: ${how}.`,
      'SEED_COURSE_FILE_NEEDED',
    );
  return readFileSync(path, 'utf8');
}

/**
 * `starling seed sales-history` / `seed search-terms`: parses the course file (every bad line reported at
 * once, before the warehouse is touched) and replaces the table's content in the warehouse schema in one
 * transaction (seeds/warehouse-replace.ts), so a re-run leaves the same rows, never twice as many.
 */
export async function seedCourseTable(o: CourseTableSeedOptions): Promise<CourseTableSeedResult> {
  const t0 = Date.now();
  const text = readCourseFile(o.dataDir, o.table, o.command);
  const file = join(o.dataDir!, o.table.file);
  const rows = o.table.rows(text, file);
  const schema = warehouseSchema(o.config);
  const client = await connectWarehouse(o.config, o.command);
  try {
    const r = await replaceCourseTable(client, schema, o.table, rows);
    return { file, schema, table: o.table.table, replaced: r.replaced, rows: r.loaded, ms: Date.now() - t0 };
  } finally {
    await client.end().catch(() => undefined);
  }
}
