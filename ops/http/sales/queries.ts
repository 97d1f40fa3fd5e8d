import { quoteIdentifier as q } from '../../../schemas/ddl/dialect-neutral.js';
import { type SalesNames, salesNames } from './names.js';

/*
 * The SQL of the sales dashboard on the PostgreSQL warehouse: identifiers quoted from the model's names,
 * values as $n parameters. Four aggregate statements make one refresh of everything the page shows:
 * the filter options (years with facts, categories), the charts of one year (one scan of the facts), the
 * course's reports for one category filter (one scan: every grouping they need in one GROUPING SETS), and
 * the materialized total per country (a read of its few rows).
 */
/** One statement: its text and its $n parameters, for pg's `query(text, values)`. */
export interface Query {
  text: string;
  values: unknown[];
}

function tables(schema: string, n: SalesNames = salesNames()) {
  const t = (name: string) => `${q(schema)}.${q(name)}`;
  const f = q('f');
  const d = q('d');
  const ca = q('ca');
  const co = q('co');
  return {
    n,
    t,
    f,
    d,
    ca,
    co,
    fact: `FROM ${t(n.fact)} AS ${f}`,
    // Every dimension LEFT JOINed, as in the warehouse's report views: a fact whose member has not arrived
    // yet is still counted (under a NULL category or country).
    joinDate: `LEFT JOIN ${t(n.dateTable)} AS ${d} ON ${d}.${q(n.dateKey)} = ${f}.${q(n.dateKey)}`,
    joinCategory: `LEFT JOIN ${t(n.categoryTable)} AS ${ca} ON ${ca}.${q(n.categoryKey)} = ${f}.${q(n.categoryKey)}`,
    joinCountry: `LEFT JOIN ${t(n.countryTable)} AS ${co} ON ${co}.${q(n.countryKey)} = ${f}.${q(n.countryKey)}`,
  };
}

/** Rows `{ year }`: the years that have at least one fact, ascending. */
export function yearsQuery(schema: string): Query {
  const { n, t, f, d } = tables(schema);
  return {
    text: [
      `SELECT DISTINCT ${d}.${q(n.year)} AS "year"`,
      `FROM ${t(n.dateTable)} AS ${d}`,
      `WHERE EXISTS (SELECT 1 FROM ${t(n.fact)} AS ${f} WHERE ${f}.${q(n.dateKey)} = ${d}.${q(n.dateKey)})`,
      'ORDER BY 1',
    ].join('\n'),
    values: [],
  };
}

/** Rows `{ category }`: every member of the category dimension, ascending (the filter's choices). */
export function categoriesQuery(schema: string): Query {
  const { n, t, ca } = tables(schema);
  return {
    text: `SELECT DISTINCT ${ca}.${q(n.category)} AS "category"\nFROM ${t(n.categoryTable)} AS ${ca}\nORDER BY 1`,
    values: [],
  };
}

/**
 * Rows `{ month, quarter, category, total_sales }` of one year: SUM(amount) per month and category (NULL
 * category: facts whose category has not arrived). The three charts are sums over these few rows, so the
 * category filter of the month-wise chart costs no query of its own.
 */
export function chartsQuery(schema: string, year: number): Query {
  const { n, f, d, ca, fact, joinDate, joinCategory } = tables(schema);
  return {
    text: [
      `SELECT ${d}.${q(n.month)} AS "month", ${d}.${q(n.quarter)} AS "quarter", ${ca}.${q(n.category)} AS "category",`,
      `  SUM(${f}.${q(n.amount)}) AS "total_sales"`,
      fact,
      joinDate,
      joinCategory,
      `WHERE ${d}.${q(n.year)} = $1`,
      `GROUP BY ${d}.${q(n.month)}, ${d}.${q(n.quarter)}, ${ca}.${q(n.category)}`,
    ].join('\n'),
    values: [year],
  };
}

/**
 * The course's reports in one scan, optionally for one category: GROUPING SETS ((country), (category),
 * (year, country), (year), ()) — the union of the report views' groupings (grouping sets (country),
 * (category); ROLLUP (year, country); CUBE (year, country) adds (country)) — with the total and average of
 * amount and the GROUPING() flag of each column (1: the row aggregates over it).
 *
 * The facts are first summed per (year, country key, category key) — a few hundred rows, which the planner
 * can estimate from the fact table's statistics and hash — then named and grouped five ways; grouping
 * 300,000 joined facts five ways directly sorted them to disk (≈650 ms against ≈100 ms). A key names one
 * member (a dimension's natural key is unique), and a key without a member (not arrived yet) joins to NULL
 * as in the views. The average is the sum over the count of non-NULL amounts: the division PostgreSQL's
 * AVG(numeric) itself does, so unfiltered the rows equal the views' to the digit. Rows `{ year, country,
 * category, total_sales, average_sales, grouping_year, grouping_country, grouping_category }`.
 */
export function reportsQuery(schema: string, category: string | null): Query {
  const { n, t, f, d, ca, co, fact, joinDate } = tables(schema);
  const g = q('g');
  const [year, country, categoryCol, sum, count] = ['year', 'country', 'category', 's', 'n'].map(q);
  const countryName = `${co}.${q(n.country)}`;
  const categoryName = `${ca}.${q(n.category)}`;
  const filter =
    category === null
      ? []
      : [
          `  WHERE ${f}.${q(n.categoryKey)} IN (SELECT ${ca}.${q(n.categoryKey)} FROM ${t(n.categoryTable)} AS ${ca} WHERE ${categoryName} = $1)`,
        ];
  return {
    text: [
      `SELECT ${g}.${year} AS ${year}, ${countryName} AS ${country}, ${categoryName} AS ${categoryCol},`,
      `  SUM(${g}.${sum}) AS "total_sales", SUM(${g}.${sum}) / NULLIF(SUM(${g}.${count}), 0) AS "average_sales",`,
      `  GROUPING(${g}.${year}) AS "grouping_year", GROUPING(${countryName}) AS "grouping_country", GROUPING(${categoryName}) AS "grouping_category"`,
      'FROM (',
      `  SELECT ${d}.${q(n.year)} AS ${year}, ${f}.${q(n.countryKey)}, ${f}.${q(n.categoryKey)},`,
      `    SUM(${f}.${q(n.amount)}) AS ${sum}, COUNT(${f}.${q(n.amount)}) AS ${count}`,
      `  ${fact}`,
      `  ${joinDate}`,
      ...filter,
      `  GROUP BY ${d}.${q(n.year)}, ${f}.${q(n.countryKey)}, ${f}.${q(n.categoryKey)}`,
      `) AS ${g}`,
      `LEFT JOIN ${t(n.countryTable)} AS ${co} ON ${co}.${q(n.countryKey)} = ${g}.${q(n.countryKey)}`,
      `LEFT JOIN ${t(n.categoryTable)} AS ${ca} ON ${ca}.${q(n.categoryKey)} = ${g}.${q(n.categoryKey)}`,
      `GROUP BY GROUPING SETS ((${countryName}), (${categoryName}), (${g}.${year}, ${countryName}), (${g}.${year}), ())`,
    ].join('\n'),
    values: category === null ? [] : [category],
  };
}

/**
 * Rows `{ country, total_sales }` of the materialized report total_sales_per_country (its column names are
 * the ones schemas/ddl/reports.ts gives it), largest first.
 */
export function perCountryQuery(schema: string): Query {
  const { n, t } = tables(schema);
  return {
    text: `SELECT "country", "total_sales"\nFROM ${t(n.perCountry)}\nORDER BY "total_sales" DESC NULLS LAST, "country" NULLS LAST`,
    values: [],
  };
}
