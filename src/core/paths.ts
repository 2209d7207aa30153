import { UsageError } from '../errors.js';
import { isObject } from '../providers/helpers.js';

export type PathSegment = string | number;

/** Deeper JSON than this overflows the stack in structuredClone/JSON.stringify; no real payload comes close. */
export const MAX_DEPTH = 512;

/** An own property only: `__proto__`, `constructor` or `toString` in a path must never reach Object.prototype. */
function own(container: object, key: PathSegment): unknown {
  return Object.hasOwn(container, key) ? (container as Record<string | number, unknown>)[key] : undefined;
}

/** Sets an own data property, so a key named `__proto__` is a plain key (as JSON.parse makes it), not the prototype. */
function define(container: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(container, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Parses `details.currency`, `tnc[0]`, `metadata.cart.0.price` and `a\.b` (a literal dot).
 * Bracketed and all-digit segments index arrays.
 */
export function parsePath(path: string): PathSegment[] {
  const bad = (why: string) =>
    new UsageError('bad_path', `bad path "${path}": ${why}`, 'use dots between names and [n] for array items, e.g. details.currency or tnc[0]');
  const segments: PathSegment[] = [];
  let current = '';
  let started = false;
  let afterBracket = false;
  const push = () => {
    if (!started) throw bad('empty segment');
    segments.push(/^\d+$/.test(current) ? Number(current) : current);
    current = '';
    started = false;
  };
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && i + 1 < path.length) {
      current += path[++i];
      started = true;
      afterBracket = false;
    } else if (c === '.') {
      if (afterBracket && !started) afterBracket = false;
      else push();
    } else if (c === '[') {
      if (started) push();
      const end = path.indexOf(']', i);
      // Stryker disable next-line StringLiteral: an unclosed bracket's "index" only has to fail the digit test below
      const inner = end === -1 ? '' : path.slice(i + 1, end);
      if (!/^\d+$/.test(inner)) throw bad('expected [index] with a number');
      segments.push(Number(inner));
      i = end;
      afterBracket = true;
    } else {
      current += c;
      started = true;
      afterBracket = false;
    }
  }
  if (started) push();
  else if (!afterBracket) throw bad(path.length === 0 ? 'empty path' : 'ends with "."');
  if (segments.length > MAX_DEPTH) throw bad(`more than ${MAX_DEPTH} levels deep`);
  return segments;
}

/** `path=value`: the value is JSON where it parses (250, true, {"a":1}, "quoted"), a string otherwise. */
export function parseAssignment(text: string): { path: string; value: unknown } {
  const eq = text.indexOf('=');
  if (eq <= 0) {
    throw new UsageError('bad_set', `bad --set "${text}": expected path=value`, 'e.g. --set rewardAmount=250 --set details.currency=INR');
  }
  const path = text.slice(0, eq);
  const raw = text.slice(eq + 1);
  parsePath(path);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: keep the text as a string, which is what `--set details.currency=INR` means.
  }
  if (typeof value === 'number' && /^-?\d+$/.test(raw.trim()) && !Number.isSafeInteger(value)) {
    // JSON numbers are doubles: 12345678901234567890 would silently be sent as 12345678901234567000.
    throw new UsageError('bad_set', `bad --set "${text}": ${raw.trim()} is too large to be sent exactly as a JSON number`, `quote it to send it as text: --set '${path}="${raw.trim()}"'`);
  }
  return { path, value };
}

function describe(segments: PathSegment[], upto: number): string {
  return segments.slice(0, upto).map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('') || '(root)';
}

export function setPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const segments = parsePath(path);
  let node: unknown = root;
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i]!;
    const next = segments[i + 1]!;
    const container = node as Record<string, unknown> | unknown[];
    let child = own(container, seg);
    if (child === undefined || child === null) {
      child = typeof next === 'number' ? [] : {};
      assign(container, seg, child, segments, i);
    } else if (typeof child !== 'object') {
      throw new UsageError('bad_set', `cannot set ${path}: ${describe(segments, i + 1)} is a ${typeof child}, not an object`);
    }
    node = child;
  }
  assign(node as Record<string, unknown> | unknown[], segments[segments.length - 1]!, value, segments, segments.length - 1);
}

function assign(container: Record<string, unknown> | unknown[], seg: PathSegment, value: unknown, segments: PathSegment[], i: number) {
  if (Array.isArray(container)) {
    if (typeof seg !== 'number') throw new UsageError('bad_set', `cannot set ${describe(segments, i + 1)}: ${describe(segments, i)} is an array, use a numeric index`);
    if (seg > container.length) throw new UsageError('bad_set', `cannot set ${describe(segments, i + 1)}: index ${seg} is past the end of an array of ${container.length}`);
    container[seg] = value;
  } else {
    define(container as Record<string, unknown>, String(seg), value);
  }
}

/** Removes the value at path; a missing path is not an error (the result is the same). */
export function unsetPath(root: Record<string, unknown>, path: string): boolean {
  const segments = parsePath(path);
  let node: unknown = root;
  for (let i = 0; i < segments.length - 1; i++) {
    if (typeof node !== 'object' || node === null) return false;
    node = own(node, segments[i]!);
  }
  const last = segments[segments.length - 1]!;
  if (Array.isArray(node) && typeof last === 'number') {
    if (last >= node.length) return false;
    node.splice(last, 1);
    return true;
  }
  if (isObject(node) && Object.hasOwn(node, String(last))) {
    delete node[String(last)];
    return true;
  }
  return false;
}

/** Objects merge key by key; arrays and scalars from `patch` replace what was there. */
export function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(patch)) {
    const current = own(base, key);
    if (isObject(current) && isObject(value)) deepMerge(current, value);
    else define(base, key, value);
  }
  return base;
}
