// The sales page's top-search-terms panel: fetches /api/sales/terms and fills its table (rank, term, count);
// without the search_terms table (terms: null) it shows the server's message, which names `starling seed
// search-terms`. Text goes in through textContent only: terms are data, never markup.

const $ = (id) => document.getElementById(id);

function cell(text, attrs = {}) {
  const td = document.createElement('td');
  for (const [k, v] of Object.entries(attrs)) td.setAttribute(k, String(v));
  td.textContent = String(text);
  return td;
}

/** Reads the top terms and shows them; a failure is shown in the panel (the other panels go on). */
export async function refreshTerms() {
  const message = $('terms-message');
  try {
    const res = await fetch('/api/sales/terms', { cache: 'no-store' });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
    if (body.terms === null) {
      message.textContent = `No search terms: ${body.missing}.`;
      message.hidden = false;
      $('top-terms').tBodies[0].replaceChildren(emptyRow('—'));
      return;
    }
    const rows = body.terms.map((t, i) => {
      const tr = document.createElement('tr');
      tr.append(
        cell(i + 1, { class: 'num' }),
        cell(t.term, { class: 'name', 'data-testid': 'term-name' }),
        cell(t.count.toLocaleString('en-US'), {
          class: 'num',
          'data-testid': 'term-count',
          'data-value': t.count,
        }),
      );
      return tr;
    });
    const tbody = $('top-terms').tBodies[0];
    if (rows.length === 0) tbody.replaceChildren(emptyRow('No search terms.'));
    else tbody.replaceChildren(...rows);
    message.hidden = true;
  } catch (e) {
    message.textContent = `Cannot show the top search terms: ${e instanceof Error ? e.message : e}.`;
    message.hidden = false;
    $('top-terms').tBodies[0].replaceChildren(emptyRow('—'));
  }
}

function emptyRow(text) {
  const tr = document.createElement('tr');
  tr.append(cell(text, { class: 'empty', colspan: 3 }));
  return tr;
}
