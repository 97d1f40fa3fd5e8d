import type { Canon } from './types.js';

/**
 * Canonical text of column values, computed in SQL by MariaDB and by PostgreSQL so that equal values give
 * byte-identical text in both (checked live, for SoftCart and a table of every common MariaDB type as the
 * staging sink mirrors it, by tests/ops/reconcile.test.ts):
 *
 * | kind        | text                                   | MariaDB                         | PostgreSQL                          |
 * |-------------|----------------------------------------|---------------------------------|-------------------------------------|
 * | integer     | 123, -5, 18446744073709551615           | CAST(x AS CHAR)                 | x::text                             |
 * | decimal(s)  | 12.50 (always s digits)                | CAST(CAST(x AS DECIMAL(65,s)) …) | round(x::numeric, s)::text          |
 * | float       | 1.23457e3 (6 significant digits), 0    | mantissa/exponent by LOG10      | the same arithmetic                 |
 * | datetime    | 2024-02-29 13:45:59.123456             | DATE_FORMAT(… %f)               | to_char(… US)                       |
 * | timestamptz | the same, in UTC                       | DATE_FORMAT (session in UTC)    | to_char(x AT TIME ZONE 'UTC', …)    |
 * | date        | 2024-02-29                             | DATE_FORMAT                     | to_char                             |
 * | time        | -838:59:59.000000                      | TIME_FORMAT                     | from the interval's seconds         |
 * | text        | the text (UTF-8)                       | CONVERT(x USING utf8mb4)        | x::text                             |
 * | boolean     | t / f                                  | x + 0 <> 0                      | x::boolean                          |
 * | bytes       | upper-case hex                         | HEX(x)                          | upper(encode(x, 'hex'))             |
 * | json        | the document (compared parsed)         | text                            | text                                |
 * Floats are compared to 6 significant digits (FLOAT holds about 7): a smaller change is not seen. JSON's
 * part of the row text is a fingerprint, see below.
 *
 * A row's text for its checksum joins the parts of its key and compared columns with '|': NULL is '~'; text
 * is length-prefixed (`5:hello`), so no text can imitate a separator or the NULL marker. JSON cannot be
 * rendered identically (MariaDB keeps the document as written, PostgreSQL's jsonb reorders keys and
 * respaces it), so it contributes a fingerprint both compute alike: `j` and the length of its text without
 * blanks, tabs and line breaks (key order and spacing do not change it; a document of another length does).
 * Its value is compared, parsed, when rows are fetched; a change keeping the length shows only when its row
 * is fetched for another reason. The row's hash is the first 60 bits of its MD5 (15 hex digits), summed
 * exactly by each database: `CONV(LEFT(MD5(t), 15), 16, 10)` in MariaDB, `('x' || left(md5(t), 15))::bit(60)`
 * in PostgreSQL. MariaDB hashes the row's UTF-8 bytes (every part cast to BINARY, so no collation is
 * involved), PostgreSQL its text in the (UTF8) database encoding.
 */

export type Dialect = 'mariadb' | 'postgres';

export const NULL_MARKER = '~';
export const SEPARATOR = '|';

const MY_DATETIME = "'%Y-%m-%d %H:%i:%s.%f'";
const PG_DATETIME = "'YYYY-MM-DD HH24:MI:SS.US'";

/** The canonical text of a value (NULL stays NULL). `x` is a column reference or expression, in SQL. */
export function valueSql(dialect: Dialect, x: string, c: Canon): string {
  return dialect === 'mariadb' ? mariadbValue(x, c) : postgresValue(x, c);
}

function mariadbValue(x: string, c: Canon): string {
  switch (c.kind) {
    case 'integer':
      return `CAST(${x} AS CHAR)`;
    case 'decimal':
      return `CAST(CAST(${x} AS DECIMAL(65,${c.scale})) AS CHAR)`;
    case 'float': {
      const e = `FLOOR(LOG10(ABS(${x})))`;
      return `CASE WHEN ${x} IS NULL THEN NULL WHEN ${x} = 0 THEN '0' ELSE CONCAT(CAST(CAST(${x} / POW(10, ${e}) AS DECIMAL(7,5)) AS CHAR), 'e', CAST(${e} AS SIGNED)) END`;
    }
    case 'datetime':
    case 'timestamptz':
      return `DATE_FORMAT(${x}, ${MY_DATETIME})`;
    case 'date':
      return `DATE_FORMAT(${x}, '%Y-%m-%d')`;
    case 'time':
      return `TIME_FORMAT(${x}, '%H:%i:%s.%f')`;
    case 'text':
    case 'json':
      return `CONVERT(${x} USING utf8mb4)`;
    case 'boolean':
      return `CASE WHEN ${x} IS NULL THEN NULL WHEN ${x} + 0 <> 0 THEN 't' ELSE 'f' END`;
    case 'bytes':
      return `HEX(${x})`;
  }
}

