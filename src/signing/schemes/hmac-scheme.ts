import { createHmac, randomBytes } from 'node:crypto';
import { formatDuration } from '../../core/duration.js';
import { UsageError } from '../../errors.js';
import { safeEqual } from '../hmac.js';
import { PaddedKey } from '../hmac-pads.js';
import { onForget } from '../memo.js';
import type { RequestParts, SignedRequest, SignOptions, VerifyOptions, VerifyResult } from '../types.js';
import { headerFormatNotes, parsedTimestamp, readStripeHeader, stripeHeaderProblems, stripeNodeRefusal } from './stripe-header.js';
import { DEFAULT_TOLERANCE, SVIX_HEADERS, type ContentTemplate, type HmacProfile } from './profile.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const HEX = /^[0-9a-fA-F]+$/;
/** A profile's signature header names as sent and lower-cased, made once per profile (verify is a hot path). */
const namesCache = new WeakMap<HmacProfile, { names: string[]; lower: string[]; matches: string[] }>();

function headerNamesOf(profile: HmacProfile): { names: string[]; lower: string[]; matches: string[] } {
  let entry = namesCache.get(profile);
  if (!entry) {
    const names = [profile.header, ...profile.altHeaders];
    namesCache.set(profile, (entry = { names, lower: names.map((n) => n.toLowerCase()), matches: names.map((n) => `${n} matches`) }));
  }
  return entry;
}

/**
 * "<header> matches", the same string for every valid delivery (made on each check it was a new string that the
 * listener's report encoder then flattened to compare with the previous report's). `at`: the header's place among
 * the profile's names, as findSignatureHeader found it.
 */
function matchesReason(profile: HmacProfile, at: number): string {
  return headerNamesOf(profile).matches[at]!;
}

function headerNames(profile: HmacProfile): string[] {
  return headerNamesOf(profile).names;
}

/** The signature header as sent, looked up without lower-casing the candidate names on every request. */
function findSignatureHeader(profile: HmacProfile, headers: Record<string, string>): { name: string; value: string; at: number } | undefined {
  const { names, lower } = headerNamesOf(profile);
  for (let i = 0; i < names.length; i++) {
    const value = headers[lower[i]!];
    if (value !== undefined) return { name: names[i]!, value, at: i };
  }
  return undefined;
}

/** Why a secret cannot be used with this profile, or undefined when it can. */
export function secretProblem(profile: HmacProfile, secret: string): string | undefined {
  if (secret.length === 0) return 'the secret is empty';
  if (profile.key === 'whsec') {
    const b64 = secret.startsWith('whsec_') ? secret.slice(6) : secret;
    // "==" passes the pattern and decodes to no bytes at all: an empty HMAC key, which anyone can sign with.
    const empty = b64.length === 0 || (BASE64.test(b64) && Buffer.from(b64, 'base64').length === 0);
    if (empty || !BASE64.test(b64) || b64.length % 4 === 1) {
      return `a ${profile.label} secret is "whsec_" followed by base64 (got ${b64.length === 0 ? 'nothing' : empty ? 'no key bytes' : 'characters outside base64'} after the prefix)`;
    }
  }
  return undefined;
}

/** The HMAC key bytes for a secret: the text itself, or the base64 after `whsec_` (Standard Webhooks). */
export function keyOf(profile: HmacProfile, secret: string): Buffer | string {
  if (profile.key === 'whsec') return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return secret;
}

// A receiver checks every delivery against the same few secrets: each secret's padded blocks are made once per
// algorithm (hmac-pads.ts), not decoded and set up by createHmac on each call. Bounded: library callers may pass
// many secrets.
type PadsByAlgorithm = Partial<Record<HmacProfile['algorithm'], PaddedKey>>;
const keyCache: Record<'text' | 'whsec', Map<string, PadsByAlgorithm>> = { text: new Map(), whsec: new Map() };
onForget(() => {
  keyCache.text.clear();
  keyCache.whsec.clear();
});

function cachedKey(profile: HmacProfile, secret: string): PaddedKey {
  // Stryker disable next-line EqualityOperator: swapping which map holds which key format still keeps the formats apart
  const cache = profile.key === 'whsec' ? keyCache.whsec : keyCache.text;
  let pads = cache.get(secret);
  if (pads === undefined) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: when the cache is emptied changes no result, only memory
    if (cache.size >= 64) cache.clear();
    cache.set(secret, (pads = {}));
  }
  let key = pads[profile.algorithm];
  if (key === undefined) {
    const bytes = keyOf(profile, secret);
    pads[profile.algorithm] = key = new PaddedKey(profile.algorithm, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
  }
  return key;
}

