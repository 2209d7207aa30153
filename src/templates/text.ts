// Text as real tenants write it (accents, ₹/€/£, curly quotes, emoji, other scripts) and its ASCII
// fallback for `--ascii`. Everything here is pure and table-driven: no Intl, no locale, so the same seed
// gives the same bytes on every machine.

/** Whole strings whose ASCII form is a different word, not the same letters without accents. */
const ASCII_TWINS: Readonly<Record<string, string>> = {
  München: 'Munich',
  Köln: 'Cologne',
};

/** Characters that have a conventional ASCII spelling; anything else non-ASCII is dropped after accent folding. */
const ASCII_SYMBOLS: Readonly<Record<string, string>> = {
  '₹': 'Rs ',
  '€': 'EUR ',
  '£': 'GBP ',
  '₵': 'S ', // "GH₵10" → "GHS 10"
  '’': "'",
  '‘': "'",
  '“': '"',
  '”': '"',
  '″': '"',
  '—': ' - ',
  '–': '-',
  '…': '...',
  '×': 'x',
  '·': '-',
  '™': '',
  '®': '',
  ß: 'ss',
  ø: 'o',
  Ø: 'O',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  ı: 'i',
  ɔ: 'o',
  Ɔ: 'O',
  ɛ: 'e',
  Ɛ: 'E',
};

const NON_ASCII = /[^\x00-\x7f]/;
const COMBINING = /\p{M}/gu;

/** True when the text holds at least one character outside ASCII. */
export function hasNonAscii(text: string): boolean {
  return NON_ASCII.test(text);
}

/**
 * The ASCII spelling of generated text: "São Paulo" → "Sao Paulo", "₹100 cashback" → "Rs 100 cashback",
 * "Scratch card unlocked! 😍" → "Scratch card unlocked!". Names in other scripts never reach this function:
 * the context romanizes them where they are picked (see TemplateContext.person).
 */
export function toAscii(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  let folded = FOLDED.get(text);
  if (folded === undefined) {
    folded = fold(text);
    if (FOLDED.size < FOLDED_MAX && text.length <= FOLDED_MAX_UNITS) FOLDED.set(text, folded);
  }
  return folded;
}

/**
 * toAscii's answers, kept: it is a pure function of its text, and generated text comes from short lists (names,
 * cities, products, reward copy), so `--count` folds the same few hundred strings over and over (NFD normalization
 * and three regular expressions each, ~1 µs). Bounded in entries and length, whatever the templates make.
 */
const FOLDED = new Map<string, string>();
const FOLDED_MAX = 4096;
const FOLDED_MAX_UNITS = 256;

function fold(text: string): string {
  const twin = ASCII_TWINS[text];
  if (twin !== undefined) return twin;
  let out = '';
  for (const ch of text.normalize('NFD').replace(COMBINING, '')) {
    if (ch.charCodeAt(0) < 0x80) out += ch;
    else out += ASCII_SYMBOLS[ch] ?? '';
  }
  // Dropped emoji and symbol spellings leave doubled or trailing spaces ("Win big 🎉 today", "€ 5").
  return out.replace(/ {2,}/g, ' ').replace(/ +([!?.,:)])/g, '$1').trim();
}

/**
 * Every string in a freshly generated payload through toAscii, in place (keys are ASCII already). In place
 * because this runs per delivery of a `--count` run: rebuilding the tree would double the cost of `--ascii`.
 */
export function asciiPayload<T extends object>(payload: T): T {
  const node = payload as Record<string, unknown>;
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (typeof value === 'string') {
      if (NON_ASCII.test(value)) node[key] = toAscii(value);
    } else if (typeof value === 'object' && value !== null) asciiPayload(value);
  }
  return payload;
}

/** Currency symbols as apps in those markets print amounts ("₹100", "GH₵10", "€5"); others use the ISO code. */
const SYMBOLS: Readonly<Record<string, string>> = { INR: '₹', EUR: '€', GBP: '£', USD: '$', GHS: 'GH₵', SGD: 'S$', NGN: '₦', BRL: 'R$' };

/** Thousands separators without Intl (which depends on the machine's ICU data): 1299 → "1,299". */
function grouped(n: number): string {
  if (Number.isInteger(n) && n < 1000 && n > -1000) return String(n);
  const [whole, fraction] = String(n).split('.');
  const digits = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? digits : `${digits}.${fraction.padEnd(2, '0')}`;
}

/** An amount as a reward or nudge text shows it: "₹1,299", "GH₵10", "AED 50". */
export function money(currency: string, amount: number): string {
  const symbol = SYMBOLS[currency];
  return symbol === undefined ? `${currency} ${grouped(amount)}` : `${symbol}${grouped(amount)}`;
}

/** Number of bytes of the longest UTF-8 sequence in the text: 1 (ASCII), 2 (é), 3 (₹, 漢) or 4 (😍). */
export function widestUtf8(text: string): 1 | 2 | 3 | 4 {
  let widest: 1 | 2 | 3 | 4 = 1;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (n > widest) widest = n;
    if (widest === 4) break;
  }
  return widest;
}
