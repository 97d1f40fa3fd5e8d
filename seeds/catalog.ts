import { CATALOG_BASE } from './contract.js';
import { ParseProblems } from './parse-errors.js';
import type { CatalogDocument } from './rows.js';

/**
 * catalog.json is newline-delimited JSON, one document per line; the contract gives line i (0-based, blank
 * lines skipped) product_id 5600 + i. Documents keep their course fields as they are ("screen size" with its
 * space included).
 */
export function parseCatalog(text: string, file = 'catalog.json'): CatalogDocument[] {
  const problems = new ParseProblems(file);
  const docs: CatalogDocument[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    let doc: unknown;
    try {
      doc = JSON.parse(raw);
    } catch (e) {
      problems.add(i + 1, `not JSON (${(e as Error).message})`);
      return;
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      problems.add(i + 1, 'not a JSON object');
      return;
    }
    const d = doc as Record<string, unknown>;
    if (typeof d.type !== 'string' || typeof d.model !== 'string')
      problems.add(i + 1, 'a document needs string fields "type" and "model"');
    docs.push({ ...d, product_id: CATALOG_BASE + docs.length } as CatalogDocument);
  });
  problems.throwIfAny();
  return docs;
}
