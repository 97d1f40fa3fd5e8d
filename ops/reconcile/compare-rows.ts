import { compareKeys } from './ranges.js';
import type { Canon, ColumnDifference, Difference, FetchedRow } from './types.js';

/**
 * The differences between the rows of one key range as fetched from the source and from the target: a
 * key only in the source is missing in the target, a key only in the target is extra there, a key in both
 * differs when any compared column's canonical text differs (JSON: when the parsed documents differ).
 */
export function compareRows(
  columns: Array<{ name: string; canon: Canon }>,
  source: FetchedRow[],
  target: FetchedRow[],
): Difference[] {
  const id = (k: string[]) => JSON.stringify(k);
  const targets = new Map(target.map((r) => [id(r.key), r]));
  const out: Difference[] = [];
  for (const s of source) {
    const t = targets.get(id(s.key));
    if (!t) {
      out.push({ key: s.key, kind: 'missing' });
      continue;
    }
    targets.delete(id(s.key));
    const cols: ColumnDifference[] = [];
    columns.forEach((c, i) => {
      const a = s.values[i] ?? null;
      const b = t.values[i] ?? null;
      if (!sameValue(a, b, c.canon)) cols.push({ column: c.name, source: a, target: b });
    });
    if (cols.length > 0) out.push({ key: s.key, kind: 'differs', columns: cols });
  }
  for (const t of targets.values()) out.push({ key: t.key, kind: 'extra' });
  return out.sort((x, y) => compareKeys(x.key, y.key));
}

function sameValue(a: string | null, b: string | null, canon: Canon): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (canon.kind !== 'json') return false;
  return canonicalJson(a) === canonicalJson(b);
}

/** A JSON document with its object keys sorted (the text itself when it does not parse). */
export function canonicalJson(text: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return text;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}
