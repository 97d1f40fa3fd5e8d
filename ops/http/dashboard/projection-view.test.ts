import { describe, expect, it } from 'vitest';
import { formatAmount, projectionNote, projectionSeries, projectionUrl } from './projection-view.js';

const course = {
  points: [{ year: 2020, sales: 23323669 }],
  fit: null,
  minYears: 2,
  projectedWith: 'course model' as const,
  projection: [
    { year: 2021, sales: 162.12 },
    { year: 2022, sales: 168.64 },
    { year: 2023, sales: 175.16564294006457 },
  ],
};

const fitted = {
  points: [
    { year: 2020, sales: 100 },
    { year: 2021, sales: 120 },
  ],
  fit: { intercept: -40300, slope: 20, r2: 1, n: 2 },
  minYears: 2,
  projectedWith: 'fit' as const,
  projection: [{ year: 2022, sales: 140 }],
};

describe('the projection panel helpers', () => {
  it('formatAmount: two decimals and separators', () => {
    expect(formatAmount(175.16564294006457)).toBe('175.17');
    expect(formatAmount(23323669)).toBe('23,323,669.00');
    expect(formatAmount(Number.NaN)).toBe('—');
  });

  it('course model: observed and projected years apart, the projection on its own axis', () => {
    expect(projectionSeries(course)).toEqual({
      labels: ['2020', '2021', '2022', '2023'],
      observed: [23323669, null, null, null],
      projected: [null, 162.12, 168.64, 175.16564294006457],
      ownAxis: true,
    });
    expect(projectionNote(course)).toMatch(/at least 2 different years, and the data has only 2020\./);
    expect(projectionNote({ ...course, points: [] })).toMatch(/there are no sales yet/);
  });

  it('fitted line: joins the data at its last year, same axis', () => {
    expect(projectionSeries(fitted)).toEqual({
      labels: ['2020', '2021', '2022'],
      observed: [100, 120, null],
      projected: [null, 120, 140],
      ownAxis: false,
    });
    expect(projectionNote(fitted)).toBe(
      'Least-squares line fitted to 2 years of sales (2 points), projected 1 year ahead.',
    );
  });

  it('projectionUrl: star is the default', () => {
    expect(projectionUrl('')).toBe('/api/sales/projection');
    expect(projectionUrl('star')).toBe('/api/sales/projection');
    expect(projectionUrl('history')).toBe('/api/sales/projection?source=history');
  });
});
