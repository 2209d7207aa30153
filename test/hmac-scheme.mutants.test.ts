// Behaviour of src/signing/schemes/hmac-scheme.ts (signing and verifying every HMAC scheme) that the Stryker run
// (npm run mutate) showed no test pinned down: secret checks and their words, header parsing edges, timestamps and
// message ids, which key of a ring matched, and every reason a verification gives.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { profileOf } from '../src/signing/registry.js';
import { contentPrefix, parseSignatureValue, secretProblem, signHmac, signingKeys, splitStripeHeader, verifyHmac } from '../src/signing/schemes/hmac-scheme.js';
import type { HmacProfile } from '../src/signing/schemes/profile.js';

const P = (id: Parameters<typeof profileOf>[0]) => profileOf(id)!;
const GITHUB = P('github');
const STRIPE = P('stripe');
const SW = P('standard-webhooks');
const CG = P('customerglu');
const SLACK = P('slack');
const BODY = Buffer.from('{"amount":25,"text":"Café ☕"}');
const hex = (key: string | Buffer, data: string | Buffer) => createHmac('sha256', key).update(data).digest('hex');
const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error('expected an error');
};

describe('secretProblem', () => {
  it('an empty secret, for any scheme', () => {
    expect(secretProblem(GITHUB, '')).toBe('the secret is empty');
    expect(secretProblem(SW, '')).toBe('the secret is empty');
    expect(secretProblem(GITHUB, 'anything at all')).toBeUndefined();
  });
  it('a whsec_ secret: base64 after the prefix, of a length base64 can have', () => {
    expect(secretProblem(SW, 'whsec_')).toBe('a Standard Webhooks secret is "whsec_" followed by base64 (got nothing after the prefix)');
    expect(secretProblem(SW, 'whsec_!!!!')).toBe('a Standard Webhooks secret is "whsec_" followed by base64 (got characters outside base64 after the prefix)');
    expect(secretProblem(SW, 'whsec_AAAAA')).toBe('a Standard Webhooks secret is "whsec_" followed by base64 (got characters outside base64 after the prefix)');
    expect(secretProblem(SW, 'whsec_AAAAAA')).toBeUndefined();
    // "==" matches the base64 pattern and decodes to nothing: an empty key anyone can sign with.
    expect(secretProblem(SW, 'whsec_==')).toBe('a Standard Webhooks secret is "whsec_" followed by base64 (got no key bytes after the prefix)');
    expect(secretProblem(SW, 'AAAA')).toBeUndefined();
  });
});

describe('contentPrefix', () => {
  it('is empty for a body-only scheme and the documented prefix otherwise', () => {
    expect(contentPrefix('body', '1', 'msg')).toBe('');
    expect(contentPrefix('id.t.body', '1', 'msg')).toBe('msg.1.');
    expect(contentPrefix('t.body', '1')).toBe('1.');
    expect(contentPrefix('v0:t:body', '1')).toBe('v0:1:');
  });
});

describe('signingKeys', () => {
  it('an empty key ring falls back to the one secret', () => {
    expect(signingKeys({ secrets: [], secret: 's' })).toEqual(['s']);
    expect(signingKeys({ secrets: ['a', 'b'], secret: 's' })).toEqual(['a', 'b']);
    expect(signingKeys({})).toEqual([]);
  });
});

describe('signHmac', () => {
  it('no secret where the provider sends none without one: no header, and a note saying so', () => {
    expect(signHmac(CG, BODY, {}, false)).toStrictEqual({ headers: {}, query: {}, notes: ['no secret given: X-CG-SIGNATURE is not sent (the provider sends it only when a secret is configured)'] });
  });
  it('a signed request carries no notes', () => {
    expect(signHmac(GITHUB, BODY, { secret: 's' }, true).notes).toEqual([]);
  });
  it('several keys where the scheme has one signature per delivery: refused, saying why', () => {
    const e = errorOf(() => signHmac(GITHUB, BODY, { secrets: ['a', 'b'] }, true));
    expect(e.code).toBe('bad_option');
    expect(e.message).toBe('--secret: GitHub sends one signature per delivery: sign with one secret (several are for verify and listen, during rotation)');
  });
  it('a secret the scheme cannot use is refused before signing (unless a scheme signs that key its own way)', () => {
    const e = errorOf(() => signHmac(SW, BODY, { secrets: ['whsec_AAAAAA', 'whsec_'] }, true));
    expect(e.code).toBe('bad_secret');
    expect(e.message).toBe('--secret: a Standard Webhooks secret is "whsec_" followed by base64 (got nothing after the prefix)');
    expect(signHmac(SW, BODY, { secret: 'whsec_', id: 'msg_1', timestamp: 5 }, true, () => 'v1,own').headers['webhook-signature']).toBe('v1,own');
  });
  it('a message id it makes up looks like the ones Svix sends: msg_ and 24 alphanumerics', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const id = signHmac(SW, BODY, { secret: 'whsec_AAAAAA' }, true).headers['webhook-id']!;
      expect(id).toMatch(/^msg_[0-9A-Za-z]{24}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(20);
  });
});

