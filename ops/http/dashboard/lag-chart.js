// The lag chart of the health page: one line per consumer group, its total lag in messages over time, as
// plain SVG (no library, nothing fetched from elsewhere). The geometry is pure and unit-tested
// (lag-chart.test.ts); renderLagChart builds the DOM.

const SVG = 'http://www.w3.org/2000/svg';
export const PALETTE = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#9333ea',
  '#ea580c',
  '#0891b2',
  '#a16207',
  '#db2777',
];

/** The smallest of 1, 2, 5 times a power of ten that is at least `max` (1 for 0 or less). */
export function niceCeiling(max) {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/**
 * From the history points ({at, lag: {group: n}}, oldest first) to what is drawn: the value range, and per
 * group its points in the plot area `box` ({left, top, width, height}); a group absent from a point has no
 * point there.
 */
export function chartGeometry(history, groups, box) {
  const times = history.map((p) => p.at);
  const xMin = times.length ? Math.min(...times) : 0;
  const xMax = times.length ? Math.max(...times) : 0;
  let max = 0;
  for (const p of history)
    for (const g of groups) if (typeof p.lag[g] === 'number') max = Math.max(max, p.lag[g]);
  const yMax = niceCeiling(max);
  const x = (t) => box.left + (xMax === xMin ? box.width : ((t - xMin) / (xMax - xMin)) * box.width);
  const y = (v) => box.top + box.height - (v / yMax) * box.height;
  const series = groups.map((group) => ({
    group,
    points: history
      .filter((p) => typeof p.lag[group] === 'number')
      .map((p) => [Math.round(x(p.at) * 10) / 10, Math.round(y(p.lag[group]) * 10) / 10]),
  }));
  return { xMin, xMax, yMax, series };
}

export function formatTime(ms) {
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Replaces the content of `container` with the chart of `history` for `groups`. */
export function renderLagChart(container, history, groups) {
  const width = 1000;
  const height = 220;
  const box = { left: 64, top: 12, width: width - 64 - 16, height: height - 12 - 36 };
  const geo = chartGeometry(history, groups, box);
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': 'Total lag in messages per consumer group over time',
    'data-testid': 'lag-chart-svg',
  });
  for (const frac of [0, 0.5, 1]) {
    const yy = box.top + box.height - frac * box.height;
    root.append(svg('line', { class: 'axis', x1: box.left, x2: box.left + box.width, y1: yy, y2: yy }));
    const value = geo.yMax * frac;
    root.append(
      svg(
        'text',
        { x: box.left - 6, y: yy + 4, 'text-anchor': 'end' },
        Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(1),
      ),
    );
  }
  root.append(
    svg(
      'text',
      {
        x: 14,
        y: box.top + box.height / 2,
        transform: `rotate(-90 14 ${box.top + box.height / 2})`,
        'text-anchor': 'middle',
      },
      'lag (messages)',
    ),
  );
  if (history.length > 0) {
    const base = box.top + box.height + 16;
    root.append(svg('text', { x: box.left, y: base, 'text-anchor': 'start' }, formatTime(geo.xMin)));
    root.append(
      svg('text', { x: box.left + box.width, y: base, 'text-anchor': 'end' }, formatTime(geo.xMax)),
    );
    root.append(svg('text', { x: box.left + box.width / 2, y: base + 14, 'text-anchor': 'middle' }, 'time'));
  } else {
    root.append(
      svg(
        'text',
        { x: box.left + box.width / 2, y: box.top + box.height / 2, 'text-anchor': 'middle' },
        'no lag samples yet',
      ),
    );
  }
  geo.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    if (s.points.length === 1) {
      const [cx, cy] = s.points[0];
      root.append(svg('circle', { cx, cy, r: 3, fill: color, 'data-group': s.group }));
    } else if (s.points.length > 1) {
      root.append(
        svg('polyline', {
          points: s.points.map((p) => p.join(',')).join(' '),
          fill: 'none',
          stroke: color,
          'stroke-width': 2,
          'stroke-linejoin': 'round',
          'data-group': s.group,
        }),
      );
      // A dot per sample while they are few enough to tell apart: a long straight stretch is a gap.
      if (s.points.length <= 120)
        for (const [cx, cy] of s.points) root.append(svg('circle', { cx, cy, r: 2.5, fill: color }));
    }
  });
  const last = history.at(-1);
  const legend = document.createElement('ul');
  legend.className = 'legend';
  groups.forEach((group, i) => {
    const item = document.createElement('li');
    const swatch = svg('svg', { width: 14, height: 14, viewBox: '0 0 14 14', 'aria-hidden': 'true' });
    swatch.append(svg('rect', { x: 1, y: 5, width: 12, height: 4, fill: PALETTE[i % PALETTE.length] }));
    const label = document.createElement('span');
    const now = last && typeof last.lag[group] === 'number' ? last.lag[group].toLocaleString('en-US') : '—';
    label.textContent = `${group}: ${now} messages now`;
    item.append(swatch, label);
    legend.append(item);
  });
  container.classList.add('chart');
  container.replaceChildren(root, legend);
}
