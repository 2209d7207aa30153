// src/signing/ed25519.ts when node:crypto itself refuses ed25519 (an OpenSSL build or FIPS policy without it):
// parsing a key says the key is not usable and verifying says "does not verify", never an exception. The failure is
// injected into node:crypto, the one way to reach these branches: every 32-byte value imports on a normal build.
import { afterEach, describe, expect, it, vi } from 'vitest';

const refuse = vi.hoisted(() => ({ keys: false, verify: false }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const guarded =
    <A extends unknown[], R>(what: 'keys' | 'verify', fn: (...args: A) => R) =>
    (...args: A): R => {
      if (refuse[what]) throw new Error('error:0308010C:digital envelope routines::unsupported');
      return fn(...args);
    };
  return {
    ...real,
    default: real,
    createPrivateKey: guarded('keys', real.createPrivateKey),
    createPublicKey: guarded('keys', real.createPublicKey),
    verify: guarded('verify', real.verify),
  };
});

const { generateKeyPair, parsePublicKey, parseSecretKey, signV1a, verifySignatureHeader } = await import('../src/signing/ed25519.js');
afterEach(() => {
  refuse.keys = false;
  refuse.verify = false;
});

describe('ed25519 refused by node:crypto', () => {
  it('a whsk_ or whpk_ key that cannot be imported: not usable, in words', () => {
    const { secretKey, publicKey } = generateKeyPair();
    refuse.keys = true;
    expect(parseSecretKey(secretKey)).toStrictEqual({ ok: false, reason: 'the whsk_ key is not a usable ed25519 key' });
    expect(parsePublicKey(publicKey)).toStrictEqual({ ok: false, reason: 'the whpk_ key is not a usable ed25519 public key' });
  });

  it('a signature check that throws inside node:crypto is a signature that does not verify', () => {
    const { secretKey, publicKey } = generateKeyPair();
    const message = { id: 'msg_1', timestamp: 1_767_225_600, body: '{"a":1}' };
    const signed = signV1a(secretKey, message);
    if (!signed.ok) throw new Error(signed.reason);
    expect(verifySignatureHeader(signed.value, message, { publicKeys: [publicKey] })).toMatchObject({ valid: true });
    refuse.verify = true;
    expect(verifySignatureHeader(signed.value, message, { publicKeys: [publicKey] })).toStrictEqual({
      valid: false,
      reason: 'no signature in the header verifies with the keys given (wrong key, or the id, timestamp or body changed after signing)',
      problems: [],
    });
  });
});
