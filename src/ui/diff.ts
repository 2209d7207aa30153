// JSON-aware comparison of two deliveries: the paths that changed, in the same notation as schema errors
// (`data.points`, `items[0].sku`), so the page can mark them in both bodies. Pure and bounded.

export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  /** JSON text of the value before / after (cut to PREVIEW characters). */
  before?: string;
  after?: string;
}

export interface DiffResult {
  /** json: both bodies are JSON and `changes` lists every differing path; bytes: at least one is not JSON. */
  mode: 'json' | 'bytes';
  equal: boolean;
  changes: Change[];
  /** More changes than MAX_CHANGES: the list stops there. */
  truncated: boolean;
  /** First differing byte of the raw bodies (-1 when identical). */
  firstByte: number;
}

const MAX_CHANGES = 2000;
const MAX_DEPTH = 256;
const PREVIEW = 200;

function preview(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = '…';
  }
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
}

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

export function diffJson(a: unknown, b: unknown): { changes: Change[]; truncated: boolean } {
  const changes: Change[] = [];
  let truncated = false;
  const add = (c: Change) => {
    if (changes.length >= MAX_CHANGES) truncated = true;
    else changes.push(c);
  };
  const walk = (x: unknown, y: unknown, path: string, depth: number): void => {
    if (truncated) return;
    const kx = kindOf(x);
    const ky = kindOf(y);
    if (kx !== ky || depth >= MAX_DEPTH || (kx !== 'object' && kx !== 'array')) {
      if (kx !== ky || !Object.is(x, y)) add({ path: path || '(root)', kind: 'changed', before: preview(x), after: preview(y) });
      return;
    }
    if (kx === 'array') {
      const xs = x as unknown[];
      const ys = y as unknown[];
      const n = Math.max(xs.length, ys.length);
      for (let i = 0; i < n; i++) {
        const p = joinPath(path, i);
        if (i >= xs.length) add({ path: p, kind: 'added', after: preview(ys[i]) });
        else if (i >= ys.length) add({ path: p, kind: 'removed', before: preview(xs[i]) });
        else walk(xs[i], ys[i], p, depth + 1);
      }
      return;
    }
    const ox = x as Record<string, unknown>;
    const oy = y as Record<string, unknown>;
    for (const k of Object.keys(ox)) {
      const p = joinPath(path, k);
      if (!Object.hasOwn(oy, k)) add({ path: p, kind: 'removed', before: preview(ox[k]) });
      else walk(ox[k], oy[k], p, depth + 1);
    }
    for (const k of Object.keys(oy)) if (!Object.hasOwn(ox, k)) add({ path: joinPath(path, k), kind: 'added', after: preview(oy[k]) });
  };
  walk(a, b, '', 0);
  return { changes, truncated };
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function parse(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

/** Compares two raw bodies: by JSON paths when both parse, by bytes otherwise. */
export function diffBodies(a: Buffer, b: Buffer): DiffResult {
  const firstByte = firstDifference(a, b);
  const pa = parse(a);
  const pb = parse(b);
  if (!pa.ok || !pb.ok) return { mode: 'bytes', equal: firstByte < 0, changes: [], truncated: false, firstByte };
  const { changes, truncated } = diffJson(pa.value, pb.value);
  return { mode: 'json', equal: changes.length === 0, changes, truncated, firstByte };
}
