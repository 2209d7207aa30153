// Behaviour of the HMAC scheme modules (src/signing/schemes/define-hmac.ts, hmac.ts, customerglu.ts, segment.ts,
// standard-webhooks.ts, standard-webhooks-v1a.ts) that the Stryker run (npm run mutate) showed no in-process test
// pinned down: a provider's spec or a custom HMAC shaping the profile, the listener's check, conformance families,
// keygen, the hints, Segment's two credentials, and Standard Webhooks key rings that mix ed25519 keys and whsec_
// secrets. Every value is computed inside its test (Stryker switches a mutant on per test).
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyPair, signV1a } from '../src/signing/ed25519.js';
import { schemeById } from '../src/signing/registry.js';
import { looksLike, profileCache, wrongSecretOf } from '../src/signing/schemes/define-hmac.js';
import type { SigningSpec } from '../src/providers/types.js';

const BODY = Buffer.from('{"event":"reward.issued","points":25,"name":"Zoë"}', 'utf8');
const TEXT = BODY.toString('utf8');
const scheme = (id: string) => schemeById(id as never)!;
const hex = (alg: string, key: string | Buffer, data: string) => createHmac(alg, key).update(data, 'utf8').digest('hex');
const b64 = (alg: string, key: string | Buffer, data: string) => createHmac(alg, key).update(data, 'utf8').digest('base64');
const TRIED = { bodies: 0, secrets: 0, templates: 0, algorithms: [], signatures: 0, hmacs: 0 };
const spec = (over: Partial<SigningSpec>): SigningSpec => ({ scheme: 'customerglu', secretRequired: false, description: 'test', ...over });

