// One delivery in full: verdicts and the signature diagnosis, headers, and the body (pretty with schema errors
// in place, raw exactly as received, hex).
import { base64Bytes, type Detail, type Finding } from './client.js';
import { badUtf8, contextView, decode, hexView, rawView } from './bytes.js';
import { formatBytes, h } from './dom.js';
import { issueMarks, parseTree, renderTree } from './json-view.js';
import { statusClass } from './list.js';

export interface DetailContext {
  /** Opens another row (links to duplicates, origins, resends). */
  open(id: number): void;
  /** Opens the delivery with this listener sequence number, if it is still in memory. */
  openSeq(seq: number): void;
  /** Switches to a tab of this detail. */
  tab(name: string): void;
}

/** The decoded body bytes of a detail, computed once. */
const bytesCache = new WeakMap<Detail, Uint8Array>();
export function bodyBytes(d: Detail): Uint8Array {
  let b = bytesCache.get(d);
  if (!b) bytesCache.set(d, (b = base64Bytes(d.bodyBase64)));
  return b;
}

const link = (ctx: DetailContext, id: number, text: string) => h('a', { href: `#id=${id}`, class: 'rowlink', onclick: (e: Event) => (e.preventDefault(), ctx.open(id)) }, text);

function verdictBadge(d: Detail): HTMLElement {
  const v = d.row.verdict;
  return h('span', { class: `badge ${v === 'valid' ? 'ok' : v === 'sent' ? 'info' : 'bad'}`, id: 'verdict' }, v);
}

function item(label: string, ...value: Array<Node | string>): HTMLElement[] {
  return [h('dt', {}, label), h('dd', {}, ...value)];
}

const cls = (ok: boolean | undefined, warn = false) => (warn ? 'warn' : ok ? 'ok' : 'bad');
/** Verdicts that are neither a pass nor a failure: nothing was checked. */
const NEUTRAL = new Set(['unsigned', 'not-checked', 'unknown-provider']);
const FAILED = new Set(['invalid', 'malformed', 'missing', 'expired']);

