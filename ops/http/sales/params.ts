/*
 * The filters of `GET /api/sales?year=&category=`, validated against what the warehouse holds: a year must
 * have facts and a category must be a member of the category dimension. Checking against those lists (not
 * only the syntax) also bounds what the cache can be asked to hold.
 */
/** The values the warehouse holds, which the filters are checked against. */
export interface SalesFilterOptions {
  /** years with at least one fact, ascending */
  years: number[];
  /** the category dimension's members, ascending */
  categories: string[];
}

/** Valid filters: the year shown and the category (or all). */
export interface SalesFilters {
  year: number;
  /** null: every category */
  category: string | null;
}

/** The filters, or a message saying what was wrong and what is accepted. */
export type ParsedFilters = { ok: true; filters: SalesFilters } | { ok: false; error: string };

// `source` is read by source-param.ts (it decides which years and categories these are checked against).
const KNOWN = new Set(['source', 'year', 'category']);
/** How much of a bad value an error message repeats. */
const ECHO = 40;

const echo = (v: string) => JSON.stringify(v.length > ECHO ? `${v.slice(0, ECHO)}…` : v);

/**
 * The year shown when none is asked for: the newest year with facts (the course's 2020 on its data), or the
 * current year (UTC) of an empty warehouse.
 */
export function defaultYear(options: SalesFilterOptions, now: number): number {
  return options.years.at(-1) ?? new Date(now).getUTCFullYear();
}

/** Parses and checks the query string; an error says what was wrong and what is accepted. */
export function parseSalesFilters(
  query: URLSearchParams,
  options: SalesFilterOptions,
  now: number = Date.now(),
): ParsedFilters {
  for (const key of new Set(query.keys())) {
    if (!KNOWN.has(key))
      return {
        ok: false,
        error: `unknown parameter ${echo(key)}: the filters are source, year and category`,
      };
    if (query.getAll(key).length > 1) return { ok: false, error: `${key} is given more than once` };
  }
  const fallback = defaultYear(options, now);
  const yearText = query.get('year') ?? '';
  let year = fallback;
  if (yearText !== '') {
    if (!/^\d{4}$/.test(yearText))
      return { ok: false, error: `year must be a four-digit year such as 2020, not ${echo(yearText)}` };
    year = Number(yearText);
    const allowed = options.years.length > 0 ? options.years : [fallback];
    if (!allowed.includes(year))
      return {
        ok: false,
        error: `the warehouse has no sales in ${year}; years with sales: ${allowed.join(', ')}`,
      };
  }
  const categoryText = query.get('category') ?? '';
  if (categoryText !== '' && !options.categories.includes(categoryText))
    return {
      ok: false,
      error: `unknown category ${echo(categoryText)}; the warehouse's categories: ${
        options.categories.length > 0 ? options.categories.join(', ') : 'none yet'
      }`,
    };
  return { ok: true, filters: { year, category: categoryText === '' ? null : categoryText } };
}
