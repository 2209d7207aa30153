import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signRequest, verifyRequest } from '../src/signing/index.js';
import type { CustomHmac, SchemeId, SigningSpec } from '../src/signing/types.js';
import { loadProvider } from '../src/providers/index.js';

// Vectors computed by an independent implementation (scripts/make-vectors.py, Python hmac/hashlib).
interface Vector {
  name: string;
  secret?: string;
  user?: string;
  licenseCode?: string;
  eventType?: string;
  body: string;
  timestamp?: number;
  id?: string;
  custom?: CustomHmac;
  headers: Record<string, string>;
  query: Record<string, string>;
}

const dir = new URL('../fixtures/vectors/', import.meta.url);
// standard-webhooks-v1a.json (ed25519) has its own format and test: test/signing.ed25519.test.ts.
const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'standard-webhooks-v1a.json');
const spec = (scheme: SchemeId): SigningSpec => ({ scheme, secretRequired: false, description: '' });
const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

describe('known-answer vectors', () => {
  it('has a vector file for every scheme that signs', () => {
    expect(files.map((f) => f.replace('.json', '')).sort()).toEqual(
      ['basic', 'customerglu', 'github', 'hmac', 'mgpass', 'segment', 'shopify', 'slack', 'standard-webhooks', 'stripe', 'webengage'].sort(),
    );
  });

  for (const file of files) {
    const doc = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { scheme: SchemeId; vectors: Vector[] };
    describe(doc.scheme, () => {
      doc.vectors.forEach((v, i) => {
        const body = Buffer.from(v.body, 'utf8');
        const options = {
          ...(v.secret !== undefined ? { secret: v.secret } : {}),
          ...(v.user !== undefined ? { user: v.user } : {}),
          ...(v.licenseCode !== undefined ? { licenseCode: v.licenseCode } : {}),
          ...(v.eventType !== undefined ? { eventType: v.eventType } : {}),
          ...(v.timestamp !== undefined ? { timestamp: v.timestamp } : {}),
          ...(v.id !== undefined ? { id: v.id } : {}),
          ...(v.custom ? { custom: v.custom } : {}),
        };
        it(`#${i} ${v.name}: sign produces exactly the vector's headers and query`, () => {
          const signed = signRequest(spec(doc.scheme), body, options);
          expect(signed.headers).toEqual(v.headers);
          expect(signed.query).toEqual(v.query);
        });
        it(`#${i} ${v.name}: verify accepts it, rejects a one-byte change and a wrong secret`, () => {
          const req = { headers: lower(v.headers), query: v.query, body };
          const vo = {
            secrets: v.secret !== undefined ? ['not-it', v.secret] : [],
            ...(v.user !== undefined ? { user: v.user } : {}),
            ...(v.custom ? { custom: v.custom } : {}),
            ...(v.timestamp !== undefined ? { now: v.timestamp + 299 } : {}),
          };
          const ok = verifyRequest(spec(doc.scheme), req, vo);
          expect(ok).toMatchObject({ status: 'valid', valid: true });
          if (v.secret !== undefined) expect(ok.secretIndex).toBe(1);
          if (doc.scheme === 'webengage' || doc.scheme === 'basic') {
            const bad = doc.scheme === 'basic' ? { ...vo, user: `${v.user}x` } : { ...vo, secrets: ['wrong'] };
            expect(verifyRequest(spec(doc.scheme), req, bad).status).toBe('invalid');
            return;
          }
          const tampered = Buffer.from(body);
          tampered[tampered.length - 1]! ^= 1;
          expect(verifyRequest(spec(doc.scheme), { ...req, body: tampered }, vo).status).toBe('invalid');
          expect(verifyRequest(spec(doc.scheme), req, { ...vo, secrets: ['wrong'] }).status).toBe('invalid');
        });
      });
    });
  }
});

