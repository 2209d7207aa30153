// Behaviour of src/signing/ed25519.ts (Standard Webhooks v1a keys, and the mixed v1/v1a header check) that the
// Stryker run (npm run mutate) showed no test pinned down: key parsing edges and their words, which signature and key
// a match reports, problems reported for unusable keys and elements, and the reason when nothing verifies.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyPair, generateSecret, parsePublicKey, parseSecretKey, parseSymmetricSecret, signV1, signV1a, verifySignatureHeader } from '../src/signing/ed25519.js';

const k1 = generateKeyPair();
const k2 = generateKeyPair();
const S1 = generateSecret();
const S2 = generateSecret();
const MSG = { id: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', timestamp: 1_700_000_000, body: '{"type":"reward","text":"Café ☕"}' };
const v1a = (key: string, m = MSG) => {
  const r = signV1a(key, m);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};
const v1 = (secret: string, m = MSG) => {
  const r = signV1(secret, m);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};
const fail = (reason: string) => ({ ok: false, reason });

describe('key parsing', () => {
  it('keys with spaces around them are read', () => {
    expect(parseSecretKey(`  ${k1.secretKey}\n`).ok).toBe(true);
    expect(parsePublicKey(`\t${k1.publicKey} `).ok).toBe(true);
    expect(parseSymmetricSecret(` ${S1} `)).toStrictEqual(parseSymmetricSecret(S1));
  });

  it('a secret key: the prefix, then base64 that is there', () => {
    expect(parseSecretKey('abc')).toStrictEqual(fail('a v1a secret key starts with whsk_ followed by base64'));
    expect(parseSecretKey('whsk_')).toStrictEqual(fail('the whsk_ key is empty after its prefix'));
    expect(parseSecretKey('whsk_***')).toStrictEqual(fail('the whsk_ key is not standard base64 (A-Z a-z 0-9 + /, "=" padding)'));
  });

  it('a public key: the prefix, then base64 that is there', () => {
    expect(parsePublicKey('abc')).toStrictEqual(fail('a v1a public key starts with whpk_ followed by base64'));
    expect(parsePublicKey('whpk_')).toStrictEqual(fail('the whpk_ key is empty after its prefix'));
    expect(parsePublicKey('whpk_AAAA')).toStrictEqual(fail('the whpk_ key decodes to 3 bytes; an ed25519 public key is 32 bytes'));
  });

  it('a symmetric secret: an ed25519 key of either kind is refused by name; the whsec_ prefix is optional', () => {
    expect(parseSymmetricSecret(k1.secretKey)).toStrictEqual(fail('this is an ed25519 key (whsk_), for v1a signatures; v1 uses a whsec_ secret'));
    expect(parseSymmetricSecret(k1.publicKey)).toStrictEqual(fail('this is an ed25519 key (whpk_), for v1a signatures; v1 uses a whsec_ secret'));
    expect(parseSymmetricSecret('whsec_')).toStrictEqual(fail('the whsec_ secret is empty after its prefix'));
    expect(parseSymmetricSecret('whsec_!!')).toStrictEqual(fail('the whsec_ secret is not standard base64 (A-Z a-z 0-9 + /, "=" padding)'));
    const bare = parseSymmetricSecret(S1.slice('whsec_'.length));
    const prefixed = parseSymmetricSecret(S1);
    expect(bare.ok && prefixed.ok && bare.value.equals(prefixed.value)).toBe(true);
    // "whsec" without the underscore is base64 text like any other.
    expect(parseSymmetricSecret('whsecAA=')).toMatchObject({ ok: true });
  });
});

describe('signing a message that is not text or bytes', () => {
  it('says what a message is, for v1 and v1a alike', () => {
    const bad = { id: 'x', timestamp: 1, body: 5 as never };
    const reason = 'the message is not an id, a timestamp and a body of text or bytes';
    expect(signV1a(k1.secretKey, bad)).toStrictEqual(fail(reason));
    expect(signV1(S1, bad)).toStrictEqual(fail(reason));
    expect(verifySignatureHeader(v1(S1), bad, { secrets: [S1] })).toStrictEqual({ valid: false, reason, problems: [] });
  });
});

describe('verifySignatureHeader', () => {
  it('no usable key at all', () => {
    const reason = 'no usable key: give a whpk_ public key (v1a) or a whsec_ secret (v1)';
    expect(verifySignatureHeader(v1(S1), MSG, {})).toStrictEqual({ valid: false, reason, problems: [] });
    expect(verifySignatureHeader(v1(S1), MSG, { publicKeys: ['whpk_'], secrets: [k1.publicKey] })).toStrictEqual({
      valid: false,
      reason,
      problems: ['public key #1: the whpk_ key is empty after its prefix', 'secret #1: this is an ed25519 key (whpk_), for v1a signatures; v1 uses a whsec_ secret'],
    });
  });

  it('an empty header, however given', () => {
    for (const header of ['', '   ', undefined, null]) {
      expect(verifySignatureHeader(header as never, MSG, { secrets: [S1] })).toStrictEqual({ valid: false, reason: 'the webhook-signature header is empty', problems: [] });
    }
  });

  it('a match names the signature and the key, counting from 1, and lists problems with other keys', () => {
    const header = `${v1a(k1.secretKey)} ${v1a(k2.secretKey)}`;
    expect(verifySignatureHeader(header, MSG, { publicKeys: ['whpk_AAAA', k2.publicKey] })).toStrictEqual({
      valid: true,
      reason: 'v1a signature #2 verifies with public key #2',
      matched: { version: 'v1a', signatureIndex: 1, keyIndex: 1 },
      problems: ['public key #1: the whpk_ key decodes to 3 bytes; an ed25519 public key is 32 bytes'],
    });
    expect(verifySignatureHeader(`${v1(S1)} ${v1(S2)}`, MSG, { secrets: ['whsec_', S2] })).toStrictEqual({
      valid: true,
      reason: 'v1 signature #2 verifies with secret #2',
      matched: { version: 'v1', signatureIndex: 1, keyIndex: 1 },
      problems: ['secret #1: the whsec_ secret is empty after its prefix'],
    });
  });

  it('only keys given are reported as problems (none when a kind is absent)', () => {
    expect(verifySignatureHeader(v1(S1), MSG, { secrets: [S1] }).problems).toEqual([]);
    expect(verifySignatureHeader(v1a(k1.secretKey), MSG, { publicKeys: [k1.publicKey] }).problems).toEqual([]);
  });

  it('a v1 signature made with another secret does not verify', () => {
    const r = verifySignatureHeader(v1(S2), MSG, { secrets: [S1] });
    expect(r).toStrictEqual({ valid: false, reason: 'no signature in the header verifies with the keys given (wrong key, or the id, timestamp or body changed after signing)', problems: [] });
    // Also when another secret is unusable, and when the message changed.
    expect(verifySignatureHeader(v1(S2), MSG, { secrets: ['whsec_', S1] }).valid).toBe(false);
    expect(verifySignatureHeader(v1(S1), { ...MSG, id: 'msg_other' }, { secrets: [S1] }).valid).toBe(false);
  });

  it('elements it cannot read are problems; other versions are skipped quietly', () => {
    const good = v1(S1);
    const r = verifySignatureHeader(`v2,AAAA v1 v1,AAAA v1a,*** ${good}`, MSG, { secrets: [S1] });
    expect(r).toStrictEqual({
      valid: true,
      reason: 'v1 signature #5 verifies with secret #1',
      matched: { version: 'v1', signatureIndex: 4, keyIndex: 0 },
      problems: ['the v1 signature #2 is empty after its prefix', 'the v1 signature #3 is 3 bytes, not 32', 'the v1a signature #4 is not standard base64 (A-Z a-z 0-9 + /, "=" padding)'],
    });
  });

  it('when nothing verifies, says whether keys for the signatures present were given', () => {
    expect(verifySignatureHeader(v1(S1), MSG, { publicKeys: [k1.publicKey] }).reason).toBe('the header holds only v1 signatures, and no whsec_ secret was given for them');
    expect(verifySignatureHeader(v1a(k1.secretKey), MSG, { secrets: [S1] }).reason).toBe('the header holds only v1a signatures, and no whpk_ public key was given for them');
    expect(verifySignatureHeader('v2,AAAA', MSG, { secrets: [S1] }).reason).toBe('the header holds no readable v1 or v1a signature');
    // A v1 signature, a wrong secret beside an unusable one: the keys were given, they just do not match.
    expect(verifySignatureHeader(v1(S2), MSG, { secrets: [k1.secretKey, S1] }).reason).toMatch(/^no signature in the header verifies/);
    expect(verifySignatureHeader(v1a(k2.secretKey), MSG, { publicKeys: [k1.publicKey], secrets: [S1] }).reason).toMatch(/^no signature in the header verifies/);
  });

  it('v1 and v1a keys together: each signature is checked with the keys of its version', () => {
    const header = `${v1(S2)} ${v1a(k1.secretKey)}`;
    expect(verifySignatureHeader(header, MSG, { secrets: [S1], publicKeys: [k1.publicKey] })).toMatchObject({ valid: true, matched: { version: 'v1a', signatureIndex: 1, keyIndex: 0 } });
    const hmac = createHmac('sha256', Buffer.from(S1.slice(6), 'base64')).update(`${MSG.id}.${MSG.timestamp}.${MSG.body}`).digest('base64');
    expect(v1(S1)).toBe(`v1,${hmac}`);
  });
});
