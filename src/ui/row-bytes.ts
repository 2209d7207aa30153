// A delivery's list row written as UTF-8 straight into the store's rows buffer, in its compact form (row.ts): the
// numbers digit by digit, the time byte by byte, and the middle (method … issues, shared with the previous delivery)
// as its index in the listener's table of middles, without making any text. As a string, the row was a rope of some
// twenty pieces (its numbers each a new string) that the buffer's write flattened and then encoded: ~0.9 KB of
// garbage and the encoder's per-call cost, for every delivery. Whatever is not plain ASCII (a time with a quote,
// non-ASCII) or not a delivery takes the text path as the whole row object (views.ts rowJson). Expanded (row.ts
// expandRow), a row is exactly makeRow's (a property test holds it to JSON.stringify(makeRow(…))).
import type { Bytes } from './batch.js';
import type { MiddleTable, RowMiddle } from './row.js';
import type { Extras, ReportLike } from './store.js';
import { problemsJson, rowAt, rowDup, rowJson, rowMiddle, rowNum, rowSize, type Middle } from './views.js';

const NULL = Uint8Array.of(0x6e, 0x75, 0x6c, 0x6c);
/** Hundredths written by hand below this (durations under 10 s): above it, String(n). */
export const HUNDREDTHS = 1_000_000;
/** Longest text of a finite number (String(-1.2345678901234567e-300) is 24 characters). */
const MAX_NUMBER = 25;
/** A compact row's bytes besides its time, middle and problems: six numbers, brackets, commas and quotes. */
const FIXED = 6 * MAX_NUMBER + 16;
/** Distinct middles a table holds: past that (a sender varying its path per delivery), rows carry theirs inline. */
export const MAX_MIDDLES = 256;

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

/** The store's row maker under `listen --ui` (index.ts), with the table its rows refer to. */
export class CompactRows implements MiddleTable {
  readonly values: RowMiddle[] = [];
  readonly json: string[] = [];
  private readonly index = new Map<string, number>();
  /** The middle last written and what a row writes for it (its index, or its JSON when the table is full). */
  private last: Middle | undefined;
  private ref = new Uint8Array(0);

  private refOf(m: Middle): Uint8Array {
    if (m === this.last) return this.ref;
    // m.text runs from `,"method":` to `,"dup":`: the object is what lies between.
    const json = `{${m.text.slice(1, -',"dup":'.length)}}`;
    let i = this.index.get(json);
    if (i === undefined && this.values.length < MAX_MIDDLES) {
      this.index.set(json, (i = this.values.length));
      const { method, path, provider, scheme, event, verdict, status, sig, auth, schema, issues } = m;
      this.values.push({ method, path, provider, scheme, event, verdict, status, sig, auth, schema, issues });
      this.json.push(json);
    }
    this.last = m;
    return (this.ref = Buffer.from(i === undefined ? json : String(i), 'utf8'));
  }

  /**
   * Writes the compact row of delivery `id` into `out` and returns undefined; or, for a row it does not write (a sent
   * request, a time that is not plain ASCII), writes nothing and returns the row object's text for the caller to write.
   */
  readonly write = (id: number, r: ReportLike, x: Extras | undefined, bodyLength: number, out: Bytes): string | undefined => {
    if (x?.kind === 'sent') return rowJson(id, r, x, bodyLength);
    const at = rowAt(r);
    const ref = this.refOf(rowMiddle(r));
    const problems = problemsJson(r);
    out.reserve(FIXED + at.length + ref.length + 3 * problems.length);
    const buf = out.buf;
    let k = out.used;
    buf[k++] = 0x5b; // '['
    k = putNumber(buf, k, id);
    buf[k++] = 0x2c; // ','
    k = putNumber(buf, k, rowNum(r.seq));
    buf[k++] = 0x2c;
    buf[k++] = 0x22; // '"'
    // The time, checked as it is copied: one that is not plain ASCII leaves `used` where it was and takes the text path.
    for (let i = 0; i < at.length; i++) {
      const c = at.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return rowJson(id, r, x, bodyLength);
      buf[k + i] = c;
    }
    k += at.length;
    buf[k++] = 0x22;
    buf[k++] = 0x2c;
    buf.set(ref, k);
    k += ref.length;
    buf[k++] = 0x2c;
    k = putNumber(buf, k, rowDup(r));
    buf[k++] = 0x2c;
    k = putNumber(buf, k, rowSize(r, bodyLength));
    buf[k++] = 0x2c;
    k = putNumber(buf, k, rowNum(r.durationMs));
    buf[k++] = 0x2c;
    if (problems === '[]') {
      buf[k++] = 0x5b;
      buf[k++] = 0x5d;
    } else k += buf.write(problems, k, 'utf8');
    buf[k++] = 0x2c;
    k = putNumber(buf, k, x?.origin ?? null);
    buf[k++] = 0x5d; // ']'
    out.used = k;
    return undefined;
  };
}
