import { describe, expect, it } from 'vitest';
import { KILL_POINTS, parseKillAt } from './kill-points.js';

describe('STARLING_FAULT_KILL_AT', () => {
  it('names a point and optionally the how-manyth time it is reached', () => {
    expect(parseKillAt('before-commit')).toEqual({ point: 'before-commit', nth: 1 });
    expect(parseKillAt('in-transaction@3')).toEqual({ point: 'in-transaction', nth: 3 });
  });

  it('refuses unknown points and a zero count, listing the points', () => {
    expect(parseKillAt('after-lunch')).toContain(Object.keys(KILL_POINTS).join(', '));
    expect(parseKillAt('written@0')).toBe('the count after @ must be at least 1');
    expect(parseKillAt('written@x')).toMatch(/^must be/);
  });
});