describe('defineHmacScheme: the profile', () => {
  it('a provider\'s spec sets the header, the older headers and the algorithm; without one, the scheme\'s defaults', () => {
    const cg = scheme('customerglu');
    expect(cg.reads()).toEqual(['x-cg-signature', 'x-glu-signature']);
    const own = spec({ header: 'X-Tenant-Sig', altHeaders: ['X-Old-Sig'], algorithm: 'sha512', encoding: 'base64' });
    expect(cg.reads(own)).toEqual(['x-tenant-sig', 'x-old-sig']);
    expect(cg.sign(BODY, { secret: 's' }, own).headers).toStrictEqual({ 'X-Tenant-Sig': b64('sha512', 's', TEXT) });
    expect(cg.verify({ headers: { 'x-old-sig': b64('sha512', 's', TEXT) }, body: BODY }, { secrets: ['s'] }, own)).toMatchObject({ status: 'valid', header: 'X-Old-Sig' });
    expect(cg.sign(BODY, { secret: 's' }).headers).toStrictEqual({ 'X-CG-SIGNATURE': hex('sha1', 's', TEXT) });
    const mg = scheme('mgpass');
    expect(mg.sign(BODY, { secret: 's' }, spec({ scheme: 'mgpass', header: 'X-Mg', algorithm: 'sha1' })).headers).toStrictEqual({ 'X-Mg': hex('sha1', 's', TEXT) });
    expect(mg.reads(spec({ scheme: 'mgpass', altHeaders: ['X-Old'] }))).toEqual(['x-webhook-signature', 'x-old']);
  });

  it('the custom HMAC: from flags, else from the spec, else X-Signature hex SHA-256', () => {
    const h = scheme('hmac');
    expect(h.configurable).toBe(true);
    expect(scheme('github').configurable).toBeUndefined();
    const custom = { algorithm: 'sha1' as const, header: 'X-Sig', encoding: 'base64' as const, prefix: 'v=' };
    expect(h.sign(BODY, { secret: 's', custom }).headers).toStrictEqual({ 'X-Sig': `v=${b64('sha1', 's', TEXT)}` });
    expect(h.reads(undefined, custom)).toEqual(['x-sig']);
    expect(h.sign(BODY, { secret: 's', custom: { algorithm: 'md5', header: 'X-Md5', encoding: 'hex' } }).headers).toStrictEqual({ 'X-Md5': hex('md5', 's', TEXT) });
    expect(h.sign(BODY, { secret: 's' }).headers).toStrictEqual({ 'X-Signature': hex('sha256', 's', TEXT) });
    const own = spec({ scheme: 'hmac', header: 'X-Own', algorithm: 'sha512', encoding: 'base64', altHeaders: ['X-Own-Old'] });
    expect(h.sign(BODY, { secret: 's' }, own).headers).toStrictEqual({ 'X-Own': b64('sha512', 's', TEXT) });
    expect(h.reads(own)).toEqual(['x-own', 'x-own-old']);
    expect(h.verify({ headers: { 'x-sig': `v=${b64('sha1', 's', TEXT)}` }, body: BODY }, { secrets: ['s'], custom })).toMatchObject({ status: 'valid', header: 'X-Sig' });
    expect(h.check({ headers: { 'x-sig': `v=${b64('sha1', 's', TEXT)}` }, body: BODY }, { secrets: ['s'] }, undefined, custom)).toMatchObject({ signature: { status: 'valid', header: 'X-Sig' } });
    expect(h.exported(undefined, custom)).toMatchObject({ kind: 'hmac', profile: { header: 'X-Sig', algorithm: 'sha1', encoding: 'base64', prefix: 'v=' } });
    expect(h.looksLike!(undefined, custom)).toBe('custom HMAC sends "v=" + base64 in X-Sig');
  });

  it('profileCache: one profile per spec, the defaults once, a custom HMAC never remembered', () => {
    let built = 0;
    const profile = profileCache((s, custom) => {
      built++;
      return { scheme: 'hmac', label: 'x', algorithm: custom?.algorithm ?? s?.algorithm ?? 'sha256', encoding: 'hex', prefix: '', header: s?.header ?? 'X-S', altHeaders: [], content: 'body', key: 'utf8' };
    });
    const a = spec({ header: 'X-A' });
    const b = spec({ header: 'X-B' });
    expect(profile(a)).toBe(profile(a));
    expect(profile(a).header).toBe('X-A');
    expect(profile(b).header).toBe('X-B');
    expect(profile()).toBe(profile());
    expect(built).toBe(3);
    expect(profile(a, { algorithm: 'sha1', header: 'X-C', encoding: 'hex' }).algorithm).toBe('sha1');
    expect(profile(a, { algorithm: 'md5', header: 'X-C', encoding: 'hex' }).algorithm).toBe('md5');
    expect(built).toBe(5);
  });

  it('a provider\'s spec decides whether a delivery without a secret can be sent; a generic scheme always signs', () => {
    const cg = scheme('customerglu');
    expect(cg.sign(BODY, {}, spec({})).notes).toEqual(['no secret given: X-CG-SIGNATURE is not sent (the provider sends it only when a secret is configured)']);
    expect(cg.sign(BODY, {}).headers).toStrictEqual({});
    expect(() => cg.sign(BODY, {}, spec({ secretRequired: true }))).toThrowError(expect.objectContaining({ code: 'missing_secret', message: 'CustomerGlu signs every delivery: pass --secret (or set CG_HOOKS_SECRET)' }));
    expect(() => scheme('github').sign(BODY, {}, spec({ scheme: 'github', secretRequired: false }))).toThrowError(expect.objectContaining({ code: 'missing_secret' }));
  });

  it('the listener\'s check: the key ring against the profile of the spec', () => {
    const cg = scheme('customerglu');
    const own = spec({ header: 'X-Tenant-Sig' });
    expect(cg.check({ headers: { 'x-tenant-sig': hex('sha1', 'k2', TEXT) }, body: BODY }, { secrets: ['k1', 'k2'] }, own)).toStrictEqual({
      signature: { status: 'valid', valid: true, header: 'X-Tenant-Sig', secretIndex: 1, reason: 'X-Tenant-Sig matches' },
    });
    expect(cg.check({ headers: { 'x-cg-signature': hex('sha1', 'k1', TEXT) }, body: BODY }, { secrets: [] })).toMatchObject({ signature: { status: 'no-secret' } });
  });

  it('conformance, keygen, export and hints', () => {
    const cg = scheme('customerglu');
    const own = spec({ header: 'X-Tenant-Sig' });
    expect(cg.conformance.family({ secrets: 1, apiKey: false }, false, own)).toMatchObject({ kind: 'signature', profile: { header: 'X-Tenant-Sig', algorithm: 'sha1' } });
    expect(cg.conformance.reserializingSamples).toBe(true);
    expect(scheme('github').conformance.reserializingSamples).toBeUndefined();
    expect((cg.keygen!(false) as { secret: string }).secret).toMatch(/^[0-9a-f]{64}$/);
    expect(cg.exported(own)).toMatchObject({ kind: 'hmac', profile: { header: 'X-Tenant-Sig' } });
    expect(cg.looksLike!()).toBe('CustomerGlu sends 40 hex characters in X-CG-SIGNATURE');
    expect(cg.looksLike!(own)).toBe('CustomerGlu sends 40 hex characters in X-Tenant-Sig');
    expect(scheme('stripe').looksLike!()).toBe('Stripe signatures look like t=<unix seconds>,v1=<hex>');
    expect(cg.secretProblem!('', 'sign')).toBe('the secret is empty');
    expect(cg.secretProblem!('s', 'sign')).toBeUndefined();
  });
});

