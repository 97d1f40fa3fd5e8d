import { csvRecordsAfterHeader, isoDate } from './csv.js';
import { ParseProblems, toInt } from './parse-errors.js';

/** One line of the course's searchterms.csv (Spark module): a search on the web server, by day. */
export interface SearchTermRow {
  day: number;
  month: number;
  year: number;
  term: string;
  /** 'YYYY-MM-DD', from day, month and year. */
  date: string;
}

const HEADER = 'day,month,year,searchterm';

/**
 * Parses searchterms.csv: a UTF-8 byte-order mark (optional), header `day,month,year,searchterm`, then one
 * search per line. Every bad line is reported with its number in one UserError (ParseProblems): wrong field
 * count (a term cannot hold a comma), a non-integer number, a day/month/year that is not a calendar date, an
 * empty term. Terms are trimmed and otherwise kept as written (case included).
 */
export function parseSearchTerms(text: string, file = 'searchterms.csv'): SearchTermRow[] {
  const problems = new ParseProblems(file);
  const rows = csvRecordsAfterHeader(text, HEADER, problems).map(({ line, fields }) => {
    if (fields.length !== 4) problems.add(line, `expected 4 fields, found ${fields.length}`);
    const [d = '', m = '', y = '', t = ''] = fields;
    const day = toInt(d, 'day', line, problems);
    const month = toInt(m, 'month', line, problems);
    const year = toInt(y, 'year', line, problems);
    const term = t.trim();
    // Only numbers toInt accepted are checked as a date, so one bad field gives one problem.
    const date = [day, month, year].every(Number.isInteger) ? isoDate(year, month, day) : '';
    if (date === undefined)
      problems.add(line, `day ${day}, month ${month}, year ${year} is not a calendar date`);
    if (term === '') problems.add(line, 'the search term is empty');
    return { day, month, year, term, date: date ?? '' };
  });
  problems.throwIfAny();
  return rows;
}

/** A search term and how many rows hold it. */
export interface TermCount {
  term: string;
  count: number;
}

/**
 * The n most frequent terms: count descending, ties by term ascending (code-point order, independent of the
 * locale); fewer when there are fewer distinct terms. Terms are compared exactly ('Laptop' ≠ 'laptop').
 * Throws a RangeError unless n is a non-negative integer.
 */
export function topTerms(rows: readonly Pick<SearchTermRow, 'term'>[], n: number): TermCount[] {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`The number of top terms must be a whole number of 0 or more, not ${n}.`);
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.term, (counts.get(r.term) ?? 0) + 1);
  return [...counts]
    .map(([term, count]) => ({ term, count }))
    .sort((a, b) => b.count - a.count || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0))
    .slice(0, n);
}
