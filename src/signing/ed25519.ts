// Standard Webhooks asymmetric signatures ("v1a", ed25519), and the symmetric "v1" they share a header with.
//
// The spec (standard-webhooks/spec/standard-webhooks.md) says: ed25519; "base64 encoded, prefixed with whsk_
// for the secret key, and whpk_ for the public key"; identifier "v1a"; the signed content, as for v1,
// "{webhook-id}.{webhook-timestamp}.{body}"; webhook-signature is a space-delimited list, so v1 and v1a mix.
// It does not say which raw secret-key form: Svix's server, the spec's reference producer, writes the 64-byte
// ed25519 secret key (32-byte seed || 32-byte public key, as libsodium does) after whsk_; most ed25519 APIs
// take the 32-byte seed. Both are read here (the 64-byte form only when its public half belongs to the seed),
// and keys are generated in the 64-byte form. whpk_ is the 32-byte public key.
//
// node:crypto only. Nothing here throws on bad input: parsers and signers return { ok: false, reason }.
// Timestamp tolerance is the caller's, as for v1: this module checks signatures over given content.
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The parts of a delivery that a Standard Webhooks signature covers. */
export interface SignedMessage {
  id: string;
  timestamp: number | string;
  body: Uint8Array | string;
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** What followed whsk_: the 32-byte seed, or the 64-byte seed || public key. */
  form: 'seed' | 'seed+public';
}

/** Keys for checking a webhook-signature header: whpk_ (or whsk_) for v1a, whsec_ for v1. */
export interface VerificationKeys {
  publicKeys?: string[];
  secrets?: string[];
}

export interface SignatureCheck {
  valid: boolean;
  reason: string;
  /** Which signature in the header (0-based, empty elements not counted) and which key of its version matched. */
  matched?: { version: 'v1' | 'v1a'; signatureIndex: number; keyIndex: number };
  /** Keys that could not be used and header elements that could not be read, in words. */
  problems: string[];
}

// DER framing of a raw ed25519 key (RFC 8410): PKCS#8 for the private seed, SPKI for the public key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

function decodeBase64(text: string, what: string): Result<Buffer> {
  if (text.length === 0) return { ok: false, reason: `${what} is empty after its prefix` };
  if (!BASE64.test(text)) return { ok: false, reason: `${what} is not standard base64 (A-Z a-z 0-9 + /, "=" padding)` };
  return { ok: true, value: Buffer.from(text, 'base64') };
}

function publicRaw(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
}

/** Reads a whsk_ secret key (32-byte seed, or 64-byte seed || public key). */
export function parseSecretKey(text: string): Result<SigningKey> {
  const t = String(text ?? '').trim();
  if (t.startsWith('whpk_')) return { ok: false, reason: 'this is a public key (whpk_): it verifies signatures but cannot make them; sign with the whsk_ secret key' };
  if (t.startsWith('whsec_')) return { ok: false, reason: 'this is a symmetric secret (whsec_, for v1 HMAC signatures); v1a signs with a whsk_ ed25519 secret key' };
  if (!t.startsWith('whsk_')) return { ok: false, reason: 'a v1a secret key starts with whsk_ followed by base64' };
  const raw = decodeBase64(t.slice(5), 'the whsk_ key');
  if (!raw.ok) return raw;
  const bytes = raw.value;
  if (bytes.length !== 32 && bytes.length !== 64) {
    return { ok: false, reason: `the whsk_ key decodes to ${bytes.length} bytes; an ed25519 secret key is 32 or 64 bytes (seed, or seed followed by its public key)` };
  }
  try {
    const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, bytes.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey(privateKey);
    if (bytes.length === 64 && !timingSafeEqual(publicRaw(publicKey), bytes.subarray(32))) {
      return { ok: false, reason: 'the whsk_ key\'s public half does not belong to its seed (the last 32 of its 64 bytes must be the seed\'s public key)' };
    }
    return { ok: true, value: { privateKey, publicKey, form: bytes.length === 64 ? 'seed+public' : 'seed' } };
  } catch {
    return { ok: false, reason: 'the whsk_ key is not a usable ed25519 key' };
  }
}

