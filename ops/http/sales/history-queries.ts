import { quoteIdentifier as q } from '../../../schemas/ddl/dialect-neutral.js';
import { SALES_HISTORY } from '../../../seeds/course-tables.js';
import { MOBILE_ITEM } from './names.js';
import type { Query } from './queries.js';

/*
 * The SQL of the sales dashboard over the course's `sales_history` table (seeds/course-tables.ts: day,
 * month, quarter, year, category, item, price), the page's second source. Identifiers quoted from the
 * table's definition, values as $n parameters. Its rows have the shapes of the star's queries (queries.ts),
 * so the filters and the charts are checked and shaped by the same code.
 */
const READ = ['month', 'quarter', 'year', 'category', 'item', 'price'] as const;

/** The sales_history columns the dashboard reads, quoted; checked against the table's definition. */
function columns(): Record<(typeof READ)[number], string> {
  const names = SALES_HISTORY.columns.map((c) => c.name);
  for (const c of READ)
    if (!names.includes(c)) throw new Error(`sales dashboard: ${SALES_HISTORY.table} has no column ${c}`);
  return Object.fromEntries(READ.map((c) => [c, q(c)])) as Record<(typeof READ)[number], string>;
}

const table = (schema: string) => `${q(schema)}.${q(SALES_HISTORY.table)}`;

/** Rows `{ year }`: the years of sales_history, ascending. */
export function historyYearsQuery(schema: string): Query {
  const c = columns();
  return { text: `SELECT DISTINCT ${c.year} AS "year"\nFROM ${table(schema)}\nORDER BY 1`, values: [] };
}

/** Rows `{ category }`: the categories of sales_history, ascending (the filter's choices with this source). */
export function historyCategoriesQuery(schema: string): Query {
  const c = columns();
  return {
    text: `SELECT DISTINCT ${c.category} AS "category"\nFROM ${table(schema)}\nORDER BY 1`,
    values: [],
  };
}

/**
 * Rows `{ month, quarter, category, total_sales, mobile_sales }` of one year: SUM(price) per month and
 * category, and the part of it that is the item `Mobile` (the quarterly chart). Sums as numeric(20,2), so
 * they read as the star's money does ("1234.00").
 */
export function historyChartsQuery(schema: string, year: number): Query {
  const c = columns();
  const money = (sum: string) => `(${sum})::numeric(20,2)`;
  return {
    text: [
      `SELECT ${c.month} AS "month", ${c.quarter} AS "quarter", ${c.category} AS "category",`,
      `  ${money(`SUM(${c.price})`)} AS "total_sales",`,
      `  ${money(`SUM(${c.price}) FILTER (WHERE ${c.item} = $2)`)} AS "mobile_sales"`,
      `FROM ${table(schema)}`,
      `WHERE ${c.year} = $1`,
      `GROUP BY ${c.month}, ${c.quarter}, ${c.category}`,
    ].join('\n'),
    values: [year, MOBILE_ITEM],
  };
}
