// Diff a delivery against the previous one of the same event, or any other row: changed JSON paths listed
// and marked in both bodies side by side.
import { getJson, type Detail, type Diff } from './client.js';
import { contextView, decode } from './bytes.js';
import { bodyBytes } from './detail.js';
import { clear, h } from './dom.js';
import { parseTree, renderTree, type Mark } from './json-view.js';

export function diffView(d: Detail, getDetail: (id: number) => Promise<Detail>, open: (id: number) => void, initial?: string): HTMLElement {
  const out = h('div', { class: 'diff-result', id: 'diff-result' });
  const other = h('input', { type: 'text', inputmode: 'numeric', placeholder: 'row id', size: 8, 'aria-label': 'row to compare with', value: initial && initial !== 'previous' ? initial : '' });
  const run = async (against: string) => {
    clear(out);
    out.append(h('p', { class: 'muted' }, 'Comparing…'));
    try {
      const diff = await getJson<Diff>(`/api/diff?a=${d.row.id}&b=${encodeURIComponent(against)}`);
      const before = await getDetail(diff.a.id);
      clear(out);
      out.append(render(diff, before, d, open));
    } catch (e) {
      clear(out);
      out.append(h('p', { class: 'warn' }, (e as Error).message));
    }
  };
  const controls = h(
    'form',
    { class: 'controls', onsubmit: (e: Event) => (e.preventDefault(), void run(other.value.trim().replace(/^#/, '') || 'previous')) },
    h('button', { type: 'button', onclick: () => void run('previous') }, d.previous !== null ? `Previous ${d.row.event ?? 'delivery'} (row ${d.previous})` : 'Previous of the same event'),
    h('span', { class: 'muted' }, ' or row '),
    other,
    h('button', { type: 'submit' }, 'Compare'),
  );
  if (initial !== undefined || d.previous !== null) void run(initial ?? 'previous');
  else out.append(h('p', { class: 'muted' }, `No earlier ${d.row.event ?? 'delivery of this kind'} in memory: type a row id to compare with.`));
  return h('div', { class: 'diff' }, controls, out);
}

function render(diff: Diff, before: Detail, after: Detail, open: (id: number) => void): HTMLElement {
  const title = h(
    'p',
    { class: 'diff-title' },
    'Row ',
    h('a', { href: '#', onclick: (e: Event) => (e.preventDefault(), open(diff.a.id)) }, String(diff.a.id)),
    ` (${diff.a.event ?? '?'}, ${diff.a.at.slice(11, 23)}) → this row ${diff.b.id}: `,
    diff.equal ? h('b', { class: 'ok' }, 'identical bodies') : h('b', {}, diff.mode === 'json' ? `${diff.changes.length}${diff.truncated ? '+' : ''} changed path${diff.changes.length === 1 ? '' : 's'}` : 'bodies differ'),
  );
  const a = bodyBytes(before);
  const b = bodyBytes(after);
  if (diff.mode === 'bytes') {
    return h(
      'div',
      {},
      title,
      h('p', { class: 'muted' }, 'At least one body is not JSON: compared byte by byte.'),
      diff.firstByte >= 0 ? h('div', {}, h('p', {}, `First differing byte: ${diff.firstByte}`), h('p', {}, 'Before: ', contextView(a, diff.firstByte)), h('p', {}, 'After:  ', contextView(b, diff.firstByte))) : null,
    );
  }
  const table = h(
    'table',
    { class: 'changes' },
    h('thead', {}, h('tr', {}, h('th', {}, 'path'), h('th', {}, 'change'), h('th', {}, 'before'), h('th', {}, 'after'))),
    h('tbody', {}, ...diff.changes.map((c) => h('tr', { class: `k-${c.kind}` }, h('td', {}, h('code', {}, c.path)), h('td', {}, c.kind), h('td', {}, h('code', {}, c.before ?? '')), h('td', {}, h('code', {}, c.after ?? ''))))),
  );
  const marksA = new Map<string, Mark>();
  const marksB = new Map<string, Mark>();
  for (const c of diff.changes) {
    if (c.kind !== 'added') marksA.set(c.path, { cls: c.kind === 'removed' ? 'del' : 'chg', notes: [] });
    if (c.kind !== 'removed') marksB.set(c.path, { cls: c.kind === 'added' ? 'add' : 'chg', notes: [] });
  }
  const ta = parseTree(decode(a));
  const tb = parseTree(decode(b));
  const sides =
    ta && tb
      ? h('div', { class: 'sides' }, h('div', {}, h('h4', {}, `row ${diff.a.id} (before)`), renderTree(ta, marksA)), h('div', {}, h('h4', {}, `row ${diff.b.id} (this one)`), renderTree(tb, marksB)))
      : null;
  return h('div', {}, title, diff.changes.length ? table : null, diff.truncated ? h('p', { class: 'muted' }, 'Only the first 2000 changes are listed.') : null, sides);
}
