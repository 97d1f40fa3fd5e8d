import type { SalesSource } from '../../analytics/yearly-sales.js';
import { createKeyedCache } from './cache.js';
import { createFilterOptionsCache } from './filter-options.js';
import { createHistorySource } from './history-source.js';
import { answerMissingTable } from './missing-table.js';
import { MOBILE_PHONES } from './names.js';
import { defaultYear, parseSalesFilters } from './params.js';
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
import { parseSourceParam, SALES_SOURCES } from './source-param.js';

/*
 * `GET /api/sales?source=&year=&category=`: reads the source (the star, default, or the course's
 * sales_history: history-source.ts answers that one), validates the filters against the source's years and
 * categories, then answers everything the sales page shows of that source in one JSON document. Each part is cached for `ttlMs` per key (options;
 * charts per year; reports per category filter; the materialized report), so a refresh is one round of
 * aggregate queries run side by side, and many pages polling cost one round per TTL.
 */
/** Everything the sales page shows, for one year and category filter. */
export interface SalesResponse {
  /** when the oldest part of this answer was read from the warehouse (ms since the epoch) */
  at: number;
  filters: {
    /** where the charts come from: the SoftCart star or the course's sales_history table */
    source: SalesSource;
    year: number;
    category: string | null;
    years: number[];
    categories: string[];
    defaultYear: number;
    /** what the quarterly chart shows: the star's category of phones, or sales_history's phone item */
    mobilePhones: string;
  };
  charts: Charts;
  /** the course's report tables; null with the history source (they are the star's only) */
  reports: (Reports & { totalSalesPerCountry: PerCountryRow[] }) | null;
}

/**
 * The HTTP status and JSON body of one request: the data; a bad filter with the accepted values; or a 503
 * when the source's tables are not in the warehouse (the message names what creates them).
 */
export type SalesAnswer =
  | { status: 200; body: SalesResponse }
  | { status: 400; body: { error: string; years?: number[]; categories?: string[]; sources?: string[] } }
  | { status: 503; body: { error: string } };

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

  const options = createFilterOptionsCache(
    opts.query,
    yearsQuery(opts.schema),
    categoriesQuery(opts.schema),
    ttl,
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
  const history = createHistorySource(opts);

  return async (query) => {
    const source = parseSourceParam(query);
    if (!source.ok) return { status: 400, body: { error: source.error, sources: [...SALES_SOURCES] } };
    if (source.source === 'history') return history(query);
    return star(query).catch((e: unknown) => answerMissingTable(e, 'star', opts.schema));
  };

  async function star(query: URLSearchParams): Promise<SalesAnswer> {
    const o = await options();
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
          source: 'star',
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
  }
}
