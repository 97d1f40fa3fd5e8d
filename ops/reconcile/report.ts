import type { DeadLetterReport } from './dead-letters.js';
import type { Difference, KeyTuple, ReconcileReport, TableResult } from './types.js';

/** Differences shown per table in the readable report (--json has all that were named). */
export const SHOWN_DIFFERENCES = 20;

/** A value as the report shows it: NULL, plain tokens as they are, anything else quoted and cut short. */
export function showValue(v: string | null): string {
  if (v === null) return 'NULL';
  if (/^[\w.:+-]+$/.test(v)) return v;
  const q = JSON.stringify(v);
  return q.length > 60 ? `${q.slice(0, 57)}..."` : q;
}

export function showKey(columns: string[], key: KeyTuple): string {
  return key.map((v, i) => `${columns[i] ?? `key${i + 1}`}=${showValue(v)}`).join(', ');
}

export function showDifference(t: TableResult, d: Difference): string {
  const key = showKey(t.keyColumns, d.key);
  switch (d.kind) {
    case 'missing':
      return `${key}: missing in ${t.targetLabel}`;
    case 'extra':
      return `${key}: extra in ${t.targetLabel}`;
    case 'differs':
      return `${key}: differs in ${t.targetLabel}: ${(d.columns ?? [])
        .map((c) => `${c.column} source ${showValue(c.source)}, ${t.targetLabel} ${showValue(c.target)}`)
        .join('; ')}`;
  }
}

const rows = (n: number, what = 'row') => `${n} ${what}${n === 1 ? '' : 's'}`;

/** The readable report: per comparison OK, or its counts and first differences; then a summary line. */
export function formatReport(report: ReconcileReport, shown = SHOWN_DIFFERENCES): string[] {
  const out: string[] = [];
  for (const t of report.tables) {
    const what = t.kind === 'fact' ? 'fact' : 'row';
    const title = `${t.source} -> ${t.targetLabel} ${t.target}`;
    if (t.status === 'not-checked') {
      out.push(`NOT CHECKED  ${title}: ${t.reason ?? 'see notes'}`);
      continue;
    }
    if (t.status === 'ok') {
      out.push(`OK           ${title}: ${t.counts ? rows(t.counts.source, what) : ''}`.trimEnd());
      for (const n of t.notes) out.push(`  note: ${n}`);
      continue;
    }
    const counts = t.counts
      ? `: source ${rows(t.counts.source)}, ${t.targetLabel} ${rows(t.counts.target, what)}`
      : '';
    out.push(`DIFFERS      ${title}${counts}`);
    for (const p of t.problems) out.push(`  problem: ${p}`);
    if (t.differences.length > 0 || !t.complete) {
      const n = t.differences.length;
      out.push(
        `  ${n}${t.complete ? '' : '+'} difference${n === 1 ? '' : 's'} by key (${t.segments.checked} segments checked, ${t.segments.fetched} fetched)${t.complete ? '' : ', search stopped at the limit'}${n > shown ? `, first ${shown}` : ''}:`,
      );
      for (const d of t.differences.slice(0, shown)) out.push(`    ${showDifference(t, d)}`);
    }
    const unequal = (t.aggregates ?? []).filter((a) => !a.equal);
    if (unequal.length > 0)
      out.push(
        `  aggregates differ: ${unequal
          .map((a) => `${a.name} source ${showValue(a.source)}, ${t.targetLabel} ${showValue(a.target)}`)
          .join('; ')}`,
      );
    for (const d of t.dimensions ?? [])
      out.push(
        `  ${d.dimension}: ${rows(d.count, 'fact')} ${d.count === 1 ? 'breaks' : 'break'} the rule "${d.rule}" (${d.examples
          .map((k) => showKey(t.keyColumns, k))
          .join('; ')}${d.count > d.examples.length ? '; ...' : ''})`,
      );
    for (const n of t.notes) out.push(`  note: ${n}`);
  }
  if (report.deadLetters) out.push(...formatDeadLetters(report.deadLetters, shown));
  const differ = report.tables.filter((t) => t.status === 'differs').length;
  const skipped = report.tables.filter((t) => t.status === 'not-checked').length;
  const checked = report.tables.length - skipped;
  const tail = skipped > 0 ? ` (${skipped} not checked)` : '';
  if (report.tables.length === 0) out.push('Nothing to reconcile: no tables with a primary key were found.');
  else if (differ === 0)
    out.push(`Clean: ${checked} comparison${checked === 1 ? '' : 's'}, no differences${tail}.`);
  else out.push(`Differences in ${differ} of ${checked} comparison${checked === 1 ? '' : 's'}${tail}.`);
  return out;
}

/** Keys shown per table in the readable report's dead-letter section (--json has up to KEYS_LISTED). */
export const SHOWN_KEYS = 10;

/**
 * The dead-letter section: per table the keys with dead letters (count, codes, newest time, groups, and
 * whether the source has the key now), then the facts referring to dead-lettered dimension members.
 */
export function formatDeadLetters(d: DeadLetterReport, shownKeys = SHOWN_KEYS): string[] {
  if (d.error !== undefined) return [`DEAD LETTERS not read: ${d.error}`];
  if (d.letters === 0)
    return [`Dead letters: none${d.groups.length > 0 ? ` (read dlq.${d.groups.join(', dlq.')})` : ''}.`];
  const out = [
    `Dead letters (information, not differences): ${rows(d.letters, 'letter')} in dlq.${d.groups.join(', dlq.')}${d.repeated > 0 ? ` (and ${d.repeated} repeated: records dead-lettered again after a restart or rebalance)` : ''}`,
  ];
  for (const t of d.tables) {
    const absent = t.keys.filter((k) => k.inSource === false).length;
    const note = absent > 0 ? `, ${absent} of them not in the source now (injected or deleted since)` : '';
    out.push(`  ${t.table}: ${rows(t.letters, 'letter')}, ${rows(t.keyCount, 'key')}${note}`);
    for (const k of t.keys.slice(0, shownKeys)) {
      const where = k.inSource === false ? ', not in the source' : '';
      const replayed = k.replayed > 0 ? `, ${k.replayed} replayed` : '';
      out.push(
        `    ${k.key}: ${k.count} (${k.codes.join(', ')}; newest ${new Date(k.newestMs).toISOString()}; ${k.groups.join(', ')}${where}${replayed})`,
      );
    }
    if (t.keyCount > shownKeys) out.push(`    ... and ${t.keyCount - shownKeys} more keys`);
  }
  for (const a of d.affectedFacts) {
    const members = `${rows(a.memberCount, 'member')} with dead-lettered changes`;
    const examples = a.examples.map((e) => e.join(', ')).join('; ');
    out.push(
      `  ${a.dimension}: ${members}; ${rows(a.count, `${a.fact} fact`)} refer to them${a.count > 0 ? ` (${examples}${a.count > a.examples.length ? '; ...' : ''})` : ''}`,
    );
  }
  return out;
}
