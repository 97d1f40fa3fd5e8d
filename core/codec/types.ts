/**
 * Avro types with the value representations Starling needs end to end:
 * - long  -> bigint (BIGINT values beyond 2^53 must not lose digits; avsc's default is a JS number)
 * - bytes with logicalType decimal -> exact decimal string ("-123.45"), never a float
 * Everything else keeps avsc's defaults (int -> number, string -> string, bytes -> Buffer).
 */
import avro from 'avsc';

export const BigIntLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (v: number | string) => BigInt(v),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/** Two's-complement big-endian unscaled value -> decimal string with `scale` digits after the point. */
export function decodeDecimal(buf: Buffer, scale: number): string {
  if (buf.length === 0) return scale > 0 ? `0.${'0'.repeat(scale)}` : '0';
  let n = 0n;
  for (const byte of buf) n = (n << 8n) | BigInt(byte);
  if (buf[0]! & 0x80) n -= 1n << BigInt(buf.length * 8);
  return formatUnscaled(n, scale);
}

export function formatUnscaled(n: bigint, scale: number): string {
  const neg = n < 0n;
  let digits = (neg ? -n : n).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return neg ? `-${digits}` : digits;
}

/** Decimal string -> two's-complement big-endian bytes at `scale` (rejects more fraction digits than the scale). */
export function encodeDecimal(value: string, scale: number): Buffer {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) throw new Error(`not a decimal: ${value}`);
  const frac = m[3] ?? '';
  if (frac.length > scale) throw new Error(`${value} has more than ${scale} fraction digits`);
  let n = BigInt(m[2]! + frac.padEnd(scale, '0'));
  if (m[1]) n = -n;
  let len = 1;
  while (n >= 1n << BigInt(len * 8 - 1) || n < -(1n << BigInt(len * 8 - 1))) len++;
  const out = Buffer.alloc(len);
  let v = n < 0n ? (1n << BigInt(len * 8)) + n : n;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export class DecimalType extends avro.types.LogicalType {
  private readonly scale: number;
  constructor(schema: avro.Schema, opts?: object) {
    super(schema, opts);
    this.scale = Number((schema as { scale?: number | string }).scale ?? 0);
  }
  override _fromValue(val: Buffer): string {
    return decodeDecimal(val, this.scale);
  }
  override _toValue(val: string): Buffer {
    return encodeDecimal(val, this.scale);
  }
  override _resolve(type: avro.Type) {
    if (avro.Type.isType(type, 'logical:decimal')) return (v: string) => v;
    return undefined;
  }
}

/**
 * Prepares a registry schema for avsc. Names do not affect the binary encoding (unions here are unwrapped), but avsc rejects names that Java's Avro
 * let through, such as a record named after a topic with '-' in it. Make them valid rather than fail a decode.
 */
const NAMED = new Set(['record', 'error', 'enum', 'fixed']);
const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const validName = (s: string) => s.replace(/[^A-Za-z0-9_.]/g, '_').replace(/(^|\.)(\d)/g, '$1_$2');
/** A type position: a primitive, a (possibly full) name referring to a named type, or a schema object. */
const typeRef = (v: unknown): unknown =>
  typeof v === 'string' ? (PRIMITIVES.has(v) ? v : validName(v)) : normalize(v);

function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(typeRef);
  if (!node || typeof node !== 'object') return node;
  // avsc applies the `long` registry entry to the bare name only; Debezium writes most longs in object
  // form ({"type":"long","connect.name":"io.debezium.time.MicroTimestamp"}). The raw schema keeps those
  // attributes for whoever maps types; the decoder only needs the bigint long.
  const t = (node as { type?: unknown; logicalType?: unknown }).type;
  if (t === 'long' && !('logicalType' in node) && !('name' in node)) return 'long';
  const named = NAMED.has(String(t));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (named && (k === 'name' || k === 'namespace') && typeof v === 'string') out[k] = validName(v);
    else if (k === 'type' || k === 'items' || k === 'values')
      out[k] = Array.isArray(v) ? v.map(typeRef) : typeRef(v);
    else if (k === 'fields' && Array.isArray(v)) out[k] = v.map(normalize);
    else out[k] = v;
  }
  return out;
}

export function parseAvroSchema(schema: string | object): avro.Type {
  const parsed = normalize(typeof schema === 'string' ? JSON.parse(schema) : schema) as avro.Schema;
  return avro.Type.forSchema(parsed, {
    registry: { long: BigIntLong },
    logicalTypes: { decimal: DecimalType },
    wrapUnions: false,
  });
}

export type AvroType = avro.Type;
