// Behaviour of src/signing/hmac.ts, registry.ts and requests.ts that the Stryker run (npm run mutate) showed no
// test pinned down: safeEqual on every input shape, an overriding scheme never inheriting the provider's spec, the
// catalog, and unknown schemes.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import type { SigningSpec } from '../src/providers/types.js';
import { hmac, md5hex, safeEqual } from '../src/signing/hmac.js';
import { profileOf, schemeById, schemeCatalog, schemeFor } from '../src/signing/registry.js';
import { signRequest, verifyRequest } from '../src/signing/requests.js';

describe('safeEqual', () => {
  it('a missing side is never equal', () => {
    expect(safeEqual(undefined, 'a')).toBe(false);
    expect(safeEqual('a', undefined)).toBe(false);
    expect(safeEqual(undefined, undefined)).toBe(false);
    expect(safeEqual(undefined, new Uint8Array(0))).toBe(false);
    expect(safeEqual(new Uint8Array(0), undefined)).toBe(false);
  });

  it('text against text compares code units, not their UTF-8 (two different lone surrogates are not equal)', () => {
    expect(safeEqual('\ud800', '\udc00')).toBe(false);
    expect(safeEqual('a\ud800', 'a\udfff')).toBe(false);
    expect(safeEqual('\ud83d\ude0d', '\ud83d\ude0d')).toBe(true);
  });

  it('text of different lengths is never equal, whatever the prefix', () => {
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('abcd', 'abc')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
  });

  it('text against bytes compares the UTF-8 bytes, either way round', () => {
    expect(safeEqual(Buffer.from('café'), 'café')).toBe(true);
    expect(safeEqual('café', Buffer.from('café'))).toBe(true);
    expect(safeEqual(new Uint8Array([0x63, 0x61, 0x66, 0xc3, 0xa9]), 'café')).toBe(true);
    expect(safeEqual('cafe', Buffer.from('café'))).toBe(false);
  });
});

describe('hmac and md5hex', () => {
  it('are the plain digests', () => {
    expect(hmac('sha256', 'key', 'data').equals(createHmac('sha256', 'key').update('data').digest())).toBe(true);
    expect(hmac('sha1', Buffer.from('key'), Buffer.from('data')).toString('hex')).toBe(createHmac('sha1', 'key').update('data').digest('hex'));
    // WebEngage's documented example: md5("~abc:secret") in hex (the text's UTF-8 bytes).
    expect(md5hex('~abc:secret')).toBe(createHash('md5').update(Buffer.from('~abc:secret', 'utf8')).digest('hex'));
    expect(md5hex('é')).toBe(createHash('md5').update(Buffer.from([0xc3, 0xa9])).digest('hex'));
  });
});

const CG: SigningSpec = { scheme: 'customerglu', header: 'X-Custom-Sig', altHeaders: [], algorithm: 'sha256', secretRequired: false, description: 'a tenant with its own header' };

