// Every scheme the registry lists, driven the same way: sign → verify, verify → explain, identification, key
// rings, keygen. A scheme added under src/signing/schemes/ is tested here without a line of this file changing.
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { explain, signRequest, verifyRequest } from '../src/signing/index.js';
import { identifyScheme, SCHEMES, schemeById } from '../src/signing/registry.js';
import type { Scheme } from '../src/signing/schemes/types.js';
import type { RequestParts, SignedRequest, SignOptions, SigningSpec, VerifyOptions } from '../src/signing/types.js';

const BODY = Buffer.from('{"rewardId":"r_8f2c","userId":"u_42","points":1200,"note":"café ☕"}', 'utf8');
const NOW = 1767225600;
const ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const SECRET: Record<string, string> = { 'standard-webhooks': 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' };
const OTHER: Record<string, string> = { 'standard-webhooks': 'whsec_OP09vHZKFi9v61DM5C7NVOLskTpWWdzq' };

interface Creds {
  sign: SignOptions;
  verify: VerifyOptions;
  wrong: VerifyOptions;
}

/** What each scheme names in `needs` (and the first of its oneOf groups), with values in its format. */
function credentialsFor(s: Scheme): Creds {
  const names = new Set([...Object.keys(s.needs).filter((k) => k !== 'oneOf'), ...(s.needs.oneOf?.[0] ?? [])]);
  const secret = SECRET[s.id] ?? `s3cret-${s.id}`;
  const wrongSecret = OTHER[s.id] ?? `wrong-${s.id}`;
  const sign: SignOptions = { timestamp: NOW, id: ID };
  const verify: VerifyOptions = { secrets: [], now: NOW };
  const wrong: VerifyOptions = { secrets: [], now: NOW };
  if (names.has('secret')) {
    sign.secret = secret;
    verify.secrets = [secret];
    wrong.secrets = [wrongSecret];
  }
  if (names.has('apiKey')) Object.assign(sign, { apiKey: 'k_live_9f2c' }), Object.assign(verify, { apiKey: 'k_live_9f2c' }), Object.assign(wrong, { apiKey: 'k_live_9f2d' });
  if (names.has('user')) Object.assign(sign, { user: 'acme:pa55' }), Object.assign(verify, { user: 'acme:pa55' }), Object.assign(wrong, { user: 'acme:pa56' });
  if (names.has('licenseCode')) for (const o of [sign, verify, wrong]) o.licenseCode = '~2024c5d1';
  return { sign, verify, wrong };
}

const specOf = (s: Scheme): SigningSpec => ({ scheme: s.id, secretRequired: s.kind === 'hmac' && s.needs.secret === 'required', description: s.id });

function asReceived(signed: SignedRequest, body: Uint8Array = BODY): RequestParts {
  return { headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])), query: signed.query, body };
}

describe('the registry', () => {
  it('lists every scheme once, each found by its id', () => {
    const ids = SCHEMES.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['customerglu', 'mgpass', 'segment', 'api-key', 'webengage', 'basic', 'none', 'standard-webhooks', 'stripe', 'github', 'shopify', 'slack', 'hmac']));
    for (const s of SCHEMES) expect(schemeById(s.id)).toBe(s);
    expect(schemeById('nope')).toBeUndefined();
  });
});

