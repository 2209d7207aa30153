import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { md5hex } from '../hmac.js';
import type { RequestParts, SignedRequest, SignOptions, VerifyOptions, VerifyResult } from '../types.js';

// Schemes that send a credential rather than a signature of the body.

/** How `listen --save` stores a credential header ("****(n chars)"): there is nothing left to check. */
const MASKED = /^\*{4}\(\d+ chars\)$/;
// A credential is compared as HMAC digests under a key made once per process: both sides are 32 bytes whatever the
// credential's length, so neither the time taken nor an early length check tells a caller how long the key is
// (comparing the texts would: unequal lengths return at once).
const COMPARE_KEY = randomBytes(32);
const digestOf = (text: string) => createHmac('sha256', COMPARE_KEY).update(text, 'utf8').digest();

/** Constant-time equality of two credentials, independent of their lengths. */
export function credentialEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digestOf(given), digestOf(expected));
}

const maskedReason = (header: string) => `the ${header} in this capture was masked when it was saved (cg-hooks never writes credentials to disk)`;

export function signApiKey(options: SignOptions): SignedRequest {
  const key = options.apiKey ?? options.secret;
  if (key === undefined) return { headers: {}, query: {}, notes: ['no --api-key given: X-API-KEY is not sent and CustomerGlu would reject the request'] };
  return { headers: { 'X-API-KEY': key }, query: {}, notes: [] };
}

export function verifyApiKey(req: RequestParts, options: VerifyOptions): VerifyResult {
  const keys = options.apiKey !== undefined ? [options.apiKey] : options.secrets;
  if (keys.length === 0) return { status: 'no-secret', valid: false, reason: 'no API key configured: not checked' };
  const given = options.signature ?? req.headers['x-api-key'];
  if (given === undefined) return { status: 'missing', valid: false, reason: 'no X-API-KEY header' };
  if (MASKED.test(given.trim())) return { status: 'missing', valid: false, header: 'X-API-KEY', reason: maskedReason('X-API-KEY') };
  // HTTP strips the spaces around a header value, so a key pasted with a stray space must still match.
  for (let i = 0; i < keys.length; i++) {
    if (credentialEqual(given.trim(), keys[i]!.trim())) return { status: 'valid', valid: true, header: 'X-API-KEY', reason: 'X-API-KEY matches', ...(options.apiKey === undefined ? { secretIndex: i } : {}) };
  }
  return { status: 'invalid', valid: false, header: 'X-API-KEY', reason: 'X-API-KEY does not match' };
}

export function signWebEngage(options: SignOptions): SignedRequest {
  if (options.licenseCode === undefined || options.secret === undefined) {
    return { headers: {}, query: {}, notes: ['WebEngage adds ?eventType=&licenseCode=&secret= to the URL: pass --license-code and --secret to compute them'] };
  }
  const query: Record<string, string> = {};
  if (options.eventType !== undefined) query.eventType = options.eventType;
  query.licenseCode = options.licenseCode;
  query.secret = md5hex(`${options.licenseCode}:${options.secret}`);
  return { headers: {}, query, notes: [] };
}

export function verifyWebEngage(req: RequestParts, options: VerifyOptions): VerifyResult {
  // The license code is public (it travels in the URL); what proves the sender is the secret key inside the md5.
  const queryLicense = req.query?.licenseCode;
  const licenseCode = options.licenseCode ?? queryLicense;
  if (licenseCode === undefined || options.secrets.length === 0) {
    return { status: 'no-secret', valid: false, reason: 'no license code (--license-code or the licenseCode query parameter) and secret: not checked' };
  }
  const got = options.signature ?? req.query?.secret;
  if (got === undefined) return { status: 'missing', valid: false, reason: 'no secret query parameter' };
  if (MASKED.test(got.trim())) return { status: 'missing', valid: false, header: 'secret', reason: maskedReason('secret query parameter') };
  if (queryLicense !== undefined && options.licenseCode !== undefined && queryLicense !== options.licenseCode) {
    return { status: 'invalid', valid: false, header: 'licenseCode', reason: `licenseCode query parameter "${queryLicense}" is not yours (${options.licenseCode})` };
  }
  for (let i = 0; i < options.secrets.length; i++) {
    if (credentialEqual(got.trim().toLowerCase(), md5hex(`${licenseCode}:${options.secrets[i]}`))) {
      return { status: 'valid', valid: true, header: 'secret', secretIndex: i, reason: 'secret query parameter matches' };
    }
  }
  return { status: 'invalid', valid: false, header: 'secret', reason: 'secret query parameter does not match md5(licenseCode:secretKey)' };
}

export function basicValue(user: string): string {
  return `Basic ${Buffer.from(user, 'utf8').toString('base64')}`;
}

export function signBasic(options: SignOptions): SignedRequest {
  if (options.user !== undefined) return { headers: { Authorization: basicValue(options.user) }, query: {}, notes: [] };
  return { headers: {}, query: {}, notes: ['Rehook does not sign deliveries; basic auth (--user) and custom headers (-H) are optional'] };
}

export function verifyBasic(req: RequestParts, options: VerifyOptions): VerifyResult {
  if (options.user === undefined) return { status: 'no-secret', valid: false, reason: 'no --user configured: basic auth not checked' };
  const given = options.signature ?? req.headers.authorization;
  if (given === undefined) return { status: 'missing', valid: false, reason: 'no Authorization header' };
  if (MASKED.test(given.trim())) return { status: 'missing', valid: false, header: 'Authorization', reason: maskedReason('Authorization') };
  return credentialEqual(given.trim(), basicValue(options.user))
    ? { status: 'valid', valid: true, header: 'Authorization', reason: 'basic auth matches' }
    : { status: 'invalid', valid: false, header: 'Authorization', reason: 'basic auth does not match' };
}
