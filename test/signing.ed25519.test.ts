import { sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateKeyPair, generateSecret, parsePublicKey, parseSecretKey, parseSymmetricSecret, signV1, signV1a, verifySignatureHeader } from '../src/signing/ed25519.js';

// Standard Webhooks v1a (ed25519) against vectors made by an independent implementation (Python cryptography,
// scripts/make-v1a-vectors.py): our signatures must equal theirs byte for byte (ed25519 is deterministic),
// and we must reach their verdict on every header, valid or not.

interface Vector {
  name: string;
  id: string;
  timestamp: number;
  body: string;
  secretKey?: string;
  publicKeys: string[];
  secrets: string[];
  header: string;
  expect: { valid: boolean; matched?: { version: 'v1' | 'v1a'; signatureIndex: number; keyIndex: number } };
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/vectors/standard-webhooks-v1a.json', import.meta.url), 'utf8')) as {
  keys: { k1: { secretKey: string; seedKey: string; publicKey: string }; k2: { secretKey: string; seedKey: string; publicKey: string }; whsec: string };
  rfc8032: { seedKey: string; publicKey: string; message: string; signature: string };
  vectors: Vector[];
  malformedKeys: { name: string; kind: 'secret' | 'public'; key: string; reason: string }[];
};
const msg = (v: Vector) => ({ id: v.id, timestamp: v.timestamp, body: v.body });

describe('v1a vectors (Python cryptography)', () => {
  it('RFC 8032 test 1: the raw ed25519 key and signature', () => {
    const key = parseSecretKey(fx.rfc8032.seedKey);
    expect(key.ok && key.value.form).toBe('seed');
    if (!key.ok) return;
    expect(cryptoSign(null, Buffer.from(fx.rfc8032.message), key.value.privateKey).toString('base64')).toBe(fx.rfc8032.signature);
    const pub = parsePublicKey(fx.rfc8032.publicKey);
    expect(pub.ok && cryptoVerify(null, Buffer.from(fx.rfc8032.message), pub.value, Buffer.from(fx.rfc8032.signature, 'base64'))).toBe(true);
  });

  for (const v of fx.vectors.filter((x) => x.secretKey)) {
    it(`signs ${v.name} exactly as Python did`, () => {
      expect(signV1a(v.secretKey!, msg(v))).toEqual({ ok: true, value: v.header });
    });
  }

  for (const v of fx.vectors) {
    it(`verifies ${v.name}: ${v.expect.valid ? 'valid' : 'refused'}`, () => {
      const got = verifySignatureHeader(v.header, msg(v), { publicKeys: v.publicKeys, secrets: v.secrets });
      expect(got.valid, got.reason).toBe(v.expect.valid);
      expect(got.matched).toEqual(v.expect.matched);
      expect(got.reason.length).toBeGreaterThan(0);
    });
  }

  it('the mixed v1 signatures are the ones our v1 signer writes', () => {
    const v = fx.vectors.find((x) => x.name === 'mixed-v1-secret-only')!;
    expect(signV1(fx.keys.whsec, msg(v))).toEqual({ ok: true, value: v.header.split(' ')[0] });
  });

  for (const m of fx.malformedKeys) {
    it(`refuses the ${m.kind} key ${m.name}, saying why`, () => {
      const got = m.kind === 'secret' ? parseSecretKey(m.key) : parsePublicKey(m.key);
      expect(got.ok).toBe(false);
      if (!got.ok) expect(got.reason).toContain(m.reason);
      if (!got.ok && m.key.length > 15) expect(got.reason).not.toContain(m.key.slice(5, 15)); // says why without echoing the key
    });
  }

  it('both key forms (64-byte and 32-byte seed) are the same key', () => {
    const a = parseSecretKey(fx.keys.k1.secretKey);
    const b = parseSecretKey(fx.keys.k1.seedKey);
    expect(a.ok && a.value.form).toBe('seed+public');
    expect(b.ok && b.value.form).toBe('seed');
    const m = { id: 'msg_1', timestamp: 1, body: '{}' };
    expect(signV1a(fx.keys.k1.secretKey, m)).toEqual(signV1a(fx.keys.k1.seedKey, m));
  });
});

