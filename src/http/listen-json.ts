// A delivery line's head (the report without its body) as the UTF-8 bytes of JSON.stringify's text, written into a
// reused buffer instead of made as a string.
//
// Why: JSON.stringify of the ~950-byte head was the largest part of the listener's work beyond the bare server's
// (8% of its CPU), and its result is a rope (V8's string builder joins its pieces) that writing flattened into a
// second copy: ~2.2 KB of garbage a delivery. Most of a head repeats from one delivery to the next (the verdicts,
// provider and event, headers such as host and content-type), so the encoder writes each head over the previous
// one's bytes in place: a member whose key and value equal the previous delivery's is gone over where it is, a
// changed value is written over its predecessor, and the rest of the previous head moves only when a length
// differs (most changed values keep theirs: digests, signatures, times, ids). Equality is exact: primitives by ===;
// objects and arrays against a snapshot of their previous value (a "tape" of keys and primitive values recorded
// when their bytes were made, src/http/listen-json-tape.ts, so an object changed in place since is seen as
// changed). A member that changed is written by hand when it is a number or an ASCII string needing no escape,
// otherwise from JSON.stringify's own text of that value. Anything it cannot prove identical (a toJSON, a bigint,
// a prototype other than Object's, a head over the size limit) makes it give up, and the caller serializes the
// report with jsonText. A property test holds the bytes to jsonText's: JSON.stringify's text with the bidi and C1
// controls escaped (src/core/json-text.ts), which only text written from JSON.stringify (non-ASCII) can hold.
// (Wave 13: in place, members keeping lengths rather than places, a changed string or number written over its
// predecessor without a call, took the line from ~1.75 to ~1.12 µs in the listener's pipeline; wave 12 copied
// every unchanged run from the previous head into the other half of its buffer, one copyWithin a run.)
// (Wave 5 tried a hand-written serializer that made a string: the rope it made cost more to write than it saved.)

import { safeJson } from '../core/json-text.js';
import type { Latin1Writer } from '../core/latin1-writer.js';
import { match, plain, record } from './listen-json-tape.js';

/** A member's kind in the previous head. */
const SKIPPED = 0; // undefined, a function or a symbol: no bytes (JSON.stringify leaves such members out)
const PRIMITIVE = 1;
const TAPED = 2; // an object or array whose tape holds its previous value
const REWRITTEN = 3; // never compared: written again every time (an object too large to tape)
const NESTED = 4; // the top level's headers: an object of its own level, compared member by member
/** A character JSON.stringify escapes, or one UTF-8 writes in more than one byte. */
const NOT_PLAIN_ASCII = /[^\x20\x21\x23-\x5b\x5d-\x7f]/;
const FIRST_SIZE = 32 * 1024;
const MAX_SIZE = 2 * 1024 * 1024;
/** Bytes the rest of the previous head is moved by beyond what a value needs, for the values after it. */
const SLACK = 64;

/** Thrown (and caught in encode) when the head cannot be made here: too large, or not provably identical. */
const TOO_LARGE = new Error('head over the encoder\'s buffer');
const NOT_HANDLED = new Error('not handled by the encoder');

/**
 * One member of an object as the previous head wrote it. Only lengths are kept, not places: its bytes are where the
 * walk over the previous head has got to (`gap`), so a member that did not change costs no write here.
 */
class Member {
  key = '';
  kind = SKIPPED;
  /** Whether its bytes begin with a comma (a member before it was written). */
  comma = false;
  /** A primitive's value (PRIMITIVE only: no reference kept to the report's objects). */
  value: unknown = undefined;
  tape: unknown[] = [];
  tapeLength = 0;
  /** Its bytes up to its value (comma, key, colon), and in all (0 when SKIPPED). */
  keyBytes = 0;
  bytes = 0;
}

/** What one object's members were in the previous head, in for-in order. */
class Level {
  valid = false;
  n = 0;
  readonly members: Member[] = [];
}

