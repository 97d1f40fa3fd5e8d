// The sales page: polls /api/sales every 2 s with the chosen source and filters and updates the three
// Chart.js charts in place (no reload, no new chart per answer) and the report tables (the star's only:
// hidden with the history source); with each poll also the top search terms (sales-terms.js) and the
// projection of the chosen source (sales-projection.js). Text only goes in through textContent: countries
// and categories are data, never markup. Chart.js is the global of chart.umd.js, loaded before this module.
import { refreshProjection } from './sales-projection.js';
import { refreshTerms } from './sales-terms.js';
import { chartSeries, formatMoney, groupKey, groupLabels, memberLabel, salesUrl } from './sales-view.js';

const POLL_MS = 2000;
const COLORS = ['#2f6fdf', '#e07b22', '#2a9d58', '#b8418f', '#8a6d1f', '#5b6474'];

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === 'class') node.className = v;
    else node.setAttribute(k, String(v));
  }
  for (const c of children) node.append(c instanceof Node ? c : String(c));
  return node;
}

const money = (text, testId) =>
  el('td', { class: 'num', 'data-testid': testId, 'data-value': text ?? '' }, formatMoney(text));

function fill(tableId, rows, emptyText, columns) {
  const body = $(tableId).tBodies[0];
  if (rows.length === 0)
    body.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: columns }, emptyText)));
  else body.replaceChildren(...rows);
}

// The filters: from the address (shareable), else the server's defaults.
const chosen = (() => {
  const q = new URLSearchParams(location.search);
  return { source: q.get('source') ?? '', year: q.get('year') ?? '', category: q.get('category') ?? '' };
})();

const charts = {};

function makeChart(id, type, colors, options = {}) {
  // No animation: the charts are redrawn every 2 s; tweening each update would only cost CPU.
  return new window.Chart($(id), {
    type,
    data: {
      labels: [],
      datasets: [
        {
          label: 'Total sales',
          data: [],
          backgroundColor: colors,
          borderColor: type === 'pie' ? '#ffffff' : colors,
        },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: type === 'pie' } },
      ...options,
    },
  });
}

// Updated in place: the same chart objects get new labels and numbers.
function setSeries(chart, series) {
  chart.data.labels = series.labels;
  chart.data.datasets[0].data = series.values;
  chart.update('none');
}

function renderCharts(answer) {
  charts.monthly ??= makeChart('chart-monthly', 'line', COLORS[0], { scales: { y: { beginAtZero: true } } });
  charts.category ??= makeChart('chart-category', 'pie', COLORS);
  charts.quarterly ??= makeChart('chart-quarterly', 'bar', COLORS[2], {
    scales: { y: { beginAtZero: true } },
  });
  const s = chartSeries(answer);
  setSeries(charts.monthly, s.monthly);
  setSeries(charts.category, s.byCategory);
  setSeries(charts.quarterly, s.quarterly);
  const f = answer.filters;
  $('monthly-scope').textContent = `${f.year}, ${f.category ?? 'all categories'}`;
  $('category-scope').textContent = `${f.year}`;
  $('quarterly-scope').textContent = `${f.year}`;
  const fromHistory = f.source === 'history';
  $('quarterly-what').textContent = fromHistory ? `item ${f.mobilePhones}` : 'mobile phones';
  $(fromHistory ? 'phone-item' : 'phones').textContent = f.mobilePhones;
  $('scope-star').hidden = fromHistory;
  $('scope-history').hidden = !fromHistory;
}

/** The report tables are the star's: with the history source they are hidden and a note says why. */
function showReports(visible) {
  for (const section of document.querySelectorAll('section.star-only')) section.hidden = !visible;
  $('star-only-note').hidden = visible;
}

