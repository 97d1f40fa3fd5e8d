/**
 * The end of a backfill in words (stdout) and as JSON: rows read against rows expected, time, rate, and how
 * far the staging sink is from holding them all. Pure.
 */
import type { BackfillResult } from './backfill.js';
import { formatCount, formatDuration } from './progress.js';
import type { TopicLag } from './staging-lag.js';

export const rowsPerSecond = (rows: number, ms: number): number => (ms > 0 ? (rows * 1000) / ms : 0);

export function summaryLines(r: BackfillResult, staging: TopicLag | undefined): string[] {
  if (r.endedBy === 'nothing')
    return [`Nothing to backfill: no row of ${r.table} matches, so no snapshot was requested.`];
  const lines = [
    `Backfilled ${r.table}: ${formatCount(r.rowsRead)} rows read of ${formatCount(r.expectedRows)} expected, in ${formatDuration(r.elapsedMs)} (${formatCount(rowsPerSecond(r.rowsRead, r.elapsedMs))} rows/s), into ${r.topic}.`,
  ];
  if (r.rowsRead < r.expectedRows)
    lines.push(
      `Debezium ended the snapshot ${formatCount(r.expectedRows - r.rowsRead)} rows short of the count: rows deleted while it ran are not read (their deletes are streamed); if none were, look for "SQL error while executing incremental snapshot" in the Kafka Connect log.`,
    );
  if (staging === undefined) return lines;
  if (!staging.committed)
    lines.push(
      `Staging (group ${staging.group}) has committed nothing on ${staging.topic}: is the staging sink running (starling run)?`,
    );
  else if (staging.lag === 0)
    lines.push(
      `Staging (group ${staging.group}) has caught up on ${staging.topic}: it holds every row read.`,
    );
  else
    lines.push(
      `Staging (group ${staging.group}) is ${formatCount(staging.lag)} messages behind on ${staging.topic}${staging.lagSeconds === null ? '' : ` (oldest unconsumed ${staging.lagSeconds.toFixed(1)} s old)`}; it holds the whole backfill when that lag is 0 (starling lag --group ${staging.group}).`,
    );
  return lines;
}

export function summaryJson(r: BackfillResult, staging: TopicLag | undefined): Record<string, unknown> {
  return {
    ...r,
    rowsPerSecond: Math.round(rowsPerSecond(r.rowsRead, r.elapsedMs)),
    staging: staging ?? null,
  };
}
