// The live list: every row kept in id order, a filtered view, and a virtualised table that draws only the
// rows on screen (a pool of row elements reused), so 10,000 deliveries scroll like 10.
import type { Row } from './client.js';
import { formatBytes, h } from './dom.js';

export const ROW_HEIGHT = 30;
const OVERSCAN = 8;

export interface Filter {
  provider: string;
  event: string;
  verdict: string;
  text: string;
  /** Ids whose body matched `text` (from the server), when a search ran. */
  bodyHits?: Set<number>;
}

const haystacks = new WeakMap<Row, string>();
function hay(r: Row): string {
  let s = haystacks.get(r);
  if (s === undefined) {
    s = `#${r.seq ?? ''} ${r.id} ${r.method} ${r.path} ${r.provider ?? 'unknown'} ${r.scheme ?? ''} ${r.event ?? ''} ${r.status ?? ''} ${r.verdict} ${r.sig} ${r.auth} ${r.schema} ${r.problems.join(' ')} ${r.target ?? ''}`.toLowerCase();
    haystacks.set(r, s);
  }
  return s;
}

export function matches(r: Row, f: Filter): boolean {
  if (f.provider && (r.provider ?? '(unknown)') !== f.provider) return false;
  if (f.event && (r.event ?? '(unknown)') !== f.event) return false;
  switch (f.verdict) {
    case 'valid':
    case 'invalid':
      if (r.verdict !== f.verdict) return false;
      break;
    case 'duplicate':
      if (r.dup === null) return false;
      break;
    case 'signature':
      if (!['invalid', 'missing', 'malformed', 'expired'].includes(r.sig) && !['invalid', 'missing'].includes(r.auth)) return false;
      break;
    case 'schema':
      if (r.schema !== 'invalid') return false;
      break;
    case 'resend':
      if (r.origin === null) return false;
      break;
  }
  if (f.text) {
    const t = f.text.toLowerCase();
    if (!hay(r).includes(t) && !f.bodyHits?.has(r.id)) return false;
  }
  return true;
}

const SIG_TEXT: Record<string, [string, string]> = {
  valid: ['✓ valid', 'ok'],
  invalid: ['✗ invalid', 'bad'],
  missing: ['✗ missing', 'bad'],
  malformed: ['✗ malformed', 'bad'],
  expired: ['✗ expired', 'bad'],
  unsigned: ['– unsigned', 'dim'],
  'not-checked': ['? unchecked', 'warn'],
  'unknown-provider': ['–', 'dim'],
};
const AUTH_TEXT: Record<string, [string, string]> = { valid: ['✓ auth', 'ok'], invalid: ['✗ auth', 'bad'], missing: ['✗ no auth', 'bad'], 'not-configured': ['– auth', 'dim'] };

export function signatureCell(r: Row): [string, string] {
  if (r.kind === 'sent') return ['sent', 'dim'];
  if ((r.sig === 'unsigned' || r.sig === 'unknown-provider') && AUTH_TEXT[r.auth]) return AUTH_TEXT[r.auth]!;
  if (r.auth === 'invalid' || r.auth === 'missing') return AUTH_TEXT[r.auth]!;
  return SIG_TEXT[r.sig] ?? [r.sig, 'dim'];
}

export function schemaCell(r: Row): [string, string] {
  switch (r.schema) {
    case 'valid':
      return ['✓', 'ok'];
    case 'invalid':
      return [`✗ ${r.issues}`, 'bad'];
    case 'unknown-event':
      return ['? event', 'warn'];
    default:
      return ['–', 'dim'];
  }
}

export const statusClass = (s: number | null) => (s === null ? 'dim' : s >= 200 && s < 300 ? 'ok' : s >= 500 ? 'server' : 'bad');
const time = (iso: string) => iso.slice(11, 23);

const COLUMNS = ['seq', 'time', 'provider', 'event', 'status', 'sig', 'schema', 'dup', 'size', 'ms'] as const;
export const HEADINGS: Record<(typeof COLUMNS)[number], string> = { seq: '#', time: 'time', provider: 'provider', event: 'event', status: 'status', sig: 'signature', schema: 'schema', dup: 'dup', size: 'size', ms: 'latency' };

export function headerRow(): HTMLElement {
  return h('div', { class: 'row head', role: 'row' }, ...COLUMNS.map((c) => h('span', { class: `c-${c}`, role: 'columnheader' }, HEADINGS[c])));
}

export class VirtualList {
  /** Every row, ascending id. */
  rows: Row[] = [];
  /** The filtered rows, ascending id; drawn newest first. */
  view: Row[] = [];
  selected: number | null = null;
  filter: Filter = { provider: '', event: '', verdict: '', text: '' };
  private pool: HTMLElement[] = [];
  private spacer: HTMLElement;

  constructor(private readonly viewport: HTMLElement, private readonly onSelect: (id: number | null) => void) {
    this.spacer = h('div', { class: 'spacer' });
    viewport.append(this.spacer);
    viewport.addEventListener('scroll', () => this.draw(), { passive: true });
    viewport.addEventListener('click', (e) => {
      const el = (e.target as HTMLElement).closest<HTMLElement>('.row[data-id]');
      if (el) this.select(Number(el.dataset.id));
    });
    new ResizeObserver(() => this.draw()).observe(viewport);
  }

