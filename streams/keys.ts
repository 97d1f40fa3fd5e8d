import { createHash } from 'node:crypto';
import { dateKey as dateKeyOf } from './date-dimension.js';
import { type EventTime, isoMicros } from './time.js';

/**
 * Stable surrogate keys: pure functions of what the events carry, so a replay, a second processor instance
 * or a rebuild computes the same keys with no shared state (docs/hard-parts.md, "Surrogate keys").
 *
 * key = the first 8 bytes of sha256(encoding), big-endian, with the top bit cleared: a positive 63-bit
 * BigInt that fits BIGINT in PostgreSQL and Db2. Zero (probability 2^-63) is mapped to 1 so a key is never 0.
 * The encoding is unambiguous: a version tag, then each element length-prefixed with a type tag:
 *   SCD1 member:  "starling.sk.v1" | "m" | dimension | natural key part...
 *   SCD2 version: "starling.sk.v1" | "v" | dimension | natural key part... | version start (isoMicros)
 * Parts: strings ('s'), integers ('i', canonical decimal, so 5600 and 5600n are the same key while "5600"
 * is not), other finite numbers ('f', shortest round-trip text), booleans ('b'), null ('z').
 */

export type KeyPart = string | number | bigint | boolean | null;

const VERSION = 'starling.sk.v1';
const MASK_63 = (1n << 63n) - 1n;

function encodePart(p: KeyPart): string {
  let tag: string;
  let text: string;
  if (p === null) {
    tag = 'z';
    text = '';
  } else if (typeof p === 'string') {
    tag = 's';
    text = p;
  } else if (typeof p === 'bigint') {
    tag = 'i';
    text = p.toString(10);
  } else if (typeof p === 'number') {
    if (!Number.isFinite(p)) throw new RangeError(`a natural key part must be finite, got ${p}`);
    if (Number.isInteger(p)) {
      if (!Number.isSafeInteger(p))
        throw new RangeError(`natural key part ${p} is beyond 2^53: pass it as a bigint or a string`);
      tag = 'i';
      text = BigInt(p).toString(10);
    } else {
      tag = 'f';
      text = String(p);
    }
  } else {
    tag = 'b';
    text = p ? '1' : '0';
  }
  // Length in UTF-8 bytes, so any text (including separators) is unambiguous.
  return `${tag}${Buffer.byteLength(text, 'utf8')}:${text}`;
}

/** The unambiguous encoding hashed for a key (exported for tests and debugging). */
export function encodeKeyInput(
  kind: 'm' | 'v',
  dimension: string,
  naturalKey: KeyPart | readonly KeyPart[],
  versionStart?: string,
): string {
  const parts = Array.isArray(naturalKey) ? (naturalKey as readonly KeyPart[]) : [naturalKey as KeyPart];
  if (parts.length === 0) throw new RangeError('a natural key needs at least one part');
  const elements = [
    encodePart(VERSION),
    kind,
    encodePart(dimension),
    `n${parts.length}`,
    ...parts.map(encodePart),
  ];
  if (versionStart !== undefined) elements.push(encodePart(versionStart));
  return elements.join('|');
}

function hash63(input: string): bigint {
  const digest = createHash('sha256').update(input, 'utf8').digest();
  const key = digest.readBigUInt64BE(0) & MASK_63;
  return key === 0n ? 1n : key;
}

/** The surrogate key of an SCD type 1 member (or of the natural key's identity, whatever its versions). */
export function memberKey(dimension: string, naturalKey: KeyPart | readonly KeyPart[]): bigint {
  return hash63(encodeKeyInput('m', dimension, naturalKey));
}

/** The surrogate key of one SCD type 2 version, identified by the start of its validity. */
export function versionKey(
  dimension: string,
  naturalKey: KeyPart | readonly KeyPart[],
  versionStart: EventTime,
): bigint {
  return hash63(encodeKeyInput('v', dimension, naturalKey, isoMicros(versionStart)));
}

/** The date dimension's key: yyyymmdd of the UTC day. */
export function dateKey(t: Date | number | string): number {
  return dateKeyOf(t);
}
