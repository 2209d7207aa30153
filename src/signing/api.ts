// The library's signing API: sign, verify, explain. Synchronous, so a receiver can call verify on its hot path.
import type { ProviderDef, SchemeId, SigningSpec } from '../providers/types.js';
import { UsageError } from '../output/errors.js';
import { explain as explainRequest, type Explanation } from './explain/index.js';
import { signRequest, verifyRequest } from './index.js';
import { profileOf } from './schemes/profile.js';
import type { RequestParts, SignedRequest, SignOptions, VerifyOptions, VerifyResult } from './types.js';

/** A provider (from loadProvider), its signing spec, or a scheme id ("github", "standard-webhooks", "customerglu", …). */
export type SigningTarget = ProviderDef | SigningSpec | SchemeId;

/** A request as a receiver has it: any header case, Node's string[] values, body as bytes or text. */
export interface IncomingParts {
  headers: Record<string, string | string[] | undefined>;
  query?: Record<string, string>;
  body: Uint8Array | string;
}

export type LibraryVerifyOptions = Omit<VerifyOptions, 'secrets'> & { secrets?: string[]; secret?: string };

const CREDENTIAL_SCHEMES = new Set<SchemeId>(['segment', 'api-key', 'webengage', 'basic', 'none']);
const specCache = new Map<string, SigningSpec>();

function specOf(target: SigningTarget): SigningSpec {
  if (typeof target !== 'string') return 'signing' in target ? target.signing : target;
  let spec = specCache.get(target);
  if (!spec) {
    if (!profileOf(target as SchemeId) && !CREDENTIAL_SCHEMES.has(target as SchemeId)) {
      throw new UsageError('unknown_scheme', `unknown scheme "${target}": pass a scheme id, a SigningSpec, or a provider from await loadProvider(id)`);
    }
    spec = { scheme: target as SchemeId, secretRequired: profileOf(target as SchemeId) !== undefined && target !== 'segment', description: target };
    specCache.set(target, spec);
  }
  return spec;
}

const toBytes = (body: Uint8Array | string) => (typeof body === 'string' ? Buffer.from(body, 'utf8') : body);

/** Header names lower-cased and repeated values joined; the same object back when it already is (the common case). */
function normalize(headers: IncomingParts['headers']): Record<string, string> {
  for (const k in headers) {
    const v = headers[k];
    if (typeof v !== 'string' || k !== k.toLowerCase()) {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      return out;
    }
  }
  return headers as Record<string, string>;
}

function parts(req: IncomingParts): RequestParts {
  return { headers: normalize(req.headers), ...(req.query ? { query: req.query } : {}), body: toBytes(req.body) };
}

function verifyOptions(options: LibraryVerifyOptions): VerifyOptions {
  if (options.secrets !== undefined && options.secret === undefined) return options as VerifyOptions;
  return { ...options, secrets: [...(options.secret !== undefined ? [options.secret] : []), ...(options.secrets ?? [])] };
}

/** The headers and query parameters a provider (or scheme) sends for exactly these bytes. */
export function sign(target: SigningTarget, body: Uint8Array | string, options: SignOptions = {}): SignedRequest {
  return signRequest(specOf(target), toBytes(body), options);
}

/** Checks a received request in constant time; never throws on a missing or malformed signature. */
export function verify(target: SigningTarget, req: IncomingParts, options: LibraryVerifyOptions): VerifyResult {
  return verifyRequest(specOf(target), parts(req), verifyOptions(options));
}

/** Why a request does not verify: the transformation that reproduces its signature, and the fix. */
export function explain(target: SigningTarget, req: IncomingParts, options: LibraryVerifyOptions): Explanation {
  return explainRequest(specOf(target), parts(req), verifyOptions(options));
}