export class ReportHeadEncoder {
  private buf = Buffer.allocUnsafeSlow(FIRST_SIZE);
  /** Room kept for `,"body":` after the head. */
  private limit = FIRST_SIZE - 8;
  /**
   * The head is rewritten in place over the previous one: [0, at) is new, [gap, end) the previous head's bytes
   * not yet gone over, [at, gap) a gap between them. A member that did not change is gone over (no byte moves
   * while there is no gap); a value that changed is written over the previous one's bytes, the rest moved only
   * when its length differs.
   */
  private at = 0;
  private gap = 0;
  private end = 0;
  private readonly top = new Level();
  private readonly nested = new Level();
  /** The last head's text up to its closing brace (the body member follows): [0, headClose). */
  private headClose = 0;
  private view = new Uint8Array(0);

  /** The head's bytes, ending with `,"body":`, valid until the next call (the same view again when they keep their length); undefined to use JSON.stringify. */
  encode(report: object): Uint8Array | undefined {
    if (!plain(report) || typeof (report as { toJSON?: unknown }).toJSON === 'function') return undefined;
    // for-in would list what someone made enumerable on Object.prototype; JSON.stringify would not.
    for (const _ in Object.prototype) return undefined;
    this.at = this.gap = 0;
    this.end = this.top.valid ? this.headClose + 1 : 0;
    try {
      this.object(this.top, report as Record<string, unknown>, this.top.valid);
    } catch (e) {
      // Whatever went wrong (a circular object too), JSON.stringify of the whole report decides what happens.
      this.top.valid = this.nested.valid = false;
      if (e === TOO_LARGE && this.buf.length < MAX_SIZE) {
        this.buf = Buffer.allocUnsafeSlow(2 * this.buf.length);
        this.limit = this.buf.length - 8;
        this.view = new Uint8Array(0); // of the buffer given up
      }
      return undefined;
    }
    this.headClose = this.at - 1;
    // `{…}` becomes `{…,"body":` (room kept by limit): the body member is written last, as the bytes that arrived.
    const buf = this.buf;
    const at = this.headClose;
    buf[at] = 0x2c; // ,
    buf[at + 1] = buf[at + 6] = 0x22; // "
    buf[at + 2] = 0x62; // b
    buf[at + 3] = 0x6f; // o
    buf[at + 4] = 0x64; // d
    buf[at + 5] = 0x79; // y
    buf[at + 7] = 0x3a; // :
    // A view made again only when the length changed (most heads keep it): a Buffer's subarray costs more.
    if (this.view.length !== at + 8) this.view = new Uint8Array(buf.buffer, buf.byteOffset, at + 8);
    return this.view;
  }

  /** The last head's text as JSON.stringify makes it. */
  headText(): string {
    return `${this.buf.toString('utf8', 0, this.headClose)}}`;
  }

  /**
   * headText's bytes without its closing brace (a view, valid until the next call): for the inspector, which
   * keeps them. Valid UTF-8 (JSON.stringify's text never holds a lone surrogate), so they are exactly headText's
   * UTF-8 encoding, up to its last character.
   */
  headBytes(): Buffer {
    return this.buf.subarray(0, this.headClose);
  }

