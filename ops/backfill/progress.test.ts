import { describe, expect, it } from 'vitest';
import { formatDuration, formatProgress, RateMeter, remainingMs } from './progress.js';

describe('backfill progress', () => {
  it('draws the bar, the share, the rate and the time left', () => {
    expect(formatProgress({ read: 1000, expected: 4000, elapsedMs: 2500, rate: 500 }, 8)).toBe(
      '[##------]  25%  1,000 / 4,000 rows  500 rows/s  ~6.0 s left  (2.5 s)',
    );
  });

  it('says so when the rate is not known yet, and caps at 100% when more rows arrive than counted', () => {
    expect(formatProgress({ read: 0, expected: 10, elapsedMs: 100, rate: null }, 4)).toBe(
      '[----]   0%  0 / 10 rows  - rows/s  time left unknown  (100 ms)',
    );
    expect(formatProgress({ read: 12, expected: 10, elapsedMs: 1000, rate: 12 }, 4)).toBe(
      '[####] 100%  12 / 10 rows  12 rows/s  done  (1.0 s)',
    );
  });

  it('has no time left estimate while nothing moves', () => {
    expect(remainingMs({ read: 5, expected: 10, elapsedMs: 1000, rate: 0 })).toBeNull();
    expect(remainingMs({ read: 5, expected: 10, elapsedMs: 1000, rate: 5 })).toBe(1000);
  });

  it('measures the rate over the recent window only', () => {
    const m = new RateMeter(5000);
    expect(m.rate()).toBeNull();
    m.add(0, 0);
    m.add(1000, 10_000); // a burst at the start
    for (let t = 2000; t <= 10_000; t += 1000) m.add(t, 10_000 + (t - 1000) / 10);
    // the last 5 s: 100 rows/s, not the 1,000+ of the whole run
    expect(m.rate()).toBeCloseTo(100, 5);
  });

  it('formats durations from milliseconds to hours', () => {
    expect([850, 12_340, 125_000, 3_725_000].map(formatDuration)).toEqual([
      '850 ms',
      '12.3 s',
      '2 min 05 s',
      '1 h 02 min',
    ]);
  });
});
