// API-key, basic-auth and WebEngage comparisons must not tell a caller the credential's length through timing:
// both sides are compared as fixed-length digests, whatever their lengths. (Checked structurally: tests never time.)
import * as crypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const compared: Array<[number, number]> = [];
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.push([a.byteLength, b.byteLength]);
      return real.timingSafeEqual(a, b);
    },
  };
});

const { verify } = await import('../src/index.js');

beforeEach(() => {
  compared.length = 0;
});

describe('credential comparisons are length-independent', () => {
  it('X-API-KEY: a 1-character guess and a 200-character one are both compared as 32-byte digests', () => {
    for (const guess of ['k', 'x'.repeat(200), 'the-real-key-1234']) {
      verify('api-key', { headers: { 'x-api-key': guess }, body: '{}' }, { apiKey: 'the-real-key-1234' });
    }
    expect(compared.length).toBe(3);
    for (const [a, b] of compared) expect([a, b]).toEqual([32, 32]);
  });

  it('basic auth and the WebEngage secret parameter too', () => {
    verify('basic', { headers: { authorization: 'Basic eA==' }, body: '{}' }, { user: 'acme:a-long-password' });
    verify('webengage', { headers: {}, query: { licenseCode: '~a', secret: 'short' }, body: '{}' }, { secret: 'k', licenseCode: '~a' });
    expect(compared).toEqual([
      [32, 32],
      [32, 32],
    ]);
  });

  it('still tells a match from a mismatch', () => {
    expect(verify('api-key', { headers: { 'x-api-key': 'k-1' }, body: '{}' }, { apiKey: 'k-1' }).valid).toBe(true);
    expect(verify('api-key', { headers: { 'x-api-key': 'k-2' }, body: '{}' }, { apiKey: 'k-1' }).valid).toBe(false);
    expect(crypto).toBeDefined();
  });
});
