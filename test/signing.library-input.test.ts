// The library's verify() never throws on what a receiver's framework hands it, and understands the shapes those
// frameworks use: a fetch Headers object, null header values, a WHATWG Request (through verifyWebRequest).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { explain, loadProvider, sign, verify, verifyWebRequest } from '../src/index.js';

const SECRET = 's3cret';
const BODY = '{"rewardId":"r-1","rewardAmount":15}';
const SIG = createHmac('sha1', SECRET).update(BODY).digest('hex');

describe('verify() takes the header shapes receivers have', () => {
  it('a fetch Headers object is read, not reported "missing"', () => {
    const headers = new Headers({ 'X-CG-SIGNATURE': SIG, 'Content-Type': 'application/json' });
    expect(verify('customerglu', { headers, body: BODY }, { secret: SECRET })).toMatchObject({ valid: true, status: 'valid' });
    expect(verify('customerglu', { headers, body: BODY }, { secret: 'other' })).toMatchObject({ valid: false, status: 'invalid' });
  });

  it('a null header value (what Headers.get() returns) is an absent header, not a TypeError', () => {
    const r = verify('customerglu', { headers: { 'x-cg-signature': null }, body: BODY }, { secret: SECRET });
    expect(r).toMatchObject({ valid: false, status: 'missing' });
    const mixed = verify('customerglu', { headers: { 'X-CG-SIGNATURE': SIG, 'x-other': null, 'x-n': 3 }, body: BODY }, { secret: SECRET });
    expect(mixed.valid).toBe(true);
  });

  it('query parameters as URLSearchParams (WebEngage)', async () => {
    const we = await loadProvider('webengage');
    const signed = sign(we, BODY, { secret: SECRET, licenseCode: '~abc' });
    const query = new URLSearchParams(signed.query);
    expect(verify(we, { headers: {}, query, body: BODY }, { secret: SECRET }).valid).toBe(true);
  });
});

describe('verify() never throws on bad input', () => {
  const bad: Array<[string, () => unknown]> = [
    ['a parsed object body', () => verify('customerglu', { headers: { 'x-cg-signature': SIG }, body: JSON.parse(BODY) }, { secret: SECRET })],
    ['no body', () => verify('customerglu', { headers: { 'x-cg-signature': SIG } } as never, { secret: SECRET })],
    ['an unset secret', () => verify('customerglu', { headers: { 'x-cg-signature': SIG }, body: BODY }, { secret: process.env.CG_HOOKS_UNSET_FOR_TEST })],
    ['a null secret', () => verify('customerglu', { headers: { 'x-cg-signature': SIG }, body: BODY }, { secret: null } as never)],
    ['secrets holding undefined', () => verify('customerglu', { headers: { 'x-cg-signature': SIG }, body: BODY }, { secrets: [undefined] } as never)],
    ['no options', () => verify('customerglu', { headers: { 'x-cg-signature': SIG }, body: BODY }, undefined as never)],
    ['no request', () => verify('customerglu', undefined as never, { secret: SECRET })],
    ['headers that are not an object', () => verify('customerglu', { headers: 'x' as never, body: BODY }, { secret: SECRET })],
    ['an unknown scheme', () => verify('rehookz' as never, { headers: {}, body: BODY }, { secret: SECRET })],
    ['a signature option that is not text', () => verify('customerglu', { headers: {}, body: BODY }, { secret: SECRET, signature: 42 as never })],
    ['explain with a parsed body', () => explain('customerglu', { headers: { 'x-cg-signature': SIG }, body: {} as never }, { secret: SECRET })],
  ];
  for (const [what, call] of bad) {
    it(what, () => {
      let result: { valid?: boolean; result?: { valid: boolean } } | undefined;
      expect(() => (result = call() as typeof result)).not.toThrow();
      expect(result!.valid ?? result!.result!.valid).toBe(false);
    });
  }

  it('says why a parsed body cannot be verified', () => {
    const r = verify('customerglu', { headers: { 'x-cg-signature': SIG }, body: JSON.parse(BODY) }, { secret: SECRET });
    expect(r.reason).toMatch(/parsed object, not the raw bytes/);
    expect(verify('customerglu', { headers: { 'x-cg-signature': SIG }, body: BODY }, { secret: undefined } as never).status).toBe('no-secret');
  });

  it('a tolerance that is not a number is the default one, never "anything goes"', () => {
    const t = 1_700_000_000;
    const signed = sign('stripe', BODY, { secret: SECRET, timestamp: t });
    const r = verify('stripe', { headers: signed.headers, body: BODY }, { secret: SECRET, now: t + 3600, tolerance: Number.NaN });
    expect(r.status).toBe('expired');
  });
});

describe('a Standard Webhooks secret that decodes to no key bytes is never used (anyone can sign with an empty key)', () => {
  const now = 1_700_000_000;
  const forged = `v1,${createHmac('sha256', Buffer.alloc(0)).update(`msg_1.${now}.${BODY}`).digest('base64')}`;
  const req = { headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now), 'webhook-signature': forged }, body: BODY };
  // A placeholder left in an environment variable, or a secret pasted without its base64.
  it.each(['whsec_', 'whsec_==', 'whsec_A', ' ', 'whsec_ '])('%j: not valid, said as no usable key', (secret) => {
    expect(verify('standard-webhooks', req, { secret, now })).toStrictEqual({
      status: 'no-secret',
      valid: false,
      reason: 'no usable Standard Webhooks key: the secret decodes to no key bytes (whsec_ + the base64 of the key); anyone could sign with an empty key',
    });
  });

  it('in a ring, the real key still verifies its own signature and secretIndex counts in the ring as given', () => {
    const key = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const { headers } = sign('standard-webhooks', BODY, { secret: key, timestamp: now, id: 'msg_1' });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verify('standard-webhooks', { headers: lower, body: BODY }, { secrets: ['whsec_', key], now })).toMatchObject({ valid: true, secretIndex: 1 });
    const forgedInRing = verify('standard-webhooks', req, { secrets: ['whsec_', key], now });
    expect(forgedInRing).toMatchObject({ valid: false, status: 'invalid' });
    // No key matched: no index to map back into the ring (a -1 here would read as "matched the last but one").
    expect(forgedInRing).not.toHaveProperty('secretIndex');
  });
});

describe('a WHATWG Request', () => {
  const request = () => new Request('http://127.0.0.1/webhook?x=1', { method: 'POST', headers: { 'X-CG-SIGNATURE': SIG }, body: BODY });

  it('verify() says to use verifyWebRequest (or pass the bytes) instead of reporting the signature missing', () => {
    const r = verify('customerglu', request() as never, { secret: SECRET });
    expect(r.status).not.toBe('missing');
    expect(r.valid).toBe(false);
    expect(r.reason).toContain('verifyWebRequest');
  });

  it('verifyWebRequest reads a clone of the body: valid, and the caller can still read it', async () => {
    const req = request();
    expect(await verifyWebRequest('customerglu', req, { secret: SECRET })).toMatchObject({ valid: true, status: 'valid' });
    expect(await req.text()).toBe(BODY);
    expect(await verifyWebRequest('customerglu', request(), { secret: 'wrong' })).toMatchObject({ valid: false, status: 'invalid' });
  });

  it('verifyWebRequest never rejects: a body already read, or not a Request', async () => {
    const used = request();
    await used.text();
    await expect(verifyWebRequest('customerglu', used, { secret: SECRET })).resolves.toMatchObject({ valid: false, reason: expect.stringContaining('already read') });
    await expect(verifyWebRequest('customerglu', {} as never, { secret: SECRET })).resolves.toMatchObject({ valid: false });
  });
});