describe('v1a: generated keys, round trips, hostile input', () => {
  it('a generated pair signs and verifies; the secret key is 64 bytes with its public half, the public key 32', () => {
    const { secretKey, publicKey } = generateKeyPair();
    expect(secretKey).toMatch(/^whsk_[A-Za-z0-9+/]{86}==$/);
    expect(publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secretKey.slice(5), 'base64').subarray(32).toString('base64')).toBe(publicKey.slice(5));
    const m = { id: 'msg_2Lh9KRb0pzn5CjvqRJmyV1f4YAQ', timestamp: 1767225600, body: '{"a":"é"}' };
    const sig = signV1a(secretKey, m);
    expect(sig.ok).toBe(true);
    if (sig.ok) expect(verifySignatureHeader(sig.value, m, { publicKeys: [publicKey] })).toMatchObject({ valid: true, matched: { version: 'v1a', signatureIndex: 0, keyIndex: 0 } });
    expect(generateKeyPair().secretKey).not.toBe(secretKey);
  });

  it('a generated whsec_ secret is 32 random bytes by default, within the spec\'s 24..64', () => {
    const s = generateSecret();
    expect(s).toMatch(/^whsec_/);
    expect(parseSymmetricSecret(s)).toMatchObject({ ok: true, value: expect.objectContaining({ length: 32 }) });
    expect(Buffer.from(generateSecret(8).slice(6), 'base64').length).toBe(24);
    expect(Buffer.from(generateSecret(100).slice(6), 'base64').length).toBe(64);
    expect(generateSecret()).not.toBe(s);
  });

  it('any body round-trips, and any change to body, id or timestamp is refused', () => {
    const { secretKey, publicKey } = generateKeyPair();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.stringMatching(/^msg_[A-Za-z0-9]{1,30}$/), fc.integer({ min: 0, max: 2 ** 40 }), (body, id, timestamp) => {
        const m = { id, timestamp, body };
        const sig = signV1a(secretKey, m);
        if (!sig.ok) throw new Error(sig.reason);
        expect(verifySignatureHeader(sig.value, m, { publicKeys: [publicKey] }).valid).toBe(true);
        expect(verifySignatureHeader(sig.value, { ...m, body: Buffer.concat([body, Buffer.from(' ')]) }, { publicKeys: [publicKey] }).valid).toBe(false);
        expect(verifySignatureHeader(sig.value, { ...m, id: `${id}x` }, { publicKeys: [publicKey] }).valid).toBe(false);
        expect(verifySignatureHeader(sig.value, { ...m, timestamp: timestamp + 1 }, { publicKeys: [publicKey] }).valid).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('never throws on hostile headers, keys or messages', () => {
    const junk = fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom('v1a,', 'v1,', 'v1a', ' ', 'whsk_', 'whpk_', 'whsec_', 'whsk_====', fx.keys.k1.publicKey, fx.keys.whsec));
    fc.assert(
      fc.property(junk, fc.array(junk, { maxLength: 3 }), fc.array(junk, { maxLength: 3 }), junk, (header, publicKeys, secrets, key) => {
        const got = verifySignatureHeader(header, { id: 'msg_1', timestamp: '1', body: header }, { publicKeys, secrets });
        expect(typeof got.reason).toBe('string');
        expect(signV1a(key, { id: 'msg_1', timestamp: 1, body: '' }).ok).toBe(key.trim().startsWith('whsk_') && parseSecretKey(key).ok);
        parsePublicKey(key);
        parseSymmetricSecret(key);
      }),
      { numRuns: 300 },
    );
    // Wrong types from JavaScript callers are bad input too, not crashes.
    expect(verifySignatureHeader(undefined as unknown as string, { id: 'm', timestamp: 1, body: 5 as unknown as string }, { publicKeys: [fx.keys.k1.publicKey] }).valid).toBe(false);
    expect(parseSecretKey(null as unknown as string).ok).toBe(false);
    expect(signV1a(fx.keys.k1.secretKey, { id: 'm', timestamp: 1, body: 5 as unknown as string }).ok).toBe(false);
    expect(signV1(fx.keys.whsec, { id: 'm', timestamp: 1, body: {} as unknown as string }).ok).toBe(false);
  });

  it('says why nothing verified', () => {
    const m = { id: 'msg_1', timestamp: 1, body: '{}' };
    const v1a = signV1a(fx.keys.k1.secretKey, m);
    if (!v1a.ok) throw new Error(v1a.reason);
    expect(verifySignatureHeader(v1a.value, m, { secrets: [fx.keys.whsec] }).reason).toBe('the header holds only v1a signatures, and no whpk_ public key was given for them');
    expect(verifySignatureHeader(v1a.value, m, {}).reason).toMatch(/^no usable key/);
    expect(verifySignatureHeader(v1a.value, m, { publicKeys: ['whpk_nope', fx.keys.k1.publicKey] })).toMatchObject({ valid: true, matched: { keyIndex: 1 }, problems: [expect.stringMatching(/^public key #1: /)] });
    expect(verifySignatureHeader(v1a.value, { ...m, body: '{} ' }, { publicKeys: [fx.keys.k1.publicKey] }).reason).toMatch(/^no signature in the header verifies/);
  });
});
