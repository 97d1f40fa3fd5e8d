import {
  COURSE_MODEL,
  fitYearlySales,
  type LinearModel,
  nextYears,
  project,
  type YearlySales,
} from './projection.js';

/** The year the course's pretrained model is checked at (capstone module 6 predicts it: about 175.17). */
export const COURSE_CHECK_YEAR = 2023;

/** The year all of the course's sales data is from; projections start after it when there is no data. */
const COURSE_DATA_YEAR = 2020;

/** What `starling analytics projection` found and projects. */
export interface ProjectionOutcome {
  points: YearlySales[];
  /** The least-squares line over the points; undefined when they hold fewer than 2 distinct years. */
  fit: LinearModel | undefined;
  /** Which line the projection comes from: the fit, or the course's model when nothing could be fitted. */
  projectedWith: 'fit' | 'course model';
  projection: YearlySales[];
  /** The course model's prediction for 2023: the check of the prediction path. */
  courseCheck: YearlySales;
}

/**
 * Fits the yearly points when they span at least 2 distinct years and projects the `count` years after the
 * last one; otherwise projects with the course's model (COURSE_MODEL) after the last year (2020, the
 * course data's year, when there are no points). Never throws for too little data: that is an outcome.
 */
export function projectionOutcome(points: readonly YearlySales[], count: number): ProjectionOutcome {
  const years = new Set(points.map((p) => p.year));
  const fit = years.size >= 2 ? fitYearlySales(points) : undefined;
  const last = points.length > 0 ? Math.max(...years) : COURSE_DATA_YEAR;
  const ahead = nextYears(last, count);
  return {
    points: [...points],
    fit,
    projectedWith: fit ? 'fit' : 'course model',
    projection: project(fit ?? COURSE_MODEL, ahead),
    courseCheck: project(COURSE_MODEL, [COURSE_CHECK_YEAR])[0]!,
  };
}

const money = (n: number) => n.toFixed(2);

/** The outcome as the CLI prints it; `source` says where the yearly figures came from. */
export function projectionLines(o: ProjectionOutcome, source: string): string[] {
  const lines = [`Yearly sales from ${source}:`];
  if (o.points.length === 0) lines.push('  (no sales)');
  for (const p of o.points) lines.push(`  ${p.year}  ${money(p.sales)}`);
  if (o.fit) {
    const f = o.fit;
    lines.push(
      'Fitted line (least squares, sales = intercept + slope × year):',
      `  intercept ${f.intercept}  slope ${f.slope}  r2 ${f.r2.toFixed(4)}  n ${f.n}`,
      'Projection with the fitted line:',
    );
  } else {
    const years = new Set(o.points.map((p) => p.year)).size;
    lines.push(
      `No line fitted: the fit needs sales of at least 2 different years, and this data has ${years === 0 ? 'none' : years === 1 ? `only ${o.points[0]!.year}` : years}.`,
      `Projection with the course's model instead (intercept ${COURSE_MODEL.intercept}, slope ${COURSE_MODEL.slope}):`,
    );
  }
  for (const p of o.projection) lines.push(`  ${p.year}  ${money(p.sales)}`);
  lines.push(
    `Course model check: ${o.courseCheck.year} -> ${o.courseCheck.sales.toFixed(4)} (the course's model predicts about 175.17)`,
  );
  return lines;
}
