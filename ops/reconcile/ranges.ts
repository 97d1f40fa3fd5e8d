import type { KeyRange, KeyTuple } from './types.js';

/** The whole key space. */
export const WHOLE: KeyRange = { lo: null, hi: null };

/**
 * Splits a range at ordered boundaries: [lo, b1), [b1, b2), ..., [bn, hi). Boundaries outside the range or
 * out of order are the caller's bug.
 */
export function splitAt(range: KeyRange, boundaries: KeyTuple[]): KeyRange[] {
  if (boundaries.length === 0) return [range];
  const out: KeyRange[] = [];
  let lo = range.lo;
  for (const b of boundaries) {
    out.push({ lo, hi: b });
    lo = b;
  }
  out.push({ lo, hi: range.hi });
  return out;
}

/**
 * Interior boundaries splitting the integer interval [lo, hi) into at most `parts` slices of equal width
 * (none when it holds fewer than two values).
 */
export function integerBoundaries(lo: bigint, hi: bigint, parts: number): bigint[] {
  const span = hi - lo;
  if (span < 2n || parts < 2) return [];
  const n = BigInt(parts) > span ? span : BigInt(parts);
  const step = (span + n - 1n) / n;
  const out: bigint[] = [];
  for (let b = lo + step; b < hi; b += step) out.push(b);
  return out;
}

/**
 * Splits a range by the first key column, an integer, into equal-width slices. `min` and `max` are the
 * smallest and largest first-column values over both sides (they stand for unbounded ends). Returns
 * undefined when the range is not a first-column range (its bounds are longer than one column) or holds a
 * single first-column value; the caller then samples boundaries instead.
 */
export function splitIntegerRange(
  range: KeyRange,
  parts: number,
  min: bigint,
  max: bigint,
): KeyRange[] | undefined {
  if ((range.lo && range.lo.length !== 1) || (range.hi && range.hi.length !== 1)) return undefined;
  const lo = range.lo ? BigInt(range.lo[0]!) : min;
  const hi = range.hi ? BigInt(range.hi[0]!) : max + 1n;
  const inner = integerBoundaries(lo, hi, parts);
  if (inner.length === 0) return undefined;
  return splitAt(
    range,
    inner.map((b) => [b.toString()]),
  );
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+\.\d+$/;

/**
 * Orders key tuples for the report: integers exactly, decimals numerically, anything else by code point
 * (UTF-8 byte order, the order the range queries use for text).
 */
export function compareKeys(a: KeyTuple, b: KeyTuple): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (INTEGER.test(x) && INTEGER.test(y)) return BigInt(x) < BigInt(y) ? -1 : 1;
    if (DECIMAL.test(x) && DECIMAL.test(y) && Number(x) !== Number(y)) return Number(x) < Number(y) ? -1 : 1;
    const c = Buffer.compare(Buffer.from(x), Buffer.from(y));
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
