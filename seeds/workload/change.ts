import type { OpKind } from './mix.js';

/** A column value as the workload writes it and logs it: prices are decimal strings, times whole seconds. */
export type Value = number | string | null;

/** The catalog's collection (MongoDB catalog.electronics): its changes go to the catalog target, not SQL. */
export const CATALOG_TABLE = 'electronics';

/**
 * One change the workload commits, and the line it logs: `op` is the effect (pk = the primary key of a
 * row changes), `key` the row's (or document's) key before the change, `values` the columns or fields
 * written (none for a delete). commit_ts is set by the server (NOW(6)) and so is not in `values`.
 */
export interface Change {
  kind: OpKind;
  op: 'insert' | 'update' | 'delete' | 'pk';
  table: 'sales_data' | 'customers' | typeof CATALOG_TABLE;
  key: Record<string, number>;
  values: Record<string, Value> | null;
}

export interface Statement {
  sql: string;
  params: Value[];
}

const COLUMN = /^[a-z_]+$/;
const quote = (c: string) => {
  if (!COLUMN.test(c)) throw new Error(`unexpected column ${c}`);
  return `\`${c}\``;
};

/** The SQL of a change. sales_data statements stamp commit_ts with NOW(6) in the same statement. */
export function toStatement(c: Change): Statement {
  if (c.table === CATALOG_TABLE)
    throw new Error('a catalog change has no SQL: it goes to the catalog target');
  const [keyCol, keyVal] = Object.entries(c.key)[0]!;
  const values = c.values ?? {};
  const cols = Object.keys(values);
  const stamp = c.table === 'sales_data';
  switch (c.op) {
    case 'insert': {
      const all = [keyCol, ...cols].map(quote);
      return {
        sql: `INSERT INTO ${c.table} (${all.join(', ')}${stamp ? ', commit_ts' : ''}) VALUES (${all
          .map(() => '?')
          .join(', ')}${stamp ? ', NOW(6)' : ''})`,
        params: [keyVal, ...cols.map((k) => values[k]!)],
      };
    }
    case 'update':
    case 'pk':
      return {
        sql: `UPDATE ${c.table} SET ${cols.map((k) => `${quote(k)} = ?`).join(', ')}${
          stamp ? ', commit_ts = NOW(6)' : ''
        } WHERE ${quote(keyCol)} = ?`,
        params: [...cols.map((k) => values[k]!), keyVal],
      };
    case 'delete':
      return { sql: `DELETE FROM ${c.table} WHERE ${quote(keyCol)} = ?`, params: [keyVal] };
  }
}
