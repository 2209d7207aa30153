// The inspector page: the list on the left, one delivery on the right (full width on a narrow window).
// State that must survive a reload lives in the listener (the deliveries) and in the URL hash (the selection).
import { events, expandPage, getJson, learnMiddles, postBlob, type Detail, type Info, type KeptPage, type RowMiddle, type RowsPage } from './client.js';
import { bodyView, headersView, overview, type DetailContext } from './detail.js';
import { diffView } from './diff-view.js';
import { byId, clear, download, h } from './dom.js';
import { exportView } from './export-view.js';
import { headerRow, VirtualList } from './list.js';
import { resendView } from './resend-view.js';
import { initTheme } from './theme.js';

const TABS = ['overview', 'headers', 'body', 'diff', 'resend', 'export'] as const;
type Tab = (typeof TABS)[number];

let info: Info | undefined;
let tab: Tab = 'overview';
let bodyMode = 'pretty';
let current: Detail | undefined;
const details = new Map<number, Promise<Detail>>();

const app = byId('app');
const conn = h('span', { id: 'conn', class: 'conn off', role: 'status' }, 'connecting…');
const counts = h('span', { id: 'counts', class: 'muted' });
const where = h('span', { id: 'where', class: 'muted where' });
const providerSel = h('select', { id: 'f-provider', 'aria-label': 'provider' }, h('option', { value: '' }, 'all providers'));
const eventSel = h('select', { id: 'f-event', 'aria-label': 'event' }, h('option', { value: '' }, 'all events'));
const verdictSel = h(
  'select',
  { id: 'f-verdict', 'aria-label': 'verdict' },
  ...[['', 'all verdicts'], ['valid', 'valid'], ['invalid', 'invalid'], ['signature', 'signature/auth failed'], ['schema', 'schema errors'], ['duplicate', 'duplicates'], ['resend', 'resends']].map(([v, t]) => h('option', { value: v! }, t!)),
);
const search = h('input', { id: 'f-text', type: 'search', placeholder: 'Search: path, id, any text in the body  ( / )', 'aria-label': 'search' });
const shown = h('span', { id: 'f-count', class: 'muted' });
const viewport = h('div', { class: 'viewport', id: 'viewport', tabindex: '0', role: 'grid', 'aria-label': 'deliveries (j/k or arrows to move)' });
const empty = h('div', { class: 'empty', id: 'empty' }, h('p', {}, 'Waiting for deliveries…'), h('p', { class: 'muted', id: 'empty-hint' }));
const detailPane = h('section', { class: 'detail', id: 'detail', 'aria-label': 'delivery detail' });
const tabBar = h('nav', { class: 'tabs', role: 'tablist' });
const detailBody = h('div', { class: 'detail-body', id: 'detail-body' });

const list = new VirtualList(viewport, (id) => void showDetail(id));

function layout(): void {
  const themeButton = h('button', { type: 'button', id: 'theme', title: 'light / dark (t)', 'aria-label': 'toggle theme' }, '◐');
  initTheme(themeButton);
  app.append(
    h('header', { class: 'top' }, h('h1', {}, 'cg-hooks ', h('span', {}, 'inspector')), conn, where, h('span', { class: 'grow' }), counts, themeButton),
    h(
      'div',
      { class: 'filters' },
      providerSel,
      eventSel,
      verdictSel,
      search,
      shown,
      h('button', { type: 'button', id: 'export-ndjson', title: 'NDJSON of the rows shown', onclick: () => void exportList() }, 'NDJSON'),
    ),
    h('main', {}, h('section', { class: 'list', 'aria-label': 'deliveries' }, headerRow(), viewport, empty), detailPane),
  );
  detailPane.append(
    h('div', { class: 'detail-head' }, h('button', { type: 'button', class: 'back', id: 'back', onclick: () => list.select(null), 'aria-label': 'back to the list' }, '←'), h('h2', { id: 'detail-title' })),
    tabBar,
    detailBody,
  );
  for (const [k, t] of TABS.entries()) {
    tabBar.append(h('button', { type: 'button', role: 'tab', id: `tab-${t}`, title: `${t} (${k + 1})`, onclick: () => setTab(t) }, t));
  }
}

function getDetail(id: number): Promise<Detail> {
  let p = details.get(id);
  if (!p) {
    p = getJson<Detail>(`/api/deliveries/${id}`);
    p.catch(() => details.delete(id));
    details.set(id, p);
    if (details.size > 50) details.delete(details.keys().next().value!);
  }
  return p;
}

