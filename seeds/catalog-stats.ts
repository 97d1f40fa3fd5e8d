import type { CatalogDocument } from './rows.js';

/**
 * The course's MongoDB-module answers (capstone module 2, collection `catalog.electronics`): how many
 * laptops; how many smart phones have screen size 6; the average screen size of smart phones, null when no
 * smart phone has a numeric screen size (MongoDB then returns no group, or avg null; SQL's avg() NULL).
 */
export interface CatalogStats {
  laptops: number;
  smartPhonesScreen6: number;
  smartPhoneAvgScreen: number | null;
}

/** The course's field name, with its space. */
const SCREEN = 'screen size';

/**
 * Computes the three answers over catalog documents with MongoDB's semantics for these queries: `type`
 * matches exactly (case and space included); only numeric screen sizes count — 6 and 6.0 are the same
 * number, the string "6" is not (MongoDB compares across numeric types but not with strings), and $avg
 * skips missing and non-numeric values.
 */
export function catalogStats(docs: readonly CatalogDocument[]): CatalogStats {
  let laptops = 0;
  let screen6 = 0;
  let screenSum = 0;
  let screens = 0;
  for (const d of docs) {
    if (d.type === 'laptop') laptops++;
    if (d.type !== 'smart phone') continue;
    const size = d[SCREEN];
    if (typeof size !== 'number' || !Number.isFinite(size)) continue;
    if (size === 6) screen6++;
    screenSum += size;
    screens++;
  }
  return {
    laptops,
    smartPhonesScreen6: screen6,
    smartPhoneAvgScreen: screens === 0 ? null : screenSum / screens,
  };
}

/**
 * The course's queries as the MongoDB driver takes them: `countDocuments(filter)` for the two counts,
 * `aggregate(pipeline)` for the average (one document `{ _id: null, avg }`, or none when nothing matches).
 * A field path in an aggregation expression is '$' followed by the field name, and a space is an ordinary
 * character in it, so '$screen size' reads the field "screen size" (only a '.' or a leading '$' in the name
 * would need $getField). In a query filter the name is just the key, space included. Typed as mutable plain
 * documents (no `as const`) because the driver's `aggregate` takes a mutable `Document[]`; do not modify them.
 */
export const MONGO_QUERIES: {
  laptops: { filter: Record<string, unknown> };
  smartPhonesScreen6: { filter: Record<string, unknown> };
  smartPhoneAvgScreen: { pipeline: Record<string, unknown>[] };
} = {
  laptops: { filter: { type: 'laptop' } },
  smartPhonesScreen6: { filter: { type: 'smart phone', 'screen size': 6 } },
  smartPhoneAvgScreen: {
    pipeline: [{ $match: { type: 'smart phone' } }, { $group: { _id: null, avg: { $avg: '$screen size' } } }],
  },
};

/**
 * SQL expressions (or quoted columns) of the document fields the queries use, interpolated as given. The
 * staging sink mirrors a MongoDB collection as `_id` + `document` jsonb, not a column per field, so the
 * caller reads the fields out of the document: ops/analytics/catalog-staging.ts stagingCatalogExpressions.
 */
export interface StagingCatalogColumns {
  /** The text of the document field `type`. */
  type: string;
  /** The document field "screen size" as a double precision, NULL where it is not a number. */
  screenSize: string;
}

/** A parameterised statement for `pg`'s `query({ text, values })`. */
export interface StagingQuery {
  text: string;
  values: (string | number)[];
}

/**
 * The same three answers from the staging mirror (one row per live document; deletes remove the row), each
 * returning one row with one column `value`. Counts are cast to integer so `pg` returns a number rather
 * than a bigint string (a catalog is far below 2^31 documents); avg() of a double precision column is a
 * double (a numeric column would give a numeric, which `pg` returns as a string), NULL with no smart phone —
 * matching catalogStats. `table` is the quoted, schema-qualified name (`stagingTable('catalog', 'electronics')`).
 * Literals are parameters, so only the caller's quoted identifiers are interpolated.
 */
export const STAGING_SQL = {
  laptops: (table: string, c: StagingCatalogColumns): StagingQuery => ({
    text: `SELECT count(*)::integer AS value FROM ${table} WHERE ${c.type} = $1`,
    values: ['laptop'],
  }),
  smartPhonesScreen6: (table: string, c: StagingCatalogColumns): StagingQuery => ({
    text: `SELECT count(*)::integer AS value FROM ${table} WHERE ${c.type} = $1 AND ${c.screenSize} = $2`,
    values: ['smart phone', 6],
  }),
  smartPhoneAvgScreen: (table: string, c: StagingCatalogColumns): StagingQuery => ({
    text: `SELECT avg(${c.screenSize}) AS value FROM ${table} WHERE ${c.type} = $1`,
    values: ['smart phone'],
  }),
} as const;
