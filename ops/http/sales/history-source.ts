import { createKeyedCache } from './cache.js';
import { createFilterOptionsCache } from './filter-options.js';
import { historyCategoriesQuery, historyChartsQuery, historyYearsQuery } from './history-queries.js';
import { type HistoryChartRow, shapeHistoryCharts } from './history-shape.js';
import { answerMissingTable } from './missing-table.js';
import { MOBILE_ITEM } from './names.js';
import { defaultYear, parseSalesFilters } from './params.js';
import type { SalesAnswer, SalesSourceOptions } from './source.js';

/*
 * `GET /api/sales?source=history`: the three charts from the course's `sales_history` table instead of the
 * star, with the same filters (checked against the table's years and categories) and the same caching per
 * key. The course's report tables are the star's only: `reports` is null. Without the table the answer is a
 * 503 naming `starling seed sales-history`.
 */
/** The `/api/sales?source=history` callback over one warehouse schema (the query's `source` is not read). */
export function createHistorySource(
  opts: SalesSourceOptions,
): (query: URLSearchParams) => Promise<SalesAnswer> {
  const ttl = opts.ttlMs ?? 1000;
  const now = opts.now ?? Date.now;
  const rows = <R>(q: Parameters<SalesSourceOptions['query']>[0]) => opts.query(q) as Promise<R[]>;

  const options = createFilterOptionsCache(
    opts.query,
    historyYearsQuery(opts.schema),
    historyCategoriesQuery(opts.schema),
    ttl,
    now,
  );
  const charts = createKeyedCache(
    (year) => rows<HistoryChartRow>(historyChartsQuery(opts.schema, Number(year))),
    ttl,
    16,
    now,
  );

  return async (query) => {
    try {
      const o = await options();
      const parsed = parseSalesFilters(query, o.value, now());
      if (!parsed.ok)
        return {
          status: 400,
          body: { error: parsed.error, years: o.value.years, categories: o.value.categories },
        };
      const { year, category } = parsed.filters;
      const c = await charts(String(year));
      return {
        status: 200,
        body: {
          at: Math.min(o.at, c.at),
          filters: {
            source: 'history',
            year,
            category,
            years: o.value.years,
            categories: o.value.categories,
            defaultYear: defaultYear(o.value, now()),
            mobilePhones: MOBILE_ITEM,
          },
          charts: shapeHistoryCharts(c.value, category),
          reports: null,
        },
      };
    } catch (e) {
      return answerMissingTable(e, 'sales-history', opts.schema);
    }
  };
}
