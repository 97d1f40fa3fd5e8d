import { decodeDecimal } from '../../core/codec/types.js';
import { BadRecordError, type ColumnKind, type ColumnSpec, type SqlValue } from './types.js';

/** An Avro schema node as the registry returns it (JSON), with Kafka Connect's `connect.*` attributes. */
export type AvroNode = string | AvroNode[] | { [k: string]: unknown };
interface AvroField {
  name: string;
  type: AvroNode;
  default?: unknown;
}

const BY_CONNECT_NAME: Record<string, { kind: ColumnKind; scale?: number }> = {
  'org.apache.kafka.connect.data.Decimal': { kind: 'decimal' },
  'io.debezium.data.VariableScaleDecimal': { kind: 'decimal' },
  'io.debezium.time.Date': { kind: 'date' },
  'org.apache.kafka.connect.data.Date': { kind: 'date' },
  'io.debezium.time.Timestamp': { kind: 'timestamp', scale: 3 },
  'org.apache.kafka.connect.data.Timestamp': { kind: 'timestamp', scale: 3 },
  'io.debezium.time.MicroTimestamp': { kind: 'timestamp', scale: 6 },
  'io.debezium.time.NanoTimestamp': { kind: 'timestamp', scale: 6 },
  'io.debezium.time.ZonedTimestamp': { kind: 'timestamptz' },
  'io.debezium.time.Time': { kind: 'time', scale: 3 },
  'org.apache.kafka.connect.data.Time': { kind: 'time', scale: 3 },
  'io.debezium.time.MicroTime': { kind: 'time', scale: 6 },
  'io.debezium.time.NanoTime': { kind: 'time', scale: 6 },
  'io.debezium.time.Year': { kind: 'int32' },
  'io.debezium.data.Json': { kind: 'json' },
  'io.debezium.data.Enum': { kind: 'string' },
  'io.debezium.data.EnumSet': { kind: 'string' },
  'io.debezium.data.Uuid': { kind: 'string' },
  'io.debezium.data.Xml': { kind: 'string' },
  'io.debezium.data.Bits': { kind: 'bytes' },
};

const PRIMITIVE: Record<string, ColumnKind> = {
  int: 'int32',
  long: 'int64',
  float: 'float32',
  double: 'float64',
  boolean: 'boolean',
  string: 'string',
  bytes: 'bytes',
};

function unwrapOptional(type: AvroNode): { inner: AvroNode; optional: boolean } {
  if (Array.isArray(type)) {
    const members = type.filter((t) => t !== 'null');
    if (members.length !== 1)
      throw new BadRecordError(
        'SCHEMA_UNSUPPORTED',
        `a union of ${JSON.stringify(type)} is not a column type`,
      );
    return { inner: members[0]!, optional: members.length < type.length };
  }
  return { inner: type, optional: false };
}

/** The schema parameter Debezium's column.propagate.source.type adds: the column's name as the source spells it. */
export const SOURCE_COLUMN_NAME = '__debezium.source.column.name';

/**
 * The source column a field mirrors. Avro field names are restricted to [A-Za-z0-9_], so Debezium adjusts
 * any other name (field.name.adjustment.mode: `my col` -> `my_u0020col`); the exact name travels as a schema
 * parameter (connectors/mariadb.ts turns it on). Records written without it keep their field names.
 */
export function sourceColumnName(field: AvroField): string {
  const { inner } = unwrapOptional(field.type);
  if (typeof inner === 'object' && !Array.isArray(inner)) {
    const name = (inner['connect.parameters'] as Record<string, unknown> | undefined)?.[SOURCE_COLUMN_NAME];
    if (typeof name === 'string' && name !== '') return name;
  }
  return field.name;
}