describe('splitStripeHeader', () => {
  it('skips parts without "=", trims keys and values, keeps an empty key', () => {
    expect(splitStripeHeader(' t = 12 , garbage, v1 = aa ,=x,v0=bb')).toStrictEqual({
      t: '12',
      pairs: [
        { k: 'v1', v: 'aa' },
        { k: '', v: 'x' },
        { k: 'v0', v: 'bb' },
      ],
    });
  });
  it('no t=: no t key at all', () => {
    expect(splitStripeHeader('v1=aa')).toStrictEqual({ pairs: [{ k: 'v1', v: 'aa' }] });
  });
});

describe('parseSignatureValue', () => {
  it('Stripe: only v1= signatures, with the t= when there is one', () => {
    expect(parseSignatureValue(STRIPE, 't=1,v0=aa,v1=bb,v1=cc')).toStrictEqual({ signatures: ['bb', 'cc'], t: '1' });
    expect(parseSignatureValue(STRIPE, 'v1=bb')).toStrictEqual({ signatures: ['bb'] });
    expect(parseSignatureValue(STRIPE, 't=1,v0=aa')).toStrictEqual({ signatures: [], error: 'Stripe-Signature has no v1= signature (expected "t=<unix seconds>,v1=<hex>")' });
  });
  it('a space-separated list: the elements with the prefix', () => {
    expect(parseSignatureValue(SW, ' v1,aa v2,bb v1,cc ')).toStrictEqual({ signatures: ['aa', 'cc'] });
    expect(parseSignatureValue(SW, 'v2,bb')).toStrictEqual({ signatures: [], error: 'webhook-signature has no v1, signature (expected "v1,<base64>")' });
  });
  it('one signature: the prefix is required and removed; without a prefix the whole value, spaces inside kept', () => {
    const sig = hex('s', BODY);
    expect(parseSignatureValue(GITHUB, `  sha256=${sig}  `)).toStrictEqual({ signatures: [sig] });
    expect(parseSignatureValue(GITHUB, sig)).toStrictEqual({ signatures: [], error: 'X-Hub-Signature-256 does not start with "sha256="' });
    expect(parseSignatureValue(CG, ' abc def ')).toStrictEqual({ signatures: ['abc def'] });
  });
});

