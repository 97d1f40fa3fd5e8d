// The sales page's projection panel: fetches /api/sales/projection for the chosen source and shows the
// yearly sales with the projection of the next years in one Chart.js chart (updated in place), the fitted
// line's figures or why there is none, and a table of the numbers. Chart.js is the global of chart.umd.js.
import { formatAmount, projectionNote, projectionSeries, projectionUrl } from './projection-view.js';

const $ = (id) => document.getElementById(id);
let chart;

function makeChart() {
  return new window.Chart($('chart-projection'), {
    type: 'line',
    data: {
      labels: [],
      datasets: [
        { label: 'Yearly sales', data: [], borderColor: '#2f6fdf', backgroundColor: '#2f6fdf', yAxisID: 'y' },
        {
          label: 'Projection',
          data: [],
          borderColor: '#e07b22',
          backgroundColor: '#e07b22',
          borderDash: [6, 4],
          yAxisID: 'y',
        },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      spanGaps: false,
      scales: { y: { beginAtZero: true }, y1: { display: false, position: 'right', beginAtZero: true } },
    },
  });
}

function cell(text, attrs = {}) {
  const td = document.createElement('td');
  for (const [k, v] of Object.entries(attrs)) td.setAttribute(k, String(v));
  td.textContent = String(text);
  return td;
}

/** Sets a figure of the fit: its text rounded, its full value in data-value (for tests and copy). */
function figure(id, value, digits) {
  const node = $(id);
  node.textContent = value === null ? '—' : value.toFixed(digits);
  node.dataset.value = value === null ? '' : String(value);
}

function render(answer) {
  chart ??= makeChart();
  const s = projectionSeries(answer);
  const course = answer.projectedWith !== 'fit';
  chart.data.labels = s.labels;
  chart.data.datasets[0].data = s.observed;
  chart.data.datasets[1].data = s.projected;
  chart.data.datasets[1].label = course
    ? "Projection (course's pretrained model, right axis)"
    : 'Projection (fitted line)';
  chart.data.datasets[1].yAxisID = s.ownAxis ? 'y1' : 'y';
  chart.options.scales.y1.display = s.ownAxis;
  chart.update('none');

  $('projection-note').textContent = projectionNote(answer);
  $('projection-with').textContent = course
    ? `The course's pretrained model: sales = ${answer.courseModel.intercept} + ${answer.courseModel.slope} × year.`
    : 'The fitted line: sales = intercept + slope × year.';
  $('fit-figures').hidden = course;
  figure('fit-intercept', answer.fit?.intercept ?? null, 4);
  figure('fit-slope', answer.fit?.slope ?? null, 4);
  figure('fit-r2', answer.fit?.r2 ?? null, 4);
  $('fit-n').textContent = answer.fit === null ? '—' : String(answer.fit.n);

  const rows = [
    ...answer.points.map((p) => ['observed', p]),
    ...answer.projection.map((p) => [course ? "course's model" : 'fitted line', p]),
  ].map(([kind, p]) => {
    const tr = document.createElement('tr');
    const projected = kind !== 'observed';
    tr.className = projected ? 'projected' : '';
    tr.append(
      cell(p.year),
      cell(kind, { class: 'name' }),
      cell(formatAmount(p.sales), {
        class: 'num',
        'data-testid': `${projected ? 'projected' : 'yearly'}-${p.year}`,
        'data-value': p.sales,
      }),
    );
    return tr;
  });
  $('projection-table').tBodies[0].replaceChildren(...rows);
  $('projection-scope').textContent = answer.source === 'history' ? 'sales history' : 'SoftCart star';
  // What is shown, for tests and styles: which source and which line.
  $('projection').dataset.source = answer.source;
  $('projection').dataset.projectedWith = answer.projectedWith;
}

/**
 * Reads the projection of the source `current()` names and shows it, unless the source changed meanwhile
 * (the next poll shows the new one); a failure is shown in the panel (the other panels go on).
 */
export async function refreshProjection(current) {
  const source = current();
  const message = $('projection-message');
  try {
    const res = await fetch(projectionUrl(source), { cache: 'no-store' });
    const body = await res.json().catch(() => ({}));
    if (current() !== source) return;
    if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
    render(body);
    message.hidden = true;
  } catch (e) {
    message.textContent = `Cannot show the projection: ${e instanceof Error ? e.message : e}.`;
    message.hidden = false;
  }
}
