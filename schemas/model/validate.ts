import { UserError } from '../../core/errors/user-error.js';
import type { ColumnKind } from '../../sinks/envelope/types.js';
import {
  dateDimensionColumns,
  dimensionColumns,
  factColumns,
  isVersioned,
  type PlannedColumn,
} from './columns.js';
import type { AttrType, DimensionDef, FactDef, MeasureDef, SourceRef, StarModel } from './types.js';

/** A source column as the staging mirror knows it (decimal precision/scale when known). */
export interface SourceColumn {
  kind: ColumnKind;
  precision?: number;
  scale?: number;
}

/**
 * The source tables' columns: "namespace.table" -> column name -> kind. For a document source (MongoDB)
 * the entry lists the document's top-level fields (the staging table itself is `_id` + `document` json).
 */
export type SourceColumns =
  | Record<string, Record<string, SourceColumn>>
  | ReadonlyMap<string, ReadonlyMap<string, SourceColumn> | Record<string, SourceColumn>>;

/** PostgreSQL truncates identifiers beyond 63 bytes (NAMEDATALEN - 1); Db2 allows 128 bytes. */
export const MAX_IDENTIFIER_BYTES = { postgres: 63, db2: 128 } as const;
/** Db2's DECIMAL allows at most 31 digits (PostgreSQL 1000): the model must fit both. */
export const MAX_DECIMAL_PRECISION = 31;

