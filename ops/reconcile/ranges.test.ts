import { describe, expect, it } from 'vitest';
import { compareKeys, integerBoundaries, splitAt, splitIntegerRange, WHOLE } from './ranges.js';

describe('key ranges', () => {
  it('splits an integer interval into equal-width slices', () => {
    expect(integerBoundaries(1n, 101n, 4)).toEqual([26n, 51n, 76n]);
    expect(integerBoundaries(0n, 3n, 16)).toEqual([1n, 2n]);
    expect(integerBoundaries(5n, 6n, 16)).toEqual([]);
    expect(integerBoundaries(-10n, 10n, 2)).toEqual([0n]);
  });

  it('splits beyond 2^53 exactly', () => {
    const lo = 9_007_199_254_740_993n;
    expect(integerBoundaries(lo, lo + 4n, 2)).toEqual([lo + 2n]);
  });

  it('keeps the unbounded ends of the whole range and covers it without gaps', () => {
    const parts = splitIntegerRange(WHOLE, 3, 1n, 90n)!;
    expect(parts).toEqual([
      { lo: null, hi: ['31'] },
      { lo: ['31'], hi: ['61'] },
      { lo: ['61'], hi: null },
    ]);
  });

  it('declines ranges over full keys or over a single first-column value', () => {
    expect(splitIntegerRange({ lo: ['5', 'a'], hi: null }, 4, 1n, 9n)).toBeUndefined();
    expect(splitIntegerRange({ lo: ['5'], hi: ['6'] }, 4, 1n, 9n)).toBeUndefined();
  });

  it('splits at sampled boundaries', () => {
    expect(
      splitAt({ lo: ['1'], hi: ['9'] }, [
        ['3', 'x'],
        ['5', 'y'],
      ]),
    ).toEqual([
      { lo: ['1'], hi: ['3', 'x'] },
      { lo: ['3', 'x'], hi: ['5', 'y'] },
      { lo: ['5', 'y'], hi: ['9'] },
    ]);
    expect(splitAt(WHOLE, [])).toEqual([WHOLE]);
  });

  it('orders keys: integers and decimals numerically, text by code point', () => {
    const keys = [['10'], ['9'], ['-2'], ['b'], ['a'], ['😀'], ['\uff01']];
    expect(keys.sort(compareKeys)).toEqual([['-2'], ['9'], ['10'], ['a'], ['b'], ['\uff01'], ['😀']]);
    expect(compareKeys(['1', '10.50'], ['1', '9.25'])).toBeGreaterThan(0);
    expect(compareKeys(['1'], ['1', 'a'])).toBeLessThan(0);
  });
});
