import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signRequest, verifyRequest } from '../src/signing/index.js';
import type { CustomHmac, RequestParts, SchemeId, SignOptions, SigningSpec, VerifyOptions } from '../src/signing/types.js';

// Properties of the signing core over arbitrary bytes and secrets: what a receiver relies on is that a
// delivery signed by cg-hooks verifies, that any one-character change is caught, and that hostile header
// values never make the verifier throw.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const spec = (scheme: SchemeId): SigningSpec => ({ scheme, secretRequired: false, description: '' });
const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

interface HmacCase {
  name: string;
  scheme: SchemeId;
  custom?: CustomHmac;
  whsec?: boolean;
  timestamped?: boolean;
}

const ALGORITHMS = ['sha1', 'sha256', 'sha512', 'md5'] as const;
const ENCODINGS = ['hex', 'base64'] as const;
const HMAC_CASES: HmacCase[] = [
  { name: 'customerglu', scheme: 'customerglu' },
  { name: 'mgpass', scheme: 'mgpass' },
  { name: 'segment', scheme: 'segment' },
  { name: 'github', scheme: 'github' },
  { name: 'shopify', scheme: 'shopify' },
  { name: 'slack', scheme: 'slack', timestamped: true },
  { name: 'stripe', scheme: 'stripe', timestamped: true },
  { name: 'standard-webhooks', scheme: 'standard-webhooks', whsec: true, timestamped: true },
  ...ALGORITHMS.flatMap((algorithm) =>
    ENCODINGS.flatMap((encoding) => [
      { name: `hmac ${algorithm} ${encoding}`, scheme: 'hmac' as const, custom: { algorithm, encoding, header: 'X-Sig' } },
      { name: `hmac ${algorithm} ${encoding} prefixed`, scheme: 'hmac' as const, custom: { algorithm, encoding, header: 'X-Sig', prefix: `${algorithm}=` } },
    ]),
  ),
];

/** Any secret a user could type or paste: ASCII, full unicode (including lone surrogates), control characters. */
const anySecret = fc.oneof(
  fc.string({ minLength: 1, maxLength: 80 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc.string({ minLength: 65, maxLength: 300 }), // longer than the HMAC block: the key is hashed first
);
/** Standard Webhooks keys: whsec_ + base64 of random bytes (the prefix is optional on input). */
const whsecSecret = fc
  .tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.boolean())
  .map(([bytes, prefixed]) => `${prefixed ? 'whsec_' : ''}${Buffer.from(bytes).toString('base64')}`);
const anyBody = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
  fc.jsonValue().map((v) => new Uint8Array(Buffer.from(JSON.stringify(v) ?? 'null', 'utf8'))),
);
const timestamp = fc.integer({ min: 1, max: 4_000_000_000 });

function signedParts(c: HmacCase, body: Uint8Array, secret: string, t: number): { req: RequestParts; options: VerifyOptions; header: string } {
  const sign: SignOptions = { secret, timestamp: t, ...(c.custom ? { custom: c.custom } : {}) };
  const signed = signRequest(spec(c.scheme), body, sign);
  const headers = lower(signed.headers);
  const header = c.custom ? c.custom.header.toLowerCase() : Object.keys(headers).find((h) => /signature|hmac|sig$/.test(h) && h !== 'x-hub-signature')!;
  expect(headers[header], `${c.name} sets a signature header`).toBeDefined();
  return { req: { headers, query: signed.query, body }, options: { secrets: [secret], now: t, ...(c.custom ? { custom: c.custom } : {}) }, header };
}

/** Replaces one character with a different one. Hex digits are not case-swapped: "A" and "a" are the same digit. */
function mutateChar(value: string, index: number, replacement: string): string {
  const i = index % value.length;
  const old = value[i]!;
  let r = replacement;
  if (r === old || r.toLowerCase() === old.toLowerCase()) r = old === '0' ? '1' : '0';
  return value.slice(0, i) + r + value.slice(i + 1);
}

