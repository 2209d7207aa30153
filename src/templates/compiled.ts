import type { TemplateContext } from './context.js';
import { toAscii } from './text.js';

/**
 * A template compiled to JSON bytes, for `generate --count`: one delivery's body written straight into the output
 * buffer as constant JSON fragments (keys, fixed values, list items: encoded and escaped once, when compiled)
 * around value slots whose alphabets never need escaping (ids, numbers, codes), written byte by byte as they are
 * drawn. No payload object, no JSON.stringify, no string per delivery. It draws exactly what the interpreted template
 * draws, in the same order, and its bytes are the UTF-8 of JSON.stringify of the interpreted payload
 * (test/generate-compiled.test.ts proves it over seeds, indices, variants and --ascii; core/generate.ts spot-checks
 * it at run time).
 */
export interface CompiledTemplate {
  /** The most bytes one body takes: the caller leaves at least this much room after `at`. */
  maxBytes: number;
  /**
   * Writes one delivery's body into `out` from `at`; returns where it ends. -1, before drawing anything: this
   * delivery must be interpreted (and validated), its inputs (the clock) are outside what the compiled form is
   * proven valid for.
   */
  write(ctx: TemplateContext, out: Buffer, at: number): number;
}

/** Generated text as the payload carries it: folded under `--ascii` exactly as asciiPayload folds every string. */
export function shown(text: string, ascii: boolean): string {
  return ascii ? toAscii(text) : text;
}

/** A JSON string literal (quotes included) of generated text, escaped once when the template is compiled. */
export function literal(text: string, ascii: boolean): string {
  return JSON.stringify(shown(text, ascii));
}

/** Stands for a value drawn per delivery inside a constant text; compiled text is split around it. */
export const SLOT = '\u{e000}';

/**
 * The JSON literal of a text with one slot, as the two fragments around it: `"Use code ` and ` at checkout"`.
 * Undefined when the text cannot be split that way (no slot, several, or an --ascii fold that would see the slot's
 * neighbours: toAscii trims and collapses spaces, so only an all-ASCII text splits exactly).
 */
export function splitLiteral(text: string, ascii: boolean): [string, string] | undefined {
  const parts = text.split(SLOT);
  if (parts.length !== 2) return undefined;
  if (ascii && parts.some((p) => /[^\x00-\x7f]/.test(p))) return undefined;
  const json = JSON.stringify(text);
  const at = json.indexOf(SLOT);
  return [json.slice(0, at), json.slice(at + SLOT.length)];
}

/** A fragment's UTF-8 bytes, encoded once. */
export function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/** Copies a fragment into `out` at `at`; returns the end. Short ones by hand: `set` costs ~15 ns, a byte ~1.5 ns. */
export function put(out: Uint8Array, at: number, fragment: Uint8Array): number {
  const n = fragment.length;
  if (n > 16) out.set(fragment, at);
  else for (let i = 0; i < n; i++) out[at + i] = fragment[i]!;
  return at + n;
}

/** Where once() writes: a piece fixed by one drawn value (a phone, an app build) is far below this. */
const ONCE = Buffer.alloc(4096);

/** The bytes `write` writes, written once into a scratch buffer and copied out: for a compiled form to keep. */
export function once(write: (out: Buffer, at: number) => number): Uint8Array {
  return Buffer.from(ONCE.subarray(0, write(ONCE, 0)));
}

/** A number as JSON writes it (String(n) for a finite number, all ASCII). Returns the end. */
export function putNumber(out: Uint8Array, at: number, n: number): number {
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) {
    if (n >= 0) return putDigits(out, at, n);
    out[at] = 0x2d;
    return putDigits(out, at + 1, -n);
  }
  // An amount to the cent (prices, totals): when cents / 100 is n, n is the double nearest that decimal, and below
  // 10^13 (a double's spacing under half a cent) no shorter decimal is: JSON writes it, digits around a point.
  const cents = Math.round(n * 100);
  if (cents / 100 === n && cents % 100 !== 0 && cents < 1e15 && cents > -1e15) {
    let c = cents;
    if (c < 0) {
      out[at++] = 0x2d;
      c = -c;
    }
    at = putDigits(out, at, Math.floor(c / 100));
    const fraction = c % 100;
    out[at] = 0x2e;
    out[at + 1] = 0x30 + ((fraction / 10) | 0);
    if (fraction % 10 === 0) return at + 2;
    out[at + 2] = 0x30 + (fraction % 10);
    return at + 3;
  }
  const text = JSON.stringify(n);
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/**
 * A safe integer >= 0 in decimal digits. Returns the end. In int32 arithmetic: at 2^31 and above (unix seconds,
 * clocks in ms) `%` and Math.floor on doubles made every digit a call into C (fmod), so such a number is written as
 * its digits above 10^9 and then the nine below, each part an int32.
 */
