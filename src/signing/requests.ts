// Signing and verifying a request for a provider's spec, or for the scheme that overrides it: the registry picks the
// scheme, the scheme does the work.
import { UsageError } from '../errors.js';
import type { SigningSpec } from '../providers/types.js';
import { schemeFor } from './registry.js';
import type { RequestParts, SignedRequest, SignOptions, VerifyOptions, VerifyResult } from './types.js';

/** The headers (and query parameters) a provider adds to a request for exactly these bytes. */
export function signRequest(spec: SigningSpec, body: Uint8Array, options: SignOptions = {}): SignedRequest {
  const choice = schemeFor(spec, options.scheme);
  if (!choice) throw new UsageError('unsupported_scheme', `unknown signing scheme ${options.scheme ?? spec.scheme}`);
  return choice.scheme.sign(body, options, choice.own);
}

/** Checks one request against the candidate secrets in constant time. Never throws on bad input. */
export function verifyRequest(spec: SigningSpec, req: RequestParts, options: VerifyOptions): VerifyResult {
  const choice = schemeFor(spec, options.scheme);
  if (!choice) return { status: 'no-secret', valid: false, reason: `unknown signing scheme ${options.scheme ?? spec.scheme}` };
  return choice.scheme.verify(req, options, choice.own);
}