describe.each(SCHEMES.map((s) => [s.id, s] as const))('%s', (_id, scheme) => {
  const spec = specOf(scheme);
  const creds = credentialsFor(scheme);
  const signed = signRequest(spec, BODY, creds.sign);
  const req = asReceived(signed);

  it('sign → verify: valid with the right credentials, refused with wrong ones', () => {
    const ok = verifyRequest(spec, req, creds.verify);
    expect(ok.valid, ok.reason).toBe(true);
    if (scheme.kind === 'none') {
      expect(ok.status).toBe('unsigned');
      return;
    }
    expect(ok.status).toBe('valid');
    const wrong = verifyRequest(spec, req, creds.wrong);
    expect(wrong).toMatchObject({ valid: false, status: 'invalid' });
    // Verifying never throws, whatever arrives.
    expect(() => verifyRequest(spec, { headers: { [scheme.reads()[0] ?? 'x']: '\u0000garbage' }, query: { secret: '' }, body: Buffer.alloc(0) }, creds.verify)).not.toThrow();
  });

  it('the listener\'s check agrees with verify', () => {
    // The listener judges time against its own clock.
    const live = asReceived(signRequest(spec, BODY, { ...creds.sign, timestamp: Math.floor(Date.now() / 1000) }));
    const checked = scheme.check(live, { secrets: creds.verify.secrets, ...(creds.verify.apiKey ? { apiKey: creds.verify.apiKey } : {}), ...(creds.verify.user ? { user: creds.verify.user } : {}), ...(creds.verify.licenseCode ? { licenseCode: creds.verify.licenseCode } : {}) });
    const results = [checked.signature, checked.auth?.result].filter((r) => r !== undefined);
    if (scheme.kind === 'none') expect(results).toEqual([]);
    else expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r!.valid, r!.reason).toBe(true);
  });

  it('verify → explain: "valid" for the delivery as signed; a diagnosis, never a crash, when it does not verify', () => {
    expect(explain(spec, req, creds.verify).verdict).toBe('valid');
    if (scheme.kind === 'none') return;
    const wrong = explain(spec, req, creds.wrong);
    expect(['explained', 'unexplained']).toContain(wrong.verdict);
    expect(wrong.result.valid).toBe(false);
    expect(wrong.summary.length).toBeGreaterThan(10);
  });

  it.runIf(scheme.kind === 'hmac')('explain names a trailing newline added after signing', () => {
    const changed = { ...req, body: Buffer.concat([BODY, Buffer.from('\n')]) };
    const e = explain(spec, changed, creds.verify);
    expect(e.verdict).toBe('explained');
    expect(e.findings[0]!.cause).toBe('whitespace');
  });

  it.runIf(scheme.identifies.length > 0)('its signed headers identify it in a delivery of any provider', () => {
    expect(identifyScheme(req.headers)?.id).toBe(scheme.id);
  });

  it('a key ring signs several signatures in one header where the scheme allows it, else refuses', () => {
    if (scheme.kind !== 'hmac' || scheme.needs.oneOf) return;
    const [a, b] = [creds.verify.secrets[0]!, creds.wrong.secrets[0]!];
    const ring = () => signRequest(spec, BODY, { ...creds.sign, secrets: [a, b] });
    if (!scheme.multiSign) {
      expect(ring).toThrow(UsageError);
      return;
    }
    const both = asReceived(ring());
    expect(verifyRequest(spec, both, { ...creds.verify, secrets: [a] })).toMatchObject({ valid: true, secretIndex: 0 });
    expect(verifyRequest(spec, both, { ...creds.verify, secrets: [b] })).toMatchObject({ valid: true, secretIndex: 0 });
    expect(verifyRequest(spec, both, { ...creds.verify, secrets: ['whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', `${a.slice(0, -4)}AAAA`] }).valid).toBe(false);
  });

  it.runIf(scheme.keygen !== undefined)('keygen makes a key the scheme accepts, and signs and verifies with it', () => {
    const keys = scheme.keygen!(false);
    expect('secret' in keys).toBe(true);
    const secret = (keys as { secret: string }).secret;
    expect(scheme.secretProblem?.(secret, 'sign')).toBeUndefined();
    if (scheme.kind !== 'hmac') return;
    const fresh = asReceived(signRequest(spec, BODY, { ...creds.sign, secret }));
    expect(verifyRequest(spec, fresh, { ...creds.verify, secrets: [secret] }).valid).toBe(true);
  });
});

