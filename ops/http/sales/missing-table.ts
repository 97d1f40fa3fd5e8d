import { SALES_HISTORY, SEARCH_TERMS } from '../../../seeds/course-tables.js';

/*
 * The dashboard's parts read tables that other commands create: the star (`starling run`'s warehouse sink),
 * `sales_history` and `search_terms` (`starling seed …`). A part whose table is not there answers 503 with
 * the command that creates it, instead of a bare 500.
 */
/** The tables a part of the page reads, by what creates them. */
export type NeededTable = 'star' | 'sales-history' | 'search-terms';

/** Whether a warehouse error is PostgreSQL's "relation does not exist" (SQLSTATE 42P01). */
export function isMissingTable(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '42P01';
}

/** What the page says when the table is missing from the warehouse schema: what creates it. */
export function missingTableMessage(t: NeededTable, schema: string): string {
  if (t === 'sales-history')
    return `the warehouse schema "${schema}" has no ${SALES_HISTORY.table} table: load it with \`starling seed sales-history\``;
  if (t === 'search-terms')
    return `the warehouse schema "${schema}" has no ${SEARCH_TERMS.table} table: load it with \`starling seed search-terms\``;
  return `the warehouse schema "${schema}" has no star yet: \`starling run\` (the warehouse stage) creates and fills it`;
}

/** The 503 answer of a part whose table is missing; any other error is thrown on (a 500, logged). */
export function answerMissingTable(
  e: unknown,
  t: NeededTable,
  schema: string,
): { status: 503; body: { error: string } } {
  if (!isMissingTable(e)) throw e;
  return { status: 503, body: { error: missingTableMessage(t, schema) } };
}