/** Following a link to another row shows its overview first. */
const openRow = (id: number) => {
  tab = 'overview';
  list.select(id);
};
const ctx: DetailContext = {
  open: openRow,
  openSeq: (seq) => {
    const row = list.rows.find((r) => r.seq === seq && r.kind === 'delivery');
    if (row) openRow(row.id);
  },
  tab: (name) => {
    const [t, ...mode] = name.split(':');
    if (t === 'body' && mode.length) bodyMode = mode.join(':');
    setTab(t as Tab);
  },
};

/** The selected entry changed on the server (a resend linked to it) while a form was open. */
let stale = false;
function setTab(t: Tab): void {
  tab = t;
  if (t !== 'body') bodyMode = bodyMode.split(':')[0]!;
  saveHash();
  if (stale && list.selected !== null) void showDetail(list.selected);
  else render();
}

function saveHash(): void {
  const hash = list.selected === null ? '' : `#id=${list.selected}&tab=${tab}`;
  if (location.hash !== hash) history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
}

let shownId: number | null = null;
async function showDetail(id: number | null): Promise<void> {
  document.body.classList.toggle('has-detail', id !== null);
  // Another delivery: its body opens in the best view, without the previous one's marked byte.
  if (id !== shownId) bodyMode = 'pretty';
  shownId = id;
  stale = false;
  saveHash();
  if (id === null) {
    current = undefined;
    return;
  }
  try {
    const d = await getDetail(id);
    if (list.selected !== id) return;
    const another = current?.row.id !== id;
    current = d;
    render();
    if (another) detailBody.scrollTop = 0;
  } catch (e) {
    clear(detailBody);
    detailBody.append(h('p', { class: 'warn' }, (e as Error).message));
  }
}

function render(): void {
  const d = current;
  for (const b of tabBar.children) b.setAttribute('aria-selected', String(b.id === `tab-${tab}`));
  if (!d) return;
  const title = byId('detail-title');
  title.textContent = d.row.kind === 'sent' ? `row ${d.row.id}: sent ${d.row.method} → ${d.row.target ?? ''}` : `#${d.row.seq} ${d.row.method} ${d.row.path} · ${d.row.provider ?? 'unknown'} ${d.row.event ?? ''}`;
  clear(detailBody);
  const view =
    tab === 'overview' ? overview(d, ctx)
    : tab === 'headers' ? headersView(d)
    : tab === 'body' ? bodyView(d, bodyMode, (m) => ((bodyMode = m), render()))
    : tab === 'diff' ? diffView(d, getDetail, ctx.open)
    : tab === 'resend' ? resendView(d, info, ctx.open)
    : exportView(d, info);
  detailBody.append(view);
  if (tab === 'body') detailBody.querySelector('mark.diffbyte')?.scrollIntoView({ block: 'center' });
}

// Filters: provider and event lists grow with what arrives; free text also asks the server about bodies.
const seen = { provider: new Set<string>(), event: new Set<string>() };
function learn(rows: RowsPage['rows']): void {
  for (const r of rows) {
    for (const [set, sel, v] of [[seen.provider, providerSel, r.provider ?? '(unknown)'], [seen.event, eventSel, r.event ?? '(unknown)']] as const) {
      if (!set.has(v)) {
        set.add(v);
        sel.append(h('option', { value: v }, v));
      }
    }
  }
}

let searchTimer: number | undefined;
function applyFilters(): void {
  list.filter = { provider: providerSel.value, event: eventSel.value, verdict: verdictSel.value, text: search.value.trim(), bodyHits: list.filter.bodyHits };
  if (!list.filter.text) list.filter.bodyHits = undefined;
  list.refilter();
  updateCounts();
  clearTimeout(searchTimer);
  if (list.filter.text) searchTimer = window.setTimeout(() => void searchBodies(list.filter.text), 250);
}

async function searchBodies(q: string): Promise<void> {
  const r = await getJson<{ q: string; ids: number[] }>(`/api/search?q=${encodeURIComponent(q)}`);
  if (r.q !== list.filter.text) return;
  list.filter.bodyHits = new Set(r.ids);
  list.refilter();
  updateCounts();
}

function updateCounts(): void {
  const invalid = list.rows.reduce((n, r) => n + (r.verdict === 'invalid' ? 1 : 0), 0);
  counts.textContent = `${list.rows.length} kept · ${invalid} invalid${evicted ? ` · ${evicted} older evicted` : ''}`;
  shown.textContent = list.view.length === list.rows.length ? '' : `${list.view.length} shown`;
  empty.hidden = list.rows.length > 0;
}

async function exportList(): Promise<void> {
  const ids = list.view.map((r) => r.id);
  download(await postBlob('/api/export', { ids }), 'deliveries.ndjson');
}

