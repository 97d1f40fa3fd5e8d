/**
 * What `starling doctor` reports: findings, each about one setting of one system, with the reason it
 * matters and the concrete fix. Rules (the *-rules.ts files) are pure functions from facts to findings;
 * gathering the facts (the *-facts.ts files) is the only I/O.
 */
export type Status = 'OK' | 'WARN' | 'PROBLEM';

export type SystemName = 'source' | 'staging' | 'warehouse' | 'kafka' | 'registry' | 'connect';

export interface Finding {
  system: SystemName;
  /** a short name of what was checked: "binlog_format", "grant REPLICATION SLAVE", "topic x.y.z retention" */
  check: string;
  status: Status;
  /** what was found, one line */
  detail: string;
  /** why it matters (WARN and PROBLEM) */
  why?: string;
  /** what to change: the SQL statement, the server setting, the API call (WARN and PROBLEM) */
  fix?: string;
}

export interface SystemReport {
  system: SystemName;
  /** what was checked, as the user would name it (secrets masked) */
  target: string;
  findings: Finding[];
}

export interface DoctorReport {
  systems: SystemReport[];
  summary: { ok: number; warn: number; problem: number };
  /** 0 when no PROBLEM (warnings allowed), 1 otherwise */
  exitCode: 0 | 1;
}

/** Finding builders for the rules: `ok(system, check, detail)` etc. */
export const ok = (system: SystemName, check: string, detail: string): Finding => ({
  system,
  check,
  status: 'OK',
  detail,
});

export const warn = (
  system: SystemName,
  check: string,
  detail: string,
  why: string,
  fix: string,
): Finding => ({
  system,
  check,
  status: 'WARN',
  detail,
  why,
  fix,
});

export const problem = (
  system: SystemName,
  check: string,
  detail: string,
  why: string,
  fix: string,
): Finding => ({ system, check, status: 'PROBLEM', detail, why, fix });

/** A duration in the unit a person would use: 1 h, 36 h, 7 d. */
export function humanDuration(ms: number): string {
  const h = ms / 3_600_000;
  if (h < 1) return `${Math.round(ms / 60_000)} min`;
  if (h < 48) return `${Number(h.toFixed(1))} h`;
  return `${Number((h / 24).toFixed(1))} d`;
}
