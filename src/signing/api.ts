// The library's signing API: sign, verify, explain. Synchronous, so a receiver can call verify on its hot path;
// verifyWebRequest reads a WHATWG Request's body first. Verifying never throws on bad input: whatever a
// receiver's framework hands over (a fetch Headers object, null header values, a parsed body, an unset secret),
// the answer is a result that says what is wrong.
import type { ProviderDef, SchemeId, SigningSpec } from '../providers/types.js';
import { UsageError } from '../errors.js';
import { explain as explainRequest, type Explanation } from './explain/index.js';
import { onForget } from './memo.js';
import { schemeById } from './registry.js';
import { signRequest, verifyRequest } from './requests.js';
import { DEFAULT_TOLERANCE } from './schemes/profile.js';
import type { RequestParts, SignedRequest, SignOptions, VerifyOptions, VerifyResult } from './types.js';

/** A provider (from loadProvider), its signing spec, or a scheme id ("github", "standard-webhooks", "customerglu", …). */
export type SigningTarget = ProviderDef | SigningSpec | SchemeId;

/** A fetch `Headers` object, or anything shaped like one. */
export interface HeadersLike {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
}

/** Header values as frameworks hand them over: Node's string[] for repeats, null from `Headers.get()`. */
export type HeaderRecord = Record<string, string | string[] | number | null | undefined>;

/** A request as a receiver has it: any header case, a fetch Headers object, body as bytes or text. */
export interface IncomingParts {
  headers: HeaderRecord | HeadersLike;
  query?: Record<string, string | string[] | undefined> | URLSearchParams;
  /** The raw bytes exactly as received (a parsed object cannot be verified: its bytes are gone). */
  body: Uint8Array | ArrayBuffer | string;
}

export type LibraryVerifyOptions = Omit<VerifyOptions, 'secrets'> & { secrets?: string[]; secret?: string };

/** The parts of a WHATWG Request that verifying reads (a `Request` from fetch, Next.js, Hono, Deno, Bun…). */
export interface WebRequestLike {
  url: string;
  headers: HeadersLike;
  clone(): { arrayBuffer(): Promise<ArrayBuffer> };
}

const specCache = new Map<string, SigningSpec>();
onForget(() => specCache.clear());

function specOf(target: SigningTarget): SigningSpec {
  if (typeof target !== 'string') return 'signing' in target ? target.signing : target;
  let spec = specCache.get(target);
  if (!spec) {
    const scheme = schemeById(target);
    if (!scheme) throw new UsageError('unknown_scheme', `unknown scheme "${target}": pass a scheme id, a SigningSpec, or a provider from await loadProvider(id)`);
    // A scheme named alone signs every delivery when it needs a secret (a provider's spec may say otherwise).
    spec = { scheme: scheme.id, secretRequired: scheme.kind === 'hmac' && scheme.needs.secret === 'required', description: target };
    specCache.set(target, spec);
  }
  return spec;
}

/** Bad input, said as a result: verifying never throws. */
const unreadable = (reason: string): VerifyResult => ({ status: 'malformed', valid: false, reason });

const isHeadersLike = (h: unknown): h is HeadersLike => typeof h === 'object' && h !== null && typeof (h as HeadersLike).get === 'function' && typeof (h as HeadersLike).forEach === 'function';
const isWebRequest = (r: unknown): r is WebRequestLike => typeof r === 'object' && r !== null && typeof (r as WebRequestLike).clone === 'function' && typeof (r as WebRequestLike).url === 'string' && isHeadersLike((r as WebRequestLike).headers);

/** Header names lower-cased, repeats joined, nulls dropped; the same object back when it already is (the common case). */
function normalize(headers: unknown): Record<string, string> {
  if (typeof headers !== 'object' || headers === null) return {};
  if (isHeadersLike(headers)) {
    const out: Record<string, string> = {};
    headers.forEach((value, name) => (out[name.toLowerCase()] = value));
    return out;
  }
  const record = headers as HeaderRecord;
  for (const k in record) {
    if (typeof record[k] !== 'string' || k !== k.toLowerCase()) {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(record)) {
        const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : Array.isArray(value) ? value.filter((v) => typeof v === 'string').join(', ') : undefined;
        if (text !== undefined) out[name.toLowerCase()] = text;
      }
      return out;
    }
  }
  return record as Record<string, string>;
}

function normalizeQuery(query: unknown): Record<string, string> | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  const out: Record<string, string> = {};
  if (query instanceof URLSearchParams) {
    for (const [k, v] of query) if (!(k in out)) out[k] = v;
    return out;
  }
  for (const [k, v] of Object.entries(query)) {
    const text = typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
    if (text !== undefined) out[k] = text;
  }
  return out;
}

/** The body as bytes, or why it cannot be verified. */
function bodyBytes(body: unknown): Uint8Array | string {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body === undefined || body === null) return 'no body given: pass the raw body bytes exactly as received';
  if (typeof (body as { getReader?: unknown }).getReader === 'function' || typeof (body as { pipe?: unknown }).pipe === 'function') {
    return 'the body is a stream: read it to the end first (await request.arrayBuffer()), or use await verifyWebRequest(target, request, options)';
  }
  return 'the body is a parsed object, not the raw bytes: a signature covers the exact bytes received, which parsing loses; pass the raw body (express.raw({ type: "application/json" }), or await request.text())';
}

function parts(req: unknown): RequestParts | string {
  if (typeof req !== 'object' || req === null) return 'no request given: pass { headers, body }';
  if (isWebRequest(req)) {
    return 'a WHATWG Request\'s body can only be read asynchronously: use await verifyWebRequest(target, request, options), or pass { headers: request.headers, body: await request.text() }';
  }
  const r = req as Partial<IncomingParts>;
  const body = bodyBytes(r.body);
  if (typeof body === 'string') return body;
  const out: RequestParts = { headers: normalize(r.headers), body };
  const query = r.query === undefined ? undefined : normalizeQuery(r.query);
  if (query) out.query = query;
  return out;
}