// Live: the whole list from the API, then the event stream; a "resync" means "fetch what you missed".
let evicted = 0;
let syncing: Promise<void> | undefined;
/** The listener's table of middles, which its compact rows refer to by index (row.ts): it only grows. */
const middles: Array<RowMiddle | undefined> = [];
function take(page: RowsPage): void {
  evicted = page.evicted;
  list.evictBelow(page.first);
  learn(page.rows);
  list.append(page.rows);
  updateCounts();
  // New bodies may match the search too: ask again, at most once a second.
  if (list.filter.text && page.rows.length) {
    clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => void searchBodies(list.filter.text), 1000);
  }
}
async function sync(): Promise<void> {
  syncing ??= (async () => {
    try {
      for (;;) {
        const after = list.rows.length ? list.rows[list.rows.length - 1]!.id : 0;
        const page = await getJson<KeptPage>(`/api/deliveries?after=${after}&limit=5000&compact=1`);
        learnMiddles(middles, 0, page.middles ?? []);
        take(expandPage(page, middles));
        if (!page.more) break;
      }
    } finally {
      syncing = undefined;
    }
  })();
  return syncing;
}

function live(): void {
  const last = list.rows.length ? list.rows[list.rows.length - 1]!.id : 0;
  const es = events(last);
  es.addEventListener('open', () => {
    conn.textContent = 'live';
    conn.className = 'conn on';
  });
  es.addEventListener('error', () => {
    conn.textContent = es.readyState === EventSource.CLOSED ? 'disconnected: reload the page' : 'reconnecting…';
    conn.className = 'conn off';
  });
  es.addEventListener('rows', (e) => {
    const page = expandPage(JSON.parse((e as MessageEvent<string>).data) as KeptPage, middles);
    const last = list.rows.length ? list.rows[list.rows.length - 1]!.id : 0;
    // A gap (rows we never saw, still kept): fetch them instead.
    if (page.rows.length && page.rows[0]!.id > last + 1 && last + 1 >= page.first) void sync();
    else take(page);
  });
  es.addEventListener('middles', (e) => {
    const table = JSON.parse((e as MessageEvent<string>).data) as { from: number; middles: RowMiddle[] };
    learnMiddles(middles, table.from, table.middles);
  });
  es.addEventListener('resync', () => void sync());
  es.addEventListener('update', (e) => {
    const { id } = JSON.parse((e as MessageEvent<string>).data) as { id: number };
    details.delete(id);
    // Redrawn now only where it shows (the overview); the resend form keeps its result until the tab changes.
    if (list.selected === id) {
      if (tab === 'overview') void showDetail(id);
      else stale = true;
    }
  });
}

function keyboard(e: KeyboardEvent): void {
  const t = e.target as HTMLElement;
  if (t.closest('input, textarea, select')) {
    if (e.key === 'Escape' && t === search) {
      search.value = '';
      applyFilters();
      viewport.focus();
    }
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const actions: Record<string, () => void> = {
    ArrowDown: () => list.move(1),
    j: () => list.move(1),
    ArrowUp: () => list.move(-1),
    k: () => list.move(-1),
    PageDown: () => list.move(list.pageSize()),
    PageUp: () => list.move(-list.pageSize()),
    Home: () => list.first(),
    g: () => list.first(),
    End: () => list.last(),
    G: () => list.last(),
    Escape: () => list.select(null),
    '/': () => search.focus(),
    t: () => byId('theme').click(),
  };
  for (const [k, name] of TABS.entries()) actions[String(k + 1)] = () => setTab(name);
  const action = actions[e.key];
  if (action) {
    e.preventDefault();
    action();
  }
}

async function boot(): Promise<void> {
  layout();
  for (const el of [providerSel, eventSel, verdictSel]) el.addEventListener('change', applyFilters);
  search.addEventListener('input', applyFilters);
  document.addEventListener('keydown', keyboard);
  try {
    info = await getJson<Info>('/api/info');
    where.textContent = `listener ${info.listener}${info.forwardTo ? ` → ${info.forwardTo}` : ''}`;
    byId('empty-hint').textContent = `Send one: npx cg-hooks send customerglu reward --to ${info.listener}/webhook${info.secrets ? ' --secret …' : ''}`;
    await sync();
  } catch (e) {
    conn.textContent = (e as Error).message;
    return;
  }
  updateCounts();
  live();
  const m = /^#id=(\d+)(?:&tab=(\w+))?/.exec(location.hash);
  if (m) {
    if (m[2] && (TABS as readonly string[]).includes(m[2])) tab = m[2] as Tab;
    list.select(Number(m[1]));
  }
  render();
  viewport.focus();
}

void boot();