export function overview(d: Detail, ctx: DetailContext): HTMLElement {
  const r = d.report;
  const dl = h('dl', { class: 'facts' });
  const sig = r.signature ?? {};
  const auth = r.auth ?? {};
  const schema = r.schema ?? {};
  if (d.sent) {
    dl.append(...item('Sent to', d.sent.url), ...item('Answered', d.sent.error ? h('span', { class: 'bad' }, d.sent.error) : h('span', { class: statusClass(d.sent.status ?? null) }, `${d.sent.status} in ${d.sent.latencyMs} ms`)));
    if (d.sent.response) dl.append(...item('Answer body', h('code', { class: 'wrap' }, d.sent.response)));
  } else {
    dl.append(
      ...item('Received', String(r.receivedAt ?? '')),
      ...item('Answered', h('span', { class: statusClass(r.status ?? null) }, String(r.status ?? '—')), r.statusReason && r.statusReason !== 'verdict' ? ` (${r.statusReason})` : ''),
      ...item('Provider', r.provider ? `${r.provider}${typeof r.confidence === 'number' && r.confidence < 1 ? ` (detected, confidence ${r.confidence})` : ''}` : h('span', { class: 'warn' }, 'not recognised')),
      ...item('Event', r.event ?? h('span', { class: 'warn' }, 'unknown')),
      ...item('Signature', h('span', { class: NEUTRAL.has(sig.status) ? 'warn' : cls(sig.ok) }, String(sig.status ?? '')), sig.scheme && d.signing ? ` by ${d.signing.label}` : '', sig.header ? ` (${sig.header})` : '', sig.reason ? ` — ${sig.reason}` : ''),
    );
    if (auth.status && auth.status !== 'none') dl.append(...item('Auth', h('span', { class: cls(auth.ok, auth.status === 'not-configured') }, `${auth.kind ?? 'auth'} ${auth.status}`), auth.reason ? ` — ${auth.reason}` : ''));
    dl.append(...item('Schema', h('span', { class: schema.status === 'valid' ? 'ok' : schema.status === 'invalid' ? 'bad' : 'warn' }, String(schema.status ?? '')), Array.isArray(schema.issues) && schema.issues.length ? ` — ${schema.issues.length} field error${schema.issues.length === 1 ? '' : 's'} (see Body)` : ''));
    if (r.duplicate) {
      const first = h('a', { href: '#', class: 'rowlink', onclick: (e: Event) => (e.preventDefault(), ctx.openSeq(Number(r.duplicate.firstSeq))) }, `#${r.duplicate.firstSeq}`);
      dl.append(...item('Duplicate', 'of ', first, ` (${r.duplicate.key}): a receiver must acknowledge it without processing it twice`));
    }
    dl.append(...item('Body', `${r.bodyKind ?? ''}, ${formatBytes(Number(r.size ?? 0))}`, r.bodyError ? h('span', { class: 'bad' }, ` — ${r.bodyError}`) : '', r.contentEncoding ? ` (Content-Encoding: ${r.contentEncoding})` : ''));
    dl.append(...item('sha256', h('code', {}, String(r.sha256 ?? ''))));
    if (r.forward) dl.append(...item('Forwarded', `${r.forward.url}: `, r.forward.error ? h('span', { class: 'bad' }, r.forward.error) : `${r.forward.status} in ${r.forward.latencyMs} ms`));
    if (r.capture?.path) dl.append(...item('Saved', h('code', {}, r.capture.path)));
    if (r.capture?.error) dl.append(...item('Not saved', h('span', { class: 'bad' }, r.capture.error)));
  }
  if (d.origin !== null) dl.append(...item('Resent from', link(ctx, d.origin, `row ${d.origin}`), d.resend ? ` (${d.resend.mode}; answered ${d.resend.status ?? d.resend.error ?? '?'})` : ''));
  if (d.resends.length) dl.append(...item('Resent as', ...d.resends.flatMap((id, k) => [k ? ', ' : '', link(ctx, id, `row ${id}`)])));
  const problems = Array.isArray(r.problems) && r.problems.length ? h('p', { class: 'problems' }, ...r.problems.map((p: string) => h('span', { class: 'chip bad' }, p))) : null;
  return h('div', { class: 'overview' }, h('div', { class: 'verdictline' }, verdictBadge(d), problems), dl, explainPanel(d, ctx));
}

function finding(f: Finding, bytes: Uint8Array, ctx: DetailContext): HTMLElement {
  return h(
    'li',
    { class: `finding cause-${f.cause}` },
    h('strong', {}, f.title),
    ...f.detail.map((line) => h('p', {}, line)),
    f.offset !== undefined
      ? h(
          'div',
          { class: 'offset' },
          h('p', {}, 'Received: ', contextView(bytes, f.offset)),
          f.excerpt ? h('p', {}, 'Signed:   ', h('code', { class: 'context' }, f.excerpt.signed)) : null,
          h('button', { type: 'button', onclick: () => ctx.tab(`body:raw:${f.offset}`) }, 'Show in the body'),
        )
      : null,
    f.fix ? h('p', { class: 'fix' }, h('b', {}, 'Fix: '), f.fix) : null,
  );
}

export function explainPanel(d: Detail, ctx: DetailContext): HTMLElement | null {
  const x = d.explanation;
  const oneLine = d.report.signature?.explain as string | undefined;
  if (!x) {
    // Nothing failed and nothing was diagnosed: no panel.
    if (!oneLine && !FAILED.has(d.report.signature?.status) && !FAILED.has(d.report.auth?.status)) return null;
    return h('section', { class: 'explain', id: 'explain' }, h('h3', {}, 'Diagnosis'), oneLine ? h('p', {}, oneLine) : null, d.explainNote ? h('p', { class: 'muted' }, `Full diagnosis not available: ${d.explainNote}.`) : null);
  }
  if (x.error) return h('section', { class: 'explain', id: 'explain' }, h('h3', {}, 'Diagnosis'), h('p', { class: 'bad' }, x.error));
  const bytes = bodyBytes(d);
  return h(
    'section',
    { class: `explain v-${x.verdict}`, id: 'explain' },
    h('h3', {}, x.verdict === 'valid' ? 'Signature check' : 'Why the signature fails'),
    x.findings[0]?.title === x.summary ? null : h('p', { class: 'summary' }, x.summary),
    x.findings.length ? h('ol', { class: 'findings' }, ...x.findings.map((f) => finding(f, bytes, ctx))) : null,
    x.match ? h('p', { class: 'muted' }, `Reproduced with: ${x.match.body}, HMAC-${(x.match.algorithm ?? "").toUpperCase()}, ${x.match.encoding}, signed content ${x.match.template}, header ${x.match.header}.`) : null,
  );
}