describe('verifyHmac', () => {
  const github = (value: string, secrets = ['s']) => verifyHmac(GITHUB, { headers: { 'x-hub-signature-256': value }, body: BODY }, { secrets });
  const good = `sha256=${hex('s', BODY)}`;

  it('missing: names every header it looked for; a header named "undefined" is not one of them', () => {
    expect(verifyHmac(CG, { headers: {}, body: BODY }, { secrets: ['s'] })).toStrictEqual({ status: 'missing', valid: false, reason: 'no X-CG-SIGNATURE or X-GLU-SIGNATURE header' });
    expect(verifyHmac(GITHUB, { headers: { undefined: good }, body: BODY }, { secrets: ['s'] }).status).toBe('missing');
  });

  it('malformed: the expected length and encoding, in words', () => {
    expect(github('sha256=abc')).toStrictEqual({
      status: 'malformed',
      valid: false,
      header: 'X-Hub-Signature-256',
      reason: 'X-Hub-Signature-256 is not a GitHub signature: expected 64 hex characters (HMAC-SHA256), got 3 characters',
    });
    expect(github(`sha256=${'g'.repeat(64)}`).status).toBe('malformed');
    const sw = verifyHmac(SW, { headers: { 'webhook-signature': 'v1,abc', 'webhook-id': 'msg_1', 'webhook-timestamp': '1' }, body: BODY }, { secrets: ['whsec_AAAAAA'], now: 1 });
    expect(sw.reason).toBe('webhook-signature is not a Standard Webhooks signature: expected 44 base64 characters (HMAC-SHA256), got 3 characters');
  });

  it('a v1a-only Standard Webhooks header checked with a whsec_ key: says the key is the wrong kind', () => {
    const v1a = `v1a,${Buffer.alloc(64, 7).toString('base64')}`;
    const r = verifyHmac(SW, { headers: { 'webhook-signature': v1a, 'webhook-id': 'msg_1', 'webhook-timestamp': '1' }, body: BODY }, { secrets: ['whsec_AAAAAA'], now: 1 });
    expect(r).toMatchObject({ status: 'malformed', valid: false });
    expect(r.reason).toBe("webhook-signature has no v1, signature: it carries only v1a (ed25519) signatures, which a whsec_ secret cannot check; pass the sender's whpk_ public key");
    expect(parseSignatureValue(SW, 'v2,abc').error).toBe('webhook-signature has no v1, signature (expected "v1,<base64>")');
    // A v1a beside another version still carries a v1a signature the whsec_ key cannot check: the same advice.
    expect(parseSignatureValue(SW, `v2,abc ${v1a}`).error).toMatch(/: it carries only v1a \(ed25519\) signatures, which a whsec_ secret cannot check/);
  });

  it('malformed at the right length: says which characters are wrong, not "expected 44, got 44"', () => {
    expect(github(`sha256=${'g'.repeat(64)}`).reason).toBe('X-Hub-Signature-256 is not a GitHub signature: expected 64 hex characters (HMAC-SHA256), got 64 characters, not all of them hex');
    const sw = (sig: string) => verifyHmac(SW, { headers: { 'webhook-signature': `v1,${sig}`, 'webhook-id': 'msg_1', 'webhook-timestamp': '1' }, body: BODY }, { secrets: ['whsec_AAAAAA'], now: 1 }).reason;
    expect(sw(`${'a-_b'.repeat(10)}aaa=`)).toBe('webhook-signature is not a Standard Webhooks signature: expected 44 base64 characters (HMAC-SHA256), got 44 characters in base64url (- and _), not base64 (+ and /)');
    expect(sw(`${'a.b!'.repeat(10)}aaa=`)).toBe('webhook-signature is not a Standard Webhooks signature: expected 44 base64 characters (HMAC-SHA256), got 44 characters, not all of them base64');
  });

  it('invalid: says the header does not match the body', () => {
    expect(github(good, ['other'])).toStrictEqual({ status: 'invalid', valid: false, header: 'X-Hub-Signature-256', reason: 'X-Hub-Signature-256 does not match the body' });
  });

  it('the first matching key of a ring is reported, even when a later one matches too', () => {
    expect(github(good, ['x', 's', 's'])).toStrictEqual({ status: 'valid', valid: true, header: 'X-Hub-Signature-256', secretIndex: 1, reason: 'X-Hub-Signature-256 matches' });
    expect(github(good, ['s', 's'])).toMatchObject({ secretIndex: 0 });
  });

  it('the same secret text as a UTF-8 key and as a whsec_ key gives each scheme its own key', () => {
    const secret = 'AAAAAAAA';
    const swHeaders = (key: Buffer) => ({ 'webhook-signature': `v1,${createHmac('sha256', key).update(`msg_1.5.`).update(BODY).digest('base64')}`, 'webhook-id': 'msg_1', 'webhook-timestamp': '5' });
    for (let round = 0; round < 2; round++) {
      expect(github(`sha256=${hex(secret, BODY)}`, [secret]).status).toBe('valid');
      expect(verifyHmac(SW, { headers: swHeaders(Buffer.from(secret, 'base64')), body: BODY }, { secrets: [secret], now: 5 }).status).toBe('valid');
    }
  });

  describe('timestamps', () => {
    const stripeHeader = (t: string, secret = 's') => `t=${t},v1=${hex(secret, Buffer.concat([Buffer.from(`${t}.`), BODY]))}`;
    const stripe = (value: string, extra: object = {}) => verifyHmac(STRIPE, { headers: { 'stripe-signature': value }, body: BODY }, { secrets: ['s'], now: 1000, ...extra });

    it('none: says where the scheme carries it', () => {
      expect(stripe(`v1=${hex('s', BODY)}`)).toStrictEqual({ status: 'malformed', valid: false, header: 'Stripe-Signature', reason: 'no timestamp: Stripe signs one ("t=" in Stripe-Signature)' });
      const slack = verifyHmac(SLACK, { headers: { 'x-slack-signature': `v0=${'a'.repeat(64)}` }, body: BODY }, { secrets: ['s'] });
      expect(slack).toStrictEqual({ status: 'malformed', valid: false, header: 'X-Slack-Signature', reason: 'no timestamp: Slack signs one (X-Slack-Request-Timestamp header, or --timestamp)' });
    });

    it('not unix seconds: quoted', () => {
      for (const t of ['x1000', '1234567890123']) {
        expect(stripe(stripeHeader(t))).toMatchObject({ status: 'malformed', reason: `timestamp "${t}" is not unix seconds` });
      }
    });

    it('Stripe: read with parseInt as stripe-node reads it, and checked over the number it reads', () => {
      const over = (t: string, signed: string) => `t=${t},v1=${hex('s', Buffer.concat([Buffer.from(`${signed}.`), BODY]))}`;
      for (const t of ['1000x', '01000', '+1000', '1000 ']) {
        expect(stripe(over(t, '1000')).status, t).toBe('valid');
        expect(stripe(over(t, t)), t).toMatchObject({ status: 'invalid', reason: expect.stringContaining(`Stripe's libraries read it as 1000`) });
      }
      expect(stripe(over('1e3', '1e3')).status).toBe('expired');
    });

    it('read from its own header, spaces trimmed (Slack)', () => {
      const sig = `v0=${hex('s', Buffer.concat([Buffer.from('v0:1000:'), BODY]))}`;
      const slack = (t: string) => verifyHmac(SLACK, { headers: { 'x-slack-signature': sig, 'x-slack-request-timestamp': t }, body: BODY }, { secrets: ['s'], now: 1000 });
      expect(slack('1000').status).toBe('valid');
      expect(slack(' 1000 ').status).toBe('valid');
    });

    it('too old or too far ahead: how far, the tolerance, and whether the signature itself matched', () => {
      expect(stripe(stripeHeader('400'))).toStrictEqual({ status: 'expired', valid: false, header: 'Stripe-Signature', reason: 'timestamp is 10 min old (tolerance 5 min); the signature itself matches', secretIndex: 0 });
      expect(stripe(stripeHeader('1400'))).toStrictEqual({ status: 'expired', valid: false, header: 'Stripe-Signature', reason: 'timestamp is 6 min 40 s in the future (tolerance 5 min); the signature itself matches', secretIndex: 0 });
      expect(stripe(stripeHeader('400', 'other'))).toStrictEqual({ status: 'expired', valid: false, header: 'Stripe-Signature', reason: 'timestamp is 10 min old (tolerance 5 min) and the signature does not match' });
      expect(stripe(stripeHeader('990'), { tolerance: 10 })).toStrictEqual({ status: 'valid', valid: true, header: 'Stripe-Signature', secretIndex: 0, reason: 'Stripe-Signature matches' });
      expect(stripe(stripeHeader('990', 'other'), { tolerance: 10 })).toStrictEqual({ status: 'invalid', valid: false, header: 'Stripe-Signature', reason: 'Stripe-Signature does not match the body' });
      expect(stripe(stripeHeader('989'), { tolerance: 10 }).status).toBe('expired');
    });
  });

  describe('Standard Webhooks: id and timestamp headers (or svix-*)', () => {
    const key = Buffer.from('AAAAAA', 'base64');
    const sig = (id: string, t: string) => `v1,${createHmac('sha256', key).update(`${id}.${t}.`).update(BODY).digest('base64')}`;
    const sw = (headers: Record<string, string>) => verifyHmac(SW, { headers, body: BODY }, { secrets: ['whsec_AAAAAA'], now: 5 });

    it('read from the headers', () => {
      expect(sw({ 'webhook-signature': sig('msg_1', '5'), 'webhook-id': 'msg_1', 'webhook-timestamp': '5' }).status).toBe('valid');
      expect(sw({ 'svix-signature': sig('msg_1', '5'), 'svix-id': 'msg_1', 'svix-timestamp': ' 5 ' }).status).toBe('valid');
    });
    it('no id: malformed, saying the scheme signs it', () => {
      expect(sw({ 'webhook-signature': sig('msg_1', '5'), 'webhook-timestamp': '5' })).toStrictEqual({
        status: 'malformed',
        valid: false,
        header: 'webhook-signature',
        reason: 'no webhook-id header: Standard Webhooks signs the message id',
      });
    });
    it('no timestamp: malformed', () => {
      expect(sw({ 'webhook-signature': sig('msg_1', '5'), 'webhook-id': 'msg_1' })).toMatchObject({ status: 'malformed', reason: 'no timestamp: Standard Webhooks signs one (webhook-timestamp header, or --timestamp)' });
    });
  });

  it('a custom profile: the prefix and header it was given', () => {
    const custom: HmacProfile = { ...GITHUB, label: 'custom HMAC', prefix: '', header: 'X-Sig', altHeaders: [], extra: undefined };
    expect(verifyHmac(custom, { headers: { 'x-sig': hex('s', BODY) }, body: BODY }, { secrets: ['s'] }).status).toBe('valid');
  });
});
