import { csvRecordsAfterHeader, isoDate } from './csv.js';
import { ParseProblems, toInt } from './parse-errors.js';

/**
 * One line of the course's ecommerce.csv (BI dashboard module; loaded as table `sales_history`). The price is
 * a whole number, so sums of prices stay exact in a double up to 2^53 — no float rounding touches money.
 */
export interface SalesHistoryRow {
  day: number;
  month: number;
  quarter: number;
  year: number;
  category: string;
  item: string;
  price: number;
}

const HEADER = 'day,month,quarter,year,category,item,price';

/**
 * Parses ecommerce.csv: header `day,month,quarter,year,category,item,price`, then one sale per line. Every
 * bad line is reported with its number in one UserError (ParseProblems): wrong field count, a non-integer
 * number, a day/month/year that is not a calendar date, a quarter other than the month's, an empty category
 * or item. Category and item are trimmed; their values are not restricted to the course's.
 */
export function parseSalesHistory(text: string, file = 'ecommerce.csv'): SalesHistoryRow[] {
  const problems = new ParseProblems(file);
  const rows = csvRecordsAfterHeader(text, HEADER, problems).map(({ line, fields }) => {
    if (fields.length !== 7) problems.add(line, `expected 7 fields, found ${fields.length}`);
    const [d = '', m = '', q = '', y = '', category = '', item = '', price = ''] = fields;
    const row: SalesHistoryRow = {
      day: toInt(d, 'day', line, problems),
      month: toInt(m, 'month', line, problems),
      quarter: toInt(q, 'quarter', line, problems),
      year: toInt(y, 'year', line, problems),
      category: category.trim(),
      item: item.trim(),
      price: toInt(price, 'price', line, problems),
    };
    const { day, month, quarter, year } = row;
    // Range checks only on numbers toInt accepted, so one bad field gives one problem.
    if ([day, month, year].every(Number.isInteger) && isoDate(year, month, day) === undefined)
      problems.add(line, `day ${day}, month ${month}, year ${year} is not a calendar date`);
    if (Number.isInteger(month) && Number.isInteger(quarter) && month >= 1 && month <= 12) {
      const expected = Math.ceil(month / 3);
      if (quarter !== expected)
        problems.add(line, `quarter ${quarter} does not match month ${month} (quarter ${expected})`);
    }
    if (row.category === '') problems.add(line, 'category is empty');
    if (row.item === '') problems.add(line, 'item is empty');
    return row;
  });
  problems.throwIfAny();
  return rows;
}

/** One month's total price of sales. */
export interface MonthTotal {
  month: number;
  total: number;
}

/** Adds a row's price to its slot; a slot outside the list is a row parseSalesHistory would have refused. */
function addTo<T extends { total: number }>(slots: T[], index: number, price: number, what: string): void {
  const slot = slots[index - 1];
  if (slot === undefined)
    throw new RangeError(`A sales row has ${what} ${index}, outside 1–${slots.length}.`);
  slot.total += price;
}

/**
 * Total price per month of `year`: always 12 entries, months 1–12 in order, 0 for a month without sales.
 * Throws a RangeError for a row of that year whose month is not 1–12.
 */
export function monthlyTotals(rows: readonly SalesHistoryRow[], year: number): MonthTotal[] {
  const totals = Array.from({ length: 12 }, (_, i) => ({ month: i + 1, total: 0 }));
  for (const r of rows) if (r.year === year) addTo(totals, r.month, r.price, 'month');
  return totals;
}

/** One category's total price of sales. */
export interface CategoryTotal {
  category: string;
  total: number;
}

/**
 * Total price per category over all rows (every year), one entry per category present, ordered by category
 * name (code-point order, so the order does not depend on the file's or the locale's).
 */
export function categoryTotals(rows: readonly SalesHistoryRow[]): CategoryTotal[] {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.category, (totals.get(r.category) ?? 0) + r.price);
  return [...totals]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([category, total]) => ({ category, total }));
}

/** One quarter's total price of sales. */
export interface QuarterTotal {
  quarter: number;
  total: number;
}

/**
 * Total price of `item` (exact, case-sensitive name, e.g. 'Mobile') per quarter: always 4 entries, quarters
 * 1–4, 0 for a quarter without sales. Quarters of different years are added together, as the course's chart
 * (GROUP BY quarter over its one-year file) does; filter the rows first for one year. Throws a RangeError for
 * a row of that item whose quarter is not 1–4.
 */
export function quarterlyTotals(rows: readonly SalesHistoryRow[], item: string): QuarterTotal[] {
  const totals = Array.from({ length: 4 }, (_, i) => ({ quarter: i + 1, total: 0 }));
  for (const r of rows) if (r.item === item) addTo(totals, r.quarter, r.price, 'quarter');
  return totals;
}