/** Reads a whpk_ public key (32 bytes); a whsk_ secret key is accepted too, for its public half. */
export function parsePublicKey(text: string): Result<KeyObject> {
  const t = String(text ?? '').trim();
  if (t.startsWith('whsk_')) {
    const secret = parseSecretKey(t);
    return secret.ok ? { ok: true, value: secret.value.publicKey } : secret;
  }
  if (t.startsWith('whsec_')) return { ok: false, reason: 'this is a symmetric secret (whsec_, for v1 HMAC signatures); v1a verifies with a whpk_ ed25519 public key' };
  if (!t.startsWith('whpk_')) return { ok: false, reason: 'a v1a public key starts with whpk_ followed by base64' };
  const raw = decodeBase64(t.slice(5), 'the whpk_ key');
  if (!raw.ok) return raw;
  if (raw.value.length !== 32) return { ok: false, reason: `the whpk_ key decodes to ${raw.value.length} bytes; an ed25519 public key is 32 bytes` };
  try {
    return { ok: true, value: createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw.value]), format: 'der', type: 'spki' }) };
  } catch {
    return { ok: false, reason: 'the whpk_ key is not a usable ed25519 public key' };
  }
}

/** Reads a whsec_ secret (the prefix is optional, as the Standard Webhooks libraries allow) into HMAC key bytes. */
export function parseSymmetricSecret(text: string): Result<Buffer> {
  const t = String(text ?? '').trim();
  if (t.startsWith('whsk_') || t.startsWith('whpk_')) return { ok: false, reason: `this is an ed25519 key (${t.slice(0, 5)}), for v1a signatures; v1 uses a whsec_ secret` };
  return decodeBase64(t.startsWith('whsec_') ? t.slice(6) : t, 'the whsec_ secret');
}

/** "{id}.{timestamp}.{body}" as bytes. */
export function signedContent(message: SignedMessage): Buffer {
  const body = typeof message.body === 'string' ? Buffer.from(message.body, 'utf8') : message.body;
  return Buffer.concat([Buffer.from(`${message.id}.${message.timestamp}.`, 'utf8'), body]);
}

function contentOf(message: SignedMessage): Result<Buffer> {
  try {
    return { ok: true, value: signedContent(message) };
  } catch {
    return { ok: false, reason: 'the message is not an id, a timestamp and a body of text or bytes' };
  }
}

/** The v1a signature ("v1a,<base64>") of a message; ed25519 is deterministic, so the same inputs give the same value. */
export function signV1a(secretKey: string, message: SignedMessage): Result<string> {
  const key = parseSecretKey(secretKey);
  if (!key.ok) return key;
  const content = contentOf(message);
  if (!content.ok) return content;
  return { ok: true, value: `v1a,${sign(null, content.value, key.value.privateKey).toString('base64')}` };
}

/** The v1 signature ("v1,<base64>", HMAC-SHA256 under the decoded whsec_ secret). */
export function signV1(secret: string, message: SignedMessage): Result<string> {
  const key = parseSymmetricSecret(secret);
  if (!key.ok) return key;
  const content = contentOf(message);
  if (!content.ok) return content;
  return { ok: true, value: `v1,${createHmac('sha256', key.value).update(content.value).digest('base64')}` };
}

/**
 * Checks a webhook-signature value: space-separated "v1,<base64>" and "v1a,<base64>" elements (other versions
 * are skipped), each against every key of its version, in header order; the first that verifies is reported.
 * Never throws; keys that cannot be used are reported in `problems`, not fatal while another key works.
 */
