import type { SigningSpec } from '../providers/types.js';
import { UsageError } from '../output/errors.js';
import { hmac, md5hex, safeEqual } from './hmac.js';
import type { RequestParts, SignedRequest, SignOptions, VerifyOptions, VerifyResult } from './types.js';

export type * from './types.js';
export { safeEqual } from './hmac.js';

/**
 * The headers (and query parameters) a provider adds to a request for exactly these bytes.
 * Provider schemes only for now; the generic schemes (--scheme) come with issue 3.
 */
export function signRequest(spec: SigningSpec, body: Uint8Array, options: SignOptions = {}): SignedRequest {
  const scheme = options.scheme ?? spec.scheme;
  const headers: Record<string, string> = {};
  const query: Record<string, string> = {};
  const notes: string[] = [];
  switch (scheme) {
    case 'customerglu':
    case 'mgpass': {
      const header = spec.header ?? (scheme === 'customerglu' ? 'X-CG-SIGNATURE' : 'X-Webhook-Signature');
      if (options.secret === undefined) {
        if (spec.secretRequired) throw new UsageError('missing_secret', `${scheme} signs every delivery: pass --secret (or set CG_HOOKS_SECRET)`);
        notes.push(`no secret given: ${header} is not sent (the provider sends it only when a token is configured)`);
        break;
      }
      headers[header] = hmac(scheme === 'customerglu' ? 'sha1' : 'sha256', options.secret, body).toString('hex');
      break;
    }
    case 'segment':
      if (options.secret !== undefined) headers['X-Signature'] = hmac('sha1', options.secret, body).toString('hex');
      if (options.apiKey !== undefined) headers['X-API-KEY'] = options.apiKey;
      if (options.secret === undefined && options.apiKey === undefined) notes.push('no --secret (X-Signature) or --api-key (X-API-KEY) given: the request is unauthenticated');
      break;
    case 'api-key':
      if (options.apiKey === undefined && options.secret === undefined) {
        notes.push('no --api-key given: X-API-KEY is not sent and CustomerGlu would reject the request');
      } else headers['X-API-KEY'] = options.apiKey ?? options.secret!;
      break;
    case 'webengage': {
      if (options.licenseCode === undefined || options.secret === undefined) {
        notes.push('WebEngage adds ?eventType=&licenseCode=&secret= to the URL: pass --license-code and --secret to compute them');
        break;
      }
      if (options.eventType !== undefined) query.eventType = options.eventType;
      query.licenseCode = options.licenseCode;
      query.secret = md5hex(`${options.licenseCode}:${options.secret}`);
      break;
    }
    case 'basic':
      if (options.user !== undefined) headers.Authorization = `Basic ${Buffer.from(options.user, 'utf8').toString('base64')}`;
      else notes.push('Rehook does not sign deliveries; basic auth (--user) and custom headers (-H) are optional');
      break;
    case 'none':
      notes.push('this provider sends no signature (keep the URL secret and use HTTPS)');
      break;
    default:
      throw new UsageError('unsupported_scheme', `scheme ${scheme} is not implemented yet`);
  }
  return { headers, query, notes };
}

function headerOf(headers: Record<string, string>, names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = headers[name.toLowerCase()];
    if (value !== undefined) return { name, value };
  }
  return undefined;
}

/** Checks one request against the candidate secrets in constant time. Never throws on bad input. */
export function verifyRequest(spec: SigningSpec, req: RequestParts, options: VerifyOptions): VerifyResult {
  const scheme = options.scheme ?? spec.scheme;
  const secrets = options.secrets;
  switch (scheme) {
    case 'customerglu':
    case 'mgpass':
    case 'segment': {
      const names = scheme === 'segment' ? ['X-Signature'] : [spec.header ?? '', ...(spec.altHeaders ?? [])].filter(Boolean);
      const found = options.signature !== undefined ? { name: 'signature', value: options.signature } : headerOf(req.headers, names);
      if (secrets.length === 0) return { status: 'no-secret', valid: false, reason: 'no secret configured: signature not checked' };
      if (!found) return { status: 'missing', valid: false, reason: `no ${names.join(' or ')} header` };
      const algorithm = scheme === 'mgpass' ? 'sha256' : 'sha1';
      const given = found.value.trim();
      if (!/^[0-9a-fA-F]+$/.test(given)) return { status: 'malformed', valid: false, header: found.name, reason: `${found.name} is not a hex digest` };
      for (let i = 0; i < secrets.length; i++) {
        if (safeEqual(given, hmac(algorithm, secrets[i]!, req.body).toString('hex'))) {
          return { status: 'valid', valid: true, header: found.name, secretIndex: i, reason: `${found.name} matches` };
        }
      }
      return { status: 'invalid', valid: false, header: found.name, reason: `${found.name} does not match the body` };
    }
    case 'api-key': {
      const key = options.apiKey ?? secrets[0];
      if (key === undefined) return { status: 'no-secret', valid: false, reason: 'no API key configured: not checked' };
      const given = req.headers['x-api-key'];
      if (given === undefined) return { status: 'missing', valid: false, reason: 'no X-API-KEY header' };
      return safeEqual(given, key)
        ? { status: 'valid', valid: true, header: 'X-API-KEY', reason: 'X-API-KEY matches' }
        : { status: 'invalid', valid: false, header: 'X-API-KEY', reason: 'X-API-KEY does not match' };
    }
    case 'webengage': {
      const got = req.query?.secret;
      if (options.licenseCode === undefined || secrets.length === 0) return { status: 'no-secret', valid: false, reason: 'no license code and secret configured: not checked' };
      if (got === undefined) return { status: 'missing', valid: false, reason: 'no secret query parameter' };
      for (let i = 0; i < secrets.length; i++) {
        if (safeEqual(got.toLowerCase(), md5hex(`${options.licenseCode}:${secrets[i]}`))) {
          return { status: 'valid', valid: true, header: 'secret', secretIndex: i, reason: 'secret query parameter matches' };
        }
      }
      return { status: 'invalid', valid: false, header: 'secret', reason: 'secret query parameter does not match md5(licenseCode:secretKey)' };
    }
    case 'basic': {
      if (options.user === undefined) return { status: 'no-secret', valid: false, reason: 'no --user configured: basic auth not checked' };
      const given = req.headers.authorization;
      if (given === undefined) return { status: 'missing', valid: false, reason: 'no Authorization header' };
      const expected = `Basic ${Buffer.from(options.user, 'utf8').toString('base64')}`;
      return safeEqual(given, expected)
        ? { status: 'valid', valid: true, header: 'Authorization', reason: 'basic auth matches' }
        : { status: 'invalid', valid: false, header: 'Authorization', reason: 'basic auth does not match' };
    }
    case 'none':
      return { status: 'unsigned', valid: true, reason: 'this provider does not sign deliveries' };
    default:
      return { status: 'no-secret', valid: false, reason: `scheme ${scheme} is not implemented yet` };
  }
}