describe('looksLike and wrongSecretOf', () => {
  it('says the prefix, the length or base64, the header, and the timestamp when one is signed', () => {
    expect(looksLike(scheme('github').profile!())).toBe('GitHub sends "sha256=" + 64 hex characters in X-Hub-Signature-256');
    expect(looksLike(scheme('shopify').profile!())).toBe('Shopify sends base64 in X-Shopify-Hmac-SHA256');
    expect(looksLike(scheme('slack').profile!())).toBe('Slack sends "v0=" + 64 hex characters in X-Slack-Signature (with --timestamp)');
    expect(looksLike({ ...scheme('hmac').profile!(), algorithm: 'md5' })).toBe('custom HMAC sends 32 hex characters in X-Signature');
    expect(looksLike({ ...scheme('hmac').profile!(), algorithm: 'sha512' })).toBe('custom HMAC sends 128 hex characters in X-Signature');
  });

  it('a wrong key in the profile\'s format, derived from the real keys', () => {
    const digest = createHash('sha256').update('cg-hooks wrong secret\0a\0b').digest();
    expect(wrongSecretOf(scheme('github').profile!(), ['a', 'b'])).toBe(`wrong-${digest.toString('hex').slice(0, 24)}`);
    expect(wrongSecretOf(scheme('standard-webhooks').profile!(), ['a', 'b'])).toBe(`whsec_${digest.toString('base64')}`);
    expect(scheme('github').wrongSecret!(['a', 'b'])).toBe(`wrong-${digest.toString('hex').slice(0, 24)}`);
  });
});

