import type { SalesSource } from '../../analytics/yearly-sales.js';

/*
 * The `source` parameter of `/api/sales` and `/api/sales/projection`: which warehouse data the page shows,
 * the SoftCart star the pipeline keeps (default) or the course's `sales_history` table (`starling seed
 * sales-history`). Parsed apart from the year and category, because those are checked against the years and
 * categories of the chosen source.
 */
/** The sources, in the order the page offers them. */
export const SALES_SOURCES: readonly SalesSource[] = ['star', 'history'];

/** The source, or a message saying what is accepted. */
export type ParsedSource = { ok: true; source: SalesSource } | { ok: false; error: string };

/** Reads `source` (absent or empty: star); a repeated or unknown value is refused with the accepted ones. */
export function parseSourceParam(query: URLSearchParams): ParsedSource {
  const all = query.getAll('source');
  if (all.length > 1) return { ok: false, error: 'source is given more than once' };
  const text = all[0] ?? '';
  if (text === '') return { ok: true, source: 'star' };
  if (text === 'star' || text === 'history') return { ok: true, source: text };
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return { ok: false, error: `source must be star or history, not ${JSON.stringify(shown)}` };
}