  /** Writes `obj` over its bytes in the previous head (they begin at `gap`) when `previous`, else anew. */
  private object(level: Level, obj: Record<string, unknown>, previous: boolean): void {
    const valid = level.valid && previous;
    const n = valid ? level.n : 0;
    const members = level.members;
    level.valid = false; // until this object is written whole
    if (valid) this.gap++; // the previous `{`
    this.byte(0x7b);
    let i = 0;
    let first = true;
    for (const key in obj) {
      const v = obj[key];
      const m = i < members.length ? members[i]! : (members[i] = new Member());
      if (
        i < n &&
        m.key === key &&
        m.comma !== first &&
        (m.kind === PRIMITIVE ? m.value === v : m.kind === TAPED && typeof v === 'object' && v !== null && match(m.tape, m.tapeLength, 0, v) === m.tapeLength)
      ) {
        // Unchanged (the same key, comma and value as the member in this place in the previous head): its bytes are
        // gone over where they are, moved only to close a gap.
        if (this.gap !== this.at) this.close();
        this.at += m.bytes;
        this.gap = this.at;
        first = false;
      } else if (i < n && m.kind === PRIMITIVE && m.key === key && m.comma !== first && (typeof v === 'string' || typeof v === 'number')) {
        // A string or number where the previous head had a primitive: its key's bytes kept, the value written over.
        if (this.gap !== this.at) this.close();
        const start = this.at;
        this.at = start + m.keyBytes;
        this.gap = start + m.bytes;
        if (typeof v === 'string') this.string(v);
        else this.number(v as number);
        m.value = v;
        m.bytes = this.at - start;
        first = false;
      } else if (i < n && m.kind === NESTED && m.key === key && m.comma !== first && typeof v === 'object' && v !== null && !Array.isArray(v) && plain(v)) {
        // The headers again (NESTED is only theirs): compared member by member after their key's bytes.
        if (this.gap !== this.at) this.close();
        const start = this.at;
        this.at = this.gap = start + m.keyBytes;
        this.object(this.nested, v as Record<string, unknown>, true);
        m.bytes = this.at - start;
        first = false;
      } else if (this.member(level, m, key, v, first, i < n)) first = false;
      i++;
    }
    // Members the previous head had after these, and its `}`.
    for (let j = i; j < n; j++) this.gap += members[j]!.bytes;
    if (valid) this.gap++;
    this.byte(0x7d);
    level.n = i;
    level.valid = true;
  }

  /**
   * A member that is not the previous head's in its place (`m`, which `had` a member of the previous head): written
   * over that one's bytes (its key's kept when the key and comma are the same). Whether it has bytes (JSON.stringify
   * leaves out undefined, functions and symbols).
   */
  private member(level: Level, m: Member, key: string, v: unknown, first: boolean, had: boolean): boolean {
    const before = had ? m.bytes : 0;
    const type = typeof v;
    if (v === undefined || type === 'function' || type === 'symbol') {
      this.gap += before;
      m.key = key;
      m.kind = SKIPPED;
      m.value = undefined;
      m.bytes = 0;
      return false;
    }
    const asNested = level === this.top && key === 'headers' && type === 'object' && v !== null && !Array.isArray(v) && plain(v as object);
    let start = this.at;
    let previousNested = false;
    if (had && m.key === key && m.comma !== first && m.kind !== SKIPPED) {
      // Same key, another value: the key's bytes stay; the previous value's are written over.
      if (this.gap !== this.at) this.close();
      start = this.at;
      this.at = this.gap = start + m.keyBytes;
      previousNested = asNested && m.kind === NESTED;
      if (!previousNested) this.gap += before - m.keyBytes;
    } else {
      this.gap += before;
      if (!first) this.byte(0x2c);
      this.string(key);
      this.byte(0x3a);
    }
    m.keyBytes = this.at - start;
    m.key = key;
    m.comma = !first;
    m.value = undefined;
    if (asNested) {
      // The headers change in a value or two a delivery (signature, length): their members are compared one by one.
      this.object(this.nested, v as Record<string, unknown>, previousNested);
      m.kind = NESTED;
    } else if (type === 'object' && v !== null) {
      this.value(v);
      const length = record(m.tape, 0, v, 0);
      m.tapeLength = length;
      m.kind = length < 0 ? REWRITTEN : TAPED;
    } else {
      this.value(v);
      m.value = v;
      m.kind = PRIMITIVE;
    }
    m.bytes = this.at - start;
    return true;
  }

  /** Closes the gap: the rest of the previous head moves to `at`. */
  private close(): void {
    this.buf.copyWithin(this.at, this.gap, this.end);
    this.end -= this.gap - this.at;
    this.gap = this.at;
  }

  /** Makes room for `bytes` at `at`: the rest of the previous head moves further when the gap is too small. */
  private room(bytes: number): void {
    const more = this.at + bytes - this.gap + SLACK;
    if (this.end + more > this.limit) throw TOO_LARGE;
    if (this.end > this.gap) this.buf.copyWithin(this.gap + more, this.gap, this.end);
    this.gap += more;
    this.end += more;
  }

  private byte(b: number): void {
    if (this.at >= this.gap) this.room(1);
    this.buf[this.at++] = b;
  }

