import { describe, expect, it } from 'vitest';
import { progressLine } from './progress.js';

describe('progressLine', () => {
  it('shows the bar, percentage, counts, rate and time remaining', () => {
    expect(progressLine({ consumed: 1500, total: 3000, elapsedS: 3 }, 10)).toBe(
      '[#####-----]  50%  1,500/3,000  500 rec/s  remaining 3 s',
    );
    expect(progressLine({ consumed: 0, total: 0, elapsedS: 0 }, 4)).toBe(
      '[####] 100%  0/0  0 rec/s  remaining 0 s',
    );
    expect(progressLine({ consumed: 0, total: 10, elapsedS: 1 }, 4)).toMatch(/remaining \?$/);
  });
});
