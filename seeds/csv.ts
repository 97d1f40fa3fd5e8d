import { ParseProblems, toDatetime, toDecimal, toInt } from './parse-errors.js';
import type { EtlRow, OltpRow } from './rows.js';

/**
 * The non-blank lines of a course CSV file split into fields, with their 1-based line numbers. The course
 * files hold no quoted fields, so a split on commas is exact; a BOM and CRLFs are tolerated.
 */
export function csvRecords(text: string): { line: number; fields: string[] }[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return body
    .split(/\r?\n/)
    .map((l, i) => ({ line: i + 1, raw: l }))
    .filter((l) => l.raw.trim() !== '')
    .map((l) => ({ line: l.line, fields: l.raw.split(',') }));
}

/** oltpdata.csv: no header; product_id, customer_id, price, quantity, timestamp. */
export function parseOltpCsv(text: string, file = 'oltpdata.csv'): OltpRow[] {
  const problems = new ParseProblems(file);
  const rows = csvRecords(text).map(({ line, fields }) => {
    if (fields.length !== 5) problems.add(line, `expected 5 fields, found ${fields.length}`);
    const [p = '', c = '', price = '', q = '', ts = ''] = fields;
    return {
      productId: toInt(p, 'product_id', line, problems),
      customerId: toInt(c, 'customer_id', line, problems),
      price: toDecimal(price, 'price', line, problems),
      quantity: toInt(q, 'quantity', line, problems),
      timestamp: toDatetime(ts, 'timestamp', line, problems),
    };
  });
  problems.throwIfAny();
  return rows;
}

/**
 * sales.csv (ETL module): header `rowid, product_id, customer_id, price, quantity,timestamp` with spaces
 * after some commas, and timestamps with a leading space; fields are trimmed.
 */
export function parseEtlCsv(text: string, file = 'sales.csv'): EtlRow[] {
  const problems = new ParseProblems(file);
  const all = csvRecords(text);
  const header = all[0]?.fields.map((f) => f.trim()).join(',');
  if (header !== 'rowid,product_id,customer_id,price,quantity,timestamp')
    problems.add(all[0]?.line ?? 1, `unexpected header "${header ?? ''}"`);
  const rows = all.slice(1).map(({ line, fields }) => {
    if (fields.length !== 6) problems.add(line, `expected 6 fields, found ${fields.length}`);
    const [r = '', p = '', c = '', price = '', q = '', ts = ''] = fields;
    return {
      rowid: toInt(r, 'rowid', line, problems),
      productId: toInt(p, 'product_id', line, problems),
      customerId: toInt(c, 'customer_id', line, problems),
      price: toDecimal(price, 'price', line, problems),
      quantity: toInt(q, 'quantity', line, problems),
      timestamp: toDatetime(ts, 'timestamp', line, problems),
    };
  });
  problems.throwIfAny();
  return rows;
}

/** DimCountry.csv: header `countryid,country` after a UTF-8 BOM; returns the names ordered by countryid. */
export function parseCountryCsv(text: string, file = 'DimCountry.csv'): string[] {
  const problems = new ParseProblems(file);
  const all = csvRecords(text);
  const header = all[0]?.fields.map((f) => f.trim()).join(',');
  if (header !== 'countryid,country') problems.add(all[0]?.line ?? 1, `unexpected header "${header ?? ''}"`);
  const rows = all.slice(1).map(({ line, fields }) => {
    if (fields.length !== 2) problems.add(line, `expected 2 fields, found ${fields.length}`);
    return { id: toInt(fields[0] ?? '', 'countryid', line, problems), name: (fields[1] ?? '').trim() };
  });
  problems.throwIfAny();
  return rows.sort((a, b) => a.id - b.id).map((r) => r.name);
}

/** The ISO date of day/month/year, or undefined when they name no calendar day (30 February). */
export function isoDate(year: number, month: number, day: number): string | undefined {
  if (year < 1 || year > 9999) return undefined;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day)
    return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The records of a course CSV file after its header line, which must equal `header` (fields trimmed); a
 * different header is reported to `problems` (the rows are still parsed, so every problem shows at once).
 */
export function csvRecordsAfterHeader(
  text: string,
  header: string,
  problems: ParseProblems,
): { line: number; fields: string[] }[] {
  const all = csvRecords(text);
  const found = all[0]?.fields.map((f) => f.trim()).join(',');
  if (found !== header)
    problems.add(all[0]?.line ?? 1, `unexpected header "${found ?? ''}", expected "${header}"`);
  return all.slice(1);
}
