// What the small scheme modules (src/signing/schemes/slack.ts, stripe.ts, standard-webhooks.ts) decide that only a
// conformance run or a listener shows: which timestamp checks a receiver is held to, which header a refusal names,
// and which keys count as ed25519 keys. Values are computed inside each test (Stryker switches a mutant on per test).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { listCases } from '../src/core/conformance.js';
import { loadProvider } from '../src/providers/index.js';
import { forgetMemos } from '../src/signing/memo.js';
import { schemeById } from '../src/signing/registry.js';
import { isAsymmetricKey } from '../src/signing/schemes/standard-webhooks.js';

const customerglu = await loadProvider('customerglu');
const futureCase = (scheme: string) => listCases(customerglu, { scheme: scheme as never }).find((c) => c.name === 'future-timestamp');

describe('freshness: what a receiver written to the scheme must reject', () => {
  it('Slack and Standard Webhooks reject a timestamp ahead of the clock: the case is required', () => {
    for (const id of ['slack', 'standard-webhooks']) {
      const c = futureCase(id);
      expect(c, id).toBeDefined();
      expect(c!.required, id).toBe(true);
      expect(c!.description, id).toBe('correctly signed, timestamp 60 min in the future');
    }
  });

  it('Stripe checks only the age: the future case is advisory and says why', () => {
    const c = futureCase('stripe');
    expect(c?.required).toBe(false);
    expect(c?.description).toBe('correctly signed, timestamp 60 min in the future (advisory: Stripe\'s official libraries check only a delivery\'s age (timestamp older than the tolerance))');
    expect(listCases(customerglu, { scheme: 'stripe' }).find((x) => x.name === 'stale-timestamp')?.required).toBe(true);
  });

  it('schemes that sign no timestamp get no timestamp cases', () => {
    for (const id of ['github', 'shopify', 'customerglu']) {
      expect(listCases(customerglu, { scheme: id as never }).map((c) => c.name).filter((n) => n.endsWith('-timestamp')), id).toEqual([]);
    }
  });
});

describe('Standard Webhooks: keys and the listener\'s check', () => {
  it('an ed25519 key is whsk_/whpk_ at the start (leading blanks allowed), nowhere else', () => {
    expect(isAsymmetricKey('whsk_abc')).toBe(true);
    expect(isAsymmetricKey('  whpk_abc')).toBe(true);
    expect(isAsymmetricKey('xwhsk_abc')).toBe(false);
    expect(isAsymmetricKey('my-whpk_abc')).toBe(false);
    expect(isAsymmetricKey('whsec_abc')).toBe(false);
  });

  it('with no usable key, the refusal names the header the delivery carries (webhook-signature unless only svix-signature)', () => {
    const sw = schemeById('standard-webhooks')!;
    const refuse = (headers: Record<string, string>) => sw.check!({ headers, body: Buffer.from('{}') }, { secrets: ['not a key!'] }).signature;
    expect(refuse({})).toStrictEqual({ status: 'invalid', valid: false, header: 'webhook-signature', reason: 'no configured --secret is a Standard Webhooks key (whsec_ + base64, or whpk_ for v1a): the signature cannot be checked' });
    expect(refuse({ 'webhook-signature': 'v1,x' })).toMatchObject({ header: 'webhook-signature' });
    expect(refuse({ 'svix-signature': 'v1,x' })).toMatchObject({ header: 'svix-signature' });
    expect(refuse({ 'webhook-signature': 'v1,x', 'svix-signature': 'v1,x' })).toMatchObject({ header: 'webhook-signature' });
  });

  it('secretIndex counts in the ring as configured, and is absent when no key matched', () => {
    const sw = schemeById('standard-webhooks')!;
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const secret = `whsec_${key.toString('base64')}`;
    const t = String(Math.floor(Date.now() / 1000));
    const body = Buffer.from('{"a":1}');
    const sig = createHmac('sha256', key).update(`msg_1.${t}.`).update(body).digest('base64');
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': t, 'webhook-signature': `v1,${sig}` };
    // The first secret is no Standard Webhooks key: it is skipped, and the index still counts it.
    const ok = sw.check!({ headers, body }, { secrets: ['not a key!', secret] }).signature;
    expect(ok).toMatchObject({ status: 'valid', secretIndex: 1 });
    const bad = sw.check!({ headers, body: Buffer.from('{"a":2}') }, { secrets: ['not a key!', secret] }).signature;
    expect(bad?.valid).toBe(false);
    expect(bad).not.toHaveProperty('secretIndex');
  });
});

describe('the headers each scheme reads, and signing without a secret', () => {
  it('the main header and only the documented older ones', () => {
    const reads = (id: string) => schemeById(id as never)!.reads();
    expect(reads('slack')).toEqual(['x-slack-signature']);
    expect(reads('stripe')).toEqual(['stripe-signature']);
    expect(reads('shopify')).toEqual(['x-shopify-hmac-sha256']);
    expect(reads('github')).toEqual(['x-hub-signature-256']);
    expect(reads('mgpass')).toEqual(['x-webhook-signature']);
    expect(reads('customerglu')).toEqual(['x-cg-signature', 'x-glu-signature']);
    expect(reads('standard-webhooks')).toEqual(['webhook-signature', 'svix-signature']);
  });

  it('Standard Webhooks signs every delivery: no secret is a usage error, not an unsigned request', () => {
    const sw = schemeById('standard-webhooks')!;
    expect(() => sw.sign(Buffer.from('{}'), {})).toThrow(expect.objectContaining({ code: 'missing_secret' }));
  });
});

describe('memos (src/signing/memo.ts)', () => {
  it('forgetMemos makes the next call derive the profile again', () => {
    const slack = schemeById('slack')!;
    const first = slack.profile!();
    expect(slack.profile!()).toBe(first);
    forgetMemos();
    const again = slack.profile!();
    expect(again).not.toBe(first);
    expect(again).toStrictEqual(first);
  });
});
