import type pg from 'pg';
import { UserError } from '../../core/errors/user-error.js';
import { quoteIdentifier as q } from '../../schemas/ddl/dialect-neutral.js';
import { dateDimensionColumns, factColumns } from '../../schemas/model/columns.js';
import { FactSales, softcartModel } from '../../schemas/softcart.js';
import { SALES_HISTORY } from '../../seeds/course-tables.js';
import type { YearlySales } from './projection.js';
import type { WarehouseQuery } from './top-terms.js';

/** Where yearly sales come from: the star's facts, or the course's sales_history table. */
export type SalesSource = 'star' | 'history';

/** The source as the user names it (`--source`); a UserError (exit code 2) for anything else. */
export function parseSalesSource(text: string): SalesSource {
  if (text === 'star' || text === 'history') return text;
  throw new UserError(`--source "${text}" is not star or history.`, 'ANALYTICS_SOURCE');
}

/**
 * The star's names the query reads, from the model (never spelled out by hand): the fact, its amount
 * measure and date key, the date dimension and its year. Throws when the model no longer has one of them.
 */
function starNames() {
  const amount = FactSales.measures.find((m) => m.name === 'amount')?.name;
  const dateTable = softcartModel.dateDimension.name;
  const dateKey = softcartModel.dateDimension.surrogateKey;
  const year = dateDimensionColumns(softcartModel.dateDimension).find((c) => c.name === 'year')?.name;
  const factCols = factColumns(FactSales, softcartModel).map((c) => c.name);
  if (amount === undefined || year === undefined || !factCols.includes(dateKey))
    throw new Error(
      `yearly sales: the model lacks ${FactSales.name}.amount, its date key or ${dateTable}.year`,
    );
  return { fact: FactSales.name, amount, dateTable, dateKey, year };
}

/**
 * Rows `{ year, sales }`, ascending by year: total sales per year. Star: SUM(amount) of FactSales by its
 * date dimension's year (every fact has a date key; the join keeps facts whose day is a member, which the
 * warehouse sink writes with the fact). History: SUM(price) of sales_history by its year column. Sums are
 * cast to text so exact numerics reach JavaScript as written.
 */
export function yearlySalesQuery(source: SalesSource, schema: string): WarehouseQuery {
  const t = (name: string) => `${q(schema)}.${q(name)}`;
  if (source === 'history')
    return {
      text: `SELECT ${q('year')} AS "year", SUM(${q('price')})::text AS "sales"\nFROM ${t(SALES_HISTORY.table)}\nGROUP BY ${q('year')}\nORDER BY 1`,
      values: [],
    };
  const n = starNames();
  const year = `${q('d')}.${q(n.year)}`;
  return {
    text: [
      `SELECT ${year} AS "year", SUM(${q('f')}.${q(n.amount)})::text AS "sales"`,
      `FROM ${t(n.fact)} AS ${q('f')}`,
      `JOIN ${t(n.dateTable)} AS ${q('d')} ON ${q('d')}.${q(n.dateKey)} = ${q('f')}.${q(n.dateKey)}`,
      `GROUP BY ${year}`,
      'ORDER BY 1',
    ].join('\n'),
    values: [],
  };
}

/** What the user reads as the source of the figures, e.g. `softcart."FactSales" by "DimDate".year`. */
export function describeSource(source: SalesSource, schema: string): string {
  if (source === 'history') return `${schema}.${SALES_HISTORY.table} (SUM(price) by year)`;
  const n = starNames();
  return `${schema}.${n.fact} by ${n.dateTable}.${n.year} (SUM(${n.amount}))`;
}

/**
 * Yearly sales of the warehouse schema, ascending by year (sums as doubles: the fit needs numbers, and a
 * double is exact to the cent far beyond any SoftCart total). A missing table is a UserError (exit code 2)
 * that says what creates it.
 */
export async function yearlySales(
  db: Pick<pg.ClientBase, 'query'>,
  source: SalesSource,
  schema: string,
): Promise<YearlySales[]> {
  try {
    const r = await db.query<{ year: number; sales: string }>(yearlySalesQuery(source, schema));
    return r.rows.map((row) => ({ year: Number(row.year), sales: Number(row.sales) }));
  } catch (e) {
    if ((e as { code?: string }).code === '42P01')
      throw new UserError(
        source === 'history'
          ? `The warehouse schema "${schema}" has no ${SALES_HISTORY.table} table: load it with \`starling seed sales-history\`.`
          : `The warehouse schema "${schema}" has no star yet: \`starling run\` (the warehouse sink) creates and fills it.`,
        'ANALYTICS_NO_TABLE',
      );
    throw e;
  }
}