/** The text an HMAC scheme puts before the body ("{id}.{t}.", "{t}.", "v0:{t}:"). */
export function contentPrefix(content: ContentTemplate, t?: string, id?: string): string {
  switch (content) {
    case 'body':
      return '';
    case 'id.t.body':
      return `${id}.${t}.`;
    case 't.body':
      return `${t}.`;
    case 'v0:t:body':
      return `v0:${t}:`;
  }
}

/** The raw MAC over the scheme's signed content. Streams the parts: no copy of the body is made. */
export function macOf(profile: HmacProfile, key: Buffer | string, body: Uint8Array, t?: string, id?: string): Buffer {
  const h = createHmac(profile.algorithm, key);
  // Stryker disable next-line StringLiteral: the prefix of 'body' is '' and UTF-8 is update's default
  if (profile.content !== 'body') h.update(contentPrefix(profile.content, t, id), 'utf8');
  return h.update(body).digest();
}

/** The MAC as the sender writes it. */
function macText(profile: HmacProfile, key: PaddedKey, body: Uint8Array, t?: string, id?: string): string {
  return key.mac(contentPrefix(profile.content, t, id), body, profile.encoding);
}

function randomMessageId(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let id = 'msg_';
  for (const b of randomBytes(24)) id += alphabet[b % 62];
  return id;
}

/** The keys a request is signed with: every --secret of a key ring, or the one secret. */
export function signingKeys(options: SignOptions): string[] {
  if (options.secrets !== undefined && options.secrets.length > 0) return options.secrets;
  return options.secret !== undefined ? [options.secret] : [];
}

/** One element of the signature header for one key ("v1=<hex>", "sha256=<hex>", "v1,<base64>"). */
export type SignatureElement = (secret: string, t: string, id: string) => string;

/**
 * Signs exactly `body` under an HMAC profile. Several keys (a key ring during rotation) each add a signature to
 * the one header, where the profile has a list form (Stripe's repeated v1=, Standard Webhooks' space-separated
 * list); `element` lets a scheme sign some keys otherwise (Standard Webhooks' ed25519 v1a).
 */
export function signHmac(profile: HmacProfile, body: Uint8Array, options: SignOptions, secretRequired: boolean, element?: SignatureElement): SignedRequest {
  const headers: Record<string, string> = {};
  const notes: string[] = [];
  const keys = signingKeys(options);
  if (keys.length === 0) {
    if (secretRequired) throw new UsageError('missing_secret', `${profile.label} signs every delivery: pass --secret (or set CG_HOOKS_SECRET)`);
    notes.push(`no secret given: ${profile.header} is not sent (the provider sends it only when a secret is configured)`);
    return { headers, query: {}, notes };
  }
  if (keys.length > 1 && profile.list === undefined) {
    throw new UsageError('bad_option', `--secret: ${profile.label} sends one signature per delivery: sign with one secret (several are for verify and listen, during rotation)`);
  }
  for (const secret of keys) {
    const problem = secretProblem(profile, secret);
    if (problem && !element) throw new UsageError('bad_secret', `--secret: ${problem}`);
  }
  const t = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const id = options.id ?? randomMessageId();
  const sign: SignatureElement = element ?? ((secret) => `${profile.prefix}${macOf(profile, keyOf(profile, secret), body, t, id).toString(profile.encoding)}`);
  const elements = keys.map((secret) => sign(secret, t, id));
  // GitHub sends the legacy SHA-1 header beside the SHA-256 one (the first key: GitHub signs with one).
  for (const x of profile.extra ?? []) headers[x.header] = `${x.prefix}${createHmac(x.algorithm, keyOf(profile, keys[0]!)).update(body).digest('hex')}`;
  if (profile.idHeader) headers[profile.idHeader] = id;
  // Stripe has no timestamp header: its t= travels inside Stripe-Signature.
  if (profile.timestampHeader) headers[profile.timestampHeader] = t;
  headers[profile.header] = profile.list === 'stripe' ? `t=${t},${elements.join(',')}` : elements.join(' ');
  return { headers, query: {}, notes };
}

function lookup(headers: Record<string, string>, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = headers[name.toLowerCase()];
    if (value !== undefined) return { name, value };
  }
  return undefined;
}

/** A header value split into the signatures it carries, or a reason it cannot be read. */
export interface ParsedSignature {
  signatures: string[];
  /** Timestamp carried inside the value (Stripe's t=). */
  t?: string;
  error?: string;
}

/** Stripe's "t=…,v1=…,v0=…": the timestamp and every other key=value pair, in order. */
export function splitStripeHeader(value: string): { t?: string; pairs: Array<{ k: string; v: string }> } {
  let t: string | undefined;
  const pairs: Array<{ k: string; v: string }> = [];
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't') t = v;
    else pairs.push({ k, v });
  }
  return t === undefined ? { pairs } : { t, pairs };
}

