import { BadRecordError, type ColumnSpec } from '../envelope/types.js';
import type { Db2Connection } from './driver.js';
import { columnType, DESCRIBE_COLUMNS_SQL, DESCRIBE_KEY_SQL, isFixedDecimal } from './sql.js';

/** A column as SYSCAT.COLUMNS describes it (LENGTH is the precision of a DECIMAL, SCALE its scale or a
 * TIMESTAMP's fractional digits). */
export interface ExistingColumn {
  name: string;
  typeName: string;
  length: number;
  scale: number;
}

export interface ExistingTable {
  columns: Map<string, ExistingColumn>;
  key: string[];
}

/** The staging catalog of one table, or undefined when it does not exist. */
export async function describeTable(
  conn: Db2Connection,
  schema: string,
  table: string,
): Promise<ExistingTable | undefined> {
  const cols = await conn.query<{ COLNAME: string; TYPENAME: string; LENGTH: number; SCALE: number }>(
    DESCRIBE_COLUMNS_SQL,
    [schema, table],
  );
  if (cols.length === 0) return undefined;
  const key = await conn.query<{ COLNAME: string }>(DESCRIBE_KEY_SQL, [schema, table]);
  return {
    columns: new Map(
      cols.map((r) => [
        r.COLNAME,
        {
          name: r.COLNAME,
          typeName: r.TYPENAME.trim(),
          length: Number(r.LENGTH),
          scale: Number(r.SCALE),
        },
      ]),
    ),
    key: key.map((r) => r.COLNAME),
  };
}

/** Integer and float types that may widen into one another, narrowest first. */
const WIDENING = [
  ['SMALLINT', 'INTEGER', 'BIGINT', 'DECIMAL'],
  ['REAL', 'DOUBLE'],
];

/** The SYSCAT.COLUMNS TYPENAME a spec's column type has. */
export function typeName(c: ColumnSpec, key = false): string {
  const t = columnType(c, key);
  return t.replace(/\(.*$/, '').trim();
}

/**
 * Whether a column declared as `existing` can take values of spec `c`: null when it can as is, the
 * SET DATA TYPE target when a safe widening makes it able to; throws BadRecordError when it cannot.
 */
export function compatibility(existing: ExistingColumn, c: ColumnSpec, key = false): string | null {
  const have = existing.typeName;
  const want = typeName(c, key);
  const incompatible = () =>
    new BadRecordError(
      'SCHEMA_INCOMPATIBLE',
      `column ${c.name} is ${have} in staging and cannot safely become ${columnType(c, key)}`,
    );
  if (c.kind === 'time') {
    if (have === 'DECIMAL') return null;
    throw incompatible();
  }
  if (have === want) {
    if (have === 'DECIMAL' && isFixedDecimal(c)) {
      const [p, s] = [c.precision!, c.scale!];
      if (s < existing.scale) {
        throw new BadRecordError(
          'SCHEMA_INCOMPATIBLE',
          `column ${c.name}: decimal scale would shrink from ${existing.scale} to ${s}`,
        );
      }
      const digits = Math.max(p - s, existing.length - existing.scale);
      if (p > existing.length || s > existing.scale) {
        if (digits + s > 31) return 'DECFLOAT(34)';
        return `DECIMAL(${digits + s},${s})`;
      }
    }
    if (have === 'TIMESTAMP' && existing.scale < Math.min(6, c.scale ?? 6)) return columnType(c, key);
    return null;
  }
  if (have === 'DECFLOAT' && want === 'DECIMAL') return null;
  if (have === 'DECIMAL' && want === 'DECFLOAT') return 'DECFLOAT(34)';
  for (const chain of WIDENING) {
    const from = chain.indexOf(have);
    const to = chain.indexOf(want);
    if (from >= 0 && to >= 0) return to > from ? columnType(c, key) : null;
  }
  // Text columns take JSON text and UTC timestamps as they are (PostgreSQL's staging does the same).
  if (have === 'VARCHAR' && ['json', 'timestamptz'].includes(c.kind)) return null;
  throw incompatible();
}
