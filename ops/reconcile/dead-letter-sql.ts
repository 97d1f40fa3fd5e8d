import type { DimensionDef, FactDef } from '../../schemas/model/types.js';
import { mysqlIdent } from './mariadb-source.js';
import { pgIdent } from './postgres-source.js';

/**
 * The queries behind reconcile's dead-letter listing (pure: text and parameters, values never inlined).
 */

/**
 * Which of these keys the source table has now: `SELECT k1, k2 FROM db.t WHERE (k1, k2) IN ((?, ?), …)`.
 * Returns the statement and its parameters (one tuple per key, in the key columns' order).
 */
export function sourceKeysSql(
  db: string,
  table: string,
  keyColumns: string[],
  keys: unknown[][],
): { sql: string; params: unknown[] } {
  const cols = keyColumns.map(mysqlIdent).join(', ');
  const tuple = `(${keyColumns.map(() => '?').join(', ')})`;
  return {
    sql: `SELECT ${cols} FROM ${mysqlIdent(db)}.${mysqlIdent(table)} WHERE (${cols}) IN (${keys.map(() => tuple).join(', ')})`,
    params: keys.flat(),
  };
}

/**
 * The facts that refer to members of `dim` by these natural-key values ($1, a text array): by the fact's
 * copy of the natural key for a direct link, else through the dimension's surrogate key (a link through
 * another dimension's attribute, e.g. a sale's country through its customer). Null when the fact does not
 * link to the dimension. `count` gives one row (the count); `examples` the first `limit` grains.
 */
export function affectedFactsSql(
  fact: FactDef,
  dim: DimensionDef,
  schema: string,
  limit = 5,
): { count: string; examples: string } | null {
  const link = fact.dimensions.find((l) => l.dimension === dim.name);
  if (!link) return null;
  const q = (t: string) => `${pgIdent(schema)}.${pgIdent(t)}`;
  const where =
    'column' in link
      ? `${pgIdent(dim.naturalKey.name)}::text = ANY($1::text[])`
      : `${pgIdent(dim.surrogateKey)} IN (SELECT ${pgIdent(dim.surrogateKey)} FROM ${q(dim.name)} WHERE ${pgIdent(dim.naturalKey.name)}::text = ANY($1::text[]))`;
  const grain = fact.grain.map((g) => pgIdent(g.name));
  return {
    count: `SELECT count(*) FROM ${q(fact.name)} WHERE ${where}`,
    examples: `SELECT ${grain.join(', ')} FROM ${q(fact.name)} WHERE ${where} ORDER BY ${grain.join(', ')} LIMIT ${Math.max(1, Math.floor(limit))}`,
  };
}
