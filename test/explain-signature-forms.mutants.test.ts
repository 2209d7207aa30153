// How --explain reads a signature value it is given (src/signing/explain/signature-forms.ts): every plausible
// encoding of a digest, the prefix in front of it, Stripe-style lists with their timestamp, and the algorithm that
// the digest's length tells.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureForms } from '../src/signing/explain/signature-forms.js';

const mac = (algorithm: string) => createHmac(algorithm, 'k').update('body').digest();
const S256 = mac('sha256');
const read = (raw: string) => signatureForms('x-sig', raw).map(({ header, text, prefix, encoding, uppercase, bytes, algorithm, t }) => ({ header, text, prefix, encoding, uppercase, hex: bytes.toString('hex'), algorithm, ...(t !== undefined ? { t } : {}) }));

describe('signatureForms', () => {
  it('hex: the algorithm from the length, the case, and nothing else read from it', () => {
    for (const [algorithm, bytes] of [['md5', 16], ['sha1', 20], ['sha256', 32], ['sha384', 48], ['sha512', 64]] as const) {
      const d = mac(algorithm);
      expect(d.length).toBe(bytes);
      // A 64-character hex digest is also valid base64 (of 48 bytes, an SHA-384 length): read as hex only.
      expect(read(d.toString('hex'))).toStrictEqual([{ header: 'x-sig', text: d.toString('hex'), prefix: '', encoding: 'hex', uppercase: false, hex: d.toString('hex'), algorithm }]);
    }
    expect(read(S256.toString('hex').toUpperCase())).toMatchObject([{ encoding: 'hex', uppercase: true, algorithm: 'sha256' }]);
    // Uppercase only counts for the letters of hex: digits alone are not "uppercase".
    expect(read('0123456789'.repeat(4))).toMatchObject([{ encoding: 'hex', uppercase: false, algorithm: 'sha1' }]);
  });

  it('hex of no digest length falls through to base64; odd-length hex is not hex', () => {
    // 24 hex characters: 12 bytes as hex (no algorithm), 18 bytes as base64 (none either).
    expect(read('ab'.repeat(12))).toStrictEqual([]);
    // 43 hex characters (odd): not hex, but base64 of 32 bytes.
    expect(read('a'.repeat(43))).toMatchObject([{ encoding: 'base64', algorithm: 'sha256' }]);
    // 65 hex characters: not 32 bytes of hex with one ignored, but base64 of 48 bytes.
    expect(read('a'.repeat(65))).toMatchObject([{ encoding: 'base64', algorithm: 'sha384' }]);
    // 32 bytes hex-encoded minus one character, plus "=": not hex, base64 of no digest length.
    expect(read(`${S256.toString('hex').slice(1)}=`)).toStrictEqual([]);
  });

  it('base64 and base64url', () => {
    const b64 = Buffer.alloc(32, 0xfb);
    const std = S256.toString('base64');
    expect(read(std)).toStrictEqual([{ header: 'x-sig', text: std, prefix: '', encoding: 'base64', uppercase: false, hex: S256.toString('hex'), algorithm: 'sha256' }]);
    const url = b64.toString('base64url');
    expect(url).toMatch(/[-_]/);
    expect(read(url)).toStrictEqual([{ header: 'x-sig', text: url, prefix: '', encoding: 'base64url', uppercase: false, hex: b64.toString('hex'), algorithm: 'sha256' }]);
    expect(read(`${S256.toString('base64url')}`)).toHaveLength(1);
    // Not base64 at all, or base64 with something after the padding.
    expect(read('***')).toStrictEqual([]);
    expect(read(`${std}x`)).toStrictEqual([]);
    expect(read(`x${std}`)).toStrictEqual([]);
  });

  it('prefixes: sha*=, md5=, v<digits>= and v<digits>, in any case, only in front', () => {
    const hex = S256.toString('hex');
    for (const prefix of ['sha1=', 'sha256=', 'SHA384=', 'sha512=', 'md5=', 'v0=', 'v1,', 'v12,', 'V1=']) {
      expect(read(`${prefix}${hex}`), prefix).toStrictEqual([expect.objectContaining({ prefix, text: hex, algorithm: 'sha256' })]);
    }
    for (const notPrefix of ['sha2=', 'v=', 'x1=', 'sha256:', 'v1;']) expect(read(`${notPrefix}${hex}`), notPrefix).toStrictEqual([]);
  });

  it('space-separated lists, quotes and padding around the value', () => {
    const a = mac('sha1').toString('base64');
    const b = S256.toString('base64');
    expect(read(`  "v1,${a}   v1,${b}" `).map((f) => [f.prefix, f.algorithm])).toStrictEqual([['v1,', 'sha1'], ['v1,', 'sha256']]);
    expect(read(`'${S256.toString('hex')}'`)).toHaveLength(1);
  });

  it('Stripe-style lists: every pair with its key as prefix, and t= beside them', () => {
    const hex = S256.toString('hex');
    const sha1 = mac('sha1').toString('hex');
    expect(read(`t=1700000000,v1=${hex},v0=${sha1}`)).toStrictEqual([
      { header: 'x-sig', text: hex, prefix: 'v1=', encoding: 'hex', uppercase: false, hex, algorithm: 'sha256', t: '1700000000' },
      { header: 'x-sig', text: sha1, prefix: 'v0=', encoding: 'hex', uppercase: false, hex: sha1, algorithm: 'sha1', t: '1700000000' },
    ]);
    expect(read(`v1=${hex}, t=42`)).toMatchObject([{ prefix: 'v1=', t: '42' }]);
    // "t=" without a comma is not a list; a list without t= is read piece by piece (and here reads as nothing).
    expect(read('t=1700000000')).toStrictEqual([]);
    expect(read(`v1=${hex},v0=${sha1}`)).toStrictEqual([]);
    // "st=" is not "t=".
    expect(read(`st=1,v1=${hex}`)).toStrictEqual([]);
  });
});
