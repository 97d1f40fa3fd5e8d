import type { DeadLetter } from './letter.js';

/** The dead letters of one error code from one source topic. */
export interface LetterGroup {
  code: string;
  sourceTopic: string | null;
  count: number;
  /** how many of them `starling dlq replay` has sent back */
  replayed: number;
  /** the stages that rejected them (usually one) */
  stages: string[];
  /** when the first and the last of them were dead-lettered (ms since the epoch) */
  firstMs: number;
  lastMs: number;
  /** the most recent of them: where it is in the dead-letter topic, and its error message */
  latest: { dlqPartition: number; dlqOffset: number; stage: string | null; message: string };
}

const groupKey = (code: string, topic: string | null) => `${code}\u0000${topic ?? ''}`;

const newer = (
  a: Pick<DeadLetter, 'timestampMs' | 'dlqPartition' | 'dlqOffset'>,
  b: LetterGroup['latest'] & { ms: number },
) =>
  a.timestampMs !== b.ms
    ? a.timestampMs > b.ms
    : a.dlqPartition !== b.dlqPartition
      ? a.dlqPartition > b.dlqPartition
      : a.dlqOffset > b.dlqOffset;

/**
 * Dead letters grouped by error code and source topic, with counts, first and last time and the latest
 * example. Fed one letter at a time, so a topic of any size is summarized in memory bounded by its groups.
 */
export class LetterSummary {
  private readonly groups = new Map<string, LetterGroup & { latestMs: number }>();
  total = 0;
  replayed = 0;

  add(l: DeadLetter, replayed: boolean): void {
    this.total++;
    if (replayed) this.replayed++;
    const k = groupKey(l.code, l.sourceTopic);
    const latest = {
      dlqPartition: l.dlqPartition,
      dlqOffset: l.dlqOffset,
      stage: l.stage,
      message: l.message,
    };
    const g = this.groups.get(k);
    if (g === undefined) {
      this.groups.set(k, {
        code: l.code,
        sourceTopic: l.sourceTopic,
        count: 1,
        replayed: replayed ? 1 : 0,
        stages: l.stage === null ? [] : [l.stage],
        firstMs: l.timestampMs,
        lastMs: l.timestampMs,
        latest,
        latestMs: l.timestampMs,
      });
      return;
    }
    g.count++;
    if (replayed) g.replayed++;
    if (l.stage !== null && !g.stages.includes(l.stage)) g.stages = [...g.stages, l.stage].sort();
    g.firstMs = Math.min(g.firstMs, l.timestampMs);
    g.lastMs = Math.max(g.lastMs, l.timestampMs);
    if (newer(l, { ...g.latest, ms: g.latestMs })) {
      g.latest = latest;
      g.latestMs = l.timestampMs;
    }
  }

  /** By source topic, then code. */
  result(): LetterGroup[] {
    return [...this.groups.values()]
      .map(({ latestMs: _, ...g }) => g)
      .sort(
        (a, b) => (a.sourceTopic ?? '').localeCompare(b.sourceTopic ?? '') || a.code.localeCompare(b.code),
      );
  }
}
