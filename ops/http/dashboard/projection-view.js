// Pure helpers of the sales page's projection panel (no DOM, no Chart.js): the chart's series and the texts
// from an /api/sales/projection answer. Served as is to the browser and unit-tested in node
// (projection-view.test.ts).

/** A number with two decimals and thousands separators (175.16564… → "175.17"); the fit's own figures. */
export function formatAmount(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/**
 * The chart's years (observed, then projected) and two aligned series: the yearly sales, and the projection
 * (from the last observed year on, so the line continues from the data, when it is the fitted line). The
 * course's model was trained on other data (its 2023 is about 175, against millions a year here), so its
 * projection goes on a second axis of its own (`ownAxis`) rather than flattening against the data's.
 */
export function projectionSeries(answer) {
  const observed = new Map(answer.points.map((p) => [p.year, p.sales]));
  const projected = new Map(answer.projection.map((p) => [p.year, p.sales]));
  const years = [...new Set([...observed.keys(), ...projected.keys()])].sort((a, b) => a - b);
  const fitted = answer.projectedWith === 'fit';
  const last = answer.points.at(-1);
  return {
    labels: years.map(String),
    observed: years.map((y) => observed.get(y) ?? null),
    projected: years.map((y) => {
      if (projected.has(y)) return projected.get(y);
      // The fitted line's value at the last observed year joins the two lines.
      if (fitted && last !== undefined && y === last.year) return answer.fit.intercept + answer.fit.slope * y;
      return null;
    }),
    ownAxis: !fitted,
  };
}

/** The panel's sentence on what the projection comes from. */
export function projectionNote(answer) {
  const years = new Set(answer.points.map((p) => p.year));
  if (answer.projectedWith === 'fit') {
    const ahead = answer.projection.length;
    return `Least-squares line fitted to ${years.size} years of sales (${answer.fit.n} points), projected ${ahead} year${ahead === 1 ? '' : 's'} ahead.`;
  }
  const have = years.size === 0 ? 'there are no sales yet' : `the data has only ${[...years].join(', ')}`;
  return `No line fitted: the fit needs sales of at least ${answer.minYears} different years, and ${have}. Projection with the course's pretrained model instead (its own scale, not fitted to this data).`;
}

/** The address of the projection for the chosen source ('' or star: the server's default). */
export function projectionUrl(source) {
  return source === 'history' ? '/api/sales/projection?source=history' : '/api/sales/projection';
}
