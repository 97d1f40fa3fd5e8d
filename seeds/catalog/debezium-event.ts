/**
 * Debezium 3.6 MongoDB change events built in Node, byte for byte in the connector's text formats, for the
 * stand-in (standin.ts) and tests: no MongoDB server runs on these machines.
 *
 * Formats (debezium-connector-mongodb JsonSerialization.java, v3.6.1.Final): documents are written with
 * JsonMode.STRICT and indent on with empty indent/newline strings, which gives `{"a": 1,"b": [1,2]}`
 * (": " after a name, bare "," between members); the key id is the _id in RELAXED mode, same layout.
 */
import { Decimal128, Double, Int32, Long, ObjectId } from 'bson';
import type { MongoEnvelope, MongoKey, MongoSource } from '../../sinks/envelope/mongodb-schema.js';
import { catalogObjectId } from './object-id.js';

/** The connector version the stand-in claims (the stack's MongoDB connector plugin). */
export const DEBEZIUM_VERSION = '3.6.1.Final';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * A double as Java's Double.toString writes it (the STRICT writer's format): plain notation with at least
 * one fraction digit for 1e-3 <= |x| < 1e7 ("5.5", "100.0"), else "d.dddE<n>" ("3.0E9", "1.0E-4").
 */
export function javaDouble(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`${x} has no JSON form`);
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const abs = Math.abs(x);
  const [mantissa, e] = abs.toExponential().split('e') as [string, string]; // shortest round-trip digits
  const digits = mantissa.replace('.', '');
  const exp = Number(e);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    return `${sign}${digits.slice(0, exp + 1).padEnd(exp + 1, '0')}.${digits.slice(exp + 1) || '0'}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exp}`;
}

/**
 * A value as the Java driver's STRICT JSON writer prints the BSON it becomes. A JS number is what the Node
 * driver stores it as: an Int32 when it is an integer in range, else a Double; a bigint is an Int64.
 */
export function strictJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (typeof v === 'number')
    return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX && !Object.is(v, -0)
      ? String(v)
      : javaDouble(v);
  if (typeof v === 'bigint') return `{"$numberLong": "${v}"}`;
  if (v instanceof Date) return `{"$date": ${v.getTime()}}`;
  if (v instanceof ObjectId) return `{"$oid": "${v.toHexString()}"}`;
  if (v instanceof Long) return `{"$numberLong": "${v.toString()}"}`;
  if (v instanceof Decimal128) return `{"$numberDecimal": "${v.toString()}"}`;
  if (v instanceof Int32) return String(v.value);
  if (v instanceof Double) return javaDouble(v.value);
  if (Array.isArray(v)) return `[${v.map(strictJson).join(',')}]`;
  if (typeof v === 'object')
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${JSON.stringify(k)}: ${strictJson(x)}`)
      .join(',')}}`;
  throw new TypeError(`no BSON form for a ${typeof v}`);
}

/** A key's id: the _id in RELAXED mode (an Int64 as a bare number, an ObjectId as {"$oid": …}). */
export function relaxedId(id: ObjectId | string | number | bigint): string {
  return typeof id === 'bigint' ? id.toString() : strictJson(id);
}

/** A source block; ts_us/ts_ns derive from ts_ms as Debezium's AbstractSourceInfoStructMaker does. */
export function mongoSource(
  s: Pick<MongoSource, 'name' | 'db' | 'collection' | 'ts_ms'> & Partial<MongoSource>,
): MongoSource {
  return {
    version: DEBEZIUM_VERSION,
    connector: 'mongodb',
    snapshot: 'false',
    sequence: null,
    ts_us: s.ts_ms * 1000n,
    ts_ns: s.ts_ms * 1_000_000n,
    ord: -1,
    lsid: null,
    txnNumber: null,
    wallTime: s.ts_ms,
    ...s,
  };
}

export interface SnapshotOptions {
  topicPrefix: string;
  db?: string;
  collection?: string;
  /** When the snapshot reads the documents (ms since the epoch). */
  nowMs?: number;
}

/**
 * One snapshot read event per catalog document, as the connector's initial snapshot writes them: op 'r',
 * source.snapshot 'true' and 'last' on the final one, ord -1 (a snapshot has no cluster time), wallTime and
 * ts_ms the read time. The document gets a deterministic ObjectId _id from its product_id, first as MongoDB
 * stores it.
 */
export function catalogSnapshotEvents(
  docs: Array<Record<string, unknown>>,
  o: SnapshotOptions,
): Array<{ key: MongoKey; value: MongoEnvelope }> {
  const db = o.db ?? 'catalog';
  const collection = o.collection ?? 'electronics';
  const ts = BigInt(o.nowMs ?? Date.now());
  return docs.map((doc, i) => {
    const productId = doc.product_id;
    if (typeof productId !== 'number') throw new TypeError(`catalog document ${i} has no numeric product_id`);
    const { _id: _ignored, ...fields } = doc;
    const _id = catalogObjectId(productId);
    return {
      key: { id: relaxedId(_id) },
      value: {
        before: null,
        after: strictJson({ _id, ...fields }),
        updateDescription: null,
        source: mongoSource({
          name: o.topicPrefix,
          db,
          collection,
          ts_ms: ts,
          snapshot: i === docs.length - 1 ? 'last' : 'true',
        }),
        op: 'r',
        ts_ms: ts,
        transaction: null,
      },
    };
  });
}
