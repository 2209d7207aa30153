// Tapes for src/http/listen-json.ts: a snapshot of an object's or array's keys and primitive values, recorded when
// its bytes were written, to tell later whether a value (the same object changed in place, or another one) would
// be written the same. Equality is exact: keys in for-in order, primitives by ===, prototypes Object's or null.

/** Markers in a tape: module objects, so never === a value read from a report. */
const OBJECT = {};
const ARRAY = {};
const END = {};
const MAX_TAPE = 256;
const MAX_DEPTH = 8;

export function plain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Records `v` into `tape` from `k`; the new length, or -1 when it is not worth or not safe to tape. */
export function record(tape: unknown[], k: number, v: unknown, depth: number): number {
  if (k >= MAX_TAPE || depth > MAX_DEPTH) return -1;
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'bigint') return -1;
    tape[k] = v;
    return k + 1;
  }
  if (Array.isArray(v)) {
    tape[k] = ARRAY;
    tape[k + 1] = v.length;
    k += 2;
    for (let j = 0; j < v.length; j++) {
      k = record(tape, k, v[j], depth + 1);
      if (k < 0) return -1;
    }
  } else {
    if (!plain(v)) return -1;
    tape[k++] = OBJECT;
    for (const key in v) {
      if (key === 'toJSON' || k >= MAX_TAPE) return -1;
      tape[k] = key;
      k = record(tape, k + 1, (v as Record<string, unknown>)[key], depth + 1);
      if (k < 0) return -1;
    }
  }
  if (k >= MAX_TAPE) return -1;
  tape[k] = END;
  return k + 1;
}

/**
 * Whether the object or array `v` is what `tape` (of `length` entries) recorded from `k`: the next index, or -1.
 * Primitive members are compared here rather than by a call each (most verdicts are flat objects).
 */
export function match(tape: unknown[], length: number, k: number, v: object): number {
  if (Array.isArray(v)) {
    if (k + 1 >= length || tape[k] !== ARRAY || tape[k + 1] !== v.length) return -1;
    k += 2;
    for (let j = 0; j < v.length; j++) {
      const x: unknown = v[j];
      if (typeof x !== 'object' || x === null) {
        if (k >= length || tape[k] !== x) return -1;
        k++;
      } else if ((k = match(tape, length, k, x)) < 0) return -1;
    }
  } else {
    if (k >= length || tape[k] !== OBJECT || !plain(v)) return -1;
    k++;
    for (const key in v) {
      if (k + 1 >= length || tape[k] !== key) return -1;
      const x = (v as Record<string, unknown>)[key];
      if (typeof x !== 'object' || x === null) {
        if (tape[k + 1] !== x) return -1;
        k += 2;
      } else if ((k = match(tape, length, k + 1, x)) < 0) return -1;
    }
  }
  return k < length && tape[k] === END ? k + 1 : -1;
}
