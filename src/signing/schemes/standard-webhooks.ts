// Standard Webhooks (and Svix): webhook-id, webhook-timestamp, and webhook-signature, a space-separated list of
// "v1,<base64 HMAC-SHA256 under the whsec_ key>" and "v1a,<base64 ed25519 under the whsk_ key>" over
// "{id}.{timestamp}.{body}". A whsec_ secret signs and verifies v1; a whsk_ secret key signs v1a, and its whpk_
// public key verifies it; a key ring mixes them in one header.
import { UsageError } from '../../errors.js';
import { explainAsymmetric } from '../explain/asymmetric.js';
import { generateKeyPair, generateSecret, parsePublicKey, parseSecretKey, signV1a } from '../ed25519.js';
import type { RequestParts, SignOptions, VerifyOptions, VerifyResult } from '../types.js';
import { defineHmacScheme } from './define-hmac.js';
import { keyOf, macOf, secretProblem as hmacSecretProblem, signHmac, signingKeys, verifyHmac } from './hmac-scheme.js';
import type { HmacProfile } from './profile.js';
import type { Scheme } from './types.js';
import { chooseHeaderSet } from './standard-webhooks-headers.js';
import { verifyAsymmetric } from './standard-webhooks-v1a.js';

const base = defineHmacScheme({
  id: 'standard-webhooks',
  label: 'Standard Webhooks',
  summary: 'webhook-signature: "v1," + base64 HMAC-SHA256 (whsec_ key) or "v1a," + base64 ed25519 (whsk_/whpk_ keys) of "{id}.{timestamp}.{body}"; webhook-id, webhook-timestamp (svix-* too)',
  identifies: ['webhook-signature', 'svix-signature'],
  alwaysSigns: true,
  build: () => ({
    label: 'Standard Webhooks',
    algorithm: 'sha256',
    encoding: 'base64',
    prefix: 'v1,',
    header: 'webhook-signature',
    altHeaders: ['svix-signature'],
    content: 'id.t.body',
    key: 'whsec',
    timestampHeader: 'webhook-timestamp',
    idHeader: 'webhook-id',
    list: 'space',
    signsParsedTimestamp: 'parseInt',
    freshness: { rejectsFuture: true, source: 'the Standard Webhooks specification and its reference libraries reject timestamps too far in the future' },
  }),
});
const profile = base.profile! as (spec?: unknown) => HmacProfile;

/** An ed25519 key (whsk_ secret key, whpk_ public key): a v1a key rather than a v1 secret. */
export const isAsymmetricKey = (key: string) => /^\s*wh(sk|pk)_/.test(key);

function secretProblem(secret: string, use: 'sign' | 'verify'): string | undefined {
  const t = secret.trim();
  if (t.startsWith('whpk_')) {
    if (use === 'sign') return 'a whpk_ public key verifies v1a signatures but cannot make them: sign with the whsk_ secret key';
    const parsed = parsePublicKey(t);
    return parsed.ok ? undefined : parsed.reason;
  }
  if (t.startsWith('whsk_')) {
    const parsed = parseSecretKey(t);
    return parsed.ok ? undefined : parsed.reason;
  }
  return hmacSecretProblem(profile(), secret);
}

function sign(body: Uint8Array, options: SignOptions) {
  const keys = signingKeys(options);
  // Stryker disable next-line ConditionalExpression: the general path below signs whsec_ keys the same way; this one skips its callback
  if (!keys.some(isAsymmetricKey)) return signHmac(profile(), body, options, true);
  const p = profile();
  // Each key signs in its own version: v1a for an ed25519 secret key, v1 for a whsec_ secret.
  // Stryker disable next-line BooleanLiteral: a key is there (an ed25519 one), so requiring one changes nothing
  return signHmac(p, body, options, true, (secret, t, id) => {
    if (!isAsymmetricKey(secret)) return `${p.prefix}${macOf(p, keyOf(p, secret), body, t, id).toString('base64')}`;
    const signed = signV1a(secret, { id, timestamp: t, body });
    // Stryker disable next-line ConditionalExpression: unreachable, secretProblem refused a bad key before signing
    if (!signed.ok) throw new Error(signed.reason);
    return signed.value;
  });
}

function verifyVersions(req: RequestParts, options: VerifyOptions): VerifyResult {
  // HMAC keys only: the v1 verifier, as the reference libraries do it. An ed25519 key anywhere: both versions.
  if (!options.secrets.some(isAsymmetricKey)) return verifyHmac(profile(), req, options);
  return verifyAsymmetric(profile(), req, options);
}

