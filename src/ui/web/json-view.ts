// Pretty JSON drawn from the bytes as received: numbers and strings keep their spelling (1.0 stays 1.0,
// "\u00e9" stays escaped), duplicate keys stay visible, and any path can be marked (schema errors, diffs).
import { h } from './dom.js';

export type JNode =
  | { t: 'obj'; entries: Array<{ key: string; raw: string; value: JNode }> }
  | { t: 'arr'; items: JNode[] }
  | { t: 'prim'; raw: string; kind: 'string' | 'number' | 'literal' };

const MAX_DEPTH = 512;

/** Parses JSON text into a tree that remembers each primitive's source; undefined when it is not JSON. */
export function parseTree(text: string): JNode | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = (): never => {
    throw new SyntaxError(`at ${i}`);
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    i++;
    return text.slice(start, i);
  };
  const value = (depth: number): JNode => {
    if (depth > MAX_DEPTH) fail();
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: Array<{ key: string; raw: string; value: JNode }> = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { t: 'obj', entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const raw = str();
        ws();
        if (text[i++] !== ':') fail();
        entries.push({ key: JSON.parse(raw) as string, raw, value: value(depth + 1) });
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return { t: 'obj', entries };
        } else fail();
      }
    }
    if (c === '[') {
      i++;
      const items: JNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { t: 'arr', items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return { t: 'arr', items };
        } else fail();
      }
    }
    if (c === '"') {
      const raw = str();
      JSON.parse(raw); // validates escapes
      return { t: 'prim', raw, kind: 'string' };
    }
    const m = /^(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
    return { t: 'prim', raw: m![0], kind: /^[-\d]/.test(m![0]) ? 'number' : 'literal' };
  };
  try {
    const start = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a BOM is shown in Raw, not a reason to give up here
    i = start;
    const root = value(0);
    ws();
    return i === text.length ? root : undefined;
  } catch {
    return undefined;
  }
}

export const childPath = (base: string, key: string | number): string => (typeof key === 'number' ? `${base}[${key}]` : base === '' ? key : `${base}.${key}`);

/** Every path in the tree (for finding where a missing field's parent is). */
export function hasPath(root: JNode, path: string): boolean {
  let found = false;
  const walk = (n: JNode, p: string) => {
    if (found) return;
    if (p === path) found = true;
    else if (n.t === 'obj') for (const e of n.entries) walk(e.value, childPath(p, e.key));
    else if (n.t === 'arr') n.items.forEach((v, k) => walk(v, childPath(p, k)));
  };
  walk(root, '');
  return found;
}

export interface Mark {
  cls: string;
  notes: string[];
}

const MAX_LINES = 20_000;

/** Draws the tree; lines whose path is in `marks` get its class and notes. */
export function renderTree(root: JNode, marks: Map<string, Mark>): HTMLElement {
  const pre = h('pre', { class: 'json' });
  let lines = 0;
  const frag = document.createDocumentFragment();
  /** `path` null: a closing bracket, which is never marked. */
  const line = (indent: number, path: string | null, parts: Array<Node | string>) => {
    if (++lines > MAX_LINES) return;
    const key = path === null ? undefined : path === '' ? '(root)' : path;
    const mark = key === undefined ? undefined : marks.get(key);
    const el = h('span', { class: mark ? `ln ${mark.cls}` : 'ln', 'data-path': key }, '  '.repeat(indent));
    for (const p of parts) el.append(p);
    if (mark) for (const n of mark.notes) el.append(h('span', { class: 'note' }, `  ← ${n}`));
    frag.append(el, '\n');
  };
  const prim = (n: Extract<JNode, { t: 'prim' }>) => h('span', { class: `j-${n.kind}` }, n.raw);
  const walk = (n: JNode, indent: number, path: string, label: Array<Node | string>, comma: string) => {
    if (n.t === 'prim') return line(indent, path, [...label, prim(n), comma]);
    const [open, close] = n.t === 'obj' ? ['{', '}'] : ['[', ']'];
    const size = n.t === 'obj' ? n.entries.length : n.items.length;
    if (size === 0) return line(indent, path, [...label, open + close, comma]);
    line(indent, path, [...label, open]);
    if (n.t === 'obj') {
      n.entries.forEach((e, k) => walk(e.value, indent + 1, childPath(path, e.key), [h('span', { class: 'j-key' }, e.raw), ': '], k < size - 1 ? ',' : ''));
    } else {
      n.items.forEach((v, k) => walk(v, indent + 1, childPath(path, k), [], k < size - 1 ? ',' : ''));
    }
    line(indent, null, [close, comma]);
  };
  walk(root, 0, '', [], '');
  pre.append(frag);
  if (lines > MAX_LINES) pre.append(h('span', { class: 'muted' }, `… ${lines - MAX_LINES} more lines: see Raw`));
  return pre;
}

/**
 * Marks for schema issues: in place where the path exists; a missing field is marked on its closest
 * existing parent ("data: missing points — Required").
 */
export function issueMarks(root: JNode, issues: Array<{ path: string; message: string }>, cls = 'err'): Map<string, Mark> {
  const marks = new Map<string, Mark>();
  const add = (path: string, note: string) => {
    const m = marks.get(path) ?? { cls, notes: [] };
    m.notes.push(note);
    marks.set(path, m);
  };
  for (const issue of issues) {
    if (issue.path === '(root)' || hasPath(root, issue.path)) {
      add(issue.path, issue.message);
      continue;
    }
    let parent = issue.path;
    while (parent !== '' && !hasPath(root, parent)) parent = parent.replace(/(\[\d+\]|\.[^.[]*|^[^.[]*)$/, '');
    add(parent === '' ? '(root)' : parent, `${issue.path}: ${issue.message}`);
  }
  return marks;
}
