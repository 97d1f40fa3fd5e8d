import { describe, expect, it } from 'vitest';
import { RateTracker } from './rates.js';

const counts = (o: Record<string, number>) => new Map(Object.entries(o));

describe('RateTracker', () => {
  it('has no rate before a second snapshot', () => {
    const t = new RateTracker(10_000);
    expect(t.rates()).toEqual(new Map());
    t.observe(1_000, counts({ a: 5 }));
    expect(t.rates().get('a')).toBeNull();
  });

  it('divides the counter difference by the time between the snapshots', () => {
    const t = new RateTracker(10_000);
    t.observe(0, counts({ a: 0, b: 10 }));
    t.observe(2_000, counts({ a: 100, b: 10 }));
    expect(t.rates()).toEqual(
      new Map([
        ['a', 50],
        ['b', 0],
      ]),
    );
  });

  it('compares with the newest snapshot at least a window old once the history is longer', () => {
    const t = new RateTracker(10_000);
    t.observe(0, counts({ a: 0 }));
    t.observe(5_000, counts({ a: 1_000 }));
    t.observe(12_000, counts({ a: 1_100 }));
    t.observe(16_000, counts({ a: 1_300 }));
    // base: the snapshot at 5 s (the newest at or before 16 s - 10 s)
    expect(t.rates().get('a')).toBe(300 / 11);
  });

  it('is null for a counter that went backwards or that the base snapshot lacks', () => {
    const t = new RateTracker(10_000);
    t.observe(0, counts({ a: 50 }));
    t.observe(1_000, counts({ a: 10, b: 3 }));
    expect(t.rates().get('a')).toBeNull();
    expect(t.rates().get('b')).toBeNull();
  });

  it('ignores snapshots from the past and merges ones taken a moment apart', () => {
    const t = new RateTracker(10_000, 500);
    t.observe(0, counts({ a: 0 }));
    t.observe(1_000, counts({ a: 10 }));
    t.observe(1_100, counts({ a: 12 }));
    t.observe(900, counts({ a: 999 }));
    expect(t.rates().get('a')).toBeCloseTo(12 / 1.1);
  });
});