  /** Adds rows (ids above the last one), keeps the on-screen rows in place when scrolled away from the top. */
  append(rows: Row[]): void {
    const last = this.rows.length ? this.rows[this.rows.length - 1]!.id : 0;
    const fresh = rows.filter((r) => r.id > last);
    if (fresh.length === 0) return;
    this.rows.push(...fresh);
    const shown = fresh.filter((r) => matches(r, this.filter));
    this.view.push(...shown);
    // New rows go on top: a reader scrolled down keeps looking at the same rows.
    if (this.viewport.scrollTop > ROW_HEIGHT / 2) this.viewport.scrollTop += shown.length * ROW_HEIGHT;
    this.draw();
  }

  /** Drops rows the listener no longer keeps. */
  evictBelow(first: number): void {
    if (this.rows.length === 0 || this.rows[0]!.id >= first) return;
    const cut = (list: Row[]) => {
      let k = 0;
      while (k < list.length && list[k]!.id < first) k++;
      return list.slice(k);
    };
    this.rows = cut(this.rows);
    this.view = cut(this.view);
    this.draw();
  }

  refilter(): void {
    this.view = this.rows.filter((r) => matches(r, this.filter));
    this.draw();
  }

  /** Position in the drawn order (0 = top = newest). */
  private indexOf(id: number | null): number {
    if (id === null) return -1;
    let lo = 0;
    let hi = this.view.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.view[mid]!.id;
      if (v === id) return this.view.length - 1 - mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private at(index: number): Row | undefined {
    return this.view[this.view.length - 1 - index];
  }

  select(id: number | null, scroll = true): void {
    this.selected = id;
    if (scroll) this.reveal(this.indexOf(id));
    this.draw();
    this.onSelect(id);
  }

  /** Moves the selection by `delta` rows on screen (positive: down, towards older). */
  move(delta: number): void {
    if (this.view.length === 0) return;
    const i = this.indexOf(this.selected);
    const next = Math.max(0, Math.min(this.view.length - 1, i < 0 ? 0 : i + delta));
    this.select(this.at(next)!.id);
  }

  first(): void {
    if (this.view.length) this.select(this.at(0)!.id);
  }

  last(): void {
    if (this.view.length) this.select(this.at(this.view.length - 1)!.id);
  }

  pageSize(): number {
    return Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
  }

  private reveal(index: number): void {
    if (index < 0) return;
    const top = index * ROW_HEIGHT;
    const vp = this.viewport;
    if (top < vp.scrollTop) vp.scrollTop = top;
    else if (top + ROW_HEIGHT > vp.scrollTop + vp.clientHeight) vp.scrollTop = top + ROW_HEIGHT - vp.clientHeight;
  }

  draw(): void {
    const vp = this.viewport;
    this.spacer.style.height = `${this.view.length * ROW_HEIGHT}px`;
    const start = Math.max(0, Math.floor(vp.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const end = Math.min(this.view.length, Math.ceil((vp.scrollTop + vp.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    const needed = Math.max(0, end - start);
    while (this.pool.length < needed) {
      const el = h('div', { class: 'row', role: 'row' }, ...COLUMNS.map((c) => h('span', { class: `c-${c}` })));
      this.pool.push(el);
      vp.append(el);
    }
    for (let k = 0; k < this.pool.length; k++) {
      const el = this.pool[k]!;
      const r = k < needed ? this.at(start + k) : undefined;
      if (!r) {
        el.hidden = true;
        continue;
      }
      el.hidden = false;
      el.style.transform = `translateY(${(start + k) * ROW_HEIGHT}px)`;
      this.fill(el, r);
    }
  }

  private fill(el: HTMLElement, r: Row): void {
    el.dataset.id = String(r.id);
    el.className = `row v-${r.verdict}${r.id === this.selected ? ' selected' : ''}`;
    el.setAttribute('aria-selected', r.id === this.selected ? 'true' : 'false');
    const cells = el.children as HTMLCollectionOf<HTMLElement>;
    const set = (i: number, text: string, cls = '', title = '') => {
      const c = cells[i]!;
      c.textContent = text;
      c.className = `c-${COLUMNS[i]}${cls ? ` ${cls}` : ''}`;
      if (title) c.title = title;
      else c.removeAttribute('title');
    };
    set(0, r.kind === 'sent' ? `↗${r.id}` : `${r.origin !== null ? '↻' : ''}${r.seq ?? r.id}`, '', r.origin !== null ? `resent from row ${r.origin}` : '');
    set(1, time(r.at));
    // No provider recognised, but a scheme checked it (listen --scheme, Stripe-Signature…): say which.
    set(2, r.provider ?? r.scheme ?? 'unknown', r.provider ?? r.scheme ? '' : 'warn');
    set(3, r.kind === 'sent' ? `${r.event ?? ''} → ${r.target ?? ''}` : (r.event ?? (r.provider ? '?' : '')), '', r.path);
    set(4, r.status === null ? '—' : String(r.status), statusClass(r.status));
    const [sig, sigCls] = signatureCell(r);
    set(5, sig, sigCls, r.problems.join(', '));
    const [schema, schemaCls] = schemaCell(r);
    set(6, schema, schemaCls);
    set(7, r.dup !== null ? `#${r.dup}` : '', r.dup !== null ? 'warn' : '', r.dup !== null ? `duplicate of #${r.dup}` : '');
    set(8, formatBytes(r.size));
    set(9, r.ms === null ? '' : `${r.ms < 10 ? r.ms.toFixed(1) : Math.round(r.ms)} ms`);
  }
}
