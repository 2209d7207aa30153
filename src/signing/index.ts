import type { SigningSpec } from '../providers/types.js';
import { UsageError } from '../output/errors.js';
import { signApiKey, signBasic, signWebEngage, verifyApiKey, verifyBasic, verifyWebEngage } from './schemes/credentials.js';
import { signHmac, verifyHmac } from './schemes/hmac-scheme.js';
import { profileOf } from './schemes/profile.js';
import type { RequestParts, SignedRequest, SignOptions, VerifyOptions, VerifyResult } from './types.js';

export type * from './types.js';
export { safeEqual } from './hmac.js';
export { profileOf, DEFAULT_TOLERANCE, type HmacProfile } from './schemes/profile.js';
export { secretProblem } from './schemes/hmac-scheme.js';

/** Generic schemes: they always sign, so a secret is required. */
const GENERIC = new Set(['standard-webhooks', 'stripe', 'github', 'shopify', 'slack', 'hmac']);

/** The headers (and query parameters) a provider adds to a request for exactly these bytes. */
export function signRequest(spec: SigningSpec, body: Uint8Array, options: SignOptions = {}): SignedRequest {
  const scheme = options.scheme ?? spec.scheme;
  // An overriding --scheme must not inherit the provider's header or algorithm.
  const own = options.scheme === undefined || options.scheme === spec.scheme ? spec : undefined;
  switch (scheme) {
    case 'segment': {
      const signed = options.secret !== undefined ? signHmac(profileOf('segment')!, body, options, false) : { headers: {}, query: {}, notes: [] };
      if (options.apiKey !== undefined) signed.headers['X-API-KEY'] = options.apiKey;
      if (options.secret === undefined && options.apiKey === undefined) {
        signed.notes.push('no --secret (X-Signature) or --api-key (X-API-KEY) given: the request is unauthenticated');
      }
      return signed;
    }
    case 'api-key':
      return signApiKey(options);
    case 'webengage':
      return signWebEngage(options);
    case 'basic':
      return signBasic(options);
    case 'none':
      return { headers: {}, query: {}, notes: ['this provider sends no signature (keep the URL secret and use HTTPS)'] };
    default: {
      const profile = profileOf(scheme, own, options.custom);
      if (!profile) throw new UsageError('unsupported_scheme', `unknown signing scheme ${scheme}`);
      return signHmac(profile, body, options, GENERIC.has(scheme) || (own?.secretRequired ?? false));
    }
  }
}

/** Checks one request against the candidate secrets in constant time. Never throws on bad input. */
export function verifyRequest(spec: SigningSpec, req: RequestParts, options: VerifyOptions): VerifyResult {
  const scheme = options.scheme ?? spec.scheme;
  const own = options.scheme === undefined || options.scheme === spec.scheme ? spec : undefined;
  switch (scheme) {
    case 'segment':
      // Segment's own signature when a shared secret is configured; CustomerGlu's endpoints take an X-API-KEY.
      if (options.secrets.length === 0 && options.apiKey !== undefined) return verifyApiKey(req, options);
      // With a shared secret, X-Signature is required: an X-API-KEY alone does not prove the delivery came from Segment.
      if (options.secrets.length === 0 && options.signature === undefined && req.headers['x-signature'] === undefined && req.headers['x-api-key'] !== undefined) {
        return verifyApiKey(req, options);
      }
      return verifyHmac(profileOf('segment')!, req, options);
    case 'api-key':
      return verifyApiKey(req, options);
    case 'webengage':
      return verifyWebEngage(req, options);
    case 'basic':
      return verifyBasic(req, options);
    case 'none':
      return { status: 'unsigned', valid: true, reason: 'this provider does not sign deliveries' };
    default: {
      const profile = profileOf(scheme, own, options.custom);
      if (!profile) return { status: 'no-secret', valid: false, reason: `unknown signing scheme ${scheme}` };
      return verifyHmac(profile, req, options);
    }
  }
}
export { explain, firstDifference, type Explanation, type Finding, type ExplainMatch, type ExplainCause } from './explain/index.js';