const finite = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
const TEXT_OPTIONS = ['signature', 'apiKey', 'user', 'licenseCode', 'id'] as const;

/** True when the options can be used as they are (the hot path: `{ secrets: [s] }` made once by a receiver). */
function wellFormed(o: LibraryVerifyOptions): boolean {
  if (o.secret !== undefined || !Array.isArray(o.secrets)) return false;
  for (const s of o.secrets) if (typeof s !== 'string' || s.length === 0) return false;
  if ((o.tolerance !== undefined && !finite(o.tolerance)) || (o.now !== undefined && !finite(o.now))) return false;
  if (o.timestamp !== undefined && typeof o.timestamp !== 'string' && !finite(o.timestamp)) return false;
  for (const key of TEXT_OPTIONS) if (o[key] !== undefined && typeof o[key] !== 'string') return false;
  return true;
}

/** Only what is well-formed is passed on: an unset secret is no secret, a NaN tolerance is the default one. */
function verifyOptions(options: LibraryVerifyOptions | undefined): VerifyOptions {
  const o = (typeof options === 'object' && options !== null ? options : {}) as LibraryVerifyOptions;
  if (wellFormed(o)) return o as VerifyOptions;
  const secrets = [o.secret, ...(Array.isArray(o.secrets) ? o.secrets : [])].filter((s): s is string => typeof s === 'string' && s.length > 0);
  const v: VerifyOptions = { ...o, secrets };
  delete (v as LibraryVerifyOptions).secret;
  if (o.tolerance !== undefined && !finite(o.tolerance)) v.tolerance = DEFAULT_TOLERANCE;
  if (o.now !== undefined && !finite(o.now)) delete v.now;
  for (const key of TEXT_OPTIONS) if (o[key] !== undefined && typeof o[key] !== 'string') delete v[key];
  if (o.timestamp !== undefined && typeof o.timestamp !== 'string' && !finite(o.timestamp)) delete v.timestamp;
  return v;
}

/** The bytes to sign: text as its UTF-8 bytes, or bytes in any form verify reads (an ArrayBuffer from fetch too). */
function bytesToSign(body: unknown): Uint8Array {
  const bytes = bodyBytes(body);
  if (typeof bytes === 'string') throw new UsageError('bad_body', 'sign needs the body as text or bytes (a string, Buffer, Uint8Array or ArrayBuffer): exactly the bytes you send');
  return bytes;
}

/** The headers and query parameters a provider (or scheme) sends for exactly these bytes. */
export function sign(target: SigningTarget, body: Uint8Array | ArrayBuffer | string, options: SignOptions = {}): SignedRequest {
  return signRequest(specOf(target), bytesToSign(body), options);
}

/**
 * Checks a received request in constant time. Takes headers as a plain object (any case, Node's string[] values,
 * nulls) or a fetch `Headers`. Never throws: bad input (a parsed body, a stream, an unset secret, an unknown scheme)
 * is a result with `valid: false` and a reason. For a WHATWG `Request`, use `verifyWebRequest`.
 */
export function verify(target: SigningTarget, req: IncomingParts, options: LibraryVerifyOptions): VerifyResult {
  try {
    const p = parts(req);
    if (typeof p === 'string') return unreadable(p);
    return verifyRequest(specOf(target), p, verifyOptions(options));
  } catch (e) {
    return e instanceof UsageError ? { status: 'no-secret', valid: false, reason: e.message } : unreadable(`cannot verify: ${(e as Error)?.message ?? String(e)}`);
  }
}

/**
 * Verifies a WHATWG `Request` (fetch, Next.js route handlers, Hono, Deno, Bun): reads a clone of its body, so the
 * caller can still read the original, and its query from the URL. Never rejects.
 */
export async function verifyWebRequest(target: SigningTarget, request: WebRequestLike, options: LibraryVerifyOptions): Promise<VerifyResult> {
  if (!isWebRequest(request)) return unreadable('not a WHATWG Request: pass a Request, or use verify(target, { headers, body }, options)');
  let body: Uint8Array;
  try {
    body = new Uint8Array(await request.clone().arrayBuffer());
  } catch (e) {
    return unreadable(`cannot read the request body (${(e as Error)?.message ?? e}): was it already read? pass verify(target, { headers: request.headers, body }, options) the bytes you read`);
  }
  let query: URLSearchParams | undefined;
  try {
    query = new URL(request.url).searchParams;
  } catch {
    // Not a URL: no query.
  }
  return verify(target, { headers: request.headers, ...(query ? { query } : {}), body }, options);
}

/** Why a request does not verify: the transformation that reproduces its signature, and the fix. */
export function explain(target: SigningTarget, req: IncomingParts, options: LibraryVerifyOptions): Explanation {
  const tried = { bodies: 0, secrets: 0, templates: 0, algorithms: [], signatures: 0, hmacs: 0 };
  try {
    const p = parts(req);
    if (typeof p === 'string') return { verdict: 'not-checked', result: unreadable(p), summary: `Not checked: ${p}.`, findings: [], tried };
    return explainRequest(specOf(target), p, verifyOptions(options));
  } catch (e) {
    const result = e instanceof UsageError ? { status: 'no-secret' as const, valid: false, reason: e.message } : unreadable(`cannot verify: ${(e as Error)?.message ?? String(e)}`);
    return { verdict: 'not-checked', result, summary: `Not checked: ${result.reason}.`, findings: [], tried };
  }
}