export function parseSignatureValue(profile: HmacProfile, raw: string): ParsedSignature {
  // Stripe's value is read untrimmed, as stripe-node reads it (an HTTP server has already trimmed the ends).
  if (profile.list === 'stripe') return parseStripeValue(profile, raw);
  const value = raw.trim();
  if (profile.list === 'space') {
    const signatures: string[] = [];
    // As the Standard Webhooks libraries read it: "<version>,<signature>" split on every ",", so a signature ends
    // at the next comma.
    for (const part of value.split(' ')) if (part.startsWith(profile.prefix)) signatures.push(part.slice(profile.prefix.length).split(',')[0]!);
    if (signatures.length === 0) {
      // Standard Webhooks v1a only, checked with a whsec_ key: the key is the wrong kind, the header is fine.
      const v1aOnly = profile.prefix === 'v1,' && value.split(' ').some((p) => p.startsWith('v1a,'));
      const note = v1aOnly ? ': it carries only v1a (ed25519) signatures, which a whsec_ secret cannot check; pass the sender\'s whpk_ public key' : ` (expected "${profile.prefix}<base64>")`;
      return { signatures, error: `${profile.header} has no ${profile.prefix} signature${note}` };
    }
    return { signatures };
  }
  if (!value.startsWith(profile.prefix)) {
    return { signatures: [], error: `${profile.header} does not start with "${profile.prefix}"` };
  }
  return { signatures: [value.slice(profile.prefix.length)] };
}

function parseStripeValue(profile: HmacProfile, raw: string): ParsedSignature {
  const { t, signatures: found } = readStripeHeader(raw);
  const refusal = stripeNodeRefusal(found);
  // Past the refusal no v1= is empty or bare (stripe-node throws on those before comparing any): nothing to filter.
  const signatures = found as string[];
  if (refusal) return { signatures, error: `${profile.header} ${refusal}` };
  if (signatures.length === 0) {
    const problems = stripeHeaderProblems(raw);
    return { signatures, error: `${profile.header} has no v1= signature (expected "t=<unix seconds>,v1=<hex>")${problems.length > 0 ? `: ${problems.join('; ')}` : ''}` };
  }
  return t === undefined ? { signatures } : { signatures, t };
}

const DIGEST_BYTES: Record<string, number> = { md5: 16, sha1: 20, sha256: 32, sha512: 64 };

/** The signature's text length for this profile (hex: 2 per byte; base64: padded). */
export function signatureLength(profile: HmacProfile): number {
  const n = DIGEST_BYTES[profile.algorithm]!;
  return profile.encoding === 'hex' ? n * 2 : Math.ceil(n / 3) * 4;
}

function wellFormed(profile: HmacProfile, sig: string): boolean {
  if (sig.length !== signatureLength(profile)) return false;
  return profile.encoding === 'hex' ? HEX.test(sig) : BASE64.test(sig);
}

