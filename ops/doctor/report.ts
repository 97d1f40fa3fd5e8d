/**
 * The doctor's report: counts, exit code, and the text table (grouped by system, every WARN and PROBLEM
 * with why it matters and its fix). Pure.
 */
import type { DoctorReport, Finding, Status, SystemName, SystemReport } from './types.js';

export function summarize(systems: SystemReport[]): DoctorReport {
  const all = systems.flatMap((s) => s.findings);
  const count = (status: Status) => all.filter((f) => f.status === status).length;
  const summary = { ok: count('OK'), warn: count('WARN'), problem: count('PROBLEM') };
  return { systems, summary, exitCode: summary.problem > 0 ? 1 : 0 };
}

const TITLES: Record<SystemName, string> = {
  source: 'Source (MariaDB/MySQL)',
  staging: 'Staging (PostgreSQL)',
  warehouse: 'Warehouse (PostgreSQL)',
  kafka: 'Kafka',
  registry: 'Schema registry',
  connect: 'Kafka Connect',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function summaryLine(r: DoctorReport): string {
  const { ok, warn, problem } = r.summary;
  const verdict =
    problem > 0 ? 'fix the problems before capture starts' : warn > 0 ? 'ready, with warnings' : 'ready';
  return `${plural(problem, 'problem')}, ${plural(warn, 'warning')}, ${ok} OK: ${verdict}`;
}

function findingLines(f: Finding, checkWidth: number): string[] {
  const lines = [`  ${f.status.padEnd(8)}${f.check.padEnd(checkWidth)}  ${f.detail}`];
  const indent = ' '.repeat(10);
  if (f.status !== 'OK') {
    if (f.why) lines.push(`${indent}why: ${f.why}`);
    if (f.fix) lines.push(`${indent}fix: ${f.fix}`);
  }
  return lines;
}

export function formatReport(r: DoctorReport): string[] {
  const width = Math.min(
    40,
    Math.max(10, ...r.systems.flatMap((s) => s.findings.map((f) => f.check.length))),
  );
  const out: string[] = [];
  for (const s of r.systems) {
    out.push(`${TITLES[s.system]}  ${s.target}`);
    for (const f of s.findings) out.push(...findingLines(f, width));
    out.push('');
  }
  out.push(summaryLine(r));
  return out;
}