describe('documented vectors through the provider definitions', () => {
  it('CustomerGlu: the documented token and body give f2719895…', async () => {
    const provider = await loadProvider('customerglu');
    const body = Buffer.from(
      '{"campaignId":"6bab1116-ae8e-4644-9cee-7a3d8ee9aff3","type":"direct","userId":"test-8-june-9","rewardId":"acdc71c6-08ad-4cd9-8c1e-3c812487b854","rewardName":"$15","rewardAmount":15,"details":{"currency":"USD","value":15,"reward_reason":"got_referred","userAName":"Test Solve 7","userAId":"test-8-june-7"}}',
    );
    const signed = signRequest(provider.signing, body, { secret: 'PbTJp694bmgrfJpJPQmrjGfjgq' });
    expect(signed.headers).toEqual({ 'X-CG-SIGNATURE': 'f2719895b483fbf3f98e1936bc88271cbe74f138' });
    // Older docs call the header X-GLU-SIGNATURE: accepted too.
    const old = verifyRequest(provider.signing, { headers: { 'x-glu-signature': 'f2719895b483fbf3f98e1936bc88271cbe74f138' }, body }, { secrets: ['PbTJp694bmgrfJpJPQmrjGfjgq'] });
    expect(old).toMatchObject({ valid: true, header: 'X-GLU-SIGNATURE' });
  });
});

describe('timestamps and malformed input', () => {
  const body = Buffer.from('{"a":1}');
  const sw = spec('standard-webhooks');
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const signed = signRequest(sw, body, { secret, timestamp: 1_000_000, id: 'msg_1' });
  const req = { headers: lower(signed.headers), body };

  it('accepts 300 s of skew both ways and rejects 301', () => {
    expect(verifyRequest(sw, req, { secrets: [secret], now: 1_000_300 }).status).toBe('valid');
    expect(verifyRequest(sw, req, { secrets: [secret], now: 999_700 }).status).toBe('valid');
    const old = verifyRequest(sw, req, { secrets: [secret], now: 1_000_301 });
    expect(old).toMatchObject({ status: 'expired', valid: false });
    expect(old.reason).toContain('5 min 1 s old');
    expect(verifyRequest(sw, req, { secrets: [secret], now: 999_699 }).reason).toContain('in the future');
    expect(verifyRequest(sw, req, { secrets: [secret], now: 1_000_301, tolerance: 400 }).status).toBe('valid');
  });

  it('accepts any of several space-separated signatures (key rotation on the sender side)', () => {
    const multi = { ...req.headers, 'webhook-signature': `v1,AAAA ${req.headers['webhook-signature']}` };
    expect(verifyRequest(sw, { headers: multi, body }, { secrets: [secret], now: 1_000_000 }).status).toBe('valid');
  });

  it('never throws on missing, short, long or garbage signatures', () => {
    const gh = spec('github');
    for (const value of ['', 'sha256=', 'sha256=abc', `sha256=${'a'.repeat(200)}`, 'sha256=zz', 'garbage', 'sha256=\u00e9']) {
      const r = verifyRequest(gh, { headers: { 'x-hub-signature-256': value }, body }, { secrets: ['s'] });
      expect(r.valid).toBe(false);
      expect(['invalid', 'malformed']).toContain(r.status);
    }
    expect(verifyRequest(gh, { headers: {}, body }, { secrets: ['s'] }).status).toBe('missing');
    expect(verifyRequest(spec('stripe'), { headers: { 'stripe-signature': 't=1' }, body }, { secrets: ['s'] }).status).toBe('malformed');
    expect(verifyRequest(sw, { headers: { 'webhook-signature': 'v1,AAAA' }, body }, { secrets: [secret] }).status).toBe('malformed');
  });

  it('requires a secret for the generic schemes', () => {
    expect(() => signRequest(spec('stripe'), body, {})).toThrow(/--secret/);
    expect(() => signRequest(sw, body, { secret: 'whsec_***' })).toThrow(/base64/);
  });
});