describe('Segment: X-Signature with a shared secret, X-API-KEY for CustomerGlu', () => {
  const sig = (key: string) => hex('sha1', key, TEXT);
  it('signs with either credential or both; a note when there is neither', () => {
    const s = scheme('segment');
    expect(s.reads()).toEqual(['x-signature', 'x-api-key']);
    expect(s.sign(BODY, { secret: 's' })).toStrictEqual({ headers: { 'X-Signature': sig('s') }, query: {}, notes: [] });
    expect(s.sign(BODY, { secrets: ['s'] }).headers).toStrictEqual({ 'X-Signature': sig('s') });
    expect(s.sign(BODY, { apiKey: 'k' })).toStrictEqual({ headers: { 'X-API-KEY': 'k' }, query: {}, notes: [] });
    expect(s.sign(BODY, { secret: 's', apiKey: 'k' }).headers).toStrictEqual({ 'X-Signature': sig('s'), 'X-API-KEY': 'k' });
    expect(s.sign(BODY, { secrets: [] })).toStrictEqual({ headers: {}, query: {}, notes: ['no --secret (X-Signature) or --api-key (X-API-KEY) given: the request is unauthenticated'] });
    // The spec never changes Segment's signature.
    expect(s.sign(BODY, { secret: 's' }, spec({ scheme: 'segment', header: 'X-Other', algorithm: 'sha256' })).headers).toStrictEqual({ 'X-Signature': sig('s') });
    expect(s.profile!(spec({ scheme: 'segment', header: 'X-Other' })).header).toBe('X-Signature');
  });

  it('verify: X-API-KEY only when that is all there is to check; with a shared secret, X-Signature is required', () => {
    const s = scheme('segment');
    const req = (headers: Record<string, string>) => ({ headers, body: BODY });
    expect(s.verify(req({ 'x-api-key': 'k' }), { secrets: [], apiKey: 'k' })).toMatchObject({ status: 'valid', header: 'X-API-KEY' });
    expect(s.verify(req({ 'x-api-key': 'k' }), { secrets: ['k'] })).toMatchObject({ status: 'missing', reason: 'no X-Signature header' });
    expect(s.verify(req({ 'x-api-key': 'k' }), { secrets: [] })).toMatchObject({ status: 'no-secret', reason: 'no API key configured: not checked' });
    expect(s.verify(req({ 'x-signature': sig('s'), 'x-api-key': 'k' }), { secrets: [] })).toMatchObject({ status: 'no-secret', reason: 'no secret configured: signature not checked' });
    expect(s.verify(req({ 'x-api-key': 'k' }), { secrets: [], signature: sig('s') })).toMatchObject({ status: 'no-secret', reason: 'no secret configured: signature not checked' });
    expect(s.verify(req({ 'x-signature': sig('s') }), { secrets: ['s'], apiKey: 'k' })).toMatchObject({ status: 'valid', header: 'X-Signature' });
    expect(s.verify(req({}), { secrets: [] })).toMatchObject({ status: 'no-secret', reason: 'no secret configured: signature not checked' });
  });

  it('the listener reports both credentials', () => {
    const s = scheme('segment');
    const both = { headers: { 'x-signature': sig('s'), 'x-api-key': 'k' }, body: BODY };
    expect(s.check(both, { secrets: ['s'], apiKey: 'k' })).toStrictEqual({
      signature: { status: 'valid', valid: true, header: 'X-Signature', secretIndex: 0, reason: 'X-Signature matches' },
      auth: { kind: 'api-key', result: { status: 'valid', valid: true, header: 'X-API-KEY', reason: 'X-API-KEY matches' } },
    });
    expect(s.check({ headers: { 'x-api-key': 'k' }, body: BODY }, { secrets: ['s'] })).toStrictEqual({ signature: { status: 'missing', valid: false, reason: 'no X-Signature header' } });
    expect(s.check({ headers: { 'x-api-key': 'k' }, body: BODY }, { secrets: [], apiKey: 'x' })).toStrictEqual({
      signature: { status: 'no-secret', valid: false, reason: 'no secret configured: signature not checked' },
      auth: { kind: 'api-key', result: { status: 'invalid', valid: false, header: 'X-API-KEY', reason: 'X-API-KEY does not match' } },
    });
    expect(s.check({ headers: { 'x-signature': sig('t') }, body: BODY }, { secrets: ['s'] })).toMatchObject({ signature: { status: 'invalid' } });
  });

  it('conformance: X-API-KEY cases alone when only a key is given; signature cases, with the key cases when listed or given', () => {
    const f = scheme('segment').conformance.family;
    expect(f({ secrets: 0, apiKey: true }, false)).toMatchObject({ kind: 'credential', cases: { header: 'X-API-KEY' } });
    const sigOnly = f({ secrets: 1, apiKey: false }, false);
    expect(sigOnly).toMatchObject({ kind: 'signature', profile: { header: 'X-Signature', algorithm: 'sha1' } });
    expect('credential' in sigOnly).toBe(false);
    expect(f({ secrets: 1, apiKey: true }, false)).toMatchObject({ kind: 'signature', credential: { header: 'X-API-KEY' } });
    expect(f({ secrets: 0, apiKey: true }, true)).toMatchObject({ kind: 'signature', credential: { header: 'X-API-KEY' } });
    expect(f({ secrets: 0, apiKey: false }, true)).toMatchObject({ kind: 'signature', credential: { header: 'X-API-KEY' } });
    expect(f({ secrets: 0, apiKey: false }, false)).toMatchObject({ kind: 'signature' });
  });

  it('explain handles a wrong X-API-KEY itself and leaves X-Signature to the HMAC search; export and hints', () => {
    const s = scheme('segment');
    const keyReq = { headers: { 'x-api-key': 'k2' }, body: BODY };
    const keyOptions = { secrets: [], apiKey: 'k' };
    expect(s.explain!(keyReq, keyOptions, s.verify(keyReq, keyOptions), { ...TRIED })).toBeDefined();
    const sigReq = { headers: { 'x-signature': sig('t') }, body: BODY };
    expect(s.explain!(sigReq, { secrets: ['s'] }, s.verify(sigReq, { secrets: ['s'] }), { ...TRIED })).toBeUndefined();
    expect(s.exported()).toMatchObject({ kind: 'hmac', profile: { header: 'X-Signature', algorithm: 'sha1', encoding: 'hex' } });
    expect(s.looksLike!()).toBe('Segment sends 40 hex characters in X-Signature');
    expect(s.secretProblem!('', 'sign')).toBe('the secret is empty');
    const digest = createHash('sha256').update('cg-hooks wrong secret\0a').digest();
    expect(s.wrongSecret!(['a'])).toBe(`wrong-${digest.toString('hex').slice(0, 24)}`);
  });
});