/** One Avro field of a Debezium row schema -> a column spec, named after the source column. */
export function columnFromField(field: AvroField): ColumnSpec {
  const { inner, optional } = unwrapOptional(field.type);
  let kind: ColumnKind | undefined;
  let precision: number | undefined;
  let scale: number | undefined;
  if (typeof inner === 'string') {
    kind = PRIMITIVE[inner];
  } else if (!Array.isArray(inner)) {
    const connectName = inner['connect.name'] as string | undefined;
    const mapped = connectName ? BY_CONNECT_NAME[connectName] : undefined;
    const geometry = connectName?.startsWith('io.debezium.data.geometry.');
    if (mapped) {
      kind = mapped.kind;
      scale = mapped.scale;
      if (connectName === 'org.apache.kafka.connect.data.Decimal') {
        const params = (inner['connect.parameters'] ?? {}) as Record<string, string>;
        scale = Number(params.scale ?? inner.scale ?? 0);
        const p = params['connect.decimal.precision'] ?? inner.precision;
        precision = p === undefined ? undefined : Number(p);
      }
    } else if (geometry) {
      kind = 'bytes'; // the WKB of the shape
    } else if (typeof inner.type === 'string') {
      const connectType = inner['connect.type'];
      kind = connectType === 'int16' || connectType === 'int8' ? 'int16' : PRIMITIVE[inner.type];
    }
  }
  if (!kind) {
    throw new BadRecordError(
      'SCHEMA_UNSUPPORTED',
      `column ${sourceColumnName(field)} has a type Starling cannot map: ${JSON.stringify(inner)}`,
    );
  }
  const spec: ColumnSpec = { name: sourceColumnName(field), kind, optional };
  if (precision !== undefined) spec.precision = precision;
  if (scale !== undefined) spec.scale = scale;
  const rawDefault =
    field.default !== undefined && field.default !== null
      ? field.default
      : typeof inner === 'object' && !Array.isArray(inner)
        ? inner['connect.default']
        : undefined;
  if (rawDefault !== undefined && rawDefault !== null) spec.defaultValue = defaultToSql(spec, rawDefault);
  return spec;
}

/** An Avro JSON default (bytes as a latin-1 string, longs as numbers) -> a SQL value. */
function defaultToSql(spec: ColumnSpec, raw: unknown): SqlValue {
  if (spec.kind === 'decimal' && typeof raw === 'string') {
    return spec.scale === undefined ? raw : decodeDecimal(Buffer.from(raw, 'latin1'), spec.scale);
  }
  if (spec.kind === 'bytes' && typeof raw === 'string') return Buffer.from(raw, 'latin1');
  if (spec.kind === 'string' && typeof raw === 'string') return unescapeSqlDefault(raw);
  if (typeof raw === 'number' && spec.kind === 'int64') return toSql(spec, BigInt(Math.trunc(raw)));
  return toSql(
    spec,
    typeof raw === 'number' && ['timestamp', 'time'].includes(spec.kind) ? BigInt(raw) : raw,
  );
}

const BACKSLASH_ESCAPES: Record<string, string> = {
  '0': '\0',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
  // LIKE's escapes keep their backslash outside LIKE patterns.
  '%': '\\%',
  _: '\\_',
};

/**
 * A text default as the source declared it. Debezium's MariaDB/MySQL DDL parser (3.5/3.6) strips the
 * quotes of a default literal but leaves its escapes: `DEFAULT 'd''ef'` arrives as `d''ef` and
 * `DEFAULT 'p\\q'` as `p\\q` (seen live in tests/faults/hostile-identifiers.test.ts). Rows staging already
 * holds take this default on ADD COLUMN, so the escapes are undone as MariaDB reads a string literal.
 */
export function unescapeSqlDefault(s: string): string {
  if (!s.includes("'") && !s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === "'" && s[i + 1] === "'") {
      out += "'";
      i++;
    } else if (ch === '\\' && i + 1 < s.length) {
      const next = s[++i]!;
      out += BACKSLASH_ESCAPES[next] ?? next;
    } else out += ch;
  }
  return out;
}

const pad = (n: number | bigint, w: number) => n.toString().padStart(w, '0');

/**
 * Recently formatted whole seconds, direct-mapped by the second's low bits: the rows of a batch share a
 * few seconds per column (a sale's time, its commit time), and formatting a Date was a measurable cost.
 */
const SECOND_SLOTS = 256;
const slotSecond = new Float64Array(SECOND_SLOTS).fill(Number.NaN);
const slotText: string[] = new Array(SECOND_SLOTS).fill('');
const SAFE_US = BigInt(Number.MAX_SAFE_INTEGER);

