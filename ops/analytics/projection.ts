import { linearRegression, linearRegressionLine, rSquared } from 'simple-statistics';

/** The two numbers a straight line of sales on year needs: sales = intercept + slope × year. */
export interface LinearCoefficients {
  intercept: number;
  slope: number;
}

/** A least-squares line of yearly sales on year, with its fit: r2 in [0, 1] and n, the points it was fit on. */
export interface LinearModel extends LinearCoefficients {
  r2: number;
  n: number;
}

/** One year's sales, observed or projected. */
export interface YearlySales {
  year: number;
  sales: number;
}

/**
 * The course's pretrained Spark model (capstone module 6, `sales_prediction.model`, a
 * `pyspark.ml.regression.LinearRegressionModel` of yearly sales on year). The course quotes it rounded:
 * intercept about -13019.99, slope about 6.5226, prediction for 2023 about 175.17. Those rounded
 * coefficients do not reproduce the prediction (-13019.99 + 6.5226 × 2023 = 175.2298), because the slope is
 * multiplied by 2023: its fifth decimal moves the result by 0.02. The full values:
 * - intercept -13019.989140447298: the model's parquet row as public solution notebooks print it;
 * - prediction 175.16564294006457 for 2023: what `model.transform` shows in the same solutions (e.g.
 *   github.com/Sidkian/SoftCart-Data-Engineering-Project, "Big Data Analytics");
 * - slope 6.522567861288859 = (175.16564294006457 + 13019.989140447298) / 2023, which gives back that
 *   prediction to the last bit in IEEE doubles.
 * All three round to the published figures (-13019.99, 6.5226, 175.17). r2 and n are not published, so the
 * constant has coefficients only.
 */
export const COURSE_MODEL: Readonly<LinearCoefficients> = Object.freeze({
  intercept: -13019.989140447298,
  slope: 6.522567861288859,
});

/**
 * Fits sales = intercept + slope × year by least squares (simple-statistics). Points may share a year;
 * throws an Error when the points hold fewer than 2 distinct years (no line is determined) or a year or
 * sales figure that is not a finite number.
 */
export function fitYearlySales(points: readonly YearlySales[]): LinearModel {
  const bad = points.find((p) => !Number.isFinite(p.year) || !Number.isFinite(p.sales));
  if (bad !== undefined)
    throw new Error(
      `Cannot fit a sales line: year ${String(bad.year)} with sales ${String(bad.sales)} is not a pair of finite numbers.`,
    );
  const years = new Set(points.map((p) => p.year)).size;
  if (years < 2)
    throw new Error(
      `Cannot fit a sales line to ${years === 0 ? 'no data' : 'a single year'}: it needs sales of at least 2 different years.`,
    );
  const data = points.map((p) => [p.year, p.sales]);
  const mb = linearRegression(data);
  // rSquared is 0/0 = NaN when every sales figure is the same; the flat line fits such data exactly.
  const constant = new Set(points.map((p) => p.sales)).size === 1;
  const r2 = constant ? 1 : rSquared(data, linearRegressionLine(mb));
  return { intercept: mb.b, slope: mb.m, r2, n: points.length };
}

/** The line's sales for each year, in the order given (years need not be integers or in range of the fit). */
export function project(model: LinearCoefficients, years: readonly number[]): YearlySales[] {
  const line = linearRegressionLine({ m: model.slope, b: model.intercept });
  return years.map((year) => ({ year, sales: line(year) }));
}

/**
 * The `count` years after `lastYear`: nextYears(2020, 3) = [2021, 2022, 2023]. Throws a RangeError unless
 * lastYear is an integer and count a non-negative integer.
 */
export function nextYears(lastYear: number, count: number): number[] {
  if (!Number.isInteger(lastYear))
    throw new RangeError(`The last year must be a whole number, not ${lastYear}.`);
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`The number of years to project must be a whole number of 0 or more, not ${count}.`);
  return Array.from({ length: count }, (_, i) => lastYear + 1 + i);
}
