import { db2Dialect } from '../../schemas/ddl/db2.js';
import {
  deletedTable,
  LOCK_TABLE,
  POINT_AT,
  POINT_POSITION,
  planWarehouse,
  pointsTable,
  renderIndexes,
  renderTables,
  VALID_TO_OPEN,
} from '../../schemas/ddl/dialect-neutral.js';
import { refreshReportStatements, reportObjectNames, reportStatements } from '../../schemas/ddl/reports.js';
import {
  dateDimensionColumns,
  dimensionColumns,
  EVENT_TIME,
  factColumns,
  INFERRED,
  IS_CURRENT,
  isVersioned,
  POSITION,
  POSITION_TYPE,
  VALID_FROM,
  VALID_TO,
} from '../../schemas/model/columns.js';
import type { AttrType, DimensionDef, FactDef, StarModel } from '../../schemas/model/types.js';
import { DimCategory, DimCountry, FactSales, softcartModel } from '../../schemas/softcart.js';
import type { DateRow } from '../../streams/date-dimension.js';
import { isoMicros, toEpochMicros } from '../../streams/time.js';
import { BadRecordError, type SqlValue } from '../envelope/types.js';
import type {
  FactDelete,
  FactRow,
  MemberRepoint,
  MemberRow,
  PointRow,
  StoredMember,
  VersionRepoint,
  VersionRow,
} from '../warehouse/dialect.js';
import type { Db2Param } from './driver.js';
import { ident, marker, qualified } from './sql.js';
import { chunk, decimalText, rowsPerStatement } from './values.js';

/**
 * SQL of the Db2 (LUW 11.1+) warehouse sink: one builder per WarehouseTx operation (sinks/warehouse/
 * dialect.ts), each returning statements as text plus parameters. Pure functions, like sql.ts: every value
 * is a `?` marker cast to its column's Db2 type (Db2 cannot type a bare marker in a VALUES row), every
 * identifier is quoted, and rows are chunked so that no statement exceeds values.ts's marker budget.
 *
 * Shapes:
 * - Upserts are one `MERGE INTO t USING (VALUES (...), ...) AS S(...) ON <key> WHEN MATCHED AND <guard>
 *   THEN UPDATE ... WHEN NOT MATCHED THEN INSERT ... ELSE IGNORE` per chunk.
 * - Position guards compare `_starling_pos` as text (positions are fixed-width ASCII, see sql.ts); a NULL
 *   position (an inferred placeholder) is older than any change.
 * - A MERGE fails (SQLSTATE 21506) when two source rows match one target row, so the builders first keep
 *   one row per target key: the newest position for guarded writes (which is what applying them one by one
 *   would leave), the last one otherwise.
 * - Values: BIGINT keys as decimal strings (never JS numbers: they exceed 2^53), booleans 0/1 (SMALLINT),
 *   timestamps as Db2's 'YYYY-MM-DD-HH.MM.SS.ffffff' (µs exact), decimals as exact text.
 * - Reads select BIGINT and DECIMAL columns as text, dates as CHAR(d, ISO) and timestamps as CHAR(ts) (Db2's
 *   own 'YYYY-MM-DD-HH.MM.SS.ffffff'), so no value passes through a JS float or Date whatever the driver's
 *   fetch settings, and return them in the value form (the PostgreSQL dialect's): BIGINT and DECIMAL as
 *   exact text (DECIMAL with its scale's digits), timestamps 'YYYY-MM-DDTHH:MM:SS.ffffff', booleans as
 *   booleans. Result columns are aliased positionally ("c0", "c1", ...) so no model name can collide.
 */

export interface Statement {
  sql: string;
  params: Db2Param[];
}

/** A column of a VALUES source: its name (the alias) and the type its markers are cast to. */
interface SourceColumn {
  name: string;
  type: AttrType;
}

const BIGINT: AttrType = { type: 'bigint' };
const TIMESTAMP: AttrType = { type: 'timestamp' };

/** Aliases of the validity range in a re-point source (a reserved prefix, like the bookkeeping columns). */
const RANGE_FROM = '_starling_valid_from';
const RANGE_TO = '_starling_valid_to';

const typeOf = (t: AttrType): string => db2Dialect.columnType(t);

// ---------------------------------------------------------------------------------------------------------
// Values

const INTEGER_TEXT = /^[+-]?\d+$/;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const DB2_TS = /^(\d{4})-(\d{2})-(\d{2})[- T](\d{2})[.:](\d{2})[.:](\d{2})(?:\.(\d{1,12}))?$/;

function invalid(column: string, why: string): BadRecordError {
  return new BadRecordError('VALUE_INVALID', `column ${column}: ${why}`);
}