/** Microseconds since the epoch -> 'YYYY-MM-DDTHH:MM:SS.ffffff' (no zone; exact, not through a float). */
export function microsToTimestamp(us: bigint): string {
  if (us <= SAFE_US && us >= -SAFE_US) {
    // Exact integers in a double; the division may round, which the range check of frac catches.
    const n = Number(us);
    const second = Math.floor(n / 1e6);
    const frac = n - second * 1e6;
    if (frac >= 0 && frac < 1e6) {
      const slot = second & (SECOND_SLOTS - 1);
      if (slotSecond[slot] !== second) {
        slotText[slot] = new Date(second * 1000).toISOString().slice(0, 19);
        slotSecond[slot] = second;
      }
      return `${slotText[slot]}.${String(frac).padStart(6, '0')}`;
    }
  }
  const sec = us >= 0n ? us / 1_000_000n : -((-us + 999_999n) / 1_000_000n);
  const frac = us - sec * 1_000_000n;
  const iso = new Date(Number(sec) * 1000).toISOString(); // whole seconds: exact in a double
  return `${iso.slice(0, 19)}.${pad(frac, 6)}`;
}

/** Microseconds of a time of day (MySQL TIME: may be negative or past 24 h) -> an interval literal. */
export function microsToInterval(us: bigint): string {
  const neg = us < 0n;
  const a = neg ? -us : us;
  const h = a / 3_600_000_000n;
  const m = (a / 60_000_000n) % 60n;
  const s = (a / 1_000_000n) % 60n;
  return `${neg ? '-' : ''}${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(a % 1_000_000n, 6)}`;
}

function asBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  throw new BadRecordError('VALUE_INVALID', `expected an integer, got ${typeof v}`);
}

/** A decoded Avro value of a column -> the SQL parameter for it. */
export function toSql(spec: ColumnSpec, v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  switch (spec.kind) {
    case 'int16':
    case 'int32':
      return typeof v === 'bigint' ? Number(v) : (v as number);
    case 'int64':
      return asBigInt(v).toString();
    case 'float32':
    case 'float64':
      return Number.isFinite(v as number) ? (v as number) : String(v); // 'NaN', 'Infinity' as PostgreSQL spells them
    case 'boolean':
      return Boolean(v);
    case 'decimal':
      if (typeof v === 'string') return v;
      if (typeof v === 'object' && v && 'scale' in v && 'value' in v) {
        const { scale, value } = v as { scale: number; value: Buffer };
        return decodeDecimal(value, scale); // VariableScaleDecimal
      }
      throw new BadRecordError('VALUE_INVALID', `column ${spec.name}: not a decimal`);
    case 'date': {
      const days = Number(v);
      return new Date(days * 86_400_000).toISOString().slice(0, 10);
    }
    case 'timestamp': {
      const n = asBigInt(v);
      const us = spec.scale === 3 ? n * 1000n : n;
      return microsToTimestamp(us);
    }
    case 'time': {
      const n = asBigInt(v);
      return microsToInterval(spec.scale === 3 ? n * 1000n : n);
    }
    case 'bytes':
      if (Buffer.isBuffer(v)) return v;
      if (typeof v === 'object' && v && 'wkb' in v) return (v as { wkb: Buffer }).wkb;
      throw new BadRecordError('VALUE_INVALID', `column ${spec.name}: not bytes`);
    case 'timestamptz':
    case 'string':
    case 'json':
      return String(v);
  }
}

/** The fields of the row record inside a Debezium envelope schema (defined under `before`, or `after`). */
export function rowFields(envelope: { fields?: AvroField[] }): AvroField[] {
  for (const name of ['before', 'after']) {
    const f = envelope.fields?.find((x) => x.name === name);
    if (!f) continue;
    const { inner } = unwrapOptional(f.type);
    if (typeof inner === 'object' && !Array.isArray(inner) && Array.isArray(inner.fields))
      return inner.fields as AvroField[];
  }
  throw new BadRecordError('SCHEMA_UNSUPPORTED', 'the value schema is not a Debezium change-event envelope');
}