  private value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        return this.string(v);
      case 'number':
        return this.number(v);
      case 'boolean':
        return this.ascii(v ? 'true' : 'false');
      case 'object':
        if (v === null) return this.ascii('null');
        if (typeof (v as { toJSON?: unknown }).toJSON === 'function') throw NOT_HANDLED;
        return this.text(JSON.stringify(v));
      default:
        throw NOT_HANDLED; // bigint: JSON.stringify throws, and the caller's will say so
    }
  }

  private number(v: number): void {
    if (v >= 0 && v <= 0x7fffffff && (v | 0) === v) return this.digits(v); // -0 too: JSON.stringify writes 0
    if (v > 0 && v < 1e7) {
      // A time rounded to hundredths (durationMs): Number's shortest text of k / 100 is k's digits with a point
      // (and no trailing zero), checked by the division being exact. Number-to-string is slow in V8 (~0.3 µs).
      const k = Math.round(v * 100);
      if (k / 100 === v) {
        const whole = (k / 100) | 0;
        const hundredths = k - whole * 100;
        this.digits(whole);
        // The point and one or two digits (hundredths is 1 to 99: whole numbers were written above).
        if (this.at + 3 > this.gap) this.room(3);
        const tenths = (hundredths / 10) | 0;
        const units = hundredths - tenths * 10;
        this.buf[this.at++] = 0x2e;
        this.buf[this.at++] = 0x30 + tenths;
        if (units !== 0) this.buf[this.at++] = 0x30 + units;
        return;
      }
    }
    this.ascii(Number.isFinite(v) ? String(v) : 'null');
  }

  /** A non-negative int32's digits, written from the right. */
  private digits(v: number): void {
    let count = 1;
    for (let x = v; x >= 10; x = (x / 10) | 0) count++;
    if (this.at + count > this.gap) this.room(count);
    let x = v;
    for (let p = this.at + count - 1; p >= this.at; p--) {
      this.buf[p] = 0x30 + (x % 10);
      x = (x / 10) | 0;
    }
    this.at += count;
  }

  /** ASCII text as it is (nothing to escape). */
  private ascii(s: string): void {
    if (this.at + s.length > this.gap) this.room(s.length);
    for (let j = 0; j < s.length; j++) this.buf[this.at++] = s.charCodeAt(j);
  }

  /** A JSON string: written by hand while its characters need no escape and are ASCII, else JSON.stringify's text. */
  private string(s: string): void {
    const n = s.length;
    if (this.at + n + 2 > this.gap) this.room(n + 2);
    const buf = this.buf;
    if (n >= 32) {
      // Long ones (digests, signatures, ids) checked by one regular expression and copied by Node: faster than by hand.
      // Buffer's latin1 writer is called itself, not through Buffer#write (src/core/latin1-writer.ts). Were it missing,
      // encode would throw, give up, and the line would be made by jsonText, as for any report it cannot make.
      if (NOT_PLAIN_ASCII.test(s)) return this.text(JSON.stringify(s));
      buf[this.at] = 0x22;
      const close = this.at + 1 + (buf as unknown as Latin1Writer).latin1Write(s, this.at + 1);
      buf[close] = 0x22;
      this.at = close + 1;
      return;
    }
    let p = this.at;
    buf[p++] = 0x22;
    for (let j = 0; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7f) return this.text(JSON.stringify(s));
      buf[p++] = c;
    }
    buf[p++] = 0x22;
    this.at = p;
  }

  /**
   * Text that is already JSON, as UTF-8 (well-formed: JSON.stringify escapes lone surrogates). Text that wrote one
   * byte a character is ASCII; only other text is looked at for the code points safeJson escapes (bidi, C1).
   */
  private text(json: string): void {
    if (this.at + 3 * json.length > this.gap) this.room(3 * json.length);
    const written = this.buf.write(json, this.at);
    if (written !== json.length) {
      const safe = safeJson(json);
      if (safe !== json) {
        if (this.at + 3 * safe.length > this.gap) this.room(3 * safe.length);
        this.at += this.buf.write(safe, this.at);
        return;
      }
    }
    this.at += written;
  }
}
