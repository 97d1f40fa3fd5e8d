import { describe, expect, it } from 'vitest';
import { sumDecimals } from './decimal.js';

describe('sumDecimals', () => {
  it('adds exactly, beyond the precision of a double', () => {
    expect(sumDecimals(['0.10', '0.20'])).toBe('0.30');
    expect(sumDecimals(['99999999999999999.99', '0.01'])).toBe('100000000000000000.00');
    expect(sumDecimals(['1.5', '2.25', '3'])).toBe('6.75');
    expect(sumDecimals(['-5.00', '2.50'])).toBe('-2.50');
    expect(sumDecimals(['-0.05', '0.01'])).toBe('-0.04');
  });

  it('skips NULLs as SUM does; nothing at all is zero', () => {
    expect(sumDecimals([null, '1.00', null])).toBe('1.00');
    expect(sumDecimals([])).toBe('0.00');
    expect(sumDecimals([null])).toBe('0.00');
    expect(sumDecimals([], 0)).toBe('0');
  });

  it('refuses what is not a decimal', () => {
    expect(() => sumDecimals(['1e3'])).toThrow(RangeError);
    expect(() => sumDecimals(['NaN'])).toThrow(RangeError);
  });
});
