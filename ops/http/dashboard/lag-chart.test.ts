import { describe, expect, it } from 'vitest';
import { chartGeometry, niceCeiling } from './lag-chart.js';

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(-3)).toBe(1);
    expect(niceCeiling(1)).toBe(1);
    expect(niceCeiling(3)).toBe(5);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(40)).toBe(50);
    expect(niceCeiling(101)).toBe(200);
    expect(niceCeiling(0.3)).toBeCloseTo(0.5);
  });
});

describe('chartGeometry', () => {
  const box = { left: 10, top: 0, width: 100, height: 50 };

  it('maps time to x across the box and lag to y from the bottom, per group', () => {
    const geo = chartGeometry(
      [
        { at: 1_000, lag: { a: 0, b: 5 } },
        { at: 2_000, lag: { a: 10, b: 5 } },
        { at: 3_000, lag: { a: 4 } },
      ],
      ['a', 'b'],
      box,
    );
    expect(geo).toMatchObject({ xMin: 1_000, xMax: 3_000, yMax: 10 });
    expect(geo.series).toEqual([
      {
        group: 'a',
        points: [
          [10, 50],
          [60, 0],
          [110, 30],
        ],
      },
      // b is absent from the last point: no point there
      {
        group: 'b',
        points: [
          [10, 25],
          [60, 25],
        ],
      },
    ]);
  });

  it('puts a single point at the right edge and has a scale of 1 without lag', () => {
    const geo = chartGeometry([{ at: 5, lag: { a: 0 } }], ['a'], box);
    expect(geo.yMax).toBe(1);
    expect(geo.series[0]!.points).toEqual([[110, 50]]);
    expect(chartGeometry([], ['a'], box).series).toEqual([{ group: 'a', points: [] }]);
  });
});
