import { createKeyedCache } from './cache.js';
import { MOBILE_PHONES } from './names.js';
import { defaultYear, parseSalesFilters, type SalesFilterOptions } from './params.js';
import {
  categoriesQuery,
  chartsQuery,
  perCountryQuery,
  type Query,
  reportsQuery,
  yearsQuery,
} from './queries.js';
import {
  type ChartRow,
  type Charts,
  type PerCountryRow,
  type ReportRow,
  type Reports,
  shapeCharts,
  shapeReports,
} from './shape.js';

/*
 * `GET /api/sales`: validates the filters against the warehouse's years and categories, then answers
 * everything the sales page shows in one JSON document. Each part is cached for `ttlMs` per key (options;
 * charts per year; reports per category filter; the materialized report), so a refresh is one round of
 * aggregate queries run side by side, and many pages polling cost one round per TTL.
 */
/** Everything the sales page shows, for one year and category filter. */
export interface SalesResponse {
  /** when the oldest part of this answer was read from the warehouse (ms since the epoch) */
  at: number;
  filters: {
    year: number;
    category: string | null;
    years: number[];
    categories: string[];
    defaultYear: number;
    /** the category of the quarterly chart */
    mobilePhones: string;
  };
  charts: Charts;
  reports: Reports & { totalSalesPerCountry: PerCountryRow[] };
}

/** The HTTP status and JSON body of one request: the data, or a bad filter with the accepted values. */
export type SalesAnswer =
  | { status: 200; body: SalesResponse }
  | { status: 400; body: { error: string; years: number[]; categories: string[] } };

/** Where the source reads (a query function over the warehouse, the star's schema) and its cache TTL. */
export interface SalesSourceOptions {
  /** runs one statement on the warehouse and returns its rows */
  query: (q: Query) => Promise<unknown[]>;
  /** the warehouse schema of the star */
  schema: string;
  /** how long a part is reused, default 1000 ms */
  ttlMs?: number;
  now?: () => number;
}

/** The `/api/sales` callback over one warehouse schema. */
export function createSalesSource(
  opts: SalesSourceOptions,
): (query: URLSearchParams) => Promise<SalesAnswer> {
  const ttl = opts.ttlMs ?? 1000;
  const now = opts.now ?? Date.now;
  const rows = <R>(q: Query) => opts.query(q) as Promise<R[]>;

  const options = createKeyedCache<SalesFilterOptions>(
    async () => {
      const [years, categories] = await Promise.all([
        rows<{ year: number }>(yearsQuery(opts.schema)),
        rows<{ category: string }>(categoriesQuery(opts.schema)),
      ]);
      return { years: years.map((r) => Number(r.year)), categories: categories.map((r) => r.category) };
    },
    ttl,
    1,
    now,
  );
  const charts = createKeyedCache(
    (year) => rows<ChartRow>(chartsQuery(opts.schema, Number(year))),
    ttl,
    16,
    now,
  );
  const reports = createKeyedCache(
    (key) => rows<ReportRow>(reportsQuery(opts.schema, JSON.parse(key) as string | null)).then(shapeReports),
    ttl,
    16,
    now,
  );
  const perCountry = createKeyedCache(() => rows<PerCountryRow>(perCountryQuery(opts.schema)), ttl, 1, now);

  return async (query) => {
    const o = await options('');
    const parsed = parseSalesFilters(query, o.value, now());
    if (!parsed.ok)
      return {
        status: 400,
        body: { error: parsed.error, years: o.value.years, categories: o.value.categories },
      };
    const { year, category } = parsed.filters;
    const [c, r, p] = await Promise.all([
      charts(String(year)),
      reports(JSON.stringify(category)),
      perCountry(''),
    ]);
    return {
      status: 200,
      body: {
        at: Math.min(o.at, c.at, r.at, p.at),
        filters: {
          year,
          category,
          years: o.value.years,
          categories: o.value.categories,
          defaultYear: defaultYear(o.value, now()),
          mobilePhones: MOBILE_PHONES,
        },
        charts: shapeCharts(c.value, category),
        reports: { ...r.value, totalSalesPerCountry: p.value },
      },
    };
  };
}