/** µs since the epoch -> Db2's timestamp text 'YYYY-MM-DD-HH.MM.SS.ffffff' (years 0001-9999). */
export function db2TimestampFromMicros(micros: bigint): string {
  let iso: string;
  try {
    iso = isoMicros(micros);
  } catch {
    throw new RangeError(`${micros} µs since the epoch is outside Db2's timestamp range`);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z$/.exec(iso);
  if (!m || m[1] === '0000')
    throw new RangeError(`${micros} µs since the epoch is outside Db2's timestamp range`);
  return `${m[1]}-${m[2]}-${m[3]}-${m[4]}.${m[5]}.${m[6]}.${m[7]}`;
}

/** A timestamp as Db2 returns CHAR(ts) ('YYYY-MM-DD-HH.MM.SS.ffffff', or ISO-like text) -> µs since the epoch. */
export function microsFromDb2Timestamp(text: string): bigint {
  const m = DB2_TS.exec(text.trim());
  if (!m) throw new RangeError(`not a Db2 timestamp: ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s, f = ''] = m;
  return toEpochMicros(`${y}-${mo}-${d} ${h}:${mi}:${s}.${f.padEnd(6, '0').slice(0, 6)}`);
}

/** Exact decimal text with exactly `scale` fractional digits ('.5', '0.50', '00012.5' -> '0.50', '12.50'). */
export function decimalFromDb2(text: string, scale: number): string {
  const m = /^([+-])?(\d*)(?:[.,](\d*))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === ''))
    throw new RangeError(`not a decimal: ${JSON.stringify(text)}`);
  const int = m[2]!.replace(/^0+(?=\d)/, '') || '0';
  const frac = (m[3] ?? '').padEnd(scale, '0');
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale)))
    throw new RangeError(`decimal ${text} has more than ${scale} fractional digits`);
  const body = scale > 0 ? `${int}.${frac.slice(0, scale)}` : int;
  return m[1] === '-' && /[1-9]/.test(body) ? `-${body}` : body;
}

/** One model value -> the parameter for a marker cast to its Db2 column type. */
export function toParam(v: SqlValue | undefined, type: AttrType, column: string): Db2Param {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) throw invalid(column, 'binary values have no warehouse column type');
  switch (type.type) {
    case 'int':
    case 'bigint': {
      if (typeof v === 'number') {
        if (!Number.isSafeInteger(v)) throw invalid(column, `${v} is not an exact integer`);
        return type.type === 'int' ? v : String(v);
      }
      if (typeof v === 'string' && INTEGER_TEXT.test(v)) return v;
      throw invalid(column, `${JSON.stringify(v)} is not an integer`);
    }
    case 'decimal':
      if (typeof v === 'boolean') throw invalid(column, 'not a decimal');
      return decimalText(String(v), {
        name: column,
        kind: 'decimal',
        optional: true,
        precision: type.precision,
        scale: type.scale,
      });
    case 'text':
      if (typeof v === 'boolean') throw invalid(column, 'a boolean is not text');
      return String(v);
    case 'date':
      if (typeof v !== 'string' || !DATE_TEXT.test(v) || v.startsWith('0000'))
        throw invalid(column, `${JSON.stringify(v)} is not a date (YYYY-MM-DD)`);
      return v;
    case 'timestamp':
      if (typeof v !== 'string') throw invalid(column, `${JSON.stringify(v)} is not a timestamp`);
      try {
        return db2TimestampFromMicros(toEpochMicros(v));
      } catch (e) {
        throw invalid(column, (e as Error).message);
      }
    case 'boolean':
      if (v === true || v === 1 || v === '1' || v === 't' || v === 'true') return 1;
      if (v === false || v === 0 || v === '0' || v === 'f' || v === 'false') return 0;
      throw invalid(column, `${JSON.stringify(v)} is not a boolean`);
  }
}

/** The select expression reading a column back without loss (see the header). */
function readExpr(column: string, type: AttrType): string {
  const c = `T.${ident(column)}`;
  switch (type.type) {
    case 'bigint':
      return `CAST(${c} AS VARCHAR(20))`;
    case 'decimal':
      // The decimal character given: CHAR(decimal) otherwise uses the territory's (a comma in some).
      return `CHAR(${c}, '.')`;
    case 'date':
      return `CHAR(${c}, ISO)`;
    case 'timestamp':
      return `CHAR(${c})`;
    default:
      return c;
  }
}

/** A value read with readExpr -> the model's value (envelope conventions: exact text for BIGINT/DECIMAL). */
export function fromDb2(v: unknown, type: AttrType): SqlValue {
  if (v === null || v === undefined) return null;
  switch (type.type) {
    case 'int':
      return Number(v);
    case 'bigint':
      return String(v).trim();
    case 'decimal':
      return decimalFromDb2(String(v), type.scale);
    case 'text':
      return String(v);
    case 'date':
      return String(v).trim().slice(0, 10);
    case 'timestamp':
      return isoMicros(microsFromDb2Timestamp(String(v))).slice(0, 26);
    case 'boolean':
      return Number(v) === 1;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Building blocks

function valuesRows(cols: SourceColumn[], rows: number): string {
  const row = `(${cols.map((c) => marker(typeOf(c.type))).join(', ')})`;
  return `(VALUES ${Array.from({ length: rows }, () => row).join(',\n  ')})`;
}

function aliasList(cols: SourceColumn[]): string {
  const names = cols.map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new RangeError(`column ${dup} appears twice in one statement`);
  return `(${names.map(ident).join(', ')})`;
}

function chunksFor<T>(items: T[], width: number): T[][] {
  return items.length ? chunk(items, rowsPerStatement(width)) : [];
}

/** The text identity of a converted parameter, for keeping one row per target key. */
function identity(params: Db2Param[]): string {
  return JSON.stringify(params.map((p) => (p === null ? null : String(p))));
}

/** One item per identity: the one with the greatest position (later ones win ties), in first-seen order. */
function newestBy<T>(items: T[], id: (t: T) => string, position: (t: T) => string): T[] {
  const kept = new Map<string, T>();
  for (const item of items) {
    const k = id(item);
    const prev = kept.get(k);
    if (prev === undefined || position(item) >= position(prev)) kept.set(k, item);
  }
  return [...kept.values()];
}

function lastBy<T>(items: T[], id: (t: T) => string): T[] {
  return newestBy(items, id, () => '');
}

function keyParam(key: bigint | null): Db2Param {
  return key === null ? null : key.toString();
}

/** A dimension's attribute columns. */
function attributeColumns(dim: DimensionDef): SourceColumn[] {
  return dim.attributes.map((a) => ({ name: a.name, type: a.type }));
}

// ---------------------------------------------------------------------------------------------------------
// Transaction start

/** Taken first in every warehouse transaction: the model's writers apply their batches one at a time. */
export function lockSql(schema: string): string {
  return `LOCK TABLE ${qualified(schema, LOCK_TABLE)} IN EXCLUSIVE MODE`;
}

// ---------------------------------------------------------------------------------------------------------
// Dimensions

/**
 * Type-1 members by surrogate key: a matched row is overwritten only by a newer position (or when it has
 * none: an inferred placeholder), and becomes non-inferred. Parameters per row: key, natural key, each
 * attribute, position.
 */
export function upsertMembersSql(schema: string, dim: DimensionDef, rows: MemberRow[]): Statement[] {
  if (isVersioned(dim))
    throw new RangeError(
      `${dim.name} keeps versions: its rows are written by replaceVersions, not upsertMembers`,
    );
  const key: SourceColumn = { name: dim.surrogateKey, type: BIGINT };
  const attrs = attributeColumns(dim);
  const cols: SourceColumn[] = [
    key,
    { name: dim.naturalKey.name, type: dim.naturalKey.type },
    ...attrs,
    { name: POSITION, type: POSITION_TYPE },
  ];
  const kept = newestBy(
    rows,
    (r) => r.key.toString(),
    (r) => r.position,
  );
  const s = (c: string) => `S.${ident(c)}`;
  const set = [...attrs.map((a) => `${ident(a.name)} = ${s(a.name)}`), `${ident(INFERRED)} = 0`];
  set.push(`${ident(POSITION)} = ${s(POSITION)}`);
  const insertCols = [key.name, dim.naturalKey.name, ...attrs.map((a) => a.name), INFERRED, POSITION];
  const insertVals = insertCols.map((c) => (c === INFERRED ? '0' : s(c)));
  return chunksFor(kept, cols.length).map((part) => ({
    sql: [
      `MERGE INTO ${qualified(schema, dim.name)} AS T`,
      `USING ${valuesRows(cols, part.length)}`,
      `  AS S${aliasList(cols)}`,
      `ON T.${ident(key.name)} = ${s(key.name)}`,
      `WHEN MATCHED AND (T.${ident(POSITION)} IS NULL OR T.${ident(POSITION)} < ${s(POSITION)})`,
      `  THEN UPDATE SET ${set.join(', ')}`,
      `WHEN NOT MATCHED THEN INSERT (${insertCols.map(ident).join(', ')})`,
      `  VALUES (${insertVals.join(', ')})`,
      'ELSE IGNORE',
    ].join('\n'),
    params: part.flatMap((r) => [
      keyParam(r.key),
      toParam(r.naturalKey, dim.naturalKey.type, dim.naturalKey.name),
      ...attrs.map((a) => toParam(r.attributes[a.name], a.type, a.name)),
      r.position,
    ]),
  }));
}

/**
 * Placeholders for keys that have no row: inferred = 1, attributes and position NULL; an SCD2 placeholder
 * is the open, current version from `validFrom`. Existing rows are untouched. Parameters per row: key,
 * natural key (, valid_from).
 */
export function insertInferredSql(
  schema: string,
  dim: DimensionDef,
  rows: Array<{ key: bigint; naturalKey: SqlValue; validFrom?: bigint }>,
): Statement[] {
  const versioned = isVersioned(dim);
  const cols: SourceColumn[] = [
    { name: dim.surrogateKey, type: BIGINT },
    { name: dim.naturalKey.name, type: dim.naturalKey.type },
  ];
  if (versioned) cols.push({ name: VALID_FROM, type: TIMESTAMP });
  const kept = lastBy(rows, (r) => r.key.toString());
  const names = cols.map((c) => c.name);
  const values = names.map((n) => `S.${ident(n)}`);
  if (versioned) {
    names.push(VALID_TO, IS_CURRENT);
    values.push(`CAST('${db2TimestampFromMicros(toEpochMicros(VALID_TO_OPEN))}' AS TIMESTAMP(6))`, '1');
  }
  names.push(INFERRED);
  values.push('1');
  return chunksFor(kept, cols.length).map((part) => ({
    sql: [
      `MERGE INTO ${qualified(schema, dim.name)} AS T`,
      `USING ${valuesRows(cols, part.length)}`,
      `  AS S${aliasList(cols)}`,
      `ON T.${ident(dim.surrogateKey)} = S.${ident(dim.surrogateKey)}`,
      `WHEN NOT MATCHED THEN INSERT (${names.map(ident).join(', ')})`,
      `  VALUES (${values.join(', ')})`,
      'ELSE IGNORE',
    ].join('\n'),
    params: part.flatMap((r) => {
      const p = [keyParam(r.key), toParam(r.naturalKey, dim.naturalKey.type, dim.naturalKey.name)];
      if (versioned) {
        if (r.validFrom === undefined)
          throw new RangeError(`${dim.name} keeps versions: an inferred member needs its validFrom`);
        p.push(db2TimestampFromMicros(r.validFrom));
      }
      return p;
    }),
  }));
}

/** Distinct natural-key parameters, chunked for IN lists. */
function naturalKeyChunks(dim: DimensionDef, naturalKeys: SqlValue[]): Db2Param[][] {
  const params = lastBy(
    naturalKeys.map((k) => toParam(k, dim.naturalKey.type, dim.naturalKey.name)),
    (p) => identity([p]),
  );
  return chunksFor(params, 1);
}

function inList(type: AttrType, n: number): string {
  return `(${Array.from({ length: n }, () => marker(typeOf(type))).join(', ')})`;
}

function selectList(cols: SourceColumn[]): string {
  return cols.map((c, i) => `${readExpr(c.name, c.type)} AS "c${i}"`).join(', ');
}

function memberReadColumns(dim: DimensionDef): SourceColumn[] {
  const cols: SourceColumn[] = [
    { name: dim.surrogateKey, type: BIGINT },
    { name: dim.naturalKey.name, type: dim.naturalKey.type },
    ...attributeColumns(dim),
  ];
  if (isVersioned(dim)) cols.push({ name: VALID_FROM, type: TIMESTAMP }, { name: VALID_TO, type: TIMESTAMP });
  return cols;
}

/**
 * Every row (every version) of these natural keys. Result columns "c0".. in memberReadColumns' order;
 * parameters: the natural keys.
 */
export function readMembersSql(schema: string, dim: DimensionDef, naturalKeys: SqlValue[]): Statement[] {
  const cols = memberReadColumns(dim);
  const nk = ident(dim.naturalKey.name);
  const order = isVersioned(dim) ? `T.${nk}, T.${ident(VALID_FROM)}` : `T.${nk}`;
  return naturalKeyChunks(dim, naturalKeys).map((part) => ({
    sql: [
      `SELECT ${selectList(cols)}`,
      `FROM ${qualified(schema, dim.name)} AS T`,
      `WHERE T.${nk} IN ${inList(dim.naturalKey.type, part.length)}`,
      `ORDER BY ${order}`,
    ].join('\n'),
    params: part,
  }));
}

export function decodeMembers(dim: DimensionDef, rows: Array<Record<string, unknown>>): StoredMember[] {
  const cols = memberReadColumns(dim);
  const versioned = isVersioned(dim);
  return rows.map((r) => {
    const member: StoredMember = {
      key: BigInt(String(r.c0).trim()),
      naturalKey: fromDb2(r.c1, dim.naturalKey.type),
      attributes: Object.fromEntries(dim.attributes.map((a, i) => [a.name, fromDb2(r[`c${i + 2}`], a.type)])),
    };
    if (versioned) {
      member.validFrom = microsFromDb2Timestamp(String(r[`c${cols.length - 2}`]));
      member.validTo = microsFromDb2Timestamp(String(r[`c${cols.length - 1}`]));
    }
    return member;
  });
}

function pointColumns(dim: DimensionDef): SourceColumn[] {
  return [
    { name: dim.naturalKey.name, type: dim.naturalKey.type },
    { name: POINT_AT, type: TIMESTAMP },
    { name: POINT_POSITION, type: POSITION_TYPE },
    ...attributeColumns(dim),
  ];
}

/**
 * Stores SCD2 change points; a point already stored (same natural key and position) is left alone.
 * Parameters per point: natural key, at, position, each attribute.
 */
export function insertPointsSql(schema: string, dim: DimensionDef, points: PointRow[]): Statement[] {
  const cols = pointColumns(dim);
  const nkOf = (p: PointRow) => toParam(p.naturalKey, dim.naturalKey.type, dim.naturalKey.name);
  const kept = lastBy(points, (p) => identity([nkOf(p), p.position]));
  const nk = ident(dim.naturalKey.name);
  const pos = ident(POINT_POSITION);
  return chunksFor(kept, cols.length).map((part) => ({
    sql: [
      `MERGE INTO ${qualified(schema, pointsTable(dim.name))} AS T`,
      `USING ${valuesRows(cols, part.length)}`,
      `  AS S${aliasList(cols)}`,
      `ON T.${nk} = S.${nk} AND T.${pos} = S.${pos}`,
      `WHEN NOT MATCHED THEN INSERT (${cols.map((c) => ident(c.name)).join(', ')})`,
      `  VALUES (${cols.map((c) => `S.${ident(c.name)}`).join(', ')})`,
      'ELSE IGNORE',
    ].join('\n'),
    params: part.flatMap((p) => [
      nkOf(p),
      db2TimestampFromMicros(p.at),
      p.position,
      ...dim.attributes.map((a) => toParam(p.values[a.name], a.type, a.name)),
    ]),
  }));
}

/** Every stored point of these natural keys, by natural key, time and position. Parameters: natural keys. */
export function readPointsSql(schema: string, dim: DimensionDef, naturalKeys: SqlValue[]): Statement[] {
  const cols = pointColumns(dim);
  const nk = ident(dim.naturalKey.name);
  return naturalKeyChunks(dim, naturalKeys).map((part) => ({
    sql: [
      `SELECT ${selectList(cols)}`,
      `FROM ${qualified(schema, pointsTable(dim.name))} AS T`,
      `WHERE T.${nk} IN ${inList(dim.naturalKey.type, part.length)}`,
      `ORDER BY T.${nk}, T.${ident(POINT_AT)}, T.${ident(POINT_POSITION)}`,
    ].join('\n'),
    params: part,
  }));
}

export function decodePoints(dim: DimensionDef, rows: Array<Record<string, unknown>>): PointRow[] {
  return rows.map((r) => ({
    naturalKey: fromDb2(r.c0, dim.naturalKey.type),
    at: microsFromDb2Timestamp(String(r.c1)),
    position: String(r.c2).trim(),
    values: Object.fromEntries(dim.attributes.map((a, i) => [a.name, fromDb2(r[`c${i + 3}`], a.type)])),
  }));
}

/**
 * Makes the versions of these natural keys exactly `versions`: first one DELETE per chunk of natural keys
 * (rows of those keys whose surrogate key is not among their versions), then one MERGE per chunk of
 * versions (update by key, else insert; no position guard: the versions are recomputed from every stored
 * point under the model's lock). Deleting first keeps UNIQUE (natural key, valid_from) satisfiable.
 * Parameters: DELETE natural keys then keys; MERGE per version every column of the dimension, in order.
 */
export function replaceVersionsSql(
  schema: string,
  dim: DimensionDef,
  naturalKeys: SqlValue[],
  versions: VersionRow[],
): Statement[] {
  if (!isVersioned(dim)) throw new RangeError(`${dim.name} is a type-1 dimension: it has no versions`);
  const table = qualified(schema, dim.name);
  const nkType = dim.naturalKey.type;
  const nkParam = (v: SqlValue) => toParam(v, nkType, dim.naturalKey.name);
  const kept = lastBy(versions, (v) => v.key.toString());
  // The keys to keep, per natural key.
  const keysOf = new Map<string, Db2Param[]>();
  for (const v of kept) {
    const id = identity([nkParam(v.naturalKey)]);
    keysOf.set(id, [...(keysOf.get(id) ?? []), keyParam(v.key)]);
  }
  const out: Statement[] = [];
  // Chunks of natural keys whose markers (the natural keys plus their versions' keys) fit the budget.
  const budget = rowsPerStatement(1);
  let nks: Db2Param[] = [];
  let keys: Db2Param[] = [];
  const flush = () => {
    if (nks.length === 0) return;
    const lines = [
      `DELETE FROM ${table} AS T`,
      `WHERE T.${ident(dim.naturalKey.name)} IN ${inList(nkType, nks.length)}`,
    ];
    if (keys.length) lines.push(`  AND T.${ident(dim.surrogateKey)} NOT IN ${inList(BIGINT, keys.length)}`);
    out.push({ sql: lines.join('\n'), params: [...nks, ...keys] });
    nks = [];
    keys = [];
  };
  const distinct = lastBy(naturalKeys.map(nkParam), (p) => identity([p]));
  for (const nk of distinct) {
    const own = keysOf.get(identity([nk])) ?? [];
    if (nks.length && nks.length + keys.length + 1 + own.length > budget) flush();
    nks.push(nk);
    keys.push(...own);
  }
  flush();

  const cols: SourceColumn[] = dimensionColumns(dim).map((c) => ({ name: c.name, type: c.type }));
  const s = (c: string) => `S.${ident(c)}`;
  const set = cols.filter((c) => c.name !== dim.surrogateKey).map((c) => `${ident(c.name)} = ${s(c.name)}`);
  for (const part of chunksFor(kept, cols.length))
    out.push({
      sql: [
        `MERGE INTO ${table} AS T`,
        `USING ${valuesRows(cols, part.length)}`,
        `  AS S${aliasList(cols)}`,
        `ON T.${ident(dim.surrogateKey)} = ${s(dim.surrogateKey)}`,
        `WHEN MATCHED THEN UPDATE SET ${set.join(', ')}`,
        `WHEN NOT MATCHED THEN INSERT (${cols.map((c) => ident(c.name)).join(', ')})`,
        `  VALUES (${cols.map((c) => s(c.name)).join(', ')})`,
      ].join('\n'),
      params: part.flatMap((v) => [
        keyParam(v.key),
        nkParam(v.naturalKey),
        ...dim.attributes.map((a) => toParam(v.attributes[a.name], a.type, a.name)),
        db2TimestampFromMicros(v.validFrom),
        db2TimestampFromMicros(v.validTo),
        v.isCurrent ? 1 : 0,
        v.inferred ? 1 : 0,
        v.position === '' ? null : v.position,
      ]),
    });
  return out;
}

/** Inserts the date rows that are missing. Parameters per row: the date dimension's columns, in order. */
export function ensureDatesSql(schema: string, model: StarModel, rows: DateRow[]): Statement[] {
  const dd = model.dateDimension;
  const cols: SourceColumn[] = dateDimensionColumns(dd).map((c) => ({ name: c.name, type: c.type }));
  const kept = lastBy(rows, (r) => String(r.dateid));
  const key = ident(dd.surrogateKey);
  const value = (r: DateRow, c: SourceColumn): Db2Param =>
    c.name === dd.surrogateKey ? r.dateid : toParam(r[c.name as keyof DateRow], c.type, c.name);
  return chunksFor(kept, cols.length).map((part) => ({
    sql: [
      `MERGE INTO ${qualified(schema, dd.name)} AS T`,
      `USING ${valuesRows(cols, part.length)}`,
      `  AS S${aliasList(cols)}`,
      `ON T.${key} = S.${key}`,
      `WHEN NOT MATCHED THEN INSERT (${cols.map((c) => ident(c.name)).join(', ')})`,
      `  VALUES (${cols.map((c) => `S.${ident(c.name)}`).join(', ')})`,
      'ELSE IGNORE',
    ].join('\n'),
    params: part.flatMap((r) => cols.map((c) => value(r, c))),
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Facts

function grainColumns(fact: FactDef): SourceColumn[] {
  return fact.grain.map((g) => ({ name: g.name, type: g.type }));
}

function grainParams(fact: FactDef, grain: Record<string, SqlValue>): Db2Param[] {
  return fact.grain.map((g) => toParam(grain[g.name], g.type, g.name));
}

/**
 * Upserts facts by grain with both guards: the source rows are first filtered against the delete markers
 * (a marker at the change's position or newer drops it), then a matched fact is overwritten only by a newer
 * position. Parameters per row: every fact column, in factColumns' order.
 */
export function upsertFactsSql(
  schema: string,
  fact: FactDef,
  model: StarModel,
  rows: FactRow[],
): Statement[] {
  const planned = factColumns(fact, model);
  const cols: SourceColumn[] = planned.map((c) => ({ name: c.name, type: c.type }));
  const grain = grainColumns(fact);
  const kept = newestBy(
    rows,
    (r) => identity(grainParams(fact, r.grain)),
    (r) => r.position,
  );
  const value = (r: FactRow, c: (typeof planned)[number]): Db2Param => {
    switch (c.role) {
      case 'grain':
        return toParam(r.grain[c.name], c.type, c.name);
      case 'dimension-key': {
        const k = r.keys[c.name];
        return k === undefined ? null : keyParam(k);
      }
      case 'link-natural-key':
        return toParam(r.naturalKeys[c.name], c.type, c.name);
      case 'event-time':
        return db2TimestampFromMicros(r.eventTime);
      case 'date-key':
        return r.dateKey;
      case 'measure':
        return toParam(r.measures[c.name], c.type, c.name);
      case 'position':
        return r.position;
      default:
        throw new RangeError(`fact column ${c.name} has an unexpected role ${c.role}`);
    }
  };
  const pos = ident(POSITION);
  const on = grain.map((g) => `T.${ident(g.name)} = S.${ident(g.name)}`).join(' AND ');
  const markerMatch = grain.map((g) => `D.${ident(g.name)} = V.${ident(g.name)}`).join(' AND ');
  const grainNames = new Set(grain.map((g) => g.name));
  const set = cols.filter((c) => !grainNames.has(c.name)).map((c) => `${ident(c.name)} = S.${ident(c.name)}`);
  return chunksFor(kept, cols.length).map((part) => ({
    sql: [
      `MERGE INTO ${qualified(schema, fact.name)} AS T`,
      `USING (SELECT * FROM ${valuesRows(cols, part.length)}`,
      `  AS V${aliasList(cols)}`,
      `  WHERE NOT EXISTS (SELECT 1 FROM ${qualified(schema, deletedTable(fact.name))} AS D`,
      `    WHERE ${markerMatch} AND D.${pos} >= V.${pos})) AS S`,
      `ON ${on}`,
      `WHEN MATCHED AND T.${pos} < S.${pos} THEN UPDATE SET ${set.join(', ')}`,
      `WHEN NOT MATCHED THEN INSERT (${cols.map((c) => ident(c.name)).join(', ')})`,
      `  VALUES (${cols.map((c) => `S.${ident(c.name)}`).join(', ')})`,
      'ELSE IGNORE',
    ].join('\n'),
    params: part.flatMap((r) => planned.map((c) => value(r, c))),
  }));
}

/**
 * Deletes the facts older than each delete, then records the delete markers (newest position wins).
 * Parameters per delete: the grain columns, then the position (both statements).
 */
export function deleteFactsSql(schema: string, fact: FactDef, deletes: FactDelete[]): Statement[] {
  const grain = grainColumns(fact);
  const cols: SourceColumn[] = [...grain, { name: POSITION, type: POSITION_TYPE }];
  const kept = newestBy(
    deletes,
    (d) => identity(grainParams(fact, d.grain)),
    (d) => d.position,
  );
  const pos = ident(POSITION);
  const match = grain.map((g) => `T.${ident(g.name)} = S.${ident(g.name)}`).join(' AND ');
  const out: Statement[] = [];
  const parts = chunksFor(kept, cols.length);
  const params = (part: FactDelete[]) => part.flatMap((d) => [...grainParams(fact, d.grain), d.position]);
  for (const part of parts)
    out.push({
      sql: [
        `DELETE FROM ${qualified(schema, fact.name)} AS T`,
        `WHERE EXISTS (SELECT 1 FROM ${valuesRows(cols, part.length)}`,
        `  AS S${aliasList(cols)}`,
        `  WHERE ${match} AND T.${pos} < S.${pos})`,
      ].join('\n'),
      params: params(part),
    });
  for (const part of parts)
    out.push({
      sql: [
        `MERGE INTO ${qualified(schema, deletedTable(fact.name))} AS T`,
        `USING ${valuesRows(cols, part.length)}`,
        `  AS S${aliasList(cols)}`,
        `ON ${match}`,
        `WHEN MATCHED AND T.${pos} < S.${pos} THEN UPDATE SET ${pos} = S.${pos}`,
        `WHEN NOT MATCHED THEN INSERT (${cols.map((c) => ident(c.name)).join(', ')})`,
        `  VALUES (${cols.map((c) => `S.${ident(c.name)}`).join(', ')})`,
        'ELSE IGNORE',
      ].join('\n'),
      params: params(part),
    });
  return out;
}

/** Groups items by the (sorted) key columns they set, so each statement has one column list. */
function byKeyColumns<T extends { keys: Record<string, bigint | null> }>(items: T[]): Array<[string[], T[]]> {
  const groups = new Map<string, [string[], T[]]>();
  for (const item of items) {
    const cols = Object.keys(item.keys).sort();
    if (cols.length === 0) continue;
    const id = JSON.stringify(cols);
    const g = groups.get(id) ?? [cols, []];
    g[1].push(item);
    groups.set(id, g);
  }
  return [...groups.values()];
}

/** Null-safe "differs" of two key columns, written with IS NULL tests (a form every Db2 level accepts). */
function differs(a: string, b: string): string {
  return `(${a} <> ${b} OR (${a} IS NULL AND ${b} IS NOT NULL) OR (${a} IS NOT NULL AND ${b} IS NULL))`;
}

/** `WHEN MATCHED AND <some key differs> THEN UPDATE SET <keys>`: facts already right are not rewritten. */
function keyUpdate(keyCols: string[]): string[] {
  const changed = keyCols.map((k) => differs(`T.${ident(k)}`, `S.${ident(k)}`)).join(' OR ');
  return [
    `WHEN MATCHED AND (${changed})`,
    `  THEN UPDATE SET ${keyCols.map((k) => `${ident(k)} = S.${ident(k)}`).join(', ')}`,
  ];
}

/**
 * Re-points facts by natural key and validity range (`dim`: the directly linked SCD2 dimension; the fact's
 * column of its natural key is named like it): one MERGE per chunk whose ON joins each fact to the range
 * holding its event time; facts whose keys are already right are left alone. A fact may match one range per
 * statement (SQLSTATE 21506 otherwise), so overlapping ranges of one natural key are rejected here.
 * Parameters per range: natural key, valid_from, valid_to, then the keys in sorted column order.
 */
export function repointByVersionSql(
  schema: string,
  fact: FactDef,
  dim: DimensionDef,
  ranges: VersionRepoint[],
): Statement[] {
  const naturalKeyColumn = dim.naturalKey.name;
  const nkParam = (v: SqlValue) => toParam(v, dim.naturalKey.type, naturalKeyColumn);
  const kept = lastBy(ranges, (r) =>
    identity([nkParam(r.naturalKey), r.validFrom.toString(), r.validTo.toString()]),
  );
  const byKey = new Map<string, VersionRepoint[]>();
  for (const r of kept) {
    if (r.validFrom >= r.validTo)
      throw new RangeError(`re-point range [${r.validFrom}, ${r.validTo}) is empty`);
    const id = identity([nkParam(r.naturalKey)]);
    byKey.set(id, [...(byKey.get(id) ?? []), r]);
  }
  for (const list of byKey.values()) {
    const sorted = [...list].sort((a, b) =>
      a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0,
    );
    for (let i = 1; i < sorted.length; i++)
      if (sorted[i]!.validFrom < sorted[i - 1]!.validTo)
        throw new RangeError(
          `re-point ranges of one natural key overlap: [${sorted[i - 1]!.validFrom}, ${sorted[i - 1]!.validTo}) and [${sorted[i]!.validFrom}, ${sorted[i]!.validTo})`,
        );
  }
  const nk = ident(naturalKeyColumn);
  const et = ident(EVENT_TIME);
  const out: Statement[] = [];
  for (const [keyCols, group] of byKeyColumns(kept)) {
    const cols: SourceColumn[] = [
      { name: naturalKeyColumn, type: dim.naturalKey.type },
      { name: RANGE_FROM, type: TIMESTAMP },
      { name: RANGE_TO, type: TIMESTAMP },
      ...keyCols.map((k) => ({ name: k, type: BIGINT })),
    ];
    for (const part of chunksFor(group, cols.length))
      out.push({
        sql: [
          `MERGE INTO ${qualified(schema, fact.name)} AS T`,
          `USING ${valuesRows(cols, part.length)}`,
          `  AS S${aliasList(cols)}`,
          `ON T.${nk} = S.${nk} AND S.${ident(RANGE_FROM)} <= T.${et} AND T.${et} < S.${ident(RANGE_TO)}`,
          ...keyUpdate(keyCols),
          'ELSE IGNORE',
        ].join('\n'),
        params: part.flatMap((r) => [
          nkParam(r.naturalKey),
          db2TimestampFromMicros(r.validFrom),
          db2TimestampFromMicros(r.validTo),
          ...keyCols.map((k) => keyParam(r.keys[k] ?? null)),
        ]),
      });
  }
  return out;
}

/**
 * Re-points the facts of type-1 members of `via`: facts whose `via` key (the via dimension's surrogate-key
 * column) is the member's get its through-link keys; facts already right are left alone.
 * Parameters per member: the via key, then the keys in sorted column order.
 */
export function repointByMemberSql(
  schema: string,
  fact: FactDef,
  via: DimensionDef,
  members: MemberRepoint[],
): Statement[] {
  const viaKeyColumn = via.surrogateKey;
  const kept = lastBy(members, (m) => m.viaKey.toString());
  const out: Statement[] = [];
  for (const [keyCols, group] of byKeyColumns(kept)) {
    const cols: SourceColumn[] = [
      { name: viaKeyColumn, type: BIGINT },
      ...keyCols.map((k) => ({ name: k, type: BIGINT })),
    ];
    for (const part of chunksFor(group, cols.length))
      out.push({
        sql: [
          `MERGE INTO ${qualified(schema, fact.name)} AS T`,
          `USING ${valuesRows(cols, part.length)}`,
          `  AS S${aliasList(cols)}`,
          `ON T.${ident(viaKeyColumn)} = S.${ident(viaKeyColumn)}`,
          ...keyUpdate(keyCols),
          'ELSE IGNORE',
        ].join('\n'),
        params: part.flatMap((m) => [keyParam(m.viaKey), ...keyCols.map((k) => keyParam(m.keys[k] ?? null))]),
      });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Model creation

/** Catalog: every table, view and MQT of a schema (SYSCAT.TABLES). Parameter: schema. */
export const SCHEMA_TABLES_SQL = 'SELECT TABNAME FROM SYSCAT.TABLES WHERE TABSCHEMA = ?';

/** Catalog: every index of a schema (SYSCAT.INDEXES). Parameter: schema. */
export const SCHEMA_INDEXES_SQL = 'SELECT INDNAME FROM SYSCAT.INDEXES WHERE INDSCHEMA = ?';

/** CREATE TABLE statements of the model's tables (planWarehouse: star and bookkeeping) not in `existing`. */
export function createModelTablesSql(
  schema: string,
  model: StarModel,
  existing: ReadonlySet<string>,
): string[] {
  const missing = planWarehouse(model).filter((t) => !existing.has(t.name));
  for (const t of missing) ident(t.name); // Db2's 128-byte limit, with a clear error.
  return renderTables(missing, db2Dialect, { schema });
}

/**
 * CREATE INDEX statements of the planned indexes (renderIndexes: <table>_i<n>, in the schema) whose name is
 * not in `existing`: those of new tables, and those planned after a table was created.
 */
export function createModelIndexesSql(
  schema: string,
  model: StarModel,
  existing: ReadonlySet<string>,
): string[] {
  return planWarehouse(model).flatMap((t) =>
    renderIndexes([t], db2Dialect, { schema }).filter((_, i) => !existing.has(`${t.name}_i${i + 1}`)),
  );
}

/** Registers the model in the lock table (once; a concurrent registration may race: SQLSTATE 23505). */
export function lockRowSql(schema: string, model: StarModel): Statement {
  const cols: SourceColumn[] = [{ name: 'model', type: { type: 'text', maxLength: 128 } }];
  return {
    sql: [
      `MERGE INTO ${qualified(schema, LOCK_TABLE)} AS T`,
      `USING ${valuesRows(cols, 1)} AS S("model")`,
      'ON T."model" = S."model"',
      'WHEN NOT MATCHED THEN INSERT ("model") VALUES (S."model")',
      'ELSE IGNORE',
    ].join('\n'),
    params: [model.name],
  };
}

/**
 * Whether the model has the tables the reports read. schemas/ddl/reports.ts builds the reports of the
 * SoftCart star from the SoftCart model's names (it takes no model), so other models get no reports.
 */
export function hasReports(model: StarModel): boolean {
  return (
    model.dateDimension.name === softcartModel.dateDimension.name &&
    model.facts.some((f) => f.name === FactSales.name) &&
    model.dimensions.some((d) => d.name === DimCountry.name) &&
    model.dimensions.some((d) => d.name === DimCategory.name)
  );
}

/**
 * The report statements (schemas/ddl/reports.ts, Db2) of the report objects not in `existing`, grouped per
 * object in creation order (the MQT's group is its CREATE TABLE and its first REFRESH TABLE).
 */
export function createReportsSql(schema: string, existing: ReadonlySet<string>): string[][] {
  const statements = reportStatements('db2', schema);
  return reportObjectNames()
    .filter((name) => !existing.has(name))
    .map((name) => {
      const target = qualified(schema, name);
      return statements.filter((s) => {
        const first = s.split('\n')[0]!;
        return first.includes(`${target} `) || first.endsWith(target);
      });
    });
}

/** Brings the materialized report up to date (REFRESH TABLE ... ALLOW READ ACCESS). */
export function refreshReportsSql(schema: string): string[] {
  return refreshReportStatements('db2', schema);
}
