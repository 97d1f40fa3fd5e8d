/**
 * MongoDB documents as Debezium writes them, and the JSON Starling stages them as.
 *
 * Debezium serializes documents (before/after) with the Java driver's JsonMode.STRICT, which is MongoDB's
 * legacy extended JSON: Int64 {"$numberLong": "…"}, Decimal128 {"$numberDecimal": "…"}, ObjectId
 * {"$oid": "…"}, dates {"$date": <ms>}, binary {"$binary": "<base64>", "$type": "<hex>"}; a bare number is
 * an Int32 or a Double, both exact in a JS number. bson's EJSON parser in legacy mode reads exactly that,
 * with relaxed:false so every wrapper becomes its BSON type (Long, Decimal128) and never a JS number.
 * Keys (and updatedFields) are RELAXED extended JSON, parsed in the modern mode.
 */
import { type Binary, type DBRef, EJSON, type ObjectId, type Timestamp } from 'bson';
import { BadRecordError } from './types.js';

export type PlainJson = null | boolean | number | string | PlainJson[] | { [k: string]: PlainJson };

/** A document string from before/after -> its BSON values. */
export function parseMongoDocument(text: string, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = EJSON.parse(text, { relaxed: false, legacy: true });
  } catch (e) {
    throw new BadRecordError(
      'MONGO_DOCUMENT_INVALID',
      `${what} is not MongoDB extended JSON: ${(e as Error).message}`,
    );
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new BadRecordError('MONGO_DOCUMENT_INVALID', `${what} is not a document`);
  return doc as Record<string, unknown>;
}

const finite = (n: number): number | string => (Number.isFinite(n) ? n : String(n)); // NaN, Infinity: JSON has none

/**
 * A BSON value -> plain JSON that keeps every value exact: Int64 and Decimal128 as decimal strings (never
 * through a double), dates as ISO-8601 UTC strings (BSON dates are milliseconds), ObjectId as 24 hex digits,
 * UUIDs in their text form and other binary as base64; nested documents and arrays recursively.
 */
export function plainJson(v: unknown): PlainJson {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return finite(v);
    case 'bigint':
      return v.toString();
  }
  if (Array.isArray(v)) return v.map(plainJson);
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime()))
      throw new BadRecordError('MONGO_DOCUMENT_INVALID', 'a date outside the range JavaScript can represent');
    return v.toISOString();
  }
  const o = v as { _bsontype?: string; [k: string]: unknown };
  switch (o._bsontype) {
    case 'Int32':
    case 'Double':
      return finite((o as unknown as { value: number }).value);
    case 'Long':
    case 'Decimal128':
      return String(o);
    case 'ObjectId':
      return (o as unknown as ObjectId).toHexString();
    case 'Binary': {
      const b = o as unknown as Binary;
      return b.sub_type === 4 ? b.toUUID().toHexString(true) : b.toString('base64');
    }
    case 'Timestamp': {
      const t = o as unknown as Timestamp;
      return { t: t.t, i: t.i };
    }
    case 'BSONRegExp':
      return `/${o.pattern}/${o.options}`;
    case 'BSONSymbol':
      return String(o.value);
    case 'Code':
      return String(o.code);
    case 'MinKey':
      return { $minKey: 1 };
    case 'MaxKey':
      return { $maxKey: 1 };
    case 'DBRef': {
      const r = o as unknown as DBRef;
      return { $ref: r.collection, $id: plainJson(r.oid), ...(r.db ? { $db: r.db } : {}) };
    }
  }
  // fromEntries defines properties, so a field named __proto__ stays a field.
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plainJson(x)]));
}

/**
 * The `_id` column from a Debezium key's id (RELAXED extended JSON of the document's _id): an ObjectId as
 * its hex, a string as itself, a number as its text (taken verbatim, so an Int64 beyond 2^53 keeps every
 * digit), a Decimal128 as its decimal string; any other _id (a document, a date, binary) as the key text
 * Debezium wrote, which is deterministic for one _id.
 */
export function idText(raw: string): string {
  const t = raw.trim();
  if (/^-?[0-9]/.test(t)) return t;
  let v: unknown;
  try {
    v = EJSON.parse(t, { relaxed: false });
  } catch (e) {
    throw new BadRecordError(
      'KEY_INVALID',
      `the key id ${raw} is not extended JSON: ${(e as Error).message}`,
    );
  }
  if (typeof v === 'string') return v;
  const type = (v as { _bsontype?: string } | null)?._bsontype;
  if (
    type === 'ObjectId' ||
    type === 'Decimal128' ||
    type === 'Long' ||
    type === 'Int32' ||
    type === 'Double'
  )
    return String(plainJson(v));
  return t;
}
