// What may be shown of things that carry credentials, and how network text is made safe for a terminal.
// Bottom layer: used by the listener, the sender, replay and every formatter; imports nothing of ours.

/**
 * Header names that carry a credential: the well-known ones and anything that looks like a token, secret,
 * password or key. Signature headers are not credentials (they are what verification needs) and do not match.
 */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth|x-jwt)$|token|secret|passw(or)?d|api[-_]?key|(access|private|signing)[-_]?key|session|credential/i;
/** Query parameter names that carry a credential (WebEngage's `secret` among them). */
const CREDENTIAL_QUERY = /^(secret|token|key|code|auth|authorization|apikey|pwd|pass|jwt)$|token|secret|passw(or)?d|api[-_]?key|(access|private|signing)[-_]?key|session|credential/i;

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}

export function isCredentialQuery(name: string): boolean {
  return CREDENTIAL_QUERY.test(name);
}

/** How a credential is shown and stored: never more than a hint of its length. */
export function mask(secret: string | undefined): string {
  if (!secret) return '';
  return `****(${secret.length} chars)`;
}

/** A value written by `mask` (what captures hold where a credential was). */
export const MASKED_VALUE = /^\*{4}\(\d+ chars\)$/;

/** A header value as it may be shown: credentials masked (keeping a `Basic`/`Bearer` scheme), signatures kept. */
export function maskHeaderValue(name: string, value: string): string {
  if (!isCredentialHeader(name) || MASKED_VALUE.test(value)) return value;
  const scheme = /^(Basic|Bearer|Token)\s+/i.exec(value);
  return scheme ? `${scheme[1]} ${mask(value.slice(scheme[0].length))}` : mask(value);
}

/**
 * Headers with every credential masked; the same object back when there is none (the common case).
 * `keepScheme: false` masks the whole value (`****(18 chars)`, not `Basic ****(12 chars)`): the form captures
 * use, which replay and verify recognise as masked.
 */
export function maskHeaders(headers: Record<string, string>, options: { keepScheme?: boolean } = {}): Record<string, string> {
  let out: Record<string, string> | undefined;
  for (const name in headers) {
    if (!isCredentialHeader(name)) continue;
    out ??= { ...headers };
    const value = headers[name]!;
    out[name] = options.keepScheme === false ? (MASKED_VALUE.test(value) ? value : mask(value)) : maskHeaderValue(name, value);
  }
  return out ?? headers;
}

/** Query parameters with every credential masked; the same object back when there is none. */
export function maskQuery<T extends string | string[]>(query: Record<string, T>): Record<string, T> {
  let out: Record<string, T> | undefined;
  for (const name in query) {
    if (!isCredentialQuery(name)) continue;
    out ??= { ...query };
    const v = query[name]!;
    out[name] = (Array.isArray(v) ? v.map((x) => (MASKED_VALUE.test(x) ? x : mask(x))) : MASKED_VALUE.test(v as string) ? v : mask(v as string)) as T;
  }
  return out ?? query;
}

/** Parameters rebuilt in order, credentials as "****" (readable in a URL, not its percent-encoded long form). */
function maskedParams(entries: ReadonlyArray<[string, string]>): string {
  return entries.map(([k, v]) => `${encodeURIComponent(k)}=${isCredentialQuery(k) ? '****' : encodeURIComponent(v)}`).join('&');
}

/**
 * A URL as it may be shown: `user:password@` and credential-looking query parameters masked. Text that is not a
 * URL is returned with anything after `//…@` and every `?…` query masked, so even a malformed URL echoed in an
 * error message cannot carry a credential.
 */
export function redactUrl(href: string): string {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    // (`.*` with the s flag runs to the end of the text: no `$` needed.)
    return href.replace(/\/\/[^/@\s]*@/, '//****@').replace(/\?.*/s, (q) => (q.length > 1 ? '?****' : q));
  }
  let changed = false;
  const entries = [...url.searchParams];
  if (entries.some(([k]) => isCredentialQuery(k))) {
    url.search = maskedParams(entries);
    changed = true;
  }
  // A fragment written as a query (OAuth's `#access_token=…&token_type=…`) carries credentials the same way; a bare
  // anchor (`#token`) does not.
  const fragment = [...new URLSearchParams(url.hash.slice(1))];
  if (url.hash.includes('=') && fragment.some(([k]) => isCredentialQuery(k))) {
    url.hash = maskedParams(fragment);
    changed = true;
  }
  if (url.password) {
    url.password = '****';
    changed = true;
  }
  if (url.username && url.password === '') {
    // A bare `token@host` is as much a credential as a password.
    url.username = '****';
    changed = true;
  }
  return changed ? url.href : href;
}

// C0 controls (but tab), DEL, C1 controls, and the Unicode bidi controls (marks included, as --json escapes them:
// core/json-text.ts) and line/paragraph separators that can make a terminal line say something other than it holds.
// eslint-disable-next-line no-control-regex
const UNSAFE_LINE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_BLOCK = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escapeChar = (c: string) => {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * Text from the network made safe to print: escape sequences, carriage returns and bidi overrides are shown as
 * `\x1b`, `\r`, `\u202e` instead of acting on the terminal. `multiline` keeps line feeds (a body shown as a block).
 */
export function escapeTerminal(text: string, options: { multiline?: boolean } = {}): string {
  const re = options.multiline ? UNSAFE_BLOCK : UNSAFE_LINE;
  re.lastIndex = 0;
  return re.test(text) ? text.replace(re, escapeChar) : text;
}

/**
 * The credentials a request carried, longest first: a receiver that echoes what it got (httpbin, a debug
 * endpoint) puts them in its answer, which is shown as it came otherwise. Headers that carry one (with and without
 * a `Basic`/`Bearer` scheme), credential query parameters (as sent and decoded), a URL's user and password.
 */
export function sentCredentials(url: string, headers: Record<string, string>): string[] {
  const values: string[] = [];
  for (const name in headers) {
    if (!isCredentialHeader(name)) continue;
    const value = headers[name]!;
    values.push(value, value.replace(/^(Basic|Bearer|Token)\s+/i, ''));
  }
  try {
    const u = new URL(url);
    for (const [k, v] of u.searchParams) if (isCredentialQuery(k)) values.push(v, encodeURIComponent(v));
    for (const part of [u.password, u.username]) if (part !== '') values.push(part, safeDecode(part));
  } catch {
    // not a URL: nothing of it was sent
  }
  // Shorter than 4 characters, a value would mask ordinary words of the answer.
  return [...new Set(values.filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length);
}

/** `text` with each of `values` masked (longest first, so that a value inside another is not half-masked). */
export function withoutCredentials(text: string, values: readonly string[]): string {
  let out = text;
  for (const v of values) if (out.includes(v)) out = out.split(v).join(mask(v));
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