describe('schemeFor', () => {
  it('the provider\'s own scheme (named or not) reads the provider\'s spec', () => {
    expect(schemeFor(CG)).toStrictEqual({ scheme: schemeById('customerglu'), own: CG });
    expect(schemeFor(CG, 'customerglu')).toStrictEqual({ scheme: schemeById('customerglu'), own: CG });
  });
  it('an overriding scheme does not inherit the provider\'s header or algorithm', () => {
    expect(schemeFor(CG, 'hmac')).toStrictEqual({ scheme: schemeById('hmac') });
    const signed = signRequest(CG, Buffer.from('{}'), { scheme: 'hmac', secret: 's' });
    expect(signed.headers).toStrictEqual({ 'X-Signature': createHmac('sha256', 's').update('{}').digest('hex') });
    const own = signRequest(CG, Buffer.from('{}'), { secret: 's' });
    expect(own.headers).toStrictEqual({ 'X-Custom-Sig': createHmac('sha256', 's').update('{}').digest('hex') });
  });
  it('the provider\'s choice is made once per spec (verify and the listener ask on every request)', () => {
    const spec: SigningSpec = { ...CG };
    const first = schemeFor(spec);
    expect(schemeFor(spec)).toBe(first);
    expect(schemeFor(spec, 'customerglu')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    // The kept choice never answers for another scheme asked of the same spec.
    expect(schemeFor(spec, 'hmac')).toStrictEqual({ scheme: schemeById('hmac') });
  });
  it('a spec whose scheme was changed after use signs and verifies with its new scheme, not a remembered one', () => {
    const spec: SigningSpec = { scheme: 'customerglu', secretRequired: false, description: 'changed later' };
    const body = Buffer.from('{}');
    expect(signRequest(spec, body, { secret: 's' }).headers).toStrictEqual({ 'X-CG-SIGNATURE': createHmac('sha1', 's').update('{}').digest('hex') });
    spec.scheme = 'mgpass';
    expect(schemeFor(spec)).toStrictEqual({ scheme: schemeById('mgpass'), own: spec });
    const signed = signRequest(spec, body, { secret: 's' });
    expect(signed.headers).toStrictEqual({ 'X-Webhook-Signature': createHmac('sha256', 's').update('{}').digest('hex') });
    expect(verifyRequest(spec, { headers: { 'x-webhook-signature': signed.headers['X-Webhook-Signature']! }, body }, { secrets: ['s'] })).toMatchObject({ status: 'valid', header: 'X-Webhook-Signature' });
  });
  it('an unknown scheme: nothing', () => {
    expect(schemeFor(CG, 'nope' as never)).toBeUndefined();
    expect(schemeFor({ ...CG, scheme: 'nope' as never })).toBeUndefined();
  });
});

describe('signRequest / verifyRequest with an unknown scheme', () => {
  it('sign: a usage error naming the scheme (the override, else the spec\'s)', () => {
    for (const [spec, scheme, name] of [
      [CG, 'nope', 'nope'],
      [{ ...CG, scheme: 'gone' }, undefined, 'gone'],
    ] as const) {
      let error: unknown;
      try {
        signRequest(spec as SigningSpec, Buffer.from('{}'), scheme ? { scheme: scheme as never } : {});
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect(error).toMatchObject({ code: 'unsupported_scheme', message: `unknown signing scheme ${name}` });
    }
  });
  it('verify: not checked, with the same words', () => {
    expect(verifyRequest(CG, { headers: {}, body: Buffer.from('{}') }, { secrets: ['s'], scheme: 'nope' as never })).toStrictEqual({ status: 'no-secret', valid: false, reason: 'unknown signing scheme nope' });
    expect(verifyRequest({ ...CG, scheme: 'gone' as never }, { headers: {}, body: Buffer.from('{}') }, { secrets: ['s'] })).toStrictEqual({ status: 'no-secret', valid: false, reason: 'unknown signing scheme gone' });
  });
});

describe('profileOf', () => {
  it('an HMAC scheme\'s profile, for a spec when given; nothing for credential schemes and unknown ids', () => {
    expect(profileOf('github')).toMatchObject({ header: 'X-Hub-Signature-256', algorithm: 'sha256', prefix: 'sha256=' });
    expect(profileOf('customerglu', CG)).toMatchObject({ header: 'X-Custom-Sig', algorithm: 'sha256' });
    expect(profileOf('customerglu')).toMatchObject({ header: 'X-CG-SIGNATURE', algorithm: 'sha1' });
    expect(profileOf('api-key')).toBeUndefined();
    expect(profileOf('nope' as never)).toBeUndefined();
  });
});

describe('schemeCatalog', () => {
  // Built inside each test: Stryker switches a mutant on per test, so a catalog built while the file loads sees none.
  const catalog = () => Object.fromEntries(schemeCatalog().map((s) => [s.id, s]));
  it('says how each scheme signs with a key ring and whether it is public-key', () => {
    const byId = catalog();
    expect(byId.stripe).toMatchObject({ keyRing: 'stripe-v1', asymmetric: false, identifies: ['stripe-signature'] });
    expect(byId['standard-webhooks']).toMatchObject({ keyRing: 'space-list', asymmetric: true, identifies: ['webhook-signature', 'svix-signature'] });
    expect(byId['api-key']).toMatchObject({ keyRing: 'one-key', asymmetric: false, identifies: [], kind: 'credential' });
    expect(byId.github).toMatchObject({ keyRing: 'one-key', asymmetric: false, label: 'GitHub', kind: 'hmac', needs: { secret: 'required' } });
    expect(byId.github!.summary).toMatch(/^X-Hub-Signature-256/);
  });
  it('is plain data: changing it changes nothing in the registry', () => {
    const first = schemeCatalog();
    const stripe = first.find((s) => s.id === 'stripe')!;
    stripe.identifies.push('x-forged');
    (stripe.needs as Record<string, unknown>).secret = 'optional';
    const again = schemeCatalog().find((s) => s.id === 'stripe')!;
    expect(again.identifies).toEqual(['stripe-signature']);
    expect(again.needs).toEqual({ secret: 'required' });
    expect(schemeById('stripe')!.identifies).toEqual(['stripe-signature']);
  });
});
