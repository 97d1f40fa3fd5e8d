import type { AttrType } from '../../schemas/model/types.js';
import { BadRecordError, type SqlValue } from '../../sinks/envelope/types.js';
import { toEpochMicros } from '../time.js';

/**
 * Source values -> the warehouse column's value form (the staging sink's SQL parameter form): int as a
 * number, bigint and decimals as exact strings, text as a string, dates 'yyyy-mm-dd', timestamps
 * 'yyyy-mm-ddThh:mm:ss.ffffff' (UTC), booleans. A value that cannot be converted exactly is a bad record
 * (dead-lettered), never rounded silently — except a float into a decimal, rounded half away from zero to
 * the column's scale, as the course did with the catalog's numbers.
 */
export function toWarehouseValue(v: unknown, type: AttrType, what: string): SqlValue {
  if (v === null || v === undefined) return null;
  const bad = (why: string) =>
    new BadRecordError('VALUE_INVALID', `${what}: ${why} (${JSON.stringify(String(v)).slice(0, 80)})`);
  switch (type.type) {
    case 'int':
    case 'bigint': {
      const n =
        typeof v === 'bigint' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? BigInt(v) : undefined;
      const fromNumber = typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : undefined;
      const i = n ?? fromNumber;
      if (i === undefined) throw bad('not an integer');
      if (type.type === 'int') {
        if (i < -2147483648n || i > 2147483647n) throw bad('out of the int range');
        return Number(i);
      }
      if (i < -(2n ** 63n) || i >= 2n ** 63n) throw bad('out of the bigint range');
      return i.toString();
    }
    case 'decimal': {
      const d = typeof v === 'number' ? fromFloat(v, type.scale) : parseDecimal(String(v));
      if (!d) throw bad('not a decimal number');
      const scaled = rescale(d, type.scale);
      if (scaled === undefined) throw bad(`has more than ${type.scale} decimal digits`);
      const text = formatDecimal(scaled, type.scale);
      if (
        text
          .replace(/^-/, '')
          .replace('.', '')
          .replace(/^0+(?=\d)/, '').length > type.precision
      )
        throw bad(`does not fit decimal(${type.precision},${type.scale})`);
      return text;
    }
    case 'text': {
      if (typeof v !== 'string') throw bad('not text');
      if (type.maxLength !== undefined && [...v].length > type.maxLength)
        throw bad(`longer than ${type.maxLength} characters`);
      return v;
    }
    case 'date': {
      const s = String(v);
      if (!/^\d{4}-\d{2}-\d{2}/.test(s)) throw bad('not a date');
      return s.slice(0, 10);
    }
    case 'timestamp':
      try {
        return isoText(toEpochMicros(typeof v === 'bigint' ? v : String(v)));
      } catch {
        throw bad('not a timestamp');
      }
    case 'boolean':
      if (typeof v !== 'boolean') throw bad('not a boolean');
      return v;
  }
}

/** µs since the epoch of a source time value (timestamp text, date text or µs). */
export function eventMicros(v: unknown, what: string): bigint {
  if (v === null || v === undefined)
    throw new BadRecordError('EVENT_TIME_MISSING', `${what} is null: the event time is required`);
  try {
    return toEpochMicros(typeof v === 'bigint' ? v : String(v));
  } catch {
    throw new BadRecordError('EVENT_TIME_INVALID', `${what} is not a timestamp: ${String(v).slice(0, 40)}`);
  }
}

/** 'yyyy-mm-ddThh:mm:ss.ffffff' of µs since the epoch. */
export function isoText(us: bigint): string {
  const sec = us >= 0n ? us / 1_000_000n : -((-us + 999_999n) / 1_000_000n);
  const frac = us - sec * 1_000_000n;
  const d = new Date(Number(sec) * 1000);
  const year = d.getUTCFullYear();
  const iso = d.toISOString();
  const head = year >= 0 && year <= 9999 ? iso.slice(0, 19) : iso.slice(0, iso.indexOf('.'));
  return `${head}.${frac.toString().padStart(6, '0')}`;
}

/** An exact decimal: unscaled integer and scale. */
export interface Decimal {
  unscaled: bigint;
  scale: number;
}

export function parseDecimal(text: string): Decimal | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const [, sign, int = '0', frac = ''] = m;
  const unscaled = BigInt(`${int}${frac}`) * (sign ? -1n : 1n);
  return { unscaled, scale: frac.length };
}

function fromFloat(v: number, scale: number): Decimal | undefined {
  if (!Number.isFinite(v)) return undefined;
  // toFixed rounds the binary value; the exact decimal of a float is what the source meant to the scale.
  return parseDecimal(v.toFixed(Math.min(scale, 20)));
}

/** To `scale` digits; undefined when digits would be lost (a larger source scale with non-zero digits). */
export function rescale(d: Decimal, scale: number): bigint | undefined {
  if (d.scale === scale) return d.unscaled;
  if (d.scale < scale) return d.unscaled * 10n ** BigInt(scale - d.scale);
  const div = 10n ** BigInt(d.scale - scale);
  if (d.unscaled % div !== 0n) return undefined;
  return d.unscaled / div;
}

export function formatDecimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  let digits = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return neg ? `-${digits}` : digits;
}

/** The exact product of two warehouse numeric values, in the result type (null when either is null). */
export function multiply(a: SqlValue, b: SqlValue, type: AttrType, what: string): SqlValue {
  if (a === null || b === null) return null;
  const da = parseDecimal(String(a));
  const db = parseDecimal(String(b));
  if (!da || !db) throw new BadRecordError('VALUE_INVALID', `${what}: an operand is not a number`);
  const product: Decimal = { unscaled: da.unscaled * db.unscaled, scale: da.scale + db.scale };
  return toWarehouseValue(formatDecimal(product.unscaled, product.scale), type, what);
}
