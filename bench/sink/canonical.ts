import { createHash } from 'node:crypto';
import type { Row } from './generator.js';
import type { Digest } from './target.js';

/** µs since the epoch -> 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC, as Debezium's timestamps are). */
export function dateTime(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString(); // 2024-05-06T07:08:09.123Z
  const micros = String(Math.round(us - ms * 1000)).padStart(3, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${micros}`;
}

/** A row as target.ts's digest renders it in PostgreSQL. */
function canonicalLine(r: Row): string {
  return [
    r.rowid,
    r.product_id,
    r.customer_id,
    r.price ?? '\\N',
    r.quantity,
    dateTime(r.timestamp * 1000),
    r.commit_ts === null ? '\\N' : dateTime(r.commit_ts),
  ].join('|');
}

/** The digest the generator's final state must have in every target (rows ordered by rowid). */
export function expectedDigest(rows: Iterable<Row>): Pick<Digest, 'rows' | 'md5'> {
  const h = createHash('md5');
  let n = 0;
  for (const r of rows) {
    h.update(n === 0 ? canonicalLine(r) : `\n${canonicalLine(r)}`);
    n++;
  }
  return { rows: n, md5: h.digest('hex') };
}
