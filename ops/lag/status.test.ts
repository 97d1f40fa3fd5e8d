import { describe, expect, it } from 'vitest';
import { lagStatus } from './status.js';

const s = (committed: number | null, lag: number, lagSeconds: number | null = null) => ({
  committed,
  lag,
  lagSeconds,
});

describe('lagStatus (Burrow rules over two samples)', () => {
  it('is OK whenever the lag is 0', () => {
    expect(lagStatus(s(10, 0, 0))).toBe('OK');
    expect(lagStatus(s(10, 0, 0), s(10, 5, 30))).toBe('OK');
  });

  it('is LAGGING for any lag without a previous sample', () => {
    expect(lagStatus(s(10, 1, 2))).toBe('LAGGING');
    expect(lagStatus(s(null, 3, null))).toBe('LAGGING');
  });

  it('is OK when the group was caught up at the start of the window (idle partition, new records)', () => {
    expect(lagStatus(s(10, 3, 1), s(10, 0, 0))).toBe('OK');
  });

  it('is STALLED with lag and no commit progress over the window', () => {
    expect(lagStatus(s(10, 5, 40), s(10, 5, 35))).toBe('STALLED');
    expect(lagStatus(s(null, 5, 40), s(null, 5, 35))).toBe('STALLED');
  });

  it('is OK when commits advance and the lag in seconds does not grow, LAGGING when it grows', () => {
    expect(lagStatus(s(20, 5, 3), s(10, 5, 4))).toBe('OK');
    expect(lagStatus(s(20, 5, 9), s(10, 5, 4))).toBe('LAGGING');
  });

  it('judges growth on the lag in messages when the lag in seconds is unknown', () => {
    expect(lagStatus(s(20, 8, null), s(10, 5, 4))).toBe('LAGGING');
    expect(lagStatus(s(20, 5, null), s(10, 5, null))).toBe('OK');
  });
});
