// Stripe-Signature read exactly as stripe-node reads it (Webhooks.js parseHeader, v23): split on "," alone, each
// item split on "=", the key compared as is ("t", "v1": no trimming, no case folding), the last t= wins, and the
// timestamp is parseInt(value, 10), which is also what goes into the signed content ("{t}.{body}" with t the
// number, so t=0123 means "123."). stripe-python and stripe-go sign and check the number too. Anything more
// lenient here would let verify and listen call "valid" a delivery that a receiver built on Stripe's library
// refuses; what the libraries do not accept is named, so that --explain and the reasons can say why.
import type { HmacProfile } from './profile.js';

export interface StripeHeader {
  /** The timestamp as the libraries sign it (the decimal of the parsed number); undefined without a t= item. */
  t?: string;
  /** The t= text as written, when a t= item is there (undefined for a bare "t" with no "="). */
  tText?: string;
  /** Whether a t= item (key exactly "t") is there at all. */
  hasT: boolean;
  /** Every v1= value in order; undefined for a bare "v1" with no "=". */
  signatures: Array<string | undefined>;
}

export function readStripeHeader(value: string): StripeHeader {
  let hasT = false;
  let tText: string | undefined;
  const signatures: Array<string | undefined> = [];
  for (const item of value.split(',')) {
    const kv = item.split('=');
    if (kv[0] === 't') {
      hasT = true;
      tText = kv[1];
    } else if (kv[0] === 'v1') signatures.push(kv[1]);
  }
  const out: StripeHeader = { hasT, signatures };
  if (tText !== undefined) out.tText = tText;
  if (hasT) out.t = parsedTimestamp(tText ?? '');
  return out;
}

/**
 * Why stripe-node throws on the whole header before any v1= is compared, whatever the others hold (its
 * secureCompare runs over every v1=): an empty or bare v1, or a v1 of the signature's 64 characters with one
 * that is not ASCII (a header byte above 0x7f reads as one; the byte lengths then differ and timingSafeEqual
 * throws). Undefined when it compares them.
 */
export function stripeNodeRefusal(signatures: ReadonlyArray<string | undefined>): string | undefined {
  if (signatures.some((s) => s === undefined || s === '')) return 'has an empty v1=, which stripe-node refuses with the whole header';
  if (signatures.some((s) => s!.length === 64 && /[^\x00-\x7f]/.test(s!))) {
    return 'has a v1= of 64 characters that are not all ASCII, on which stripe-node throws and refuses the whole header';
  }
  return undefined;
}

/**
 * A timestamp as the libraries read it: parseInt(text, 10) (stripe-node, standardwebhooks: leading whitespace
 * skipped, text after the digits ignored) or Number(text) (Bolt); the text itself when it holds no number (it is
 * then refused as not unix seconds).
 */
export function parsedTimestamp(text: string, how: 'parseInt' | 'Number' = 'parseInt'): string {
  const n = how === 'Number' ? (text.trim() === '' ? NaN : Number(text)) : parseInt(text, 10);
  return Number.isNaN(n) ? text : String(n);
}

/** Why a timestamp written otherwise than the number it holds is checked over the number. */
export function timestampTextNote(what: string, text: string, t: string, who: string): string {
  const how = /^0\d/.test(text.trim()) ? 'a leading zero' : text !== text.trim() ? 'whitespace around it' : 'other characters than digits';
  return `${what} has ${how}: ${who} read${who.endsWith('libraries') ? '' : 's'} it as ${t} and check${who.endsWith('libraries') ? '' : 's'} the signature over that number`;
}

/**
 * What in a Stripe-Signature value Stripe's libraries read otherwise than a lenient reader would: each one a
 * clause for a reason or an --explain finding. Empty when the header is written as Stripe writes it.
 */
export function stripeHeaderProblems(value: string): string[] {
  const problems: string[] = [];
  const add = (p: string) => problems.includes(p) || problems.push(p);
  if (value !== value.trim()) add('whitespace around the whole value: Stripe\'s libraries do not trim it');
  const items = value.split(',');
  items.forEach((item, i) => {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const k = key.trim();
    // Whitespace at either end of the whole value is said once, above.
    const leadingEdge = i === 0 && /^\s/.test(value);
    const trailingEdge = i === items.length - 1 && /\s$/.test(value);
    if (!leadingEdge && k !== key && (k.toLowerCase() === 't' || /^v\d+$/i.test(k))) {
      const ws = /\t/.test(key) ? 'a tab' : 'a space';
      add(key.startsWith(k) ? `${ws} before the "=" of ${k}=: Stripe's libraries do not accept it` : `${ws} after the comma before ${k}=: Stripe's libraries do not accept it`);
    }
    if (k === 'T' || /^V\d+$/.test(k)) add(`"${k}=" in upper case: Stripe's libraries read only "${k.toLowerCase()}="`);
    if (eq >= 0 && key === 'v1') {
      const v = item.slice(eq + 1);
      if (v === '') add('an empty v1=: stripe-node refuses the whole header');
      else if (!trailingEdge && v !== v.trim()) add('whitespace around a v1= signature: Stripe\'s libraries compare it as is');
    }
  });
  const { tText, t } = readStripeHeader(value);
  if (tText !== undefined && t !== undefined && /^\d/.test(t) && tText !== t) {
    add(timestampTextNote(`t=${tText.length > 24 ? `${tText.slice(0, 24)}…` : tText}`, tText, t, 'Stripe\'s libraries'));
  }
  return problems;
}

/**
 * For --explain: what in the signature header (Stripe) or the timestamp as sent (schemes that sign the parsed
 * number) the platform's libraries read otherwise than written. Empty when both are written as the platform does.
 */
export function headerFormatNotes(profile: HmacProfile, signature: string | undefined, t: string | undefined): string[] {
  if (profile.list === 'stripe') return signature === undefined ? [] : stripeHeaderProblems(signature);
  if (!profile.signsParsedTimestamp || t === undefined) return [];
  const n = parsedTimestamp(t, profile.signsParsedTimestamp);
  const who = profile.signsParsedTimestamp === 'Number' ? 'Bolt (Slack\'s library)' : profile.label.endsWith('s') ? `the ${profile.label} libraries` : `${profile.label}'s libraries`;
  return n !== t && /^\d/.test(n) ? [timestampTextNote(`${profile.timestampHeader} "${t.length > 24 ? `${t.slice(0, 24)}…` : t}"`, t, n, who)] : [];
}