function postgresValue(x: string, c: Canon): string {
  switch (c.kind) {
    case 'integer':
      return `(${x})::text`;
    case 'decimal':
      return `round((${x})::numeric, ${c.scale})::text`;
    case 'float': {
      const f = `(${x})::float8`;
      const e = `floor(log(abs(${f})))`;
      return `CASE WHEN ${x} IS NULL THEN NULL WHEN ${f} = 0 THEN '0' WHEN ${f} IN ('NaN', 'Infinity', '-Infinity') THEN ${f}::text ELSE round((${f} / 10 ^ ${e})::numeric, 5)::numeric(7,5)::text || 'e' || ${e}::int::text END`;
    }
    case 'datetime':
      return `to_char((${x})::timestamp, ${PG_DATETIME})`;
    case 'timestamptz':
      return `to_char((${x})::timestamptz AT TIME ZONE 'UTC', ${PG_DATETIME})`;
    case 'date':
      return `to_char((${x})::date, 'YYYY-MM-DD')`;
    case 'time': {
      const i = `(${x})::interval`;
      return `CASE WHEN ${i} < interval '0' THEN '-' ELSE '' END || to_char(abs(extract(epoch from ${i})) * interval '1 second', 'HH24:MI:SS.US')`;
    }
    case 'text':
    case 'json':
      return `(${x})::text`;
    case 'boolean':
      return `CASE WHEN ${x} IS NULL THEN NULL WHEN (${x})::boolean THEN 't' ELSE 'f' END`;
    case 'bytes':
      return `upper(encode(${x}, 'hex'))`;
  }
}

/** A column's part of the row text for the checksum: never NULL. */
export function partSql(dialect: Dialect, x: string, c: Canon): string {
  const v = valueSql(dialect, x, c);
  const my = dialect === 'mariadb';
  let part: string;
  if (c.kind === 'json') {
    const blanks = (t: string) =>
      my
        ? [9, 10, 13, 32].reduce((acc, ch) => `REPLACE(${acc}, CHAR(${ch} USING utf8mb4), '')`, t)
        : `translate(${t}, ' ' || chr(9) || chr(10) || chr(13), '')`;
    part = my
      ? `CASE WHEN ${x} IS NULL THEN '${NULL_MARKER}' ELSE CONCAT('j', CHAR_LENGTH(${blanks(v)})) END`
      : `CASE WHEN ${x} IS NULL THEN '${NULL_MARKER}' ELSE 'j' || char_length(${blanks(v)})::text END`;
  } else if (c.kind === 'text')
    part = my
      ? `COALESCE(CONCAT(CHAR_LENGTH(${v}), ':', ${v}), '${NULL_MARKER}')`
      : `COALESCE(char_length(${v})::text || ':' || ${v}, '${NULL_MARKER}')`;
  else part = `COALESCE(${v}, '${NULL_MARKER}')`;
  return my ? `CAST(${part} AS BINARY)` : part;
}

/** The row's text: its parts joined by the separator. */
export function rowTextSql(dialect: Dialect, parts: string[]): string {
  return dialect === 'mariadb'
    ? `CONCAT_WS('${SEPARATOR}', ${parts.join(', ')})`
    : `concat_ws('${SEPARATOR}', ${parts.join(', ')})`;
}

/** The sum of the rows' 60-bit hash prefixes (0 for no rows), as an exact decimal. */
export function hashSumSql(dialect: Dialect, rowText: string): string {
  return dialect === 'mariadb'
    ? `CAST(COALESCE(SUM(CAST(CONV(LEFT(MD5(${rowText}), 15), 16, 10) AS UNSIGNED)), 0) AS CHAR)`
    : `coalesce(sum(('x' || left(md5(${rowText}), 15))::bit(60)::bigint), 0)::text`;
}

/**
 * The expression key ranges compare and order by: text in code-point order in both databases (MariaDB's
 * collations ignore case or trailing blanks; UTF-8 bytes compare in code-point order), anything else as is.
 */
