import { UserError } from '../../core/errors/user-error.js';

/** Database and table names are spliced into SQL and into Debezium's data-collection patterns: plain names only. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface BackfillCliOptions {
  table?: string;
  where?: string;
  timeout: string;
  json?: boolean;
}

export interface BackfillSettings {
  db: string;
  table: string;
  /** the operator's SQL condition, verbatim; undefined for the whole table */
  where: string | undefined;
  timeoutS: number;
  json: boolean;
}

/** The options checked, every problem in one message. */
export function parseBackfillArgs(o: BackfillCliOptions): BackfillSettings {
  const problems: string[] = [];
  let db = '';
  let table = '';
  if (o.table === undefined || o.table.trim() === '') problems.push('--table db.table is required');
  else {
    const parts = o.table.trim().split('.');
    if (parts.length !== 2 || !parts.every((p) => NAME.test(p)))
      problems.push(
        `--table "${o.table}" is not db.table with plain names (letters, digits and _, starting with a letter or _)`,
      );
    else [db, table] = parts as [string, string];
  }
  const where = o.where?.trim();
  if (where === '') problems.push('--where needs a condition (omit it to backfill the whole table)');
  const timeoutS = Number(o.timeout);
  if (o.timeout.trim() === '' || !Number.isFinite(timeoutS) || timeoutS <= 0)
    problems.push(`--timeout "${o.timeout}" is not a number of seconds greater than 0`);
  if (problems.length > 0)
    throw new UserError(
      problems.length === 1
        ? problems[0]!
        : `the backfill options have ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      'BACKFILL_OPTIONS',
    );
  return { db, table, where: where || undefined, timeoutS, json: o.json === true };
}
