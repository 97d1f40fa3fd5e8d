import { sumDecimals } from './decimal.js';
import { MOBILE_PHONES } from './names.js';

/*
 * The answer of `GET /api/sales`, assembled from the rows of queries.ts by pure functions: the three
 * charts of the chosen year (month-wise zero-filled, category-wise, mobile phones per quarter), and the
 * course's reports. Money is exact decimal text; a NULL country or category is a fact whose member has not
 * arrived yet.
 */

/** A row of chartsQuery. */
export interface ChartRow {
  month: number;
  quarter: number;
  category: string | null;
  total_sales: string | null;
}

/** A row of reportsQuery. */
export interface ReportRow {
  year: number | null;
  country: string | null;
  category: string | null;
  total_sales: string | null;
  average_sales: string | null;
  grouping_year: number;
  grouping_country: number;
  grouping_category: number;
}

/** A row of perCountryQuery. */
export interface PerCountryRow {
  country: string | null;
  total_sales: string | null;
}

/** The three charts of one year. */
export interface Charts {
  /** month-wise total sales of the year, for the category filter (null: all) */
  monthly: Array<{ month: number; total: string }>;
  /** category-wise total sales of the year (every category, whatever the filter) */
  byCategory: Array<{ category: string | null; total: string }>;
  /** quarterly sales of mobile phones in the year */
  quarterly: Array<{ quarter: number; total: string }>;
}

/** The course's reports from one GROUPING SETS result (the materialized one is read apart). */
export interface Reports {
  groupingSets: Array<{
    grouping_set: 'country' | 'category';
    country: string | null;
    category: string | null;
    total_sales: string | null;
  }>;
  rollup: Array<{
    year: number | null;
    country: string | null;
    total_sales: string | null;
    grouping_year: number;
    grouping_country: number;
  }>;
  cube: Array<{
    year: number | null;
    country: string | null;
    average_sales: string | null;
    grouping_year: number;
    grouping_country: number;
  }>;
}

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);
const QUARTERS = [1, 2, 3, 4];

/** The three charts of one year from its (month, quarter, category) sums; months and quarters zero-filled. */
export function shapeCharts(rows: readonly ChartRow[], category: string | null): Charts {
  const sum = (pick: (r: ChartRow) => boolean) => sumDecimals(rows.filter(pick).map((r) => r.total_sales));
  const categories = [...new Set(rows.map((r) => r.category))].sort(byText);
  return {
    monthly: MONTHS.map((month) => ({
      month,
      total: sum((r) => r.month === month && (category === null || r.category === category)),
    })),
    byCategory: categories.map((c) => ({ category: c, total: sum((r) => r.category === c) })),
    quarterly: QUARTERS.map((quarter) => ({
      quarter,
      total: sum((r) => r.quarter === quarter && r.category === MOBILE_PHONES),
    })),
  };
}

/** Text ascending, NULL last (the unresolved group after the named ones). */
function byText(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function byYear(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a - b;
}

/**
 * The grouping-sets, rollup and cube reports from the one GROUPING SETS result: each report takes the
 * groupings of its view, told apart by the GROUPING() flags. Order: by year (subtotals after their year's
 * rows, the grand total last), then by name.
 */
export function shapeReports(rows: readonly ReportRow[]): Reports {
  const set = (gy: number, gc: number, gca: number) =>
    rows.filter((r) => r.grouping_year === gy && r.grouping_country === gc && r.grouping_category === gca);
  const byCountry = set(1, 0, 1);
  const byCategory = set(1, 1, 0);
  const yearCountry = set(0, 0, 1);
  const yearTotal = set(0, 1, 1);
  const grand = set(1, 1, 1);
  const ordered = (list: ReportRow[]) =>
    [...list].sort(
      (a, b) =>
        a.grouping_year - b.grouping_year ||
        byYear(a.year, b.year) ||
        a.grouping_country - b.grouping_country ||
        byText(a.country, b.country),
    );
  return {
    groupingSets: [
      ...[...byCountry]
        .sort((a, b) => byText(a.country, b.country))
        .map((r) => ({
          grouping_set: 'country' as const,
          country: r.country,
          category: null,
          total_sales: r.total_sales,
        })),
      ...[...byCategory]
        .sort((a, b) => byText(a.category, b.category))
        .map((r) => ({
          grouping_set: 'category' as const,
          country: null,
          category: r.category,
          total_sales: r.total_sales,
        })),
    ],
    rollup: ordered([...yearCountry, ...yearTotal, ...grand]).map((r) => ({
      year: r.year,
      country: r.country,
      total_sales: r.total_sales,
      grouping_year: r.grouping_year,
      grouping_country: r.grouping_country,
    })),
    cube: ordered([...yearCountry, ...yearTotal, ...byCountry, ...grand]).map((r) => ({
      year: r.year,
      country: r.country,
      average_sales: r.average_sales,
      grouping_year: r.grouping_year,
      grouping_country: r.grouping_country,
    })),
  };
}
