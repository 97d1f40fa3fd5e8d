import type { Measure } from './measure.js';
import type { Verdict } from './report.js';
import type { Digest } from './target.js';

/**
 * A round's check: every table against the generator's final state (same row count, same md5 over the
 * normalized rows), and the staging sink's table against the JDBC sink's.
 */
export function verdictOf(round: number, runs: Measure[], expected: Pick<Digest, 'rows' | 'md5'>): Verdict {
  const parts: string[] = [];
  let equal = true;
  for (const m of runs) {
    const ok = m.digest?.md5 === expected.md5 && m.digest?.rows === expected.rows;
    equal &&= ok;
    parts.push(`${m.contender} ${m.digest?.rows} rows ${ok ? 'equal' : 'DIFFERENT'}`);
  }
  const a = runs.find((m) => m.contender === 'staging');
  const b = runs.find((m) => m.contender === 'jdbc');
  const ab =
    a && b ? (a.digest?.md5 === b.digest?.md5 ? '; staging = jdbc' : '; staging != jdbc: DIFFERENT') : '';
  return {
    round,
    equal,
    text: `generator's final state ${expected.rows} rows (md5 ${expected.md5.slice(0, 12)}): ${parts.join(', ')}${ab}`,
  };
}

/** Per contender, its run with the highest rate over all rounds; unavailable runs are left out. */
export function bestRuns(runs: Measure[]): Partial<Record<Measure['contender'], Measure>> {
  const out: Partial<Record<Measure['contender'], Measure>> = {};
  for (const m of runs) {
    if (m.unavailable) continue;
    const have = out[m.contender];
    if (!have || m.rate > have.rate) out[m.contender] = m;
  }
  return out;
}
