// A delivery's list row written as UTF-8 straight into the store's rows buffer: the bytes of rowJson's text
// (views.ts), without making that text. As a string, the row was a rope of some twenty pieces (its numbers each a
// new string) that the buffer's write flattened and then encoded: ~0.9 KB of garbage and the encoder's per-call
// cost, for every delivery. Here the numbers are written digit by digit, the time and the constant parts byte by
// byte, and the middle (method … issues, shared with the previous delivery) copied from its cached bytes. Whatever
// is not plain ASCII (a time with a quote, non-ASCII, problems) goes through the text path, so the bytes are
// always exactly Buffer.from(rowJson(…)) (a property test holds them to JSON.stringify(makeRow(…))).
import type { Bytes } from './batch.js';
import type { Extras, ReportLike } from './store.js';
import { problemsJson, rowAt, rowDup, rowJson, rowMiddle, rowNum, rowSize } from './views.js';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const ID = ascii('{"id":');
const SEQ = ascii(',"seq":');
const AT = ascii(',"kind":"delivery","at":"');
const SIZE = ascii(',"size":');
const MS = ascii(',"ms":');
const PROBLEMS = ascii(',"problems":');
const ORIGIN = ascii(',"origin":');
/** The end of most rows: no problems, no origin. */
const QUIET_END = ascii(',"problems":[],"origin":null}');
const NULL = ascii('null');
/** Hundredths written by hand below this (durations under 10 s): above it, String(n). */
export const HUNDREDTHS = 1_000_000;
/** Longest text of a finite number (String(-1.2345678901234567e-300) is 24 characters). */
const MAX_NUMBER = 25;
const FIXED = ID.length + SEQ.length + AT.length + SIZE.length + MS.length + PROBLEMS.length + ORIGIN.length + 1 + 6 * MAX_NUMBER;

function put(buf: Buffer, at: number, src: Uint8Array): number {
  for (let i = 0; i < src.length; i++) buf[at + i] = src[i]!;
  return at + src.length;
}

/** A whole number below 2^32, digit by digit (in int32 arithmetic below 2^31). */
function putWhole(buf: Buffer, at: number, n: number): number {
  if (n < 10) {
    buf[at] = 0x30 + n;
    return at + 1;
  }
  const end = at + (n < 100 ? 2 : n < 1000 ? 3 : n < 10_000 ? 4 : n < 100_000 ? 5 : n < 1_000_000 ? 6 : n < 10_000_000 ? 7 : n < 100_000_000 ? 8 : n < 1_000_000_000 ? 9 : 10);
  if (n <= 0x7fffffff) {
    for (let i = end - 1, x = n | 0; i >= at; i--) {
      const q = (x / 10) | 0;
      buf[i] = 0x30 + x - q * 10;
      x = q;
    }
    return end;
  }
  for (let i = end - 1, x = n; i >= at; i--) {
    const q = Math.floor(x / 10);
    buf[i] = 0x30 + (x - q * 10);
    x = q;
  }
  return end;
}

/**
 * jsonNum's text (String(n), or null) as bytes. A whole number below 2^32, and a number of hundredths below HUNDREDTHS
 * (the listener rounds its durations so), are written digit by digit: String of the double nearest c/100 is c's
 * digits with the point two from the end and trailing zeros dropped (a test compares all 10^6 of them). Others
 * from String(n).
 */
export function putNumber(buf: Buffer, at: number, n: number | null): number {
  if (n === null) return put(buf, at, NULL);
  if (n >>> 0 === n) return putWhole(buf, at, n); // -0 too: String(-0) is "0"
  const c = Math.round(n * 100);
  if (c > 0 && c < HUNDREDTHS && c / 100 === n) {
    const whole = Math.floor(c / 100);
    let k = putWhole(buf, at, whole);
    const tenths = Math.floor(c / 10) - whole * 10;
    const hundredths = c - Math.floor(c / 10) * 10;
    buf[k++] = 0x2e; // '.'
    buf[k++] = 0x30 + tenths;
    if (hundredths !== 0) buf[k++] = 0x30 + hundredths;
    return k;
  }
  const s = String(n); // a finite number's text is ASCII
  for (let i = 0; i < s.length; i++) buf[at + i] = s.charCodeAt(i);
  return at + s.length;
}

/**
 * Writes the row of delivery `id` into `out` and returns undefined; or, for a row it does not write (a sent
 * request, a time that is not plain ASCII), writes nothing and returns the row's text for the caller to write.
 * The store's row maker under `listen --ui` (index.ts).
 */
export function writeRowJson(id: number, r: ReportLike, x: Extras | undefined, bodyLength: number, out?: Bytes): string | undefined {
  const at = rowAt(r);
  if (out === undefined || x?.kind === 'sent') return rowJson(id, r, x, bodyLength);
  const m = rowMiddle(r);
  const problems = problemsJson(r);
  // The time's closing quote, then the middle.
  const middle = (m.bytes ??= Buffer.from(`"${m.text}`, 'utf8'));
  out.reserve(FIXED + at.length + middle.length + 3 * problems.length);
  const buf = out.buf;
  let k = out.used;
  k = put(buf, k, ID);
  k = putNumber(buf, k, id);
  k = put(buf, k, SEQ);
  k = putNumber(buf, k, rowNum(r.seq));
  k = put(buf, k, AT);
  // The time, checked as it is copied: one that is not plain ASCII leaves `used` where it was and takes the text path.
  for (let i = 0; i < at.length; i++) {
    const c = at.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return rowJson(id, r, x, bodyLength);
    buf[k + i] = c;
  }
  k += at.length;
  buf.set(middle, k);
  k += middle.length;
  k = putNumber(buf, k, rowDup(r));
  k = put(buf, k, SIZE);
  k = putNumber(buf, k, rowSize(r, bodyLength));
  k = put(buf, k, MS);
  k = putNumber(buf, k, rowNum(r.durationMs));
  const origin = x?.origin;
  if (problems === '[]' && origin === undefined) k = put(buf, k, QUIET_END);
  else {
    k = put(buf, k, PROBLEMS);
    k += buf.write(problems, k, 'utf8');
    k = put(buf, k, ORIGIN);
    k = putNumber(buf, k, origin ?? null);
    buf[k++] = 0x7d; // '}'
  }
  out.used = k;
  return undefined;
}
