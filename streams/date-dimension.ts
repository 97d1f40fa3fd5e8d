/**
 * The date dimension at day grain, computed from a timestamp or a date in UTC with fixed English names, so
 * the same input gives the same row on every machine (no locale, no local time zone).
 *
 * dateid is yyyymmdd as an integer (e.g. 20190331): a pure function of the day, so it survives replays and
 * needs no lookup. Weekday follows the course's DimDate: 1 = Sunday .. 7 = Saturday. The quarter is computed
 * from the month (Q1 = January..March), so quarter-end days belong to their own quarter (the course's
 * DimDate.csv puts them in the next one; that defect is not copied).
 */

export interface DateRow {
  /** yyyymmdd. */
  dateid: number;
  /** 'yyyy-mm-dd'. */
  date: string;
  year: number;
  /** 1-4. */
  quarter: number;
  /** 'Q1'..'Q4'. */
  quartername: string;
  /** 1-12. */
  month: number;
  monthname: string;
  /** Day of the month, 1-31. */
  day: number;
  /** 1 = Sunday .. 7 = Saturday. */
  weekday: number;
  weekdayname: string;
}

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

export const WEEKDAY_NAMES = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
] as const;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const NAIVE_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/**
 * The UTC calendar day of the input: a Date (its UTC day), ms since the epoch, 'yyyy-mm-dd', or a
 * timestamp string. A timestamp string without a zone ('2020-09-05 16:20:03', as DATETIME columns arrive)
 * is read as UTC wall time (the source runs in UTC); one with a zone or 'Z' is converted to UTC.
 */
function utcDay(input: Date | number | string): { y: number; m: number; d: number } {
  if (typeof input === 'string') {
    const s = input.trim();
    const naive = DATE_ONLY.exec(s) ?? NAIVE_DATETIME.exec(s);
    if (naive) {
      const y = Number(naive[1]);
      const m = Number(naive[2]);
      const d = Number(naive[3]);
      // Reject impossible days (2019-02-30) rather than rolling them over.
      if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m))
        throw new RangeError(`not a calendar date: ${JSON.stringify(input)}`);
      return { y, m, d };
    }
    const t = Date.parse(s);
    if (Number.isNaN(t)) throw new RangeError(`not a date or timestamp: ${JSON.stringify(input)}`);
    return utcDay(t);
  }
  const dt = typeof input === 'number' ? new Date(input) : input;
  if (Number.isNaN(dt.getTime())) throw new RangeError('invalid date');
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

/** yyyymmdd of the input's UTC day: the date dimension's key. */
export function dateKey(input: Date | number | string): number {
  const { y, m, d } = utcDay(input);
  return y * 10000 + m * 100 + d;
}

/** The date dimension row of the input's UTC day. */
export function dateRow(input: Date | number | string): DateRow {
  const { y, m, d } = utcDay(input);
  const day = new Date(Date.UTC(2000, m - 1, d));
  day.setUTCFullYear(y);
  const weekday = day.getUTCDay() + 1;
  const quarter = Math.floor((m - 1) / 3) + 1;
  return {
    dateid: y * 10000 + m * 100 + d,
    date: `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    year: y,
    quarter,
    quartername: `Q${quarter}`,
    month: m,
    monthname: MONTH_NAMES[m - 1]!,
    day: d,
    weekday,
    weekdayname: WEEKDAY_NAMES[weekday - 1]!,
  };
}

/** Every day from `from` to `to` (both included, UTC days), for preloading the dimension. */
export function dateRange(from: Date | number | string, to: Date | number | string): DateRow[] {
  const a = utcDay(from);
  const b = utcDay(to);
  const start = Date.UTC(a.y, a.m - 1, a.d);
  const end = Date.UTC(b.y, b.m - 1, b.d);
  const rows: DateRow[] = [];
  for (let t = start; t <= end; t += 86_400_000) rows.push(dateRow(t));
  return rows;
}
