// Segment's webhook destination: X-Signature = hex(HMAC-SHA1(shared secret, body)) when a shared secret is set;
// CustomerGlu's endpoint for it checks an X-API-KEY. Two credentials, either or both.
import { explainApiKey } from '../explain/credentials.js';
import type { RequestParts, VerifyOptions } from '../types.js';
import { apiKeyCases } from './api-key.js';
import { verifyApiKey } from './credentials.js';
import { looksLike, profileCache, wrongSecretOf } from './define-hmac.js';
import { secretProblem, signHmac, verifyHmac } from './hmac-scheme.js';
import type { Scheme } from './types.js';

const profile = profileCache(() => ({ label: 'Segment', algorithm: 'sha1', encoding: 'hex', prefix: '', header: 'X-Signature', altHeaders: [], content: 'body', key: 'utf8' }));

/** Which credential a verification checks: X-API-KEY when that is all there is to check, else Segment's signature. */
function byApiKey(req: RequestParts, options: VerifyOptions): boolean {
  if (options.secrets.length === 0 && options.apiKey !== undefined) return true;
  // With a shared secret, X-Signature is required: an X-API-KEY alone does not prove the delivery came from Segment.
  return options.secrets.length === 0 && options.signature === undefined && req.headers['x-signature'] === undefined && req.headers['x-api-key'] !== undefined;
}

export const segment: Scheme = {
  id: 'segment',
  label: 'Segment',
  kind: 'hmac',
  summary: 'X-Signature: hex HMAC-SHA1 of the body when a shared secret is set; X-API-KEY (--api-key) for CustomerGlu',
  needs: { oneOf: [['secret'], ['apiKey']] },
  needsWhat: 'signs with its shared secret (X-Signature) and/or sends your CustomerGlu key (X-API-KEY)',
  identifies: [],
  reads: () => ['x-signature', 'x-api-key'],
  // Segment's signature has one form whatever the provider spec says.
  profile: () => profile(),
  sign(body, options) {
    const signed = options.secret !== undefined || options.secrets?.length ? signHmac(profile(), body, options, false) : { headers: {}, query: {}, notes: [] };
    if (options.apiKey !== undefined) signed.headers['X-API-KEY'] = options.apiKey;
    if (options.secret === undefined && !options.secrets?.length && options.apiKey === undefined) {
      signed.notes.push('no --secret (X-Signature) or --api-key (X-API-KEY) given: the request is unauthenticated');
    }
    return signed;
  },
  verify: (req, options) => (byApiKey(req, options) ? verifyApiKey(req, options) : verifyHmac(profile(), req, options)),
  check(req, credentials) {
    // The listener reports both: Segment's own X-Signature (with a shared secret) and CustomerGlu's X-API-KEY.
    const signature = req.headers['x-signature'] !== undefined
      ? verifyHmac(profile(), req, { secrets: credentials.secrets })
      : credentials.secrets.length > 0
        ? { status: 'missing' as const, valid: false, reason: 'no X-Signature header' }
        : { status: 'no-secret' as const, valid: false, reason: 'no secret configured: signature not checked' };
    if (credentials.apiKey === undefined) return { signature };
    return { signature, auth: { kind: 'api-key', result: verifyApiKey(req, { secrets: [], apiKey: credentials.apiKey }) } };
  },
  secretProblem: (secret) => secretProblem(profile(), secret),
  wrongSecret: (secrets) => wrongSecretOf(profile(), secrets),
  conformance: {
    family(given, forList) {
      if (!forList && given.secrets === 0 && given.apiKey) return { kind: 'credential', cases: apiKeyCases };
      return { kind: 'signature', profile: profile(), ...(forList || given.apiKey ? { credential: apiKeyCases } : {}) };
    },
  },
  explain: (req, options, result, tried) => (result.header === 'X-API-KEY' ? explainApiKey(req, options, result, tried) : undefined),
  exported: () => ({ kind: 'hmac', profile: profile() }),
  looksLike: () => looksLike(profile()),
};