function renderReports(answer) {
  const r = answer.reports;
  const scope =
    answer.filters.category === null ? 'All categories.' : `Category ${answer.filters.category} only.`;
  for (const id of ['gs-scope', 'rollup-scope', 'cube-scope']) $(id).textContent = `${scope} All years.`;

  fill(
    'report-grouping-sets',
    r.groupingSets.map((g) =>
      el(
        'tr',
        {},
        el('td', { class: 'name' }, g.grouping_set === 'country' ? memberLabel(g.country) : '—'),
        el('td', { class: 'name' }, g.grouping_set === 'category' ? memberLabel(g.category) : '—'),
        money(
          g.total_sales,
          g.grouping_set === 'country'
            ? `gs-country-${g.country ?? '~'}`
            : `gs-category-${g.category ?? '~'}`,
        ),
      ),
    ),
    'No sales.',
    3,
  );
  const yearCountry = (rows, value, prefix) =>
    rows.map((row) => {
      const l = groupLabels(row);
      const subtotal = row.grouping_year === 1 || row.grouping_country === 1;
      return el(
        'tr',
        { class: subtotal ? 'subtotal' : undefined },
        el('td', {}, l.year),
        el('td', { class: 'name' }, l.country),
        money(row[value], `${prefix}-${groupKey(row)}`),
      );
    });
  fill('report-rollup', yearCountry(r.rollup, 'total_sales', 'rollup'), 'No sales.', 3);
  fill('report-cube', yearCountry(r.cube, 'average_sales', 'cube'), 'No sales.', 3);
  fill(
    'report-per-country',
    r.totalSalesPerCountry.map((c) =>
      el(
        'tr',
        {},
        el('td', { class: 'name' }, memberLabel(c.country)),
        money(c.total_sales, `per-country-${c.country ?? '~'}`),
      ),
    ),
    'No sales (or not refreshed yet).',
    2,
  );
}

function renderFilters(f) {
  $('source').value = f.source;
  const year = $('year');
  const years = f.years.length > 0 ? f.years : [f.defaultYear];
  const wantYears = years.map(String);
  if ([...year.options].map((o) => o.value).join() !== wantYears.join())
    year.replaceChildren(...wantYears.map((y) => el('option', { value: y }, y)));
  year.value = String(f.year);

  const category = $('category');
  const want = ['', ...f.categories];
  if ([...category.options].map((o) => o.value).join('\u0000') !== want.join('\u0000'))
    category.replaceChildren(...want.map((c) => el('option', { value: c }, c === '' ? 'all categories' : c)));
  category.value = f.category ?? '';
}

function render(answer) {
  renderFilters(answer.filters);
  renderCharts(answer);
  showReports(answer.reports !== null);
  if (answer.reports !== null) renderReports(answer);
  document.body.dataset.source = answer.filters.source;
  const read = new Date(answer.at);
  const updated = $('updated');
  updated.textContent = `${read.toLocaleTimeString('en-GB', { hour12: false })} (read from the warehouse)`;
  updated.dataset.at = String(answer.at);
  document.body.dataset.loaded = 'true';
}

let sequence = 0;
let timer;

async function pollSales(mine) {
  const banner = $('banner');
  try {
    const res = await fetch(salesUrl(chosen.year, chosen.category, chosen.source), { cache: 'no-store' });
    const body = await res.json().catch(() => ({}));
    if (mine !== sequence) return; // a filter changed meanwhile; its own request answers
    if (res.status === 400) {
      // A filter the warehouse no longer has (e.g. its facts were deleted): back to the defaults (of the
      // same source, unless the source itself was refused).
      if (body.sources) chosen.source = '';
      chosen.year = '';
      chosen.category = '';
      writeAddress();
      throw new Error(`${body.error}; showing the defaults`);
    }
    if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
    render(body);
    banner.hidden = true;
  } catch (e) {
    const shown = { star: 'the SoftCart star', history: 'the sales history' }[document.body.dataset.source];
    banner.textContent = `Cannot get the sales (${e instanceof Error ? e.message : e}); the charts below are ${shown ? `${shown}'s ` : ''}from ${$('updated').textContent}. Retrying every ${POLL_MS / 1000} s.`;
    banner.hidden = false;
  }
}

/** One round: the sales, the top terms and the projection side by side; the next round 2 s after. */
async function poll() {
  clearTimeout(timer);
  const mine = ++sequence;
  await Promise.all([pollSales(mine), refreshTerms(), refreshProjection(() => chosen.source || 'star')]);
  if (mine === sequence) timer = setTimeout(poll, POLL_MS);
}

/** The chosen source and filters in the address (shareable), without a reload; the defaults left out. */
function writeAddress() {
  const q = new URLSearchParams();
  if (chosen.source && chosen.source !== 'star') q.set('source', chosen.source);
  if (chosen.year) q.set('year', chosen.year);
  if (chosen.category) q.set('category', chosen.category);
  const search = q.toString();
  history.replaceState(null, '', search === '' ? location.pathname : `?${search}`);
}

function onFilter() {
  chosen.year = $('year').value;
  chosen.category = $('category').value;
  writeAddress();
  poll();
}

// Another source has other years and categories: its own defaults.
function onSource() {
  chosen.source = $('source').value;
  chosen.year = '';
  chosen.category = '';
  writeAddress();
  poll();
}

$('source').addEventListener('change', onSource);
$('year').addEventListener('change', onFilter);
$('category').addEventListener('change', onFilter);
$('filters').addEventListener('submit', (e) => e.preventDefault());
poll();