function table(rows: Array<[string, string]>, caption: string): HTMLElement {
  return h('table', { class: 'kv' }, h('caption', {}, caption), h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v)))));
}

export function headersView(d: Detail): HTMLElement {
  const headers = (d.sent ? d.sent.headers : d.report.headers) as Record<string, string>;
  const query = Object.entries((d.report.query ?? {}) as Record<string, string | string[]>).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v] as [string, string]);
  return h(
    'div',
    { class: 'headers' },
    h('p', { class: 'reqline' }, h('code', {}, `${d.row.method} ${d.sent ? d.sent.url : d.row.path}`)),
    table(Object.entries(headers ?? {}), d.sent ? 'Headers sent' : 'Headers as received (credentials masked)'),
    query.length ? table(query, 'Query parameters (credentials masked)') : null,
  );
}

/** Body: pretty | raw | hex. `mode` may carry a byte to mark: "raw:123". */
export function bodyView(d: Detail, mode: string, onMode: (m: string) => void): HTMLElement {
  const bytes = bodyBytes(d);
  const bad = d.utf8 ? -1 : badUtf8(bytes);
  const text = bad < 0 ? decode(bytes) : '';
  const tree = bad < 0 && bytes.length > 0 ? parseTree(text) : undefined;
  const [kind, markText] = mode.split(':');
  const mark = markText === undefined ? undefined : Number(markText);
  const chosen = kind === 'pretty' && !tree ? (bad < 0 ? 'raw' : 'hex') : kind === 'raw' && bad >= 0 ? 'hex' : (kind ?? 'pretty');
  const issues = (d.report.schema?.issues ?? []) as Array<{ path: string; message: string }>;
  const modes = h(
    'div',
    { class: 'seg', role: 'tablist' },
    ...['pretty', 'raw', 'hex'].map((m) =>
      h('button', { type: 'button', role: 'tab', 'aria-selected': String(m === chosen), disabled: (m === 'pretty' && !tree) || (m === 'raw' && bad >= 0), onclick: () => onMode(m) }, m),
    ),
  );
  const notes: Array<HTMLElement | null> = [
    bytes.length === 0 ? h('p', { class: 'muted' }, 'Empty body.') : null,
    bad >= 0 ? h('p', { class: 'warn' }, `Not valid UTF-8 (first bad byte at offset ${bad}): shown as hex, exactly as received.`) : null,
    bad < 0 && !tree && bytes.length > 0 && kind === 'pretty' ? h('p', { class: 'warn' }, `Not JSON${d.report.bodyError ? `: ${d.report.bodyError}` : ''}.`) : null,
    chosen === 'pretty' && issues.length ? h('p', { class: 'bad' }, `${issues.length} schema error${issues.length === 1 ? '' : 's'}, marked in place:`) : null,
  ];
  let view: HTMLElement;
  if (chosen === 'pretty' && tree) view = renderTree(tree, issueMarks(tree, issues));
  else if (chosen === 'hex') view = hexView(bytes, mark);
  else view = rawView(bytes, mark);
  const parsed = d.parsed !== undefined && d.report.bodyKind !== 'json' ? h('details', {}, h('summary', {}, 'As the listener read it'), h('pre', { class: 'raw' }, JSON.stringify(d.parsed, null, 2))) : null;
  return h('div', { class: 'body' }, modes, ...notes, view, parsed);
}
