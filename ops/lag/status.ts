/**
 * The status of one consumer group's partition, after Burrow's evaluation rules, simplified to two samples
 * (the current one and one taken a window earlier) instead of Burrow's sliding window of commits:
 *
 * - OK: lag is 0 now; or lag was 0 at the start of the window (the group was caught up, new records just
 *   arrived: an idle partition's commit must not look like lag); or lag > 0, the committed offset moved
 *   during the window and the lag in seconds did not grow (the group keeps up).
 * - LAGGING: lag > 0, the committed offset moved during the window, but the lag in seconds grew (the group
 *   commits, yet falls further behind). When either sample's lag in seconds is unknown, growth is judged on
 *   the lag in messages. Without a previous sample (a one-shot look, `--window 0`), any lag > 0 is LAGGING:
 *   progress cannot be judged from one sample.
 * - STALLED: lag > 0 now and at the start of the window, and the committed offset did not move (no commit
 *   progress over the window: the consumer is stopped, stuck or dead, which is different from slow).
 */
export type LagStatus = 'OK' | 'LAGGING' | 'STALLED';

export interface StatusInput {
  /** committed offset, or null when the group has none on the partition */
  committed: number | null;
  lag: number;
  lagSeconds: number | null;
}

export function lagStatus(current: StatusInput, previous?: StatusInput): LagStatus {
  if (current.lag <= 0) return 'OK';
  if (previous === undefined) return 'LAGGING';
  if (previous.lag <= 0) return 'OK';
  if (current.committed === previous.committed) return 'STALLED';
  if (current.lagSeconds !== null && previous.lagSeconds !== null)
    return current.lagSeconds > previous.lagSeconds ? 'LAGGING' : 'OK';
  return current.lag > previous.lag ? 'LAGGING' : 'OK';
}
