import { REPORTS } from '../../../schemas/ddl/reports.js';
import { dateDimensionColumns, factColumns } from '../../../schemas/model/columns.js';
import { DimCategory, DimCountry, FactSales, softcartModel } from '../../../schemas/softcart.js';

/**
 * The SoftCart star's table and column names the sales dashboard reads, taken from the model (never
 * spelled out by hand), checked once against the columns the DDL planner creates, so a renamed model
 * column fails at start instead of in a query.
 */
export interface SalesNames {
  fact: string;
  amount: string;
  dateTable: string;
  dateKey: string;
  year: string;
  quarter: string;
  month: string;
  categoryTable: string;
  categoryKey: string;
  category: string;
  countryTable: string;
  countryKey: string;
  country: string;
  /** the materialized report (schemas/ddl/reports.ts) and its columns */
  perCountry: string;
}

/** The names of the SoftCart model; throws when the model no longer has a column the dashboard reads. */
export function salesNames(): SalesNames {
  const amount = FactSales.measures.find((m) => m.name === 'amount')?.name;
  if (amount === undefined) throw new Error(`sales dashboard: ${FactSales.name} has no measure amount`);
  const names: SalesNames = {
    fact: FactSales.name,
    amount,
    dateTable: softcartModel.dateDimension.name,
    dateKey: softcartModel.dateDimension.surrogateKey,
    year: 'year',
    quarter: 'quarter',
    month: 'month',
    categoryTable: DimCategory.name,
    categoryKey: DimCategory.surrogateKey,
    category: DimCategory.naturalKey.name,
    countryTable: DimCountry.name,
    countryKey: DimCountry.surrogateKey,
    country: DimCountry.naturalKey.name,
    perCountry: REPORTS.totalSalesPerCountry,
  };
  const factCols = factColumns(FactSales, softcartModel).map((c) => c.name);
  for (const col of [names.amount, names.dateKey, names.categoryKey, names.countryKey])
    if (!factCols.includes(col)) throw new Error(`sales dashboard: ${names.fact} has no column ${col}`);
  const dateCols = dateDimensionColumns(softcartModel.dateDimension).map((c) => c.name);
  for (const col of [names.year, names.quarter, names.month])
    if (!dateCols.includes(col)) throw new Error(`sales dashboard: ${names.dateTable} has no column ${col}`);
  return names;
}

/** The category the course calls "mobile phones" (docs/product.md: the catalog's `type` "smart phone"). */
export const MOBILE_PHONES = 'smart phone';

/**
 * The item of `sales_history` (the course's ecommerce.csv) whose quarterly sales the history's third chart
 * shows: the course's BI module charts "quarterly sales of mobile phones" as the item `Mobile` (the file's
 * categories are Electronics, Ebooks and Music; phones are an item of Electronics).
 */
export const MOBILE_ITEM = 'Mobile';
