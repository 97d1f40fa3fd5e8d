/**
 * `GET /api/status`: what the health page shows, as JSON. A pure assembly from the lag sample `/metrics`
 * renders too (so the page and the metrics agree), the runners' counters with their rates, the cached
 * `/health` report and the history of each group's total lag; every string in it is scrubbed of secrets.
 */
import { redactText } from '../../core/config/redact.js';
import type { GroupSummary, LagSample, PartitionLag } from '../lag/lag.js';
import type { HealthReport } from './health.js';
import type { SinkMetricsInput } from './metrics.js';

/** One point of the lag chart: each group's lag summed over its topics and partitions, at a sample's time. */
export interface LagHistoryPoint {
  at: number;
  lag: Record<string, number>;
}

export interface StageStatus {
  group: string;
  stats: {
    batches: number;
    records: number;
    deadLetters: number;
    /** ms since the epoch; 0 before the first commit */
    lastCommitAt: number;
    batchSecondsSum: number;
    deadLettersByCode: Record<string, number>;
    /** per written table, the source commit time (ms) of the newest change applied */
    newestAppliedMs: Record<string, number>;
  };
  /** records written per second over the last few seconds; null until there are two snapshots */
  recordsPerSecond: number | null;
  /** null before the first commit */
  secondsSinceLastCommit: number | null;
}

export interface StatusReport {
  /** when this answer was assembled (ms since the epoch) */
  at: number;
  /** the lag rows by group, topic and partition, as `starling lag --json` has them */
  lag: PartitionLag[];
  /** when the lag was measured; null when it could not be */
  lagAt: number | null;
  lagError?: string;
  /** each group's state (Stable, Empty, ...) and members, as the coordinator reports it */
  groups: GroupSummary[];
  /** oldest first */
  history: LagHistoryPoint[];
  stages: StageStatus[];
  /** the `/health` report, cached; null when it could not be had */
  health: HealthReport | null;
  healthAt: number | null;
  healthError?: string;
}

export interface StatusInput {
  at: number;
  lag?: LagSample;
  lagError?: string;
  /** every group the process reports on, so a group without committed offsets still has a line */
  groups: readonly string[];
  history: LagHistoryPoint[];
  sinks: SinkMetricsInput[];
  rates: ReadonlyMap<string, number | null>;
  health?: { value: HealthReport; at: number; error?: string };
  healthError?: string;
  secrets?: readonly string[];
}

/** The chart's point for a sample: every group named (0 without rows), its partitions' lag summed. */
export function historyPoint(sample: LagSample, groups: readonly string[]): LagHistoryPoint {
  const lag: Record<string, number> = {};
  for (const g of groups) lag[g] = 0;
  for (const r of sample.rows) lag[r.group] = (lag[r.group] ?? 0) + r.lag;
  return { at: sample.at, lag };
}

export function assembleStatus(input: StatusInput): StatusReport {
  const mapToRecord = (m: ReadonlyMap<string, number> | undefined): Record<string, number> =>
    Object.fromEntries([...(m ?? new Map<string, number>())].sort(([a], [b]) => a.localeCompare(b)));
  const known = new Map((input.lag?.groups ?? []).map((g) => [g.group, g]));
  const report: StatusReport = {
    at: input.at,
    lag: input.lag?.rows ?? [],
    lagAt: input.lag?.at ?? null,
    ...(input.lagError !== undefined ? { lagError: input.lagError } : {}),
    groups: [...new Set([...input.groups, ...known.keys()])]
      .sort()
      .map((g) => known.get(g) ?? { group: g, state: 'Unknown', members: 0 }),
    history: input.history,
    stages: input.sinks.map(({ group, stats }) => ({
      group,
      stats: {
        batches: stats.batches,
        records: stats.records,
        deadLetters: stats.deadLetters,
        lastCommitAt: stats.lastCommitAt,
        batchSecondsSum: stats.batchSecondsSum ?? 0,
        deadLettersByCode: mapToRecord(stats.deadLettersByCode),
        newestAppliedMs: mapToRecord(stats.newestAppliedMs),
      },
      recordsPerSecond: input.rates.get(group) ?? null,
      secondsSinceLastCommit:
        stats.lastCommitAt > 0 ? Math.max(0, input.at - stats.lastCommitAt) / 1000 : null,
    })),
    health: input.health?.value ?? null,
    healthAt: input.health?.at ?? null,
    ...(input.healthError !== undefined || input.health?.error !== undefined
      ? { healthError: input.healthError ?? input.health?.error }
      : {}),
  };
  return scrubStrings(report, input.secrets ?? []);
}

/** A deep copy with every string (keys too) passed through redactText: no secret leaves through the page. */
export function scrubStrings<T>(value: T, secrets: readonly string[]): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [redactText(k, secrets), walk(x)]));
    return v;
  };
  return walk(value) as T;
}
