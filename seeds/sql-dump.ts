import { ParseProblems, toInt } from './parse-errors.js';
import type { DumpRow } from './rows.js';

const INSERT = /INSERT INTO\s+`?sales_data`?\s*\(([^)]*)\)\s*VALUES\s*([\s\S]*?);\s*$/gim;
const TUPLE = /\(([^()]*)\)/g;
const EXPECTED = ['rowid', 'product_id', 'customer_id', 'quantity'];

/**
 * The rows of the ETL module's sales.sql (a phpMyAdmin dump): every `INSERT INTO sales_data (rowid,
 * product_id, customer_id, quantity) VALUES (...), (...);` statement. The dump's values are plain integers, so
 * a tuple regex suffices; anything else is reported rather than guessed.
 */
export function parseSalesDump(text: string, file = 'sales.sql'): DumpRow[] {
  const problems = new ParseProblems(file);
  const rows: DumpRow[] = [];
  // Line numbers by binary search over the newline offsets (counting from the start per tuple is quadratic).
  const newlines: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) newlines.push(i);
  const lineOf = (index: number) => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid]! < index) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  for (const stmt of text.matchAll(INSERT)) {
    const columns = (stmt[1] ?? '').split(',').map((c) => c.trim().replaceAll('`', ''));
    const line = lineOf(stmt.index ?? 0);
    if (columns.join(',') !== EXPECTED.join(',')) {
      problems.add(line, `INSERT columns are (${columns.join(', ')}), expected (${EXPECTED.join(', ')})`);
      continue;
    }
    const valuesStart = (stmt.index ?? 0) + stmt[0].indexOf(stmt[2] ?? '');
    for (const tuple of (stmt[2] ?? '').matchAll(TUPLE)) {
      const at = lineOf(valuesStart + (tuple.index ?? 0));
      const f = (tuple[1] ?? '').split(',');
      if (f.length !== 4) {
        problems.add(at, `expected 4 values, found ${f.length}`);
        continue;
      }
      rows.push({
        rowid: toInt(f[0]!, 'rowid', at, problems),
        productId: toInt(f[1]!, 'product_id', at, problems),
        customerId: toInt(f[2]!, 'customer_id', at, problems),
        quantity: toInt(f[3]!, 'quantity', at, problems),
      });
    }
  }
  if (rows.length === 0) problems.add(1, 'no INSERT INTO sales_data statements found');
  problems.throwIfAny();
  return rows;
}