function putDigits(out: Uint8Array, at: number, n: number): number {
  if (n < 2147483648) return putInt(out, at, n | 0);
  let high = Math.floor(n / 1e9);
  let low = n - high * 1e9;
  // n / 1e9 is rounded: the floor may be one off, the remainder then out of [0, 10^9).
  if (low < 0) {
    high -= 1;
    low += 1e9;
  } else if (low >= 1e9) {
    high += 1;
    low -= 1e9;
  }
  const end = putInt(out, at, high | 0) + 9; // high < 2^53 / 10^9 < 2^31
  let v = low | 0;
  for (let i = end - 1; i >= end - 9; i--) {
    const q = (v / 10) | 0;
    out[i] = 0x30 + v - q * 10;
    v = q;
  }
  return end;
}

/** An int32 >= 0 in decimal digits. Returns the end. */
function putInt(out: Uint8Array, at: number, n: number): number {
  let end = at;
  for (let t = n; t >= 10; t = (t / 10) | 0) end++;
  let v = n;
  for (let i = end; i >= at; i--) {
    const q = (v / 10) | 0;
    out[i] = 0x30 + v - q * 10;
    v = q;
  }
  return end + 1;
}

/** The most UTF-8 bytes a JSON literal of a text of `units` UTF-16 units takes (an escape is at most 6 bytes). */
export function literalBound(units: number): number {
  return 6 * units + 2;
}

/**
 * A string value as JSON.stringify writes it, as UTF-8: printable ASCII without `"` or `\\` (ids, codes, versions,
 * user agents, most names) byte by byte, anything else from a cache of literals (LITERALS), from `at` again. Returns
 * the end. `ascii`: folded first, as asciiPayload folds it (toAscii leaves printable ASCII as it is, so only the
 * cached case folds).
 */
export function putString(out: Buffer, at: number, text: string, ascii = false): number {
  const n = text.length;
  out[at] = 0x22;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return put(out, at, literalBytes(text, ascii));
    out[at + 1 + i] = c;
  }
  out[at + 1 + n] = 0x22;
  return at + n + 2;
}

/**
 * The UTF-8 JSON literals of the texts putString met that need more than copying (accents, other scripts, emoji,
 * escapes), per --ascii mode: generated text comes from short lists (names, cities, products), so `--count` writes
 * the same few dozen again and again (JSON.stringify, toAscii and an encode each, ~0.3 µs). Bounded in entries
 * and length like toAscii's cache, whatever the templates write.
 */
const LITERALS = [new Map<string, Uint8Array>(), new Map<string, Uint8Array>()] as const;
const LITERALS_MAX = 4096;
const LITERAL_MAX_UNITS = 256;

function literalBytes(text: string, ascii: boolean): Uint8Array {
  const cache = LITERALS[ascii ? 1 : 0];
  return cache.get(text) ?? newLiteral(cache, text, ascii);
}

/** A literal not cached yet, apart: putString is inlined wherever it is written, this (JSON, toAscii, encoding) need not be. */
function newLiteral(cache: Map<string, Uint8Array>, text: string, ascii: boolean): Uint8Array {
  const bytes = utf8(literal(text, ascii));
  if (cache.size < LITERALS_MAX && text.length <= LITERAL_MAX_UNITS) cache.set(text, bytes);
  return bytes;
}

/** A JSON boolean. Returns the end. */
export function putBoolean(out: Uint8Array, at: number, value: boolean): number {
  if (value) {
    out[at] = 0x74; out[at + 1] = 0x72; out[at + 2] = 0x75; out[at + 3] = 0x65;
    return at + 4;
  }
  out[at] = 0x66; out[at + 1] = 0x61; out[at + 2] = 0x6c; out[at + 3] = 0x73; out[at + 4] = 0x65;
  return at + 5;
}
