// The pipeline health page: polls /api/status every 2 s and renders lag, the lag chart, throughput, dead
// letters, table freshness and component states. Text only goes in through textContent: group, topic and
// component names are data, never markup.
import { formatTime, renderLagChart } from './lag-chart.js';

const POLL_MS = 2000;
const STATUS_RANK = { OK: 0, LAGGING: 1, STALLED: 2 };

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

const int = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : '—');
const dec = (n, digits = 1) =>
  typeof n === 'number'
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '—';

const num = (text, attrs = {}) => el('td', { class: 'num', ...attrs }, text);
const name = (text) => el('td', { class: 'name' }, text);
const badge = (state, attrs = {}) => el('span', { class: `status ${state}`, ...attrs }, state);

function fill(tableId, rows, emptyText, columns) {
  const body = $(tableId).tBodies[0];
  if (rows.length === 0)
    body.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: columns }, emptyText)));
  else body.replaceChildren(...rows);
}

function worst(statuses) {
  return statuses.reduce((w, s) => (STATUS_RANK[s] > STATUS_RANK[w] ? s : w), 'OK');
}

function renderLag(status) {
  const byGroup = new Map(status.groups.map((g) => [g.group, []]));
  for (const r of status.lag) {
    if (!byGroup.has(r.group)) byGroup.set(r.group, []);
    byGroup.get(r.group).push(r);
  }
  const summary = status.groups.map((g) => {
    const rows = byGroup.get(g.group) ?? [];
    const total = rows.reduce((n, r) => n + r.lag, 0);
    const known = rows.filter((r) => r.lagSeconds !== null).map((r) => r.lagSeconds);
    const maxSeconds = known.length ? Math.max(...known) : rows.length ? null : 0;
    const w = worst(rows.map((r) => r.status));
    return el(
      'tr',
      { 'data-testid': `group-${g.group}` },
      name(g.group),
      el('td', { 'data-testid': `group-state-${g.group}` }, g.state),
      num(int(g.members)),
      num(int(total), { 'data-testid': `group-lag-${g.group}`, 'data-value': total }),
      num(dec(maxSeconds), { 'data-testid': `group-lag-seconds-${g.group}` }),
      el('td', {}, badge(w, { 'data-testid': `group-status-${g.group}` })),
    );
  });
  fill('groups', summary, status.lagError ? 'Lag unavailable.' : 'No consumer groups.', 6);

  const rows = status.lag.map((r) => {
    const id = `${r.group}-${r.topic}-${r.partition}`;
    return el(
      'tr',
      {},
      name(r.group),
      name(r.topic),
      num(String(r.partition)),
      num(r.committed === null ? 'none' : int(r.committed)),
      num(int(r.end)),
      num(int(r.lag), { 'data-testid': `lag-${id}`, 'data-value': r.lag }),
      num(r.lagSeconds === null ? 'unknown' : dec(r.lagSeconds, 1), {
        'data-testid': `lag-seconds-${id}`,
        title: r.lagSeconds === null ? 'the oldest unconsumed record was not read in time' : undefined,
      }),
      el('td', {}, badge(r.status, { 'data-testid': `lag-status-${id}` })),
    );
  });
  fill('lag', rows, status.lagError ? `Lag unavailable: ${status.lagError}` : 'No committed offsets yet.', 8);

  const overall = $('overall-lag');
  if (status.lagError) {
    overall.className = 'badge degraded';
    overall.textContent = 'unavailable';
  } else {
    const w = worst(status.lag.map((r) => r.status));
    overall.className = `badge ${w}`;
    overall.textContent = w;
  }
  renderLagChart(
    $('chart'),
    status.history,
    status.groups.map((g) => g.group),
  );
}

function renderStages(status) {
  const stages = status.stages.map((s) =>
    el(
      'tr',
      { 'data-testid': `stage-${s.group}` },
      name(s.group),
      num(dec(s.recordsPerSecond), { 'data-testid': `throughput-${s.group}` }),
      num(int(s.stats.records), { 'data-testid': `records-${s.group}` }),
      num(int(s.stats.batches)),
      num(s.stats.batches > 0 ? dec((s.stats.batchSecondsSum / s.stats.batches) * 1000) : '—'),
      num(dec(s.secondsSinceLastCommit)),
    ),
  );
  fill('stages', stages, 'No stages run in this process.', 6);

  const letters = status.stages.flatMap((s) => {
    const codes = Object.entries(s.stats.deadLettersByCode);
    const rows = codes.map(([code, n]) =>
      el(
        'tr',
        {},
        name(s.group),
        el('td', {}, code),
        num(int(n), { 'data-testid': `dead-letters-${s.group}-${code}`, 'data-value': n }),
      ),
    );
    return [
      ...rows,
      el(
        'tr',
        { class: 'total' },
        name(s.group),
        el('td', { class: 'label' }, 'all codes'),
        num(int(s.stats.deadLetters), {
          'data-testid': `dead-letters-${s.group}`,
          'data-value': s.stats.deadLetters,
        }),
      ),
    ];
  });
  fill('dead-letters', letters, 'No stages run in this process.', 3);

  const fresh = status.stages.flatMap((s) =>
    Object.entries(s.stats.newestAppliedMs).map(([table, ms]) =>
      el('tr', {}, name(s.group), name(table), num(dec(Math.max(0, status.at - ms) / 1000))),
    ),
  );
  fill('freshness', fresh, 'No change applied yet.', 3);
}

function renderHealth(status) {
  const overall = $('overall-health');
  const h = status.health;
  if (!h) {
    overall.className = 'badge degraded';
    overall.textContent = 'unknown';
    fill('components', [], `Health unavailable: ${status.healthError ?? 'no answer yet'}`, 3);
    return;
  }
  overall.className = `badge ${h.status}`;
  overall.textContent = h.status === 'ok' ? 'all up' : 'degraded';
  fill(
    'components',
    h.components.map((c) =>
      el(
        'tr',
        {},
        name(c.name),
        el('td', {}, badge(c.state, { 'data-testid': `component-${c.name}` })),
        el(
          'td',
          { class: 'detail' },
          [c.restarts ? `restarted ${c.restarts} times by the supervisor` : '', c.detail ?? '']
            .filter((t) => t !== '')
            .join('; '),
        ),
      ),
    ),
    'No components reported.',
    3,
  );
  $('health-at').textContent =
    `Checked at ${formatTime(status.healthAt)} (cached for a few seconds; the full report is at /health)` +
    (status.healthError ? `; the last check failed: ${status.healthError}` : '');
}

function render(status) {
  renderLag(status);
  renderStages(status);
  renderHealth(status);
  const lagAge = status.lagAt === null ? null : Math.max(0, (status.at - status.lagAt) / 1000);
  const measured = lagAge === null ? '' : ` (lag measured ${dec(lagAge)} s before)`;
  $('updated').textContent = `${formatTime(status.at)}${measured}`;
  document.body.dataset.loaded = 'true';
}

async function poll() {
  const banner = $('banner');
  try {
    const res = await fetch('/api/status', { cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    render(await res.json());
    banner.hidden = true;
  } catch (e) {
    banner.textContent = `Cannot get the pipeline's status (${e instanceof Error ? e.message : e}); the numbers below are from ${$('updated').textContent}. Retrying every ${POLL_MS / 1000} s.`;
    banner.hidden = false;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
