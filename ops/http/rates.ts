/**
 * Records per second per stage from the runner's cumulative counters: each observation is a snapshot of the
 * counters at a time; the rate is the difference between the newest snapshot and the newest one at least
 * `windowMs` older (or the oldest kept, while the history is shorter than the window), divided by the time
 * between them. Null when there is nothing to compare with yet, or when a counter went backwards (a runner
 * was recreated): no made-up number.
 */
export interface Snapshot {
  at: number;
  counts: ReadonlyMap<string, number>;
}

export class RateTracker {
  private snapshots: Snapshot[] = [];

  constructor(
    private readonly windowMs = 10_000,
    /** snapshots closer together than this are not kept separately (many clients polling at once) */
    private readonly minSpacingMs = 500,
  ) {}

  observe(at: number, counts: ReadonlyMap<string, number>): void {
    const last = this.snapshots.at(-1);
    if (last !== undefined && at < last.at) return;
    const snapshot = { at, counts: new Map(counts) };
    // Replace a snapshot taken a moment ago rather than piling up near-duplicates.
    if (last !== undefined && at - last.at < this.minSpacingMs && this.snapshots.length > 1)
      this.snapshots[this.snapshots.length - 1] = snapshot;
    else this.snapshots.push(snapshot);
    // Keep the newest snapshot at least a window old, and everything after it.
    const cutoff = at - this.windowMs;
    let keepFrom = 0;
    for (let i = 0; i < this.snapshots.length; i++) if (this.snapshots[i]!.at <= cutoff) keepFrom = i;
    if (keepFrom > 0) this.snapshots = this.snapshots.slice(keepFrom);
  }

  /** Per counter name of the newest snapshot: records per second over the window, or null. */
  rates(): Map<string, number | null> {
    const out = new Map<string, number | null>();
    const newest = this.snapshots.at(-1);
    if (newest === undefined) return out;
    const base = this.snapshots[0]!;
    const seconds = (newest.at - base.at) / 1000;
    for (const [name, count] of newest.counts) {
      const before = base.counts.get(name);
      out.set(
        name,
        base === newest || seconds <= 0 || before === undefined || count < before
          ? null
          : (count - before) / seconds,
      );
    }
    return out;
  }
}