export function keyOrderSql(dialect: Dialect, x: string, c: Canon): string {
  if (c.kind !== 'text') return x;
  return dialect === 'mariadb' ? `CAST(CONVERT(${x} USING utf8mb4) AS BINARY)` : `(${x})::text COLLATE "C"`;
}

/**
 * A key bound passed as a parameter (its canonical text), converted to what keyOrderSql compares with.
 * `pgType` is the PostgreSQL column's type for integers (bigint, or numeric for BIGINT UNSIGNED) so that
 * the comparison can use the index.
 */
export function keyParamSql(dialect: Dialect, param: string, c: Canon, pgType?: string): string {
  if (dialect === 'mariadb') {
    switch (c.kind) {
      case 'integer':
        return `CAST(${param} AS ${c.unsigned ? 'UNSIGNED' : 'SIGNED'})`;
      case 'decimal':
        return `CAST(${param} AS DECIMAL(65,${c.scale}))`;
      case 'datetime':
      case 'timestamptz':
        return `CAST(${param} AS DATETIME(6))`;
      case 'date':
        return `CAST(${param} AS DATE)`;
      case 'text':
        return `CAST(CONVERT(${param} USING utf8mb4) AS BINARY)`;
      case 'bytes':
        return `UNHEX(${param})`;
      default:
        throw new Error(`a ${c.kind} column cannot be a range key`);
    }
  }
  switch (c.kind) {
    case 'integer':
      return `${param}::${pgType === 'numeric' ? 'numeric' : 'bigint'}`;
    case 'decimal':
      return `${param}::numeric`;
    case 'datetime':
      return `${param}::timestamp`;
    case 'timestamptz':
      return `(${param}::timestamp AT TIME ZONE 'UTC')`;
    case 'date':
      return `${param}::date`;
    case 'text':
      return `${param}::text COLLATE "C"`;
    case 'bytes':
      return `decode(${param}, 'hex')`;
    default:
      throw new Error(`a ${c.kind} column cannot be a range key`);
  }
}

export function quoteIdent(dialect: Dialect, name: string): string {
  return dialect === 'mariadb' ? `\`${name.replaceAll('`', '``')}\`` : `"${name.replaceAll('"', '""')}"`;
}

/** A MariaDB column as information_schema.COLUMNS describes it. */
export interface MariadbColumn {
  name: string;
  /** DATA_TYPE, lower case (int, decimal, varchar, longtext, bit, ...). */
  dataType: string;
  /** COLUMN_TYPE (int(10) unsigned, bit(1), enum('a','b'), ...). */
  columnType: string;
  scale: number | null;
}

/**
 * How a source column and its staging mirror are compared, from both types: the source decides, the staging
 * type says how Debezium delivered it where that differs (MariaDB's JSON is LONGTEXT, staged as jsonb; a
 * BIT(1) is staged as boolean). Returns the reason instead when the pair is not compared.
 */
export function pairCanon(source: MariadbColumn, stagingType: string): Canon | { skip: string } {
  const t = source.dataType.toLowerCase();
  const staged = stagingType.toLowerCase();
  if (staged === 'json' || staged === 'jsonb') return { kind: 'json' };
  if (staged === 'boolean') return { kind: 'boolean' };
  switch (t) {
    case 'tinyint':
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'integer':
    case 'bigint':
    case 'year':
      return /unsigned/i.test(source.columnType) ? { kind: 'integer', unsigned: true } : { kind: 'integer' };
    case 'decimal':
    case 'numeric':
    case 'fixed':
      return { kind: 'decimal', scale: source.scale ?? 0 };
    case 'float':
    case 'double':
    case 'real':
    case 'double precision':
      return { kind: 'float' };
    case 'datetime':
      return { kind: 'datetime' };
    case 'timestamp':
      return { kind: 'timestamptz' };
    case 'date':
      return { kind: 'date' };
    case 'time':
      return { kind: 'time' };
    case 'char':
    case 'varchar':
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
    case 'enum':
    case 'set':
    case 'uuid':
    case 'inet4':
    case 'inet6':
      return { kind: 'text' };
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return { kind: 'bytes' };
    case 'bit':
      return { skip: `${source.columnType} (staged as ${stagingType}) is not compared` };
    default:
      return { skip: `${source.columnType} is not compared` };
  }
}
