/**
 * Event times at microsecond precision, as BigInt microseconds since the epoch (UTC). JavaScript Dates hold
 * milliseconds only, and MariaDB DATETIME(6) / Debezium MicroTimestamp carry microseconds, so version
 * boundaries and surrogate keys are computed from this exact form, never from a float.
 */

export type EventTime = Date | string | bigint;

const TS =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Microseconds since the epoch of: a Date; a bigint (already microseconds); or an ISO-like string
 * ('2020-09-05', '2020-09-05 16:20:03', '2020-09-05T16:20:03.123456Z', '...+02:00'). A string without a
 * zone is UTC wall time (the sources run in UTC). Digits beyond microseconds are truncated.
 */
export function toEpochMicros(t: EventTime): bigint {
  if (typeof t === 'bigint') return t;
  if (t instanceof Date) {
    const ms = t.getTime();
    if (Number.isNaN(ms)) throw new RangeError('invalid Date');
    return BigInt(ms) * 1000n;
  }
  const m = TS.exec(t.trim());
  if (!m) throw new RangeError(`not a timestamp: ${JSON.stringify(t)}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const check = new Date(Date.UTC(2000, 0, 1, Number(h), Number(mi), Number(s)));
  check.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  const ms = check.getTime();
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  )
    throw new RangeError(`not a valid timestamp: ${JSON.stringify(t)}`);
  let micros = BigInt(ms) * 1000n + BigInt(frac.padEnd(6, '0').slice(0, 6));
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1n : 1n;
    const digits = zone.slice(1).replace(':', '');
    const offMin = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
    micros -= sign * offMin * 60_000_000n;
  }
  return micros;
}

/** 'yyyy-mm-ddThh:mm:ss.ffffffZ' (always six fractional digits): the canonical text of an event time. */
export function isoMicros(t: EventTime): string {
  const micros = toEpochMicros(t);
  const ms = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  const sub = micros - ms * 1000n;
  const iso = new Date(Number(ms)).toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ
  return `${iso.slice(0, 23)}${String(sub).padStart(3, '0')}Z`;
}