const NUMERIC = new Set<AttrType['type']>(['int', 'bigint', 'decimal']);
const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Every problem of the model at once, each prefixed with the path of the element (empty when valid). */
export function validateModel(model: StarModel, sources?: SourceColumns): string[] {
  const problems: string[] = [];
  const add = (path: string, msg: string) => problems.push(`${path}: ${msg}`);
  const lookupTable = sources ? tableLookup(sources) : undefined;

  // Identifiers: non-empty, within both databases' limits.
  const checkName = (path: string, name: string, what: string) => {
    if (typeof name !== 'string' || name.length === 0) {
      add(path, `${what} is empty`);
      return;
    }
    const bytes = Buffer.byteLength(name, 'utf8');
    if (bytes > MAX_IDENTIFIER_BYTES.postgres)
      add(
        path,
        `${what} "${name}" is ${bytes} bytes: longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES.postgres}${
          bytes > MAX_IDENTIFIER_BYTES.db2 ? ` and Db2's ${MAX_IDENTIFIER_BYTES.db2}` : ''
        }`,
      );
    if (name.includes('\u0000')) add(path, `${what} contains a NUL character`);
  };

  const checkType = (path: string, t: AttrType) => {
    if (t.type === 'decimal') {
      if (!Number.isInteger(t.precision) || t.precision < 1 || t.precision > MAX_DECIMAL_PRECISION)
        add(path, `decimal precision ${t.precision} is outside 1..${MAX_DECIMAL_PRECISION} (Db2's limit)`);
      if (!Number.isInteger(t.scale) || t.scale < 0 || t.scale > t.precision)
        add(path, `decimal scale ${t.scale} is outside 0..precision (${t.precision})`);
    }
    if (t.type === 'text' && t.maxLength !== undefined && (!Number.isInteger(t.maxLength) || t.maxLength < 1))
      add(path, `text maxLength ${t.maxLength} is not a positive integer`);
  };

  const checkColumns = (path: string, cols: PlannedColumn[]) => {
    const seen = new Map<string, string>();
    for (const c of cols) {
      checkName(`${path}.columns.${c.name}`, c.name, 'column name');
      // Conformed topics carry the columns as Avro fields (streams/conform/avro-schemas.ts).
      if (typeof c.name === 'string' && c.name.length > 0 && !AVRO_NAME.test(c.name))
        add(
          `${path}.columns.${c.name}`,
          `column name "${c.name}" is not a valid Avro field name ([A-Za-z_][A-Za-z0-9_]*)`,
        );
      const folded = c.name.toLowerCase();
      const first = seen.get(folded);
      if (first !== undefined)
        add(
          path,
          `duplicate column name "${c.name}" (${c.role}${first === c.name ? '' : `; collides with "${first}" ignoring case`})`,
        );
      else seen.set(folded, c.name);
      checkType(`${path}.columns.${c.name}`, c.type);
    }
  };

  /** The source table's columns, or undefined when sources were not given (or the table is unknown). */
  const sourceOf = (path: string, src: SourceRef): Map<string, SourceColumn> | undefined => {
    if (!src?.namespace || !src.table) {
      add(path, 'source needs a namespace and a table');
      return undefined;
    }
    if (!lookupTable) return undefined;
    const cols = lookupTable(`${src.namespace}.${src.table}`);
    if (!cols) add(path, `unknown source table ${src.namespace}.${src.table}`);
    return cols;
  };

  const checkFrom = (
    path: string,
    src: SourceRef,
    cols: Map<string, SourceColumn> | undefined,
    from: string,
    type: AttrType,
  ) => {
    if (!from) {
      add(path, 'source column ("from") is empty');
      return;
    }
    if (!cols) return;
    const col = cols.get(from);
    if (!col) {
      add(
        path,
        `unknown source ${src.shape === 'document' ? 'field' : 'column'} "${from}" in ${src.namespace}.${src.table}`,
      );
      return;
    }
    const why = incompatibility(type, col);
    if (why)
      add(path, `${describe(type)} cannot come from source column "${from}" (${describeKind(col)}): ${why}`);
  };

  // Tables: unique names across dimensions, the date dimension and facts.
  const tables = new Map<string, string>();
  const claimTable = (path: string, name: string) => {
    checkName(path, name, 'table name');
    const folded = (name ?? '').toLowerCase();
    const first = tables.get(folded);
    if (first !== undefined) add(path, `duplicate table name "${name}" (already used by ${first})`);
    else tables.set(folded, path);
  };

  checkName('name', model.name, 'model name');

  const dd = model.dateDimension;
  const ddPath = `dateDimension.${dd?.name ?? '?'}`;
  if (!dd) add('dateDimension', 'the model has no date dimension');
  else {
    claimTable(ddPath, dd.name);
    checkColumns(ddPath, dateDimensionColumns(dd));
  }

  const dims = new Map<string, DimensionDef>();
  for (const dim of model.dimensions) {
    const path = `dimensions.${dim.name}`;
    claimTable(path, dim.name);
    if (!dims.has(dim.name)) dims.set(dim.name, dim);
    checkColumns(path, dimensionColumns(dim));
    if (dim.scd !== 1 && dim.scd !== 2) add(path, `scd must be 1 or 2, not ${String(dim.scd)}`);
    const cols = sourceOf(`${path}.source`, dim.source);
    checkFrom(`${path}.naturalKey`, dim.source, cols, dim.naturalKey.from, dim.naturalKey.type);
    if (dim.eventTime !== undefined)
      checkTimeColumn(`${path}.eventTime`, dim.source, cols, dim.eventTime, add);
    for (const a of dim.attributes) {
      checkFrom(`${path}.attributes.${a.name}`, dim.source, cols, a.from, a.type);
      if (a.scd !== undefined && a.scd !== 1 && a.scd !== 2)
        add(`${path}.attributes.${a.name}`, `scd must be 1 or 2, not ${String(a.scd)}`);
    }
  }

  for (const fact of model.facts) {
    const path = `facts.${fact.name}`;
    claimTable(path, fact.name);
    checkColumns(path, factColumns(fact, model));
    const cols = sourceOf(`${path}.source`, fact.source);

    if (fact.grain.length === 0)
      add(`${path}.grain`, 'the grain is empty: a fact needs at least one key column');
    for (const g of fact.grain) checkFrom(`${path}.grain.${g.name}`, fact.source, cols, g.from, g.type);

    if (!fact.eventTime) add(`${path}.eventTime`, 'no event-time column');
    else checkTimeColumn(`${path}.eventTime`, fact.source, cols, fact.eventTime, add);
    if (dd && fact.dateDimension !== dd.name)
      add(`${path}.dateDimension`, `"${fact.dateDimension}" is not the model's date dimension "${dd.name}"`);

    checkLinks(path, fact, dims, cols, add, checkFrom);
    checkMeasures(path, fact, cols, add, checkFrom);
  }
  return problems;
}

/** Throws one UserError listing every problem of the model. */
export function assertValidModel(model: StarModel, sources?: SourceColumns): void {
  const problems = validateModel(model, sources);
  if (problems.length > 0)
    throw new UserError(
      `The star model "${model.name}" has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems
        .map((p) => `  - ${p}`)
        .join('\n')}`,
      'MODEL_INVALID',
    );
}

