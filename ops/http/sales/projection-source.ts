import {
  COURSE_MODEL,
  type LinearCoefficients,
  type LinearModel,
  type YearlySales,
} from '../../analytics/projection.js';
import { projectionOutcome } from '../../analytics/projection-report.js';
import { type SalesSource, yearlySalesQuery } from '../../analytics/yearly-sales.js';
import { createKeyedCache } from './cache.js';
import { answerMissingTable } from './missing-table.js';
import type { Query } from './queries.js';
import { parseSourceParam, SALES_SOURCES } from './source-param.js';

/*
 * `GET /api/sales/projection?source=star|history`: the course's sales projection for the page, as `starling
 * analytics projection` computes it (ops/analytics): yearly sales of the source (star: SUM(amount) of
 * FactSales by year; history: SUM(price) of sales_history by year), the least-squares line when there are at
 * least 2 years, and the next 3 years projected with it, or else with the course's pretrained model (the
 * course's data is all 2020). Cached per source for the TTL; a missing table is a 503 naming what creates it.
 */
/** How many years after the last one are projected (the course asks for 3). */
export const PROJECTED_YEARS = 3;

/** What the projection panel shows. */
export interface ProjectionResponse {
  /** when the yearly sales were read (ms since the epoch) */
  at: number;
  source: SalesSource;
  /** yearly sales, ascending by year */
  points: YearlySales[];
  /** the fitted line; null with fewer than `minYears` distinct years */
  fit: LinearModel | null;
  /** the distinct years a fit needs */
  minYears: number;
  projectedWith: 'fit' | 'course model';
  /** the next PROJECTED_YEARS years after the last one (2020 without data) */
  projection: YearlySales[];
  /** the course's pretrained model, and its prediction for 2023 (≈175.17) */
  courseModel: LinearCoefficients;
  courseCheck: YearlySales;
}

/** The answer of `/api/sales/projection`. */
export type ProjectionAnswer =
  | { status: 200; body: ProjectionResponse }
  | { status: 400 | 503; body: { error: string; sources?: string[] } };

/** Where the yearly sales are read: a query function over the warehouse and its schema; the cache's TTL. */
export interface ProjectionSourceOptions {
  query: (q: Query) => Promise<unknown[]>;
  schema: string;
  /** how long an answer is reused, default 1000 ms */
  ttlMs?: number;
  now?: () => number;
}

/** The `/api/sales/projection` callback: `source` is its only parameter. */
export function createProjectionSource(
  opts: ProjectionSourceOptions,
): (query: URLSearchParams) => Promise<ProjectionAnswer> {
  const yearly = createKeyedCache(
    async (source) => {
      const rows = (await opts.query(yearlySalesQuery(source as SalesSource, opts.schema))) as Array<{
        year: number;
        sales: string;
      }>;
      // Doubles: the fit needs numbers (yearly-sales.ts: exact to the cent far beyond any SoftCart total).
      return rows.map((r) => ({ year: Number(r.year), sales: Number(r.sales) }));
    },
    opts.ttlMs ?? 1000,
    SALES_SOURCES.length,
    opts.now,
  );
  return async (query) => {
    const other = [...query.keys()].find((k) => k !== 'source');
    if (other !== undefined)
      return {
        status: 400,
        body: { error: `unknown parameter ${JSON.stringify(other.slice(0, 40))}: the only one is source` },
      };
    const parsed = parseSourceParam(query);
    if (!parsed.ok) return { status: 400, body: { error: parsed.error, sources: [...SALES_SOURCES] } };
    try {
      const y = await yearly(parsed.source);
      const o = projectionOutcome(y.value, PROJECTED_YEARS);
      return {
        status: 200,
        body: {
          at: y.at,
          source: parsed.source,
          points: o.points,
          fit: o.fit ?? null,
          minYears: 2,
          projectedWith: o.projectedWith,
          projection: o.projection,
          courseModel: { ...COURSE_MODEL },
          courseCheck: o.courseCheck,
        },
      };
    } catch (e) {
      return answerMissingTable(e, parsed.source === 'history' ? 'sales-history' : 'star', opts.schema);
    }
  };
}