describe('sign → verify round trip (HMAC schemes)', () => {
  for (const c of HMAC_CASES) {
    const secretArb = c.whsec ? whsecSecret : anySecret;
    it(`${c.name}: valid for arbitrary bytes and secrets`, () => {
      fc.assert(
        fc.property(anyBody, secretArb, timestamp, (body, secret, t) => {
          const { req, options } = signedParts(c, body, secret, t);
          const result = verifyRequest(spec(c.scheme), req, { ...options, secrets: ['not-the-secret-0', secret] });
          expect(result).toMatchObject({ status: 'valid', valid: true, secretIndex: 1 });
        }),
        { numRuns: RUNS },
      );
    });

    it(`${c.name}: one changed body byte is rejected`, () => {
      fc.assert(
        fc.property(anyBody, secretArb, timestamp, fc.nat(), fc.integer({ min: 1, max: 255 }), (body, secret, t, at, xor) => {
          const { req, options } = signedParts(c, body, secret, t);
          const tampered = body.length === 0 ? new Uint8Array([xor]) : Uint8Array.from(body);
          if (body.length > 0) tampered[at % body.length]! ^= xor;
          const result = verifyRequest(spec(c.scheme), { ...req, body: tampered }, options);
          expect(result.valid).toBe(false);
          expect(result.status).toBe('invalid');
        }),
        { numRuns: RUNS },
      );
    });

    it(`${c.name}: one changed signature character is rejected`, () => {
      const printable = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 });
      fc.assert(
        fc.property(anyBody, secretArb, timestamp, fc.nat(), printable, (body, secret, t, at, ch) => {
          const { req, options, header } = signedParts(c, body, secret, t);
          const headers = { ...req.headers, [header]: mutateChar(req.headers[header]!, at, ch) };
          const result = verifyRequest(spec(c.scheme), { ...req, headers }, options);
          expect(result.valid).toBe(false);
          expect(['invalid', 'malformed', 'expired']).toContain(result.status);
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe('credential schemes (api-key, basic, webengage): the body is not signed, the credential is', () => {
  const credential = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 });
  const license = fc.string({ minLength: 1, maxLength: 20 });

  it('api-key: round trip, and a changed key is rejected', () => {
    fc.assert(
      fc.property(anyBody, credential, fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (body, key, at, ch) => {
        const signed = signRequest(spec('api-key'), body, { apiKey: key });
        const req = { headers: lower(signed.headers), body };
        expect(verifyRequest(spec('api-key'), req, { secrets: [key] }).valid).toBe(true);
        expect(verifyRequest(spec('api-key'), req, { secrets: [], apiKey: key }).valid).toBe(true);
        const other = mutateChar(key, at, ch);
        if (other.trim() === key.trim()) return; // HTTP strips the spaces around a header value anyway
        expect(verifyRequest(spec('api-key'), req, { secrets: [other] }).status).toBe('invalid');
      }),
      { numRuns: RUNS },
    );
  });

  it('basic: round trip, and a changed user:password is rejected', () => {
    fc.assert(
      fc.property(anyBody, credential, credential, fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (body, u, p, at, ch) => {
        const user = `${u}:${p}`;
        const signed = signRequest(spec('basic'), body, { user });
        const req = { headers: lower(signed.headers), body };
        expect(verifyRequest(spec('basic'), req, { secrets: [], user }).valid).toBe(true);
        const other = mutateChar(user, at, ch);
        if (Buffer.from(other).equals(Buffer.from(user))) return; // two lone surrogates encode alike
        expect(verifyRequest(spec('basic'), req, { secrets: [], user: other }).status).toBe('invalid');
      }),
      { numRuns: RUNS },
    );
  });

  it('webengage: round trip, and a changed secret query parameter or key is rejected', () => {
    fc.assert(
      fc.property(anyBody, credential, license, fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (body, secret, licenseCode, at, ch) => {
        const signed = signRequest(spec('webengage'), body, { secret, licenseCode, eventType: 'e' });
        const req = { headers: {}, query: signed.query, body };
        expect(verifyRequest(spec('webengage'), req, { secrets: ['nope', secret] })).toMatchObject({ valid: true, secretIndex: 1 });
        const query = { ...signed.query, secret: mutateChar(signed.query.secret!, at, ch) };
        expect(verifyRequest(spec('webengage'), { ...req, query }, { secrets: [secret] }).valid).toBe(false);
        const other = mutateChar(secret, at, ch);
        if (Buffer.from(other).equals(Buffer.from(secret))) return;
        expect(verifyRequest(spec('webengage'), req, { secrets: [other] }).status).toBe('invalid');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('verifyRequest never throws on hostile input', () => {
  const HEADER_NAMES = [
    'x-cg-signature', 'x-glu-signature', 'x-webhook-signature', 'x-signature', 'x-sig', 'x-api-key', 'authorization',
    'webhook-signature', 'webhook-id', 'webhook-timestamp', 'svix-signature', 'svix-id', 'svix-timestamp',
    'stripe-signature', 'x-hub-signature-256', 'x-hub-signature', 'x-shopify-hmac-sha256', 'x-slack-signature',
    'x-slack-request-timestamp',
  ];
  const junk = fc.oneof(
    fc.constant(''),
    fc.constant(' '),
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.stringMatching(/^[0-9a-fA-F]{0,140}$/),
    fc.stringMatching(/^[A-Za-z0-9+/]{0,100}={0,3}$/),
    fc.integer({ min: 1, max: 200_000 }).map((n) => 'f'.repeat(n)),
    fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  );
  // Values that get past the prefix checks, so the deeper parsing runs on junk too.
  const shaped = fc.oneof(
    junk,
    junk.map((j) => `sha256=${j}`),
    junk.map((j) => `v0=${j}`),
    junk.map((j) => `v1,${j} v1,${j}`),
    fc.tuple(junk, junk).map(([a, b]) => `t=${a},v1=${b},v1=`),
    junk.map((j) => `Basic ${j}`),
  );
  const headersArb = fc.dictionary(fc.constantFrom(...HEADER_NAMES), shaped, { maxKeys: 8 });
  const schemes: SchemeId[] = ['customerglu', 'mgpass', 'segment', 'api-key', 'webengage', 'basic', 'none', 'standard-webhooks', 'stripe', 'github', 'shopify', 'slack', 'hmac'];
  const optionsArb = fc.record(
    {
      secrets: fc.array(fc.oneof(anySecret, fc.constant(''), junk), { maxLength: 3 }),
      signature: shaped,
      apiKey: junk,
      user: junk,
      licenseCode: junk,
      timestamp: fc.oneof(junk, fc.integer()),
      id: junk,
      tolerance: fc.oneof(fc.nat(), fc.double()),
      now: fc.oneof(fc.integer(), fc.double()),
      custom: fc.record({ algorithm: fc.constantFrom(...ALGORITHMS), encoding: fc.constantFrom(...ENCODINGS), header: fc.constantFrom('X-Sig', 'x-signature'), prefix: fc.string({ maxLength: 8 }) }),
    },
    { requiredKeys: ['secrets'] },
  );
  const queryArb = fc.dictionary(fc.constantFrom('secret', 'licenseCode', 'eventType'), junk, { maxKeys: 3 });

  it('returns a verdict with a reason for every scheme, header set and option set', () => {
    fc.assert(
      fc.property(fc.constantFrom(...schemes), headersArb, queryArb, anyBody, optionsArb, (scheme, headers, query, body, options) => {
        const result = verifyRequest(spec(scheme), { headers, query, body }, options as VerifyOptions);
        expect(['valid', 'invalid', 'missing', 'unsigned', 'malformed', 'expired', 'no-secret']).toContain(result.status);
        expect(typeof result.reason).toBe('string');
        expect(result.valid).toBe(result.status === 'valid' || result.status === 'unsigned');
      }),
      { numRuns: 1500 },
    );
  });
});
