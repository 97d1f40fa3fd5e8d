// Pure helpers of the sales page (no DOM, no Chart.js): labels, number formatting and the charts' series
// from an /api/sales answer. Served as is to the browser and unit-tested in node (sales-view.test.ts).

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
];

/** What a NULL country or category is: facts whose member has not reached the warehouse yet. */
export const UNRESOLVED = '(not resolved yet)';

/** An exact decimal string as money with two decimals and thousands separators ("1234.5" → "1,234.50"). */
export function formatMoney(text) {
  if (text === null || text === undefined) return '—';
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(String(text));
  if (m === null) return String(text);
  const cents = `${m[3] ?? ''}00`;
  // Round half up on the third decimal, in text, so large sums keep every digit.
  let units = BigInt(`${m[2]}${cents.slice(0, 2)}`);
  if (Number(cents[2] ?? '0') >= 5) units += 1n;
  const digits = units.toString().padStart(3, '0');
  const int = BigInt(digits.slice(0, -2)).toLocaleString('en-US');
  return `${m[1] === '-' && units !== 0n ? '-' : ''}${int}.${digits.slice(-2)}`;
}

/** A name of the reports: the member, or the unresolved group. */
export function memberLabel(name) {
  return name === null || name === undefined ? UNRESOLVED : String(name);
}

/**
 * The year and country cells of a rollup or cube row: a subtotal (GROUPING() = 1) reads "all years" /
 * "all countries", which a NULL member (unresolved) must not be confused with.
 */
export function groupLabels(row) {
  return {
    year: row.grouping_year === 1 ? 'all years' : row.year === null ? UNRESOLVED : String(row.year),
    country: row.grouping_country === 1 ? 'all countries' : memberLabel(row.country),
  };
}

/** A stable test id part of a rollup/cube row: `*` for a subtotal, `~` for the unresolved member. */
export function groupKey(row) {
  const y = row.grouping_year === 1 ? '*' : row.year === null ? '~' : String(row.year);
  const c = row.grouping_country === 1 ? '*' : row.country === null ? '~' : row.country;
  return `${y}-${c}`;
}

/** The three charts' labels and values (numbers, for drawing; the tables show the exact text). */
export function chartSeries(answer) {
  const c = answer.charts;
  return {
    monthly: {
      labels: c.monthly.map((m) => MONTH_NAMES[m.month - 1].slice(0, 3)),
      values: c.monthly.map((m) => Number(m.total)),
    },
    byCategory: {
      labels: c.byCategory.map((s) => memberLabel(s.category)),
      values: c.byCategory.map((s) => Number(s.total)),
    },
    quarterly: {
      labels: c.quarterly.map((q) => `Q${q.quarter}`),
      values: c.quarterly.map((q) => Number(q.total)),
    },
  };
}

/**
 * The /api/sales address for the chosen filters (an empty filter, and the star source, are left out: the
 * server's defaults).
 */
export function salesUrl(year, category, source) {
  const q = new URLSearchParams();
  if (source && source !== 'star') q.set('source', source);
  if (year) q.set('year', String(year));
  if (category) q.set('category', category);
  const s = q.toString();
  return s === '' ? '/api/sales' : `/api/sales?${s}`;
}