/** A delivery with both header sets (webhook-*, svix-*) that differ is read as one library reads it, and says which. */
function verify(req: RequestParts, options: VerifyOptions): VerifyResult {
  // A --signature stands for the webhook-signature header (verifyHmac names it so): the webhook-* set may be whole.
  const set = chooseHeaderSet(options.signature === undefined ? req.headers : { ...req.headers, 'webhook-signature': options.signature });
  if (!set) return verifyVersions(req, options);
  const result = verifyVersions({ ...req, headers: set.headers }, options);
  // Values given by the caller (--signature, --id, --timestamp) replace headers: the note would name what was not read.
  const given = options.signature !== undefined || options.id !== undefined || options.timestamp !== undefined;
  return given || result.status === 'no-secret' ? result : { ...result, reason: `${result.reason} (${set.note})` };
}

/**
 * The library's verify: a whsec_ text that is no key ("whsec_", "whsec_==", a blank placeholder in an environment
 * variable) decodes to an empty HMAC key, with which anyone can sign: it is never used, so a forgery made with it is
 * not "valid". (The CLI refuses such a --secret before verifying; v1a keys say their own problems.)
 */
function verifyWithUsableKeys(req: RequestParts, options: VerifyOptions): VerifyResult {
  const usable = options.secrets.filter((s) => isAsymmetricKey(s) || keyOf(profile(), s).length > 0);
  if (usable.length === options.secrets.length) return verify(req, options);
  if (usable.length === 0) {
    return { status: 'no-secret', valid: false, reason: 'no usable Standard Webhooks key: the secret decodes to no key bytes (whsec_ + the base64 of the key); anyone could sign with an empty key' };
  }
  const result = verify(req, { ...options, secrets: usable });
  // secretIndex counts in the ring as given.
  if (result.secretIndex !== undefined) result.secretIndex = options.secrets.indexOf(usable[result.secretIndex]!);
  return result;
}

/**
 * The listener's check. Its key ring may hold other schemes' secrets (auto-detection picks this scheme from the
 * delivery's headers): only keys in this scheme's formats are used. A text secret base64-decoded as a whsec_ key
 * could decode to almost nothing (an HMAC anyone can compute), so with no usable key the delivery is refused.
 */
function check(req: RequestParts, secrets: string[]): VerifyResult {
  const usable = secrets.filter((s) => secretProblem(s, 'verify') === undefined);
  if (secrets.length > 0 && usable.length === 0) {
    const header = req.headers['webhook-signature'] === undefined && req.headers['svix-signature'] !== undefined ? 'svix-signature' : 'webhook-signature';
    return { status: 'invalid', valid: false, header, reason: 'no configured --secret is a Standard Webhooks key (whsec_ + base64, or whpk_ for v1a): the signature cannot be checked' };
  }
  const result = verify(req, { secrets: usable });
  // secretIndex counts in the ring as configured.
  if (result.secretIndex !== undefined) result.secretIndex = secrets.indexOf(usable[result.secretIndex]!);
  return result;
}

export const standardWebhooks: Scheme = {
  ...base,
  sign: (body, options) => {
    for (const key of signingKeys(options)) {
      const problem = secretProblem(key, 'sign');
      if (problem) throw new UsageError('bad_secret', `--secret: ${problem}`);
    }
    return sign(body, options);
  },
  verify: (req, options) => verifyWithUsableKeys(req, options),
  check: (req, credentials) => ({ signature: check(req, credentials.secrets) }),
  secretProblem,
  // Stryker disable next-line ConditionalExpression,EqualityOperator: an empty ring reads secrets[0] as undefined, not a key either way
  wrongSecret: (secrets) => (secrets.length > 0 && isAsymmetricKey(secrets[0]!) ? wrongKeyPair(secrets) : base.wrongSecret!(secrets)),
  explain: (req, options, result, tried) => (options.secrets.some(isAsymmetricKey) ? explainAsymmetric(profile(), { ...req, headers: chooseHeaderSet(req.headers)?.headers ?? req.headers }, options, result, tried) : undefined),
  asymmetric: true,
  keygen: (asymmetric) => (asymmetric ? generateKeyPair() : { secret: generateSecret() }),
  looksLike: () => 'Standard Webhooks signatures look like v1,<base64> or v1a,<base64> (with --id and --timestamp)',
};

/** A whsk_ key from a seed derived from the real keys: a wrong key, the same every run. */
function wrongKeyPair(secrets: string[]): string {
  return `whsk_${base.wrongSecret!(secrets).slice('whsec_'.length)}`;
}
