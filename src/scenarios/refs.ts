// `${step.path}` references: a value that is exactly one reference takes the referenced field as it is (a
// number stays a number, an object an object); a reference inside longer text is interpolated. `$${` is a
// literal `${`.
import { parsePath, type PathSegment } from '../core/paths.js';

const REF = /\$?\$\{([^}]*)\}/g;
const WHOLE = /^\$\{([^}]*)\}$/;

export interface FoundReference {
  /** As written, e.g. "${first.data.user_id}". */
  text: string;
  step: string;
  /** The path inside that step's body; "" for the whole body. */
  path: string;
  error?: string;
}

function split(inner: string): { step: string; path: string; error?: string } {
  const m = /^([A-Za-z_][A-Za-z0-9_-]*)(.*)$/.exec(inner.trim());
  if (!m) return { step: '', path: '', error: 'expected ${step.path}, e.g. ${first.data.user_id}' };
  const step = m[1]!;
  let path = m[2]!;
  if (path.startsWith('.')) path = path.slice(1);
  else if (path !== '' && !path.startsWith('[')) return { step, path, error: 'expected ${step.path}, e.g. ${first.data.user_id}' };
  if (path !== '') {
    try {
      parsePath(path);
    } catch (e) {
      return { step, path, error: (e as Error).message };
    }
  }
  return { step, path };
}

/** Every reference in a value (strings at any depth). */
export function findReferences(value: unknown): FoundReference[] {
  const out: FoundReference[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(REF)) if (!m[0].startsWith('$$')) out.push({ text: m[0], ...split(m[1]!) });
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(visit);
  };
  visit(value);
  return out;
}

/** The value at a path, own properties only; undefined when any segment is missing. */
export function getPath(root: unknown, path: string | PathSegment[]): unknown {
  const segments = typeof path === 'string' ? (path === '' ? [] : parsePath(path)) : path;
  let node: unknown = root;
  for (const seg of segments) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, seg)) return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

export class ReferenceError extends Error {
  constructor(
    readonly reference: string,
    message: string,
  ) {
    super(message);
  }
}

/** Replaces references using `lookup(step, path)`, which returns undefined for a missing field. */
export function resolveReferences(value: unknown, lookup: (step: string, path: string) => unknown): unknown {
  const fetch = (text: string, inner: string): unknown => {
    const { step, path } = split(inner);
    const found = lookup(step, path);
    if (found === undefined) throw new ReferenceError(text, `${text}: step ${step} has no field ${path || '(body)'}`);
    return found;
  };
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const whole = WHOLE.exec(v);
      if (whole) return structuredClone(fetch(v, whole[1]!));
      if (!v.includes('${')) return v;
      return v.replace(REF, (m, inner: string) => {
        if (m.startsWith('$$')) return m.slice(1);
        const found = fetch(m, inner);
        return typeof found === 'string' ? found : JSON.stringify(found);
      });
    }
    if (Array.isArray(v)) return v.map(visit);
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(v)) Object.defineProperty(out, k, { value: visit(child), writable: true, enumerable: true, configurable: true });
      return out;
    }
    return v;
  };
  return visit(value);
}