/** Verifies a request under an HMAC profile against every candidate secret, in constant time per comparison. */
export function verifyHmac(profile: HmacProfile, req: RequestParts, options: VerifyOptions): VerifyResult {
  const secrets = options.secrets;
  if (secrets.length === 0) return { status: 'no-secret', valid: false, reason: 'no secret configured: signature not checked' };
  const found = options.signature !== undefined ? { name: profile.header, value: options.signature, at: 0 } : findSignatureHeader(profile, req.headers);
  if (!found) return { status: 'missing', valid: false, reason: `no ${headerNames(profile).join(' or ')} header` };
  const header = found.name;
  const parsed = parseSignatureValue(profile, found.value);
  if (parsed.error) return { status: 'malformed', valid: false, header, reason: parsed.error };
  // A body-only HMAC (no timestamp to check before the MAC) is compared first: a signature that matches is
  // well-formed by construction, so only a mismatch needs the format check, to say "malformed" or "invalid".
  if (profile.content === 'body') {
    const matched = matchingSecret(profile, secrets, parsed.signatures, req.body);
    if (matched >= 0) return { status: 'valid', valid: true, header, secretIndex: matched, reason: matchesReason(profile, found.at) };
    // Stryker disable next-line MethodExpression: a body-only profile has no list form, so it carries one signature and some() is every()
    return parsed.signatures.some((s) => wellFormed(profile, s)) ? { status: 'invalid', valid: false, header, reason: `${header} does not match the body` } : malformedSignature(profile, header, parsed.signatures[0]!);
  }
  const signatures = parsed.signatures.filter((s) => wellFormed(profile, s));
  if (signatures.length === 0) {
    const bad = malformedSignature(profile, header, parsed.signatures[0]!);
    const note = headerFormatNotes(profile, found.value, undefined).join('; ');
    return note ? { ...bad, reason: `${bad.reason} (${note})` } : bad;
  }

  // The other templates sign a timestamp (and maybe a message id): both must be there before any MAC.
  const sent = options.timestamp !== undefined ? String(options.timestamp) : (parsed.t ?? timestampHeader(profile, req.headers)?.value.trim());
  if (sent === undefined) return { status: 'malformed', valid: false, header, reason: `no timestamp: ${profile.label} signs one (${timestampSource(profile)})` };
  const t = profile.signsParsedTimestamp && parsed.t === undefined ? parsedTimestamp(sent, profile.signsParsedTimestamp) : sent;
  // Bolt reads the timestamp with Number() and signs what it read, fractions included.
  if (!(profile.signsParsedTimestamp === 'Number' ? /^\d{1,12}(\.\d+)?$/ : /^\d{1,12}$/).test(t)) return { status: 'malformed', valid: false, header, reason: `timestamp "${t}" is not unix seconds` };
  let id: string | undefined;
  if (profile.idHeader) {
    id = options.id ?? lookup(req.headers, [profile.idHeader, SVIX_HEADERS[profile.idHeader]!])?.value;
    if (id === undefined) return { status: 'malformed', valid: false, header, reason: `no ${profile.idHeader} header: ${profile.label} signs the message id` };
  }

  const matched = matchingSecret(profile, secrets, signatures, req.body, t, id);

  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const skew = now - Number(t);
  if (Math.abs(skew) > tolerance) {
    const when = skew > 0 ? `${formatDuration(skew * 1000)} old` : `${formatDuration(-skew * 1000)} in the future`;
    return {
      status: 'expired',
      valid: false,
      header,
      reason: `timestamp is ${when} (tolerance ${formatDuration(tolerance * 1000)})${matched >= 0 ? '; the signature itself matches' : ' and the signature does not match'}`,
      ...(matched >= 0 ? { secretIndex: matched } : {}),
    };
  }
  if (matched >= 0) return { status: 'valid', valid: true, header, secretIndex: matched, reason: matchesReason(profile, found.at) };
  // Only on a mismatch (never on the valid hot path): what the platform's libraries read otherwise than written.
  // The timestamp header is quoted as sent and named as it came (svix-timestamp under Svix's names); not --timestamp.
  const read = options.timestamp === undefined ? timestampHeader(profile, req.headers) : undefined;
  const note = headerFormatNotes(read ? { ...profile, timestampHeader: read.name } : profile, found.value, read?.value.trim()).join('; ');
  return { status: 'invalid', valid: false, header, reason: `${header} does not match the body${note ? ` (${note})` : ''}` };
}

/**
 * The index of the first secret whose MAC equals one of the signatures, or -1. Compared as text, exactly as the
 * sender writes it (lowercase hex, padded base64), in constant time per comparison; every secret is tried until
 * one matches, whatever the signatures look like.
 */
function matchingSecret(profile: HmacProfile, secrets: readonly string[], signatures: readonly string[], body: Uint8Array, t?: string, id?: string): number {
  for (let i = 0; i < secrets.length; i++) {
    const expected = macText(profile, cachedKey(profile, secrets[i]!), body, t, id);
    let found = false;
    for (const sig of signatures) if (safeEqual(sig, expected)) found = true;
    if (found) return i;
  }
  return -1;
}

function malformedSignature(profile: HmacProfile, header: string, got: string): VerifyResult {
  const want = `${signatureLength(profile)} ${profile.encoding === 'hex' ? 'hex' : 'base64'} characters (HMAC-${profile.algorithm.toUpperCase()})`;
  return { status: 'malformed', valid: false, header, reason: `${header} is not a ${profile.label} signature: expected ${want}, got ${got.length} characters${sameLengthNote(profile, got)}` };
}

/** Why a signature of the right length is still malformed: "expected 44, got 44" alone reads as a contradiction. */
function sameLengthNote(profile: HmacProfile, got: string): string {
  if (got.length !== signatureLength(profile)) return '';
  if (profile.encoding === 'hex') return ', not all of them hex';
  return /[-_]/.test(got) ? ' in base64url (- and _), not base64 (+ and /)' : ', not all of them base64';
}

/** The timestamp header as sent (untrimmed) and the name it came by. */
/** The timestamp header a delivery carries for this profile (Standard Webhooks' under Svix's name too). */
export function timestampHeader(profile: HmacProfile, headers: Record<string, string>): { name: string; value: string } | undefined {
  if (!profile.timestampHeader) return undefined;
  const names = [profile.timestampHeader];
  const svix = SVIX_HEADERS[profile.timestampHeader];
  if (svix) names.push(svix);
  return lookup(headers, names);
}

function timestampSource(profile: HmacProfile): string {
  if (profile.list === 'stripe') return `"t=" in ${profile.header}`;
  return `${profile.timestampHeader} header, or --timestamp`;
}
