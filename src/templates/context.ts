import { createRng, type Rng } from './random.js';
import { CITIES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, NATIVE_NAME_SHARE, NATIVE_NAMES } from './names.js';
import { isoString } from './iso.js';
import { money, toAscii } from './text.js';

// Alphabets as character codes: ids are built with one String.fromCharCode, a flat string at once. Appending
// character by character makes a rope of up to 36 pieces that JSON.stringify then has to flatten (`--count`
// makes several ids per delivery).
const codes = (alphabet: string): number[] => Array.from(alphabet, (c) => c.charCodeAt(0));
const ALNUM = codes('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
const LOWER_ALNUM = codes('abcdefghijklmnopqrstuvwxyz0123456789');
const HEX = codes('0123456789abcdef');
const DIGITS = codes('0123456789');
const CROCKFORD_TEXT = '0123456789abcdefghjkmnpqrstvwxyz';
const CROCKFORD = codes(CROCKFORD_TEXT);
const B64URL = codes('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
/** The two hex digits of a byte, as character codes. */
const HEX_HIGH = Array.from({ length: 256 }, (_, i) => HEX[i >> 4]!);
const HEX_LOW = Array.from({ length: 256 }, (_, i) => HEX[i & 15]!);
/** One array per id length, filled and read by String.fromCharCode.apply (ids are made one at a time). */
const SCRATCH: number[][] = [];

export interface TemplateOptions {
  /** Only ASCII text: names in other scripts come romanized (the generator folds the rest, see text.ts). */
  ascii?: boolean;
}

export interface Person {
  first: string;
  last: string;
  /** The full name as the person typed it (family name first in Chinese, Japanese and Korean). */
  name: string;
  /** The name in Latin letters without accents, for e-mail addresses, slugs and codes. */
  plain: { first: string; last: string };
  email: string;
  phone: string;
  city: string;
}

/**
 * Everything a template needs to invent one realistic delivery: seeded randomness, the delivery's
 * clock, and id/name helpers in the formats the providers really use.
 */
export class TemplateContext {
  private readonly rng: Rng;
  /** The delivery's time in ms since the epoch ("now" for this payload). */
  readonly now: number;
  /** True under `--ascii`. Whatever the mode, a context draws the same random numbers, so only the text differs. */
  readonly ascii: boolean;

  constructor(seed: number, nowMs: number, stream = 0, options: TemplateOptions = {}) {
    this.rng = createRng(seed, stream);
    this.now = nowMs;
    this.ascii = options.ascii === true;
  }

  /** Takes `n` draws and makes nothing of them: what a helper draws for values a caller replaces. */
  skip(n: number): void {
    this.rng.skip(n);
  }
  /** Float in [0, 1). */
  float(): number {
    return this.rng.u32() / 4294967296;
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }
  /** Money-like amount with two decimals in [min, max]. */
  amount(min: number, max: number): number {
    return Math.round((min + this.float() * (max - min)) * 100) / 100;
  }
  private chars(alphabet: readonly number[], n: number): string {
    const out = (SCRATCH[n] ??= new Array<number>(n).fill(0));
    this.rng.fill(alphabet, n, out, 0);
    return String.fromCharCode.apply(null, out);
  }
  hex(n: number): string {
    return this.chars(HEX, n);
  }
  alnum(n: number): string {
    return this.chars(ALNUM, n);
  }
  lowerAlnum(n: number): string {
    return this.chars(LOWER_ALNUM, n);
  }
  digits(n: number): string {
    return this.chars(DIGITS, n);
  }
  /** URL-safe base64 characters (no padding), e.g. CustomerGlu's transactionId. */
  base64url(n: number): string {
    return this.chars(B64URL, n);
  }

  /** RFC 4122 version 4 UUID (hot: `--count` makes several per delivery, hence the byte table). */
  uuid(): string {
    const a = this.rng.u32();
    const b = this.rng.u32();
    const c = this.rng.u32();
    const d = this.rng.u32();
    const a0 = a >>> 24, a1 = (a >>> 16) & 255, a2 = (a >>> 8) & 255, a3 = a & 255;
    const b0 = b >>> 24, b1 = (b >>> 16) & 255, b2 = ((b >>> 8) & 0x0f) | 0x40, b3 = b & 255;
    const c0 = ((c >>> 24) & 0x3f) | 0x80, c1 = (c >>> 16) & 255, c2 = (c >>> 8) & 255, c3 = c & 255;
    const d0 = d >>> 24, d1 = (d >>> 16) & 255, d2 = (d >>> 8) & 255, d3 = d & 255;
    const H = HEX_HIGH;
    const L = HEX_LOW;
    return String.fromCharCode(
      H[a0]!, L[a0]!, H[a1]!, L[a1]!, H[a2]!, L[a2]!, H[a3]!, L[a3]!, 0x2d,
      H[b0]!, L[b0]!, H[b1]!, L[b1]!, 0x2d,
      H[b2]!, L[b2]!, H[b3]!, L[b3]!, 0x2d,
      H[c0]!, L[c0]!, H[c1]!, L[c1]!, 0x2d,
      H[c2]!, L[c2]!, H[c3]!, L[c3]!, H[d0]!, L[d0]!, H[d1]!, L[d1]!, H[d2]!, L[d2]!, H[d3]!, L[d3]!,
    );
  }
  /**
   * `n` characters of `alphabet` (character codes, all ASCII) written as bytes into `out` from `at`: the same draws
   * as the string-making helpers (hex, alnum, base64url…), for compiled templates (compiled.ts). Returns the end.
   */
  charsInto(alphabet: readonly number[], n: number, out: Uint8Array, at: number): number {
    this.rng.fill(alphabet, n, out, at);
    return at + n;
  }
  /** uuid() written as its 36 ASCII bytes into `out` from `at` (the same draws). Returns the end. */
  uuidInto(out: Uint8Array, at: number): number {
    const a = this.rng.u32();
    const b = this.rng.u32();
    const c = this.rng.u32();
    const d = this.rng.u32();
    const H = HEX_HIGH;
    const L = HEX_LOW;
    let x = a >>> 24;
    out[at] = H[x]!; out[at + 1] = L[x]!;
    x = (a >>> 16) & 255; out[at + 2] = H[x]!; out[at + 3] = L[x]!;
    x = (a >>> 8) & 255; out[at + 4] = H[x]!; out[at + 5] = L[x]!;
    x = a & 255; out[at + 6] = H[x]!; out[at + 7] = L[x]!;
    out[at + 8] = 0x2d;
    x = b >>> 24; out[at + 9] = H[x]!; out[at + 10] = L[x]!;
    x = (b >>> 16) & 255; out[at + 11] = H[x]!; out[at + 12] = L[x]!;
    out[at + 13] = 0x2d;
    x = ((b >>> 8) & 0x0f) | 0x40; out[at + 14] = H[x]!; out[at + 15] = L[x]!;
    x = b & 255; out[at + 16] = H[x]!; out[at + 17] = L[x]!;
    out[at + 18] = 0x2d;
    x = ((c >>> 24) & 0x3f) | 0x80; out[at + 19] = H[x]!; out[at + 20] = L[x]!;
    x = (c >>> 16) & 255; out[at + 21] = H[x]!; out[at + 22] = L[x]!;
    out[at + 23] = 0x2d;
    x = (c >>> 8) & 255; out[at + 24] = H[x]!; out[at + 25] = L[x]!;
    x = c & 255; out[at + 26] = H[x]!; out[at + 27] = L[x]!;
    x = d >>> 24; out[at + 28] = H[x]!; out[at + 29] = L[x]!;
    x = (d >>> 16) & 255; out[at + 30] = H[x]!; out[at + 31] = L[x]!;
    x = (d >>> 8) & 255; out[at + 32] = H[x]!; out[at + 33] = L[x]!;
    x = d & 255; out[at + 34] = H[x]!; out[at + 35] = L[x]!;
    return at + 36;
  }
  /** Prefix + 21 alphanumerics, Rehook style (`camp_0pe3HDtdFYgf1P5vryaXk`). */
  prefixed(prefix: string, length = 21): string {
    return prefix + this.alnum(length);
  }
  /** Lower-case ULID (26 Crockford base32 chars) whose time part encodes `timeMs`. */
  ulid(timeMs: number = this.now): string {
    let time = '';
    let t = Math.max(0, Math.floor(timeMs));
    for (let i = 0; i < 10; i++) {
      time = CROCKFORD_TEXT[t % 32] + time;
      t = Math.floor(t / 32);
    }
    return time + this.chars(CROCKFORD, 16);
  }

  /** ISO-8601 UTC with milliseconds, offset from the delivery's clock by `offsetMs`. */
  iso(offsetMs = 0): string {
    return isoString(this.now + offsetMs);
  }
  /** Unix seconds, offset from the delivery's clock by `offsetMs`. */
  unix(offsetMs = 0): number {
    return Math.floor((this.now + offsetMs) / 1000);
  }

  /** A first name as typed (may be accented); `plainFirstName` for codes and user names. */
  firstName(): string {
    return this.text(this.pick(FIRST_NAMES));
  }
  /** A first name in plain Latin letters ("Jose" for José), for customer keys and referral codes. */
  plainFirstName(): string {
    return toAscii(this.pick(FIRST_NAMES));
  }
  /** Generated text in the context's mode: as is, or folded to ASCII under `--ascii`. */
  text(value: string): string {
    return this.ascii ? toAscii(value) : value;
  }
  /** An amount as apps print it ("₹1,299", "GH₵10"; "Rs 1,299" under `--ascii`). */
  money(currency: string, amount: number): string {
    return this.text(money(currency, amount));
  }

  person(): Person {
    // The same draws in every mode: --ascii changes how a name is written, never who the person is. An index drawn
    // with int(0, n - 1) is the one pick() takes (both floor(float() * n)); the names' spellings, which depend on
    // nothing else, are made once per name (NAME_FORMS).
    const n = this.chance(NATIVE_NAME_SHARE) ? this.int(0, NATIVE_NAMES.length - 1) : -1;
    const f = this.int(0, FIRST_NAMES.length - 1);
    const l = this.int(0, LAST_NAMES.length - 1);
    const forms = nameForms(n, f, l);
    const shown = this.ascii ? forms.ascii : forms.typed;
    return {
      first: shown.first,
      last: shown.last,
      name: shown.name,
      plain: { first: forms.ascii.first, last: forms.ascii.last },
      email: `${forms.local}${this.int(1, 99)}@${this.pick(EMAIL_DOMAINS)}`,
      phone: `+91${this.int(6, 9)}${this.digits(9)}`,
      city: this.text(this.pick(CITIES)),
    };
  }
}

/** How one person's name is written: as typed, in plain Latin letters (--ascii, e-mail), and the e-mail's local part. */
export interface NameForms {
  typed: { first: string; last: string; name: string };
  ascii: { first: string; last: string; name: string };
  local: string;
}

/** NameForms per native name (index n), then per first × last name; made on first use. */
const NAME_FORMS: NameForms[] = [];

export function nameForms(n: number, f: number, l: number): NameForms {
  const key = n >= 0 ? n : NATIVE_NAMES.length + f * LAST_NAMES.length + l;
  return NAME_FORMS[key] ?? makeNameForms(key, n, f, l);
}

/**
 * nameForms' first call for a name, apart: a hot caller (a compiled form's drawShopper) then inlines the lookup
 * alone, not the folding and string building it runs once per name (TurboFan compiled that into every caller).
 */
function makeNameForms(key: number, n: number, f: number, l: number): NameForms {
  const native = n >= 0 ? NATIVE_NAMES[n]! : undefined;
  const first = FIRST_NAMES[f]!;
  const last = LAST_NAMES[l]!;
  const plain = native ? native.romanized : { first: toAscii(first), last: toAscii(last) };
  const forms: NameForms = {
    typed: native ? { first: native.first, last: native.last, name: native.name } : { first, last, name: `${first} ${last}` },
    ascii: { first: plain.first, last: plain.last, name: `${plain.first} ${plain.last}` },
    local: `${plain.first}.${plain.last}`.toLowerCase().replace(/[^a-z.]/g, ''),
  };
  NAME_FORMS[key] = forms;
  return forms;
}

/** The alphabets as character codes, for compiled templates that write ids as bytes (TemplateContext.charsInto). */
export const ALNUM_CODES: readonly number[] = ALNUM;
export const BASE64URL_CODES: readonly number[] = B64URL;
export const HEX_CODES: readonly number[] = HEX;
export const DIGIT_CODES: readonly number[] = DIGITS;
export const LOWER_ALNUM_CODES: readonly number[] = LOWER_ALNUM;
