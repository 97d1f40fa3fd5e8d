import { UserError } from '../../core/errors/user-error.js';

/** Where a replay moves a group's offsets: the topic's start or end, the first record at or after a time, or an offset. */
export type ReplayTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'time'; ms: number; text: string }
  | { kind: 'offset'; offset: number };

/** Parses --to: earliest, latest, an ISO 8601 time with a zone (or UTC when none), or a non-negative offset. */
export function parseTarget(text: string | undefined, problems: string[]): ReplayTarget | undefined {
  if (text === undefined || text.trim() === '') {
    problems.push('--to is required: earliest, latest, an ISO time (2026-11-26T10:00:00Z) or an offset');
    return undefined;
  }
  const t = text.trim();
  if (t === 'earliest' || t === 'latest') return { kind: t };
  if (/^\d+$/.test(t)) {
    const offset = Number(t);
    if (Number.isSafeInteger(offset)) return { kind: 'offset', offset };
  }
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(t)) {
    const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(t) ? t : `${t.replace(' ', 'T')}Z`;
    const ms = Date.parse(zoned);
    if (!Number.isNaN(ms)) return { kind: 'time', ms, text: new Date(ms).toISOString() };
  }
  problems.push(`--to "${text}" is not earliest, latest, an ISO time (2026-11-26T10:00:00Z) or an offset`);
  return undefined;
}

export interface PartitionState {
  topic: string;
  partition: number;
  /** Low and high watermarks. */
  low: number;
  high: number;
  /** For a time target: the offset of the first record at or after the time (high when none). */
  offsetForTime?: number;
  /** For a time target: the timestamp (ms) of the record at `low`, when the partition holds any. */
  lowTimestampMs?: number;
}

/**
 * The offset each partition is reset to, or a refusal when the target lies in history the topic no longer
 * holds (records below the low watermark are deleted: replaying "from" there would silently skip them).
 */
export function planOffsets(
  target: ReplayTarget,
  partitions: PartitionState[],
): Array<PartitionState & { offset: number }> {
  const refusals: string[] = [];
  const out = partitions.map((p) => {
    let offset: number;
    switch (target.kind) {
      case 'earliest':
        offset = p.low;
        break;
      case 'latest':
        offset = p.high;
        break;
      case 'offset':
        offset = target.offset;
        if (offset < p.low)
          refusals.push(
            `${p.topic}[${p.partition}]: offset ${offset} is below the first offset the topic still holds (${p.low})`,
          );
        if (offset > p.high)
          refusals.push(`${p.topic}[${p.partition}]: offset ${offset} is past the end (${p.high})`);
        break;
      case 'time':
        offset = p.offsetForTime ?? p.high;
        // Deleted history: the oldest record left is newer than the time asked for.
        if (p.low > 0 && p.lowTimestampMs !== undefined && p.lowTimestampMs > target.ms)
          refusals.push(
            `${p.topic}[${p.partition}]: the oldest record it still holds is from ${new Date(p.lowTimestampMs).toISOString()}, after ${target.text}; earlier records were deleted by retention`,
          );
        break;
    }
    return { ...p, offset: Math.max(p.low, Math.min(offset, p.high)) };
  });
  if (refusals.length)
    throw new UserError(
      `Refusing to replay across history the topics no longer hold:\n${refusals.map((r) => `  - ${r}`).join('\n')}`,
      'REPLAY_HISTORY_GONE',
    );
  return out;
}
