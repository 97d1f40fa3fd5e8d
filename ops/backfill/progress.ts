/**
 * The progress of a backfill as one line: a bar, the share of the expected rows read, the rate over the last
 * few seconds and the time left at that rate. Pure (the caller passes the clock).
 */
export interface Progress {
  read: number;
  expected: number;
  elapsedMs: number;
  /** rows per second over the recent window; null before there are two samples */
  rate: number | null;
}

/** Rows per second over a sliding window of (time, total) samples. */
export class RateMeter {
  private readonly samples: Array<{ at: number; total: number }> = [];

  constructor(private readonly windowMs = 5000) {}

  add(at: number, total: number): void {
    this.samples.push({ at, total });
    // Keep one sample at or before the window's start, so the rate always spans the whole window.
    while (this.samples.length > 2 && this.samples[1]!.at <= at - this.windowMs) this.samples.shift();
  }

  rate(): number | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (first === undefined || last === undefined || last.at <= first.at) return null;
    return ((last.total - first.total) * 1000) / (last.at - first.at);
  }
}

export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')} min`;
}

/** Time left at the current rate; null when it cannot be told (no rate yet, or nothing moves). */
export function remainingMs(p: Progress): number | null {
  const left = Math.max(0, p.expected - p.read);
  if (left === 0) return 0;
  if (p.rate === null || p.rate <= 0) return null;
  return (left / p.rate) * 1000;
}

export function formatProgress(p: Progress, width = 24): string {
  const share = p.expected <= 0 ? 1 : Math.min(1, p.read / p.expected);
  const filled = Math.floor(share * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const pct = `${String(Math.floor(share * 100)).padStart(3)}%`;
  const rate = p.rate === null ? '- rows/s' : `${formatCount(p.rate)} rows/s`;
  const left = remainingMs(p);
  const eta = left === null ? 'time left unknown' : left === 0 ? 'done' : `~${formatDuration(left)} left`;
  return `${bar} ${pct}  ${formatCount(p.read)} / ${formatCount(p.expected)} rows  ${rate}  ${eta}  (${formatDuration(p.elapsedMs)})`;
}
