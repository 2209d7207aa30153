// Finds the ids and timestamps in a generated body, so that the exported processor can give every request
// fresh ones. Detection works on the compact JSON text by shape (UUIDs, prefixed ids, ULIDs, random tokens,
// ISO and unix times), not by field name: it holds for every provider and for tenant-mapped payloads alike.

/**
 * uuid: a fresh v4 · ulid: time part moved with the clock, fresh randomness · chars: same length, each letter
 * or digit replaced by one of its class · hex: same length, hex digits · iso / unix / ms: moved with the clock.
 */
export type TokenKind = 'uuid' | 'ulid' | 'chars' | 'hex' | 'iso' | 'unix' | 'ms';
/** Where a token sits in the body text (UTF-16 offsets, as JavaScript strings count). */
export type Token = [offset: number, length: number, kind: TokenKind];

/** Times further than this from the delivery's clock are not moved (Go's zero time 0001-01-01, far expiries). */
const WINDOW_MS = 10 * 365 * 24 * 3600 * 1000;

const UUID = /(?<![0-9A-Za-z])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z])/g;
// Rehook camp_…, mgPass usr_…, Reward we_<ulid>, ldbd_, seg_ …: the prefix stays, the rest is random.
const PREFIXED = /(?<![A-Za-z0-9])([A-Za-z]{2,6}_)([A-Za-z0-9]{8,})(?![A-Za-z0-9])/g;
const ISO = /(?<![0-9])\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})(?![0-9])/g;
const DIGITS = /(?<![0-9A-Za-z.])(\d{13}|\d{10})(?![0-9.])/g;
const RANDOM_TOKEN = /^[A-Za-z0-9_-]{16,}$/;
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const ULID = /^[0-9a-hjkmnp-tv-z]{26}$/;

/** Unix ms of an ISO-8601 text with a Z or ±hh[:]mm offset, or NaN. */
export function isoMs(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):?(\d{2}))$/.exec(text);
  if (!m) return NaN;
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  if (m[8] === 'Z') return utc;
  const offset = (Number(m[10]) * 60 + Number(m[11])) * 60_000;
  return m[9] === '+' ? utc - offset : utc + offset;
}

/** The time a lower-case ULID encodes (its first 10 Crockford characters), in ms. */
export function ulidMs(text: string): number {
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + CROCKFORD.indexOf(text[i]!);
  return t;
}

const near = (ms: number, clockMs: number) => Number.isFinite(ms) && Math.abs(ms - clockMs) <= WINDOW_MS;

/**
 * A prefixed id's random part: digits or mixed case, or all lower case and too long for a word. Not an enum
 * value such as OPEN_CAMPAIGN or first_purchase.
 */
function randomSuffix(suffix: string): boolean {
  return /[0-9]/.test(suffix) || (/[A-Z]/.test(suffix) && /[a-z]/.test(suffix)) || (/^[a-z]+$/.test(suffix) && suffix.length >= 12);
}

/**
 * A whole string that is an opaque token (transactionId, device ids, hex keys, push tokens): digits, or case
 * changing too often for camelCase words (deliveryDiscount is a word; fT1kagGK3zSdjjQiaamA is not).
 */
function randomToken(text: string): boolean {
  if (!RANDOM_TOKEN.test(text) || !/[a-z]/.test(text)) return false;
  if (/[0-9]/.test(text)) return true;
  return (text.match(/[A-Z]/g)?.length ?? 0) >= 4 && !/[a-z]{5}|[A-Z]{5}/.test(text);
}

/** The ids and times of a compact JSON text, in order, not overlapping. `clockMs` is the delivery's clock. */
export function findTokens(text: string, clockMs: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      scanString(text, i + 1, end, clockMs, tokens);
      i = end + 1;
    } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d /* - */) {
      let end = i + 1;
      while (end < text.length && /[0-9eE.+-]/.test(text[end]!)) end++;
      const literal = text.slice(i, end);
      if (/^\d{10}$/.test(literal) && near(Number(literal) * 1000, clockMs)) tokens.push([i, 10, 'unix']);
      else if (/^\d{13}$/.test(literal) && near(Number(literal), clockMs)) tokens.push([i, 13, 'ms']);
      i = end;
    } else i++;
  }
  return tokens;
}

/** Index of the quote that closes the string opened at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i += 2;
    else if (c === 0x22) return i;
    else i++;
  }
  return text.length;
}

function scanString(text: string, from: number, to: number, clockMs: number, out: Token[]): void {
  const content = text.slice(from, to);
  const found: Token[] = [];
  const taken = (at: number, length: number) => found.some(([o, l]) => at < o + l && o < at + length);
  const add = (at: number, length: number, kind: TokenKind) => {
    if (!taken(at, length)) found.push([at, length, kind]);
  };
  for (const m of content.matchAll(ISO)) if (near(isoMs(m[0]), clockMs)) add(m.index, m[0].length, 'iso');
  for (const m of content.matchAll(UUID)) add(m.index, m[0].length, 'uuid');
  for (const m of content.matchAll(PREFIXED)) {
    const suffix = m[2]!;
    const at = m.index + m[1]!.length;
    if (ULID.test(suffix) && near(ulidMs(suffix), clockMs)) add(at, suffix.length, 'ulid');
    else if (randomSuffix(suffix)) add(at, suffix.length, 'chars');
  }
  for (const m of content.matchAll(DIGITS)) {
    const ms = m[0].length === 13 ? Number(m[0]) : Number(m[0]) * 1000;
    if (near(ms, clockMs)) add(m.index, m[0].length, m[0].length === 13 ? 'ms' : 'unix');
  }
  if (found.length === 0 && randomToken(content)) found.push([0, content.length, /^[0-9a-f_-]+$/.test(content) ? 'hex' : 'chars']);
  found.sort((a, b) => a[0] - b[0]);
  for (const [o, l, k] of found) out.push([from + o, l, k]);
}