type Add = (path: string, msg: string) => void;
type CheckFrom = (
  path: string,
  src: SourceRef,
  cols: Map<string, SourceColumn> | undefined,
  from: string,
  type: AttrType,
) => void;

function checkLinks(
  path: string,
  fact: FactDef,
  dims: Map<string, DimensionDef>,
  cols: Map<string, SourceColumn> | undefined,
  add: Add,
  checkFrom: CheckFrom,
): void {
  const linked = new Map(fact.dimensions.map((l) => [l.dimension, l]));
  for (const link of fact.dimensions) {
    const lp = `${path}.dimensions.${link.dimension}`;
    const dim = dims.get(link.dimension);
    if (!dim) {
      add(lp, `references dimension "${link.dimension}", which the model does not declare`);
      continue;
    }
    if ('column' in link) {
      // The source column must carry the natural key in a type whose key hashes the same way.
      checkFrom(lp, fact.source, cols, link.column, dim.naturalKey.type);
      continue;
    }
    const via = dims.get(link.through.dimension);
    if (!via) {
      add(lp, `goes through dimension "${link.through.dimension}", which the model does not declare`);
      continue;
    }
    const viaLink = linked.get(via.name);
    if (!viaLink)
      add(
        lp,
        `goes through "${via.name}", which this fact does not link (add a link to "${via.name}" first)`,
      );
    else if (!('column' in viaLink))
      add(lp, `goes through "${via.name}", which is itself linked through another dimension: one hop only`);
    // The runtime re-points facts when the via member changes, by the target's member key: a type-1 member.
    if (isVersioned(dim))
      add(lp, `a through-link must end at a type-1 dimension; "${dim.name}" keeps type-2 versions`);
    const attr = via.attributes.find((a) => a.name === link.through.attribute);
    const attrType =
      attr?.type ?? (via.naturalKey.name === link.through.attribute ? via.naturalKey.type : undefined);
    if (!attrType) {
      add(
        lp,
        `goes through "${via.name}.${link.through.attribute}", which is not an attribute of "${via.name}"`,
      );
      continue;
    }
    if (!sameKeyType(attrType, dim.naturalKey.type))
      add(
        lp,
        `"${via.name}.${link.through.attribute}" (${describe(attrType)}) cannot hold the natural key of "${dim.name}" (${describe(dim.naturalKey.type)})`,
      );
    // A chain of through-links must end in a direct link.
    const chain = new Set<string>([link.dimension]);
    let cur = linked.get(via.name);
    while (cur && 'through' in cur) {
      if (chain.has(cur.dimension)) {
        add(lp, `through-links form a cycle (${[...chain, cur.dimension].join(' -> ')})`);
        break;
      }
      chain.add(cur.dimension);
      cur = linked.get(cur.through.dimension);
    }
  }
}

function checkMeasures(
  path: string,
  fact: FactDef,
  cols: Map<string, SourceColumn> | undefined,
  add: Add,
  checkFrom: CheckFrom,
): void {
  const byName = new Map<string, MeasureDef>(fact.measures.map((m) => [m.name, m]));
  for (const m of fact.measures) {
    const mp = `${path}.measures.${m.name}`;
    if ('from' in m) {
      checkFrom(mp, fact.source, cols, m.from, m.type);
      continue;
    }
    if (!NUMERIC.has(m.type.type)) add(mp, `a derived measure must be numeric, not ${describe(m.type)}`);
    const operands = m.product.map((name) => ({ name, def: byName.get(name) }));
    for (const { name, def } of operands) {
      if (name === m.name) add(mp, `operand "${name}" is the measure itself`);
      else if (!def) add(mp, `operand "${name}" is not a measure of ${fact.name}`);
      else if (!NUMERIC.has(def.type.type))
        add(mp, `operand "${name}" is ${describe(def.type)}, not numeric`);
    }
    // Exactness: the product's scale is the sum of the operands' scales; the result must keep it.
    const defs = operands.map((o) => o.def).filter((d): d is MeasureDef => d !== undefined);
    if (defs.length === 2 && defs.every((d) => NUMERIC.has(d.type.type)) && NUMERIC.has(m.type.type)) {
      const need = defs.reduce((s, d) => s + scaleOf(d.type), 0);
      if (scaleOf(m.type) < need)
        add(
          mp,
          `${describe(m.type)} keeps ${scaleOf(m.type)} decimal digits, the product of its operands has ${need}`,
        );
    }
    // A product over other products must not loop back.
    const seen = new Set<string>([m.name]);
    const stack = defs.filter((d) => 'product' in d && d.name !== m.name);
    while (stack.length > 0) {
      const d = stack.pop()!;
      if (seen.has(d.name)) {
        add(mp, `derived measures form a cycle through "${d.name}"`);
        break;
      }
      seen.add(d.name);
      if ('product' in d)
        for (const n of d.product) {
          const next = byName.get(n);
          if (next && 'product' in next) stack.push(next);
        }
    }
  }
}

