import { describe, expect, it } from 'vitest';
import { COURSE_MODEL } from './projection.js';
import { projectionLines, projectionOutcome } from './projection-report.js';

describe('projection outcome', () => {
  it('fits two or more years and projects the years after the last', () => {
    const o = projectionOutcome(
      [
        { year: 2020, sales: 100 },
        { year: 2021, sales: 110 },
        { year: 2022, sales: 120 },
      ],
      2,
    );
    expect(o.projectedWith).toBe('fit');
    expect(o.fit?.slope).toBeCloseTo(10, 10);
    expect(o.fit?.n).toBe(3);
    expect(o.projection.map((p) => p.year)).toEqual([2023, 2024]);
    expect(o.projection[0]!.sales).toBeCloseTo(130, 8);
    expect(o.courseCheck.year).toBe(2023);
    expect(o.courseCheck.sales).toBeCloseTo(175.1656, 4);
  });

  it("with one year (the course's data is all 2020) projects with the course model and says why", () => {
    const o = projectionOutcome([{ year: 2020, sales: 5_000_000 }], 3);
    expect(o.fit).toBeUndefined();
    expect(o.projectedWith).toBe('course model');
    expect(o.projection.map((p) => p.year)).toEqual([2021, 2022, 2023]);
    expect(o.projection[2]!.sales).toBe(COURSE_MODEL.intercept + COURSE_MODEL.slope * 2023);
    const text = projectionLines(o, 'x').join('\n');
    expect(text).toContain('needs sales of at least 2 different years');
    expect(text).toContain('only 2020');
    expect(text).toContain('2023 -> 175.1656');
  });

  it('with no data projects after 2020 with the course model', () => {
    const o = projectionOutcome([], 1);
    expect(o.projection).toEqual([{ year: 2021, sales: expect.any(Number) }]);
    expect(projectionLines(o, 'x').join('\n')).toContain('this data has none');
  });

  it('prints the fitted line with intercept, slope, r2 and n', () => {
    const o = projectionOutcome(
      [
        { year: 2020, sales: 1 },
        { year: 2021, sales: 3 },
      ],
      1,
    );
    const text = projectionLines(o, 'the star').join('\n');
    expect(text).toMatch(/intercept -4039 {2}slope 2 {2}r2 1\.0000 {2}n 2/);
    expect(text).toContain('  2022  5.00');
  });
});
