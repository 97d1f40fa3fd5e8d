import type pg from 'pg';
import { UserError } from '../../core/errors/user-error.js';
import { type CatalogStats, STAGING_SQL, type StagingCatalogColumns } from '../../seeds/catalog-stats.js';
import { MONGO_COLUMNS } from '../../sinks/envelope/mongodb.js';
import { stagingColumn, stagingTable } from '../../sinks/postgres/catalog.js';
import { textLiteral } from '../../sinks/postgres/sql.js';

/** The staging column that holds a mirrored MongoDB document (sinks/envelope/mongodb.ts: `_id` + `document`). */
const DOCUMENT = MONGO_COLUMNS.find((c) => c.kind === 'json')!.name;

/**
 * The catalog fields the course's questions read, as SQL expressions over the staging mirror. The staging
 * sink mirrors a MongoDB collection as `_id` text + `document` jsonb (not a column per field), so `type` and
 * "screen size" are read out of the document. MongoDB's semantics are kept: `type` compares as text, and
 * only a JSON number counts as a screen size (the string "6" is not 6; $avg skips non-numbers). Caveat: the
 * mirror stores Int64/Decimal128 values as strings to stay exact, so such a screen size would not count
 * here while MongoDB counts it (the course's are Int32 and Double, which stay numbers).
 */
export function stagingCatalogExpressions(): StagingCatalogColumns {
  const doc = stagingColumn(DOCUMENT);
  const field = (name: string) => `(${doc} -> ${textLiteral(name)})`;
  return {
    type: `(${doc} ->> ${textLiteral('type')})`,
    screenSize: `(CASE WHEN jsonb_typeof(${field('screen size')}) = 'number' THEN ${field('screen size')}::double precision END)`,
  };
}

/**
 * The three answers from the staging mirror of `db`.`collection` (default the catalog's, `"catalog"."electronics"`):
 * STAGING_SQL over the document expressions. A missing mirror is a UserError (exit code 2) saying how the
 * catalog gets there.
 */
export async function stagingCatalogStats(
  client: Pick<pg.ClientBase, 'query'>,
  db: string,
  collection: string,
): Promise<CatalogStats> {
  const table = stagingTable(db, collection);
  const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
  if (exists.rows[0]?.t == null)
    throw new UserError(
      `The staging database has no mirror of the catalog ${db}.${collection} (table ${table}): publish it with \`starling seed catalog\` and let \`starling run\` (the staging sink) mirror it.`,
      'CATALOG_NO_MIRROR',
    );
  const cols = stagingCatalogExpressions();
  const value = async (q: { text: string; values: (string | number)[] }) =>
    (await client.query<{ value: number | null }>(q)).rows[0]?.value ?? null;
  // One after the other: a pg client runs one statement at a time (queuing them is deprecated in pg 8).
  const laptops = await value(STAGING_SQL.laptops(table, cols));
  const screen6 = await value(STAGING_SQL.smartPhonesScreen6(table, cols));
  const avg = await value(STAGING_SQL.smartPhoneAvgScreen(table, cols));
  return { laptops: laptops ?? 0, smartPhonesScreen6: screen6 ?? 0, smartPhoneAvgScreen: avg };
}