describe('Standard Webhooks v1a (ed25519) in the standard-webhooks scheme', () => {
  const vectors = JSON.parse(readFileSync(new URL('../fixtures/vectors/standard-webhooks-v1a.json', import.meta.url), 'utf8'));
  const spec = specOf(schemeById('standard-webhooks')!);
  const { k1, k2, whsec } = vectors.keys as { k1: Record<string, string>; k2: Record<string, string>; whsec: string };

  it('a whsk_ key signs exactly the vectors (ed25519 is deterministic); its whpk_ key verifies them', () => {
    const signable = (vectors.vectors as Array<Record<string, any>>).filter((v) => v.secretKey && v.expect.valid && !String(v.header).includes(' '));
    expect(signable.length).toBeGreaterThan(3);
    for (const v of signable) {
      const signed = signRequest(spec, Buffer.from(v.body, 'utf8'), { secret: v.secretKey, id: v.id, timestamp: v.timestamp });
      expect(signed.headers['webhook-signature'], v.name).toBe(v.header);
      const r = verifyRequest(spec, asReceived(signed, Buffer.from(v.body, 'utf8')), { secrets: v.publicKeys, now: v.timestamp });
      expect(r, v.name).toMatchObject({ valid: true, status: 'valid' });
    }
  });

  it('every vector verifies (or not) as it says, through the scheme', () => {
    for (const v of vectors.vectors as Array<Record<string, any>>) {
      const req: RequestParts = { headers: { 'webhook-id': v.id, 'webhook-timestamp': String(v.timestamp), 'webhook-signature': v.header }, body: Buffer.from(v.body, 'utf8') };
      const keys = [...(v.publicKeys ?? []), ...(v.secrets ?? [])];
      if (!keys.some((k: string) => /^wh(pk|sk)_/.test(k))) continue; // v1 only: the HMAC verifier's vectors
      expect(verifyRequest(spec, req, { secrets: keys, now: v.timestamp }).valid, v.name).toBe(v.expect.valid);
    }
  });

  it('a key ring mixes v1 and v1a in one header; the standardwebhooks library verifies its v1 element', () => {
    const signed = signRequest(spec, BODY, { secrets: [k1.secretKey!, whsec], id: ID, timestamp: NOW });
    const header = signed.headers['webhook-signature']!;
    expect(header).toMatch(/^v1a,[A-Za-z0-9+/]{86}== v1,[A-Za-z0-9+/]{43}=$/);
    const req = asReceived(signed);
    expect(verifyRequest(spec, req, { secrets: [k1.publicKey!], now: NOW })).toMatchObject({ valid: true, secretIndex: 0 });
    expect(verifyRequest(spec, req, { secrets: [k2.publicKey!, whsec], now: NOW })).toMatchObject({ valid: true, secretIndex: 1 });
    expect(verifyRequest(spec, req, { secrets: [k2.publicKey!], now: NOW }).valid).toBe(false);
    expect(() => new Webhook(whsec).verify(BODY.toString('utf8'), { 'webhook-id': ID, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': header })).toThrow(); // stale for the library…
    const fresh = Math.floor(Date.now() / 1000);
    const now = signRequest(spec, BODY, { secrets: [k1.secretKey!, whsec], id: ID, timestamp: fresh });
    expect(new Webhook(whsec).verify(BODY.toString('utf8'), { 'webhook-id': ID, 'webhook-timestamp': String(fresh), 'webhook-signature': now.headers['webhook-signature']! })).toBeTruthy();
  });

  it('expired, tampered and unreadable: the same statuses as v1', () => {
    const req = asReceived(signRequest(spec, BODY, { secret: k1.secretKey!, id: ID, timestamp: NOW }));
    expect(verifyRequest(spec, req, { secrets: [k1.publicKey!], now: NOW + 3600 })).toMatchObject({ status: 'expired', secretIndex: 0 });
    expect(verifyRequest(spec, { ...req, body: Buffer.from(`${BODY} `) }, { secrets: [k1.publicKey!], now: NOW }).status).toBe('invalid');
    expect(verifyRequest(spec, { ...req, headers: { ...req.headers, 'webhook-signature': 'v1a,AAAA' } }, { secrets: [k1.publicKey!], now: NOW }).status).toBe('malformed');
    expect(verifyRequest(spec, { ...req, headers: { 'webhook-signature': req.headers['webhook-signature']! } }, { secrets: [k1.publicKey!], now: NOW }).status).toBe('malformed');
  });

  it('a whpk_ public key cannot sign; a whsk_ key whose halves disagree is refused before signing', () => {
    expect(() => signRequest(spec, BODY, { secret: k1.publicKey! })).toThrow(/public key .* cannot make them/);
    const bad = `whsk_${Buffer.concat([Buffer.from(k1.secretKey!.slice(5), 'base64').subarray(0, 32), Buffer.from(k2.publicKey!.slice(5), 'base64')]).toString('base64')}`;
    expect(() => signRequest(spec, BODY, { secret: bad })).toThrow(UsageError);
    expect(schemeById('standard-webhooks')!.secretProblem!(k1.publicKey!, 'verify')).toBeUndefined();
  });

  it('explain finds a body changed after an ed25519 signature, and says when nothing matches', () => {
    const req = asReceived(signRequest(spec, BODY, { secret: k1.secretKey!, id: ID, timestamp: NOW }));
    const changed = explain(spec, { ...req, body: Buffer.concat([BODY, Buffer.from('\n')]) }, { secrets: [k1.publicKey!], now: NOW });
    expect(changed).toMatchObject({ verdict: 'explained', findings: [{ cause: 'whitespace' }] });
    const wrongKey = explain(spec, req, { secrets: [k2.publicKey!], now: NOW });
    expect(wrongKey.verdict).toBe('unexplained');
    expect(wrongKey.summary).toMatch(/public keys given/);
  });

  it('keygen --asymmetric: a pair that signs and verifies', () => {
    const pair = schemeById('standard-webhooks')!.keygen!(true) as { secretKey: string; publicKey: string };
    expect(pair.secretKey).toMatch(/^whsk_/);
    expect(pair.publicKey).toMatch(/^whpk_/);
    const req = asReceived(signRequest(spec, BODY, { secret: pair.secretKey, id: ID, timestamp: NOW }));
    expect(verifyRequest(spec, req, { secrets: [pair.publicKey], now: NOW }).valid).toBe(true);
  });
});
