import type { CopyValue } from './copy-text.js';
import { parseSalesHistory } from './sales-history.js';
import { parseSearchTerms } from './search-terms.js';

/** A column of a warehouse table loaded from a course file, with its PostgreSQL type. */
export interface CourseColumn {
  name: string;
  type: string;
}

/**
 * A course file loaded as one warehouse table: the file, the table, its columns in order (the first is the
 * surrogate row id, the row's 1-based position in the file, so a re-run gives every row the same id), and
 * the file's parsed rows as values in column order.
 */
export interface CourseTable {
  /** The file in the SoftCart data directory. */
  file: string;
  /** The table in the warehouse schema, the course's name. */
  table: string;
  columns: readonly CourseColumn[];
  /** Parses the file (one UserError listing its bad lines) into rows of values in `columns` order. */
  rows(text: string, path: string): CopyValue[][];
}

/** The surrogate row id every course table starts with. */
export const ROW_ID: CourseColumn = { name: 'rowid', type: 'integer' };

/** ecommerce.csv as the course's `sales_history` (BI dashboard module): the file's columns after the row id. */
export const SALES_HISTORY: CourseTable = {
  file: 'ecommerce.csv',
  table: 'sales_history',
  columns: [
    ROW_ID,
    { name: 'day', type: 'integer' },
    { name: 'month', type: 'integer' },
    { name: 'quarter', type: 'integer' },
    { name: 'year', type: 'integer' },
    { name: 'category', type: 'text' },
    { name: 'item', type: 'text' },
    // Whole numbers in the course (parseSalesHistory refuses anything else), as the course's table has them.
    { name: 'price', type: 'integer' },
  ],
  rows: (text, path) =>
    parseSalesHistory(text, path).map((r, i) => [
      i + 1,
      r.day,
      r.month,
      r.quarter,
      r.year,
      r.category,
      r.item,
      r.price,
    ]),
};

/** searchterms.csv as `search_terms` (Spark module): day, month, year, searchterm, and the date they make. */
export const SEARCH_TERMS: CourseTable = {
  file: 'searchterms.csv',
  table: 'search_terms',
  columns: [
    ROW_ID,
    { name: 'day', type: 'integer' },
    { name: 'month', type: 'integer' },
    { name: 'year', type: 'integer' },
    { name: 'searchterm', type: 'text' },
    { name: 'date', type: 'date' },
  ],
  rows: (text, path) =>
    parseSearchTerms(text, path).map((r, i) => [i + 1, r.day, r.month, r.year, r.term, r.date]),
};
