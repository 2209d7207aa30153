// The padded-key HMAC against node's createHmac: every algorithm, keys around the block size, prefixes in and out
// of ASCII, bodies around the hash's padding boundaries and the scratch limit, in an order that grows and shrinks
// the scratch buffer (a stale byte from a longer earlier body would show).
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PaddedKey, scratchBytes } from '../src/signing/hmac-pads.js';

const ALGORITHMS = ['md5', 'sha1', 'sha256', 'sha512'] as const;
const KEY_LENGTHS = [0, 1, 12, 63, 64, 65, 127, 128, 129, 200];
const BODY_LENGTHS = [0, 1, 55, 56, 63, 64, 111, 112, 1000, 544, 3000, 17, 64 * 1024 - 30, 64 * 1024, 64 * 1024 + 1, 200_000, 5];
const PREFIXES = ['', 'v0:1700000000:', 'msg_2Lx.1700000000.', 'é€𝄞.', 'lone \uD800 surrogate.'];

describe('PaddedKey', () => {
  it('gives createHmac\'s MAC for every algorithm, key length, prefix and body length', () => {
    let checked = 0;
    for (const algorithm of ALGORITHMS) {
      for (const keyLength of KEY_LENGTHS) {
        const key = randomBytes(keyLength);
        const padded = new PaddedKey(algorithm, key);
        for (const bodyLength of BODY_LENGTHS) {
          const body = randomBytes(bodyLength);
          for (const prefix of PREFIXES) {
            for (const encoding of ['hex', 'base64'] as const) {
              const want = createHmac(algorithm, key).update(prefix, 'utf8').update(body).digest(encoding);
              expect(padded.mac(prefix, body, encoding), `${algorithm} key ${keyLength} body ${bodyLength} prefix ${JSON.stringify(prefix)} ${encoding}`).toBe(want);
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBe(ALGORITHMS.length * KEY_LENGTHS.length * BODY_LENGTHS.length * PREFIXES.length * 2);
  });

  it('shares one scratch buffer between keys: interleaved keys of other block sizes and longer bodies leave nothing behind', () => {
    const keys = [new PaddedKey('sha512', Buffer.from('k512')), new PaddedKey('sha1', Buffer.from('k1')), new PaddedKey('md5', randomBytes(80))];
    const raw = [Buffer.from('k512'), Buffer.from('k1'), (keys[2] as unknown as { key: Buffer }).key];
    for (let i = 0; i < 60; i++) {
      const which = i % 3;
      const body = randomBytes([5000, 3, 700, 0, 64 * 1024][i % 5]!);
      const prefix = i % 2 ? 'v0:1700000000:' : '';
      const want = createHmac(keys[which]!.algorithm, raw[which]!).update(prefix).update(body).digest('hex');
      expect(keys[which]!.mac(prefix, body, 'hex'), `call ${i}`).toBe(want);
    }
  });

  it('keeps its scratch buffer within 64 KB and a block, whatever the bodies and keys', () => {
    const key = new PaddedKey('sha512', Buffer.from('k'));
    for (const length of [10, 5000, 64 * 1024 - 20, 64 * 1024, 300_000, 40_000, 64 * 1024 - 129]) {
      const body = randomBytes(length);
      expect(key.mac('t.', body, 'hex')).toBe(createHmac('sha512', 'k').update('t.').update(body).digest('hex'));
      expect(scratchBytes()).toBeLessThanOrEqual(64 * 1024 + 128);
    }
  });

  it('reads a body given as a view into a larger buffer, and leaves it untouched', () => {
    const key = Buffer.from('bench-s3cret');
    const padded = new PaddedKey('sha1', key);
    const whole = randomBytes(4096);
    const copy = Buffer.from(whole);
    const view = whole.subarray(100, 700);
    expect(padded.mac('', view, 'hex')).toBe(createHmac('sha1', key).update(view).digest('hex'));
    expect(whole.equals(copy)).toBe(true);
  });

  it('does not keep a key it was given by reference: changing the caller\'s buffer afterwards changes nothing', () => {
    const key = Buffer.from('whsec-key-bytes');
    const padded = new PaddedKey('sha256', key);
    const large = randomBytes(100_000); // past the scratch: streamed through createHmac with the kept key
    const want = [Buffer.from('x'), large].map((body) => createHmac('sha256', Buffer.from('whsec-key-bytes')).update(body).digest('base64'));
    key.fill(0);
    expect([Buffer.from('x'), large].map((body) => padded.mac('', body, 'base64'))).toEqual(want);
  });
});