describe('Standard Webhooks key rings: whsec_ secrets and ed25519 keys', () => {
  const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
  const T = 1_767_225_600;
  const v1 = (secret: string, t = T, id = ID) => `v1,${createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(`${id}.${t}.${TEXT}`, 'utf8').digest('base64')}`;
  const v1a = (secretKey: string, t = T, id = ID) => {
    const signed = signV1a(secretKey, { id, timestamp: t, body: BODY });
    if (!signed.ok) throw new Error(signed.reason);
    return signed.value;
  };
  const headers = (signature: string, extra: Record<string, string> = {}) => ({ 'webhook-id': ID, 'webhook-timestamp': String(T), 'webhook-signature': signature, ...extra });
  const sw = () => scheme('standard-webhooks');

  it('secretProblem: a whpk_ key cannot sign but verifies; a whsk_ key must be a usable ed25519 key; else a whsec_ secret', () => {
    const pair = generateKeyPair();
    expect(sw().secretProblem!(pair.publicKey, 'sign')).toBe('a whpk_ public key verifies v1a signatures but cannot make them: sign with the whsk_ secret key');
    expect(sw().secretProblem!(pair.publicKey, 'verify')).toBeUndefined();
    expect(sw().secretProblem!(` ${pair.publicKey} `, 'verify')).toBeUndefined();
    expect(sw().secretProblem!('whpk_AAAA', 'verify')).toBe('the whpk_ key decodes to 3 bytes; an ed25519 public key is 32 bytes');
    expect(sw().secretProblem!(pair.secretKey, 'sign')).toBeUndefined();
    expect(sw().secretProblem!('whsk_AAAA', 'sign')).toBe('the whsk_ key decodes to 3 bytes; an ed25519 secret key is 32 or 64 bytes (seed, or seed followed by its public key)');
    expect(sw().secretProblem!(WHSEC, 'sign')).toBeUndefined();
    expect(sw().secretProblem!('whsec_', 'verify')).toBe('a Standard Webhooks secret is "whsec_" followed by base64 (got nothing after the prefix)');
  });

  it('sign: a whsec_ secret signs v1, a whsk_ key v1a, a ring both in one header; a bad key is a usage error', () => {
    const pair = generateKeyPair();
    const opts = { timestamp: T, id: ID };
    expect(sw().sign(BODY, { ...opts, secret: WHSEC }).headers).toStrictEqual(headers(v1(WHSEC)));
    expect(sw().sign(BODY, { ...opts, secret: pair.secretKey }).headers).toStrictEqual(headers(v1a(pair.secretKey)));
    expect(sw().sign(BODY, { ...opts, secrets: [pair.secretKey, WHSEC] }).headers).toStrictEqual(headers(`${v1a(pair.secretKey)} ${v1(WHSEC)}`));
    expect(() => sw().sign(BODY, { ...opts, secret: pair.publicKey })).toThrowError(
      expect.objectContaining({ code: 'bad_secret', message: '--secret: a whpk_ public key verifies v1a signatures but cannot make them: sign with the whsk_ secret key' }),
    );
    expect(() => sw().sign(BODY, { ...opts, secrets: [WHSEC, 'whsk_AAAA'] })).toThrowError(expect.objectContaining({ code: 'bad_secret' }));
  });

  it('verify: ed25519 keys anywhere in the ring check both versions, and say which one matched', () => {
    const pair = generateKeyPair();
    const req = (signature: string) => ({ headers: headers(signature), body: BODY });
    expect(sw().verify(req(v1a(pair.secretKey)), { secrets: [WHSEC, pair.publicKey], now: T })).toStrictEqual({
      status: 'valid',
      valid: true,
      header: 'webhook-signature',
      secretIndex: 1,
      reason: 'webhook-signature matches (v1a)',
    });
    expect(sw().verify(req(v1(WHSEC)), { secrets: [pair.publicKey, WHSEC], now: T })).toMatchObject({ status: 'valid', secretIndex: 1, reason: 'webhook-signature matches (v1)' });
    expect(sw().verify(req(v1(WHSEC)), { secrets: [WHSEC], now: T })).toMatchObject({ status: 'valid', secretIndex: 0, reason: 'webhook-signature matches' });
  });

  it('the listener\'s check: only keys in this scheme\'s formats are used, and the index counts in the ring as configured', () => {
    const pair = generateKeyPair();
    const req = { headers: headers(v1(WHSEC)), body: BODY };
    // The time is the real clock in the listener: a delivery signed now.
    const now = Math.floor(Date.now() / 1000);
    const fresh = { headers: { ...headers(v1(WHSEC, now)), 'webhook-timestamp': String(now) }, body: BODY };
    expect(sw().check(fresh, { secrets: ['plain-text', WHSEC] })).toStrictEqual({ signature: { status: 'valid', valid: true, header: 'webhook-signature', secretIndex: 1, reason: 'webhook-signature matches' } });
    const freshA = { headers: { ...headers(v1a(pair.secretKey, now)), 'webhook-timestamp': String(now) }, body: BODY };
    expect(sw().check(freshA, { secrets: ['whsec_', 'x', pair.publicKey] })).toMatchObject({ signature: { status: 'valid', secretIndex: 2 } });
    const refused = 'no configured --secret is a Standard Webhooks key (whsec_ + base64, or whpk_ for v1a): the signature cannot be checked';
    expect(sw().check(req, { secrets: ['plain-text!'] })).toStrictEqual({ signature: { status: 'invalid', valid: false, header: 'webhook-signature', reason: refused } });
    const svix = { headers: { 'svix-id': ID, 'svix-timestamp': String(T), 'svix-signature': v1(WHSEC) }, body: BODY };
    expect(sw().check(svix, { secrets: ['plain-text!'] })).toStrictEqual({ signature: { status: 'invalid', valid: false, header: 'svix-signature', reason: refused } });
    expect(sw().check(req, { secrets: [] })).toMatchObject({ signature: { status: 'no-secret' } });
    expect(sw().check({ headers: { ...headers(v1(WHSEC)), 'svix-signature': 'x' }, body: BODY }, { secrets: ['plain-text!'] })).toMatchObject({ signature: { header: 'webhook-signature' } });
  });

  it('wrong keys, explain, keygen and hints', () => {
    const pair = generateKeyPair();
    const digest = createHash('sha256').update(`cg-hooks wrong secret\0${pair.secretKey}`).digest();
    expect(sw().wrongSecret!([pair.secretKey])).toBe(`whsk_${digest.toString('base64')}`);
    const d2 = createHash('sha256').update(`cg-hooks wrong secret\0${WHSEC}`).digest();
    expect(sw().wrongSecret!([WHSEC])).toBe(`whsec_${d2.toString('base64')}`);
    expect(sw().wrongSecret!([])).toBe(`whsec_${createHash('sha256').update('cg-hooks wrong secret\0').digest().toString('base64')}`);
    const req = { headers: headers(v1(WHSEC)), body: BODY };
    const hmacOnly = { secrets: [WHSEC], now: T + 1 };
    expect(sw().explain!(req, hmacOnly, sw().verify(req, hmacOnly), { ...TRIED })).toBeUndefined();
    const withKey = { secrets: [pair.publicKey], now: T };
    expect(sw().explain!(req, withKey, sw().verify(req, withKey), { ...TRIED })).toBeDefined();
    // A ring that mixes a whsec_ secret with an ed25519 key is explained as one with keys.
    const mixed = { secrets: [WHSEC, pair.publicKey], now: T };
    expect(sw().explain!(req, mixed, sw().verify(req, mixed), { ...TRIED })).toBeDefined();
    const keys = sw().keygen!(true) as { secretKey: string; publicKey: string };
    expect(keys.secretKey).toMatch(/^whsk_/);
    expect(keys.publicKey).toMatch(/^whpk_/);
    expect((sw().keygen!(false) as { secret: string }).secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(sw().looksLike!()).toBe('Standard Webhooks signatures look like v1,<base64> or v1a,<base64> (with --id and --timestamp)');
    expect(sw().asymmetric).toBe(true);
  });
});

describe('Standard Webhooks v1a verification (an ed25519 key in the ring)', () => {
  const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const T = 1_767_225_600;
  const verify = (hdrs: Record<string, string>, options: Record<string, unknown> = {}) => scheme('standard-webhooks').verify({ headers: hdrs, body: BODY }, { secrets: [], now: T, ...options } as never);
  const signed = (secretKey: string, t = T, id = ID) => {
    const s = signV1a(secretKey, { id, timestamp: t, body: BODY });
    if (!s.ok) throw new Error(s.reason);
    return s.value;
  };

  it('what is missing or unreadable, said before any signature is checked', () => {
    const { secretKey, publicKey } = generateKeyPair();
    const secrets = [publicKey];
    expect(verify({ 'webhook-id': ID, 'webhook-timestamp': String(T) }, { secrets })).toStrictEqual({ status: 'missing', valid: false, reason: 'no webhook-signature or svix-signature header' });
    expect(verify({ 'webhook-id': ID, 'webhook-signature': signed(secretKey) }, { secrets })).toStrictEqual({
      status: 'malformed',
      valid: false,
      header: 'webhook-signature',
      reason: 'no timestamp: Standard Webhooks signs one (webhook-timestamp header, or --timestamp)',
    });
    expect(verify({ 'webhook-id': ID, 'webhook-timestamp': '17e8', 'webhook-signature': signed(secretKey) }, { secrets })).toStrictEqual({
      status: 'malformed',
      valid: false,
      header: 'webhook-signature',
      reason: 'timestamp "17e8" is not unix seconds',
    });
    for (const t of ['x1767225600', '1767225600x', '1234567890123']) expect(verify({ 'webhook-id': ID, 'webhook-timestamp': t, 'webhook-signature': signed(secretKey) }, { secrets }).reason).toBe(`timestamp "${t}" is not unix seconds`);
    expect(verify({ 'webhook-timestamp': String(T), 'webhook-signature': signed(secretKey) }, { secrets })).toStrictEqual({
      status: 'malformed',
      valid: false,
      header: 'webhook-signature',
      reason: 'no webhook-id header: Standard Webhooks signs the message id',
    });
  });

  it('svix-* headers, a timestamp with spaces, and the options that replace the headers', () => {
    const { secretKey, publicKey } = generateKeyPair();
    const secrets = [publicKey];
    expect(verify({ 'svix-id': ID, 'svix-timestamp': ` ${T} `, 'svix-signature': signed(secretKey) }, { secrets })).toMatchObject({ status: 'valid', header: 'svix-signature', secretIndex: 0 });
    expect(verify({ 'webhook-signature': 'x' }, { secrets, signature: signed(secretKey), id: ID, timestamp: T })).toMatchObject({ status: 'valid', header: 'webhook-signature' });
    expect(verify({ 'webhook-id': 'other', 'webhook-timestamp': '5', 'webhook-signature': signed(secretKey) }, { secrets, id: ID, timestamp: String(T) })).toMatchObject({ status: 'valid' });
  });

  it('a header with nothing readable, or no usable key: malformed, with the first problem', () => {
    const { secretKey, publicKey } = generateKeyPair();
    const hdrs = (signature: string) => ({ 'webhook-id': ID, 'webhook-timestamp': String(T), 'webhook-signature': signature });
    expect(verify(hdrs('v2,abc'), { secrets: [publicKey] })).toStrictEqual({ status: 'malformed', valid: false, header: 'webhook-signature', reason: 'webhook-signature: the header holds no readable v1 or v1a signature' });
    expect(verify(hdrs('v1a,AAAA'), { secrets: [publicKey] })).toStrictEqual({
      status: 'malformed',
      valid: false,
      header: 'webhook-signature',
      reason: 'webhook-signature: the header holds no readable v1 or v1a signature (the v1a signature #1 is 3 bytes, not 64)',
    });
    expect(verify(hdrs(' '), { secrets: [publicKey] })).toStrictEqual({ status: 'malformed', valid: false, header: 'webhook-signature', reason: 'webhook-signature: the webhook-signature header is empty' });
    expect(verify(hdrs(signed(secretKey)), { secrets: ['whpk_AAAA'] })).toStrictEqual({
      status: 'malformed',
      valid: false,
      header: 'webhook-signature',
      reason: 'webhook-signature: no usable key: give a whpk_ public key (v1a) or a whsec_ secret (v1) (public key #1: the whpk_ key decodes to 3 bytes; an ed25519 public key is 32 bytes)',
    });
  });

  it('too old or too far ahead: how far, the tolerance, and whether the signature itself matched', () => {
    const { secretKey, publicKey } = generateKeyPair();
    const other = generateKeyPair();
    const hdrs = (t: number, key = secretKey) => ({ 'webhook-id': ID, 'webhook-timestamp': String(t), 'webhook-signature': signed(key, t) });
    expect(verify(hdrs(T - 400), { secrets: ['whsec_AAAA', publicKey] })).toStrictEqual({
      status: 'expired',
      valid: false,
      header: 'webhook-signature',
      reason: 'timestamp is 400 s old (tolerance 300 s); the signature itself matches',
      secretIndex: 1,
    });
    expect(verify(hdrs(T + 301), { secrets: [publicKey] })).toStrictEqual({
      status: 'expired',
      valid: false,
      header: 'webhook-signature',
      reason: 'timestamp is 301 s in the future (tolerance 300 s); the signature itself matches',
      secretIndex: 0,
    });
    expect(verify(hdrs(T - 400, other.secretKey), { secrets: [publicKey] })).toStrictEqual({
      status: 'expired',
      valid: false,
      header: 'webhook-signature',
      reason: 'timestamp is 400 s old (tolerance 300 s) and the signature does not match',
    });
    expect(verify(hdrs(T - 300), { secrets: [publicKey] }).status).toBe('valid');
    expect(verify(hdrs(T + 300), { secrets: [publicKey] }).status).toBe('valid');
    expect(verify(hdrs(T - 11), { secrets: [publicKey], tolerance: 10 }).reason).toBe('timestamp is 11 s old (tolerance 10 s); the signature itself matches');
  });

  it('signed by another key: invalid, saying why', () => {
    const { publicKey } = generateKeyPair();
    const other = generateKeyPair();
    expect(verify({ 'webhook-id': ID, 'webhook-timestamp': String(T), 'webhook-signature': signed(other.secretKey) }, { secrets: [publicKey] })).toStrictEqual({
      status: 'invalid',
      valid: false,
      header: 'webhook-signature',
      reason: 'webhook-signature does not match the body: no signature in the header verifies with the keys given (wrong key, or the id, timestamp or body changed after signing)',
    });
  });
});