function checkTimeColumn(
  path: string,
  src: SourceRef,
  cols: Map<string, SourceColumn> | undefined,
  name: string,
  add: Add,
): void {
  if (!cols) return;
  const col = cols.get(name);
  if (!col) add(path, `unknown source column "${name}" in ${src.namespace}.${src.table}`);
  else if (!['date', 'timestamp', 'timestamptz'].includes(col.kind))
    add(path, `source column "${name}" is ${describeKind(col)}, not a date or timestamp`);
}

function scaleOf(t: AttrType): number {
  return t.type === 'decimal' ? t.scale : 0;
}

function sameKeyType(a: AttrType, b: AttrType): boolean {
  const intLike = (t: AttrType) => t.type === 'int' || t.type === 'bigint';
  return a.type === b.type || (intLike(a) && intLike(b));
}

const INT_BITS: Partial<Record<ColumnKind, number>> = { int16: 16, int32: 32, int64: 64 };

/** Why a source column cannot fill a warehouse column of `type`, or undefined when it can. */
export function incompatibility(type: AttrType, col: SourceColumn): string | undefined {
  const k = col.kind;
  switch (type.type) {
    case 'int':
    case 'bigint': {
      const bits = INT_BITS[k];
      if (bits === undefined) return 'not an integer column';
      if (type.type === 'int' && bits > 32) return 'a 64-bit integer does not fit int (use bigint)';
      return undefined;
    }
    case 'decimal': {
      const bits = INT_BITS[k];
      if (bits !== undefined) {
        const digits = bits === 16 ? 5 : bits === 32 ? 10 : 19;
        return type.precision - type.scale < digits
          ? `a ${bits}-bit integer needs ${digits} integer digits, decimal(${type.precision},${type.scale}) has ${type.precision - type.scale}`
          : undefined;
      }
      if (k === 'float32' || k === 'float64') return undefined; // rounded to the scale, as the course did
      if (k !== 'decimal') return 'not a numeric column';
      if (col.precision !== undefined && col.scale !== undefined) {
        if (col.scale > type.scale)
          return `the source keeps ${col.scale} decimal digits, the warehouse ${type.scale}`;
        if (col.precision - col.scale > type.precision - type.scale)
          return `the source has ${col.precision - col.scale} integer digits, the warehouse ${type.precision - type.scale}`;
      }
      return undefined;
    }
    case 'text':
      return k === 'string' ? undefined : 'not a text column';
    case 'date':
      return k === 'date' ? undefined : 'not a date column';
    case 'timestamp':
      return k === 'timestamp' || k === 'timestamptz' || k === 'date'
        ? undefined
        : 'not a date or timestamp column';
    case 'boolean':
      return k === 'boolean' ? undefined : 'not a boolean column';
  }
}

function describe(t: AttrType): string {
  switch (t.type) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'text':
      return t.maxLength === undefined ? 'text' : `text(${t.maxLength})`;
    default:
      return t.type;
  }
}

function describeKind(c: SourceColumn): string {
  return c.kind === 'decimal' && c.precision !== undefined
    ? `decimal(${c.precision},${c.scale ?? 0})`
    : c.kind;
}

function tableLookup(sources: SourceColumns): (id: string) => Map<string, SourceColumn> | undefined {
  const toMap = (v: ReadonlyMap<string, SourceColumn> | Record<string, SourceColumn>) =>
    v instanceof Map ? new Map(v) : new Map(Object.entries(v as Record<string, SourceColumn>));
  if (sources instanceof Map) return (id) => (sources.has(id) ? toMap(sources.get(id)!) : undefined);
  const rec = sources as Record<string, Record<string, SourceColumn>>;
  return (id) => (Object.hasOwn(rec, id) ? toMap(rec[id]!) : undefined);
}
