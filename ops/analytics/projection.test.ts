import { describe, expect, it } from 'vitest';
import { COURSE_MODEL, fitYearlySales, nextYears, project } from './projection.js';

describe('fitYearlySales', () => {
  it('recovers the coefficients of the line its points were generated from', () => {
    const intercept = -13019.989140447298;
    const slope = 6.522567861288859;
    const points = nextYears(2009, 12).map((year) => ({ year, sales: intercept + slope * year }));
    const model = fitYearlySales(points);
    // Years near 2020 multiply the slope's rounding error by about 2000 in the intercept: 1e-6 leaves room.
    expect(model.slope).toBeCloseTo(slope, 9);
    expect(model.intercept).toBeCloseTo(intercept, 6);
    expect(model.r2).toBeCloseTo(1, 12);
    expect(model.n).toBe(12);
  });

  it('fits noisy points by least squares, in any order, several per year allowed', () => {
    // Symmetric noise around sales = 10 + 2·(year − 2000): the least-squares line is that line exactly.
    const points = [
      { year: 2002, sales: 14 + 1 },
      { year: 2000, sales: 10 + 1 },
      { year: 2001, sales: 12 - 1 },
      { year: 2000, sales: 10 - 1 },
      { year: 2002, sales: 14 - 1 },
      { year: 2001, sales: 12 + 1 },
    ];
    const model = fitYearlySales(points);
    expect(model.slope).toBeCloseTo(2, 12);
    expect(model.intercept).toBeCloseTo(10 - 2 * 2000, 9);
    // Residual sum of squares 6, total sum of squares 6 + 2·2²·2 = 22.
    expect(model.r2).toBeCloseTo(1 - 6 / 22, 12);
    expect(model.n).toBe(6);
  });

  it('gives r2 = 1 for points on a perfect line, flat lines included', () => {
    expect(
      fitYearlySales([
        { year: 2019, sales: 3 },
        { year: 2020, sales: 5 },
        { year: 2021, sales: 7 },
      ]).r2,
    ).toBe(1);
    const flat = fitYearlySales([
      { year: 2019, sales: 0.1 },
      { year: 2020, sales: 0.1 },
      { year: 2021, sales: 0.1 },
    ]);
    expect(flat).toMatchObject({ slope: 0, r2: 1, n: 3 });
    expect(flat.intercept).toBeCloseTo(0.1, 12);
  });

  it('refuses fewer than 2 distinct years', () => {
    expect(() => fitYearlySales([])).toThrow(
      'Cannot fit a sales line to no data: it needs sales of at least 2',
    );
    expect(() => fitYearlySales([{ year: 2020, sales: 1 }])).toThrow(/to a single year/);
    expect(() =>
      fitYearlySales([
        { year: 2020, sales: 1 },
        { year: 2020, sales: 9 },
      ]),
    ).toThrow(/to a single year/);
  });

  it('refuses values that are not finite numbers', () => {
    expect(() =>
      fitYearlySales([
        { year: 2020, sales: 1 },
        { year: 2021, sales: Number.NaN },
      ]),
    ).toThrow('Cannot fit a sales line: year 2021 with sales NaN is not a pair of finite numbers.');
  });
});

describe('COURSE_MODEL', () => {
  it('predicts the course figure for 2023: 175.16564294006457, shown as 175.17', () => {
    const [p] = project(COURSE_MODEL, [2023]);
    // The course's solutions print 175.16564294006457; 1e-9 allows for a different order of the two double
    // operations (here it reproduces the printed value exactly). The rounded form is what the course quotes.
    expect(p!.year).toBe(2023);
    expect(Math.abs(p!.sales - 175.16564294006457)).toBeLessThan(1e-9);
    expect(p!.sales.toFixed(2)).toBe('175.17');
  });

  it('has coefficients that round to the published ones, which alone would not give 175.17', () => {
    expect(COURSE_MODEL.intercept.toFixed(2)).toBe('-13019.99');
    expect(COURSE_MODEL.slope.toFixed(4)).toBe('6.5226');
    const [rounded] = project({ intercept: -13019.99, slope: 6.5226 }, [2023]);
    expect(rounded!.sales.toFixed(2)).toBe('175.23');
  });
});

describe('project and nextYears', () => {
  it('projects each year in the order given', () => {
    expect(project({ intercept: 1, slope: 2 }, [3, 1, 2])).toEqual([
      { year: 3, sales: 7 },
      { year: 1, sales: 3 },
      { year: 2, sales: 5 },
    ]);
    expect(project({ intercept: 1, slope: 2 }, [])).toEqual([]);
  });

  it('lists the years after the last one', () => {
    expect(nextYears(2020, 3)).toEqual([2021, 2022, 2023]);
    expect(nextYears(2020, 0)).toEqual([]);
  });

  it('refuses a fractional year or a negative or fractional count', () => {
    expect(() => nextYears(2020.5, 1)).toThrow(RangeError);
    expect(() => nextYears(2020, -1)).toThrow(/0 or more, not -1/);
    expect(() => nextYears(2020, 1.5)).toThrow(/not 1.5/);
  });
});