export function verifySignatureHeader(header: string, message: SignedMessage, keys: VerificationKeys): SignatureCheck {
  const problems: string[] = [];
  const publicKeys: (KeyObject | undefined)[] = (keys.publicKeys ?? []).map((k, i) => {
    const parsed = parsePublicKey(k);
    if (!parsed.ok) problems.push(`public key #${i + 1}: ${parsed.reason}`);
    return parsed.ok ? parsed.value : undefined;
  });
  const secrets: (Buffer | undefined)[] = (keys.secrets ?? []).map((s, i) => {
    const parsed = parseSymmetricSecret(s);
    if (!parsed.ok) problems.push(`secret #${i + 1}: ${parsed.reason}`);
    return parsed.ok ? parsed.value : undefined;
  });
  if (!publicKeys.some(Boolean) && !secrets.some(Boolean)) return { valid: false, reason: 'no usable key: give a whpk_ public key (v1a) or a whsec_ secret (v1)', problems };

  const elements = String(header ?? '').split(' ').filter((e) => e.length > 0);
  if (elements.length === 0) return { valid: false, reason: 'the webhook-signature header is empty', problems };
  const parsed = contentOf(message);
  if (!parsed.ok) return { valid: false, reason: parsed.reason, problems };
  const content = parsed.value;
  const seen = { v1: 0, v1a: 0 };
  for (const [signatureIndex, element] of elements.entries()) {
    const comma = element.indexOf(',');
    const version = comma < 0 ? element : element.slice(0, comma);
    if (version !== 'v1' && version !== 'v1a') continue;
    const sig = decodeBase64(comma < 0 ? '' : element.slice(comma + 1), `the ${version} signature #${signatureIndex + 1}`);
    const size = version === 'v1a' ? 64 : 32;
    if (!sig.ok || sig.value.length !== size) {
      problems.push(sig.ok ? `the ${version} signature #${signatureIndex + 1} is ${sig.value.length} bytes, not ${size}` : sig.reason);
      continue;
    }
    seen[version]++;
    if (version === 'v1a') {
      for (const [keyIndex, key] of publicKeys.entries()) {
        if (key && verifyQuietly(content, key, sig.value)) return { valid: true, reason: `v1a signature #${signatureIndex + 1} verifies with public key #${keyIndex + 1}`, matched: { version, signatureIndex, keyIndex }, problems };
      }
    } else {
      for (const [keyIndex, key] of secrets.entries()) {
        if (key && timingSafeEqual(createHmac('sha256', key).update(content).digest(), sig.value)) {
          return { valid: true, reason: `v1 signature #${signatureIndex + 1} verifies with secret #${keyIndex + 1}`, matched: { version, signatureIndex, keyIndex }, problems };
        }
      }
    }
  }
  const checkable = (seen.v1a && publicKeys.some(Boolean)) || (seen.v1 && secrets.some(Boolean));
  const reason = checkable
    ? 'no signature in the header verifies with the keys given (wrong key, or the id, timestamp or body changed after signing)'
    : seen.v1a || seen.v1
      ? `the header holds only ${seen.v1a ? 'v1a' : 'v1'} signatures, and no ${seen.v1a ? 'whpk_ public key' : 'whsec_ secret'} was given for them`
      : 'the header holds no readable v1 or v1a signature';
  return { valid: false, reason, problems };
}

function verifyQuietly(content: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify(null, content, key, signature);
  } catch {
    return false;
  }
}

/** A fresh ed25519 key pair: whsk_ (64-byte seed || public key, as Svix writes it) and whpk_. */
export function generateKeyPair(): { secretKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length);
  const pub = publicRaw(publicKey);
  return { secretKey: `whsk_${Buffer.concat([seed, pub]).toString('base64')}`, publicKey: `whpk_${pub.toString('base64')}` };
}

/** A fresh v1 secret: whsec_ + base64 of `bytes` random bytes (the spec allows 24 to 64; 32 by default). */
export function generateSecret(bytes = 32): string {
  return `whsec_${randomBytes(Math.min(64, Math.max(24, Math.floor(bytes) || 32))).toString('base64')}`;
}
