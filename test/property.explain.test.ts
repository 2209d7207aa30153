import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTree, serialize } from '../src/signing/explain/json-forms.js';
import { NotWritable } from '../src/signing/explain/number-forms.js';
import { SERIALIZERS } from '../src/signing/explain/serializers.js';
import { ESCAPES, escapeString } from '../src/signing/explain/string-forms.js';
import { explain, signRequest } from '../src/signing/index.js';
import type { SchemeId, SigningSpec, VerifyOptions } from '../src/signing/types.js';

// `verify --explain` (and the listener, on every forged delivery) runs the diagnosis on whatever arrived.
// It must never throw, must always end with a verdict and a sentence, and must agree with plain verification.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const spec = (scheme: SchemeId): SigningSpec => ({ scheme, secretRequired: false, description: '' });
const SCHEMES: SchemeId[] = ['customerglu', 'mgpass', 'segment', 'api-key', 'webengage', 'basic', 'none', 'standard-webhooks', 'stripe', 'github', 'shopify', 'slack', 'hmac'];
const VERDICTS = ['valid', 'explained', 'unexplained', 'not-checked'];

const deep = (n: number, open: string, close: string, leaf = '') => open.repeat(n) + leaf + close.repeat(n);
/** Bodies a receiver actually meets, and the ones a fuzzer sends. */
const bodyArb = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v, null, 2) ?? 'null'),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom(
    '',
    ' ',
    '{"a":1}\n',
    '\ufeff{"a":1}',
    '{"n":1.0,"e":1e400,"big":123456789012345678901234567890,"neg":-0.0}',
    '{"a":1,"a":2}',
    '{"__proto__":{"x":1},"constructor":1}',
    deep(5000, '[', ']'),
    deep(5000, '{"a":', '}', '1'),
    '{"unterminated":',
  ),
).map((s) => Buffer.from(s, 'utf8'));
const bytesArb = fc.oneof(bodyArb, fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)), bodyArb.map((b) => gzipSync(b)));
const junk = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^[0-9a-fA-F]{0,130}$/),
  fc.stringMatching(/^[A-Za-z0-9+/]{0,90}={0,2}$/),
  fc.constantFrom('sha256=', 'v0=', 'v1,', 't=1,v1=', 'Basic ', 'whsec_', 'gzip', 'br', 'deflate', 'gzip, br'),
  // Well-formed digests of every size, so the full search runs (and finds nothing).
  fc.constantFrom(16, 20, 32, 64).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })).chain((d) => fc.constantFrom(Buffer.from(d).toString('hex'), Buffer.from(d).toString('base64'), `sha256=${Buffer.from(d).toString('hex')}`, `v1,${Buffer.from(d).toString('base64')}`)),
);
const headerNames = fc.constantFrom(
  'x-cg-signature', 'x-glu-signature', 'x-webhook-signature', 'x-signature', 'x-api-key', 'authorization', 'webhook-signature',
  'webhook-id', 'webhook-timestamp', 'stripe-signature', 'x-hub-signature-256', 'x-shopify-hmac-sha256', 'x-slack-signature',
  'x-slack-request-timestamp', 'x-random', 'content-encoding',
);
const secretArb = fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.constantFrom(' s3cret\n', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'c2VjcmV0', '736563726574'));

describe('explain on hostile input', () => {
  it('never throws, always ends with a verdict and a summary, and agrees with verification', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SCHEMES),
        bytesArb,
        fc.dictionary(headerNames, junk, { maxKeys: 6 }),
        fc.dictionary(fc.constantFrom('secret', 'licenseCode', 'eventType'), junk, { maxKeys: 3 }),
        fc.record({ secrets: fc.array(secretArb, { maxLength: 3 }), signature: junk, apiKey: junk, user: junk, licenseCode: junk, timestamp: junk, id: junk }, { requiredKeys: ['secrets'] }),
        (scheme, body, headers, query, options) => {
          const x = explain(spec(scheme), { headers, query, body }, options as VerifyOptions);
          expect(VERDICTS).toContain(x.verdict);
          expect(typeof x.summary).toBe('string');
          expect(x.summary.length).toBeGreaterThan(0);
          expect(x.verdict === 'valid').toBe(x.result.valid);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a correct signature over any body is "valid", whatever the body holds', () => {
    fc.assert(
      fc.property(fc.constantFrom<SchemeId>('customerglu', 'mgpass', 'github', 'shopify', 'stripe', 'slack'), bytesArb, secretArb, (scheme, body, secret) => {
        const signed = signRequest(spec(scheme), body, { secret, timestamp: 1_700_000_000 });
        const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
        const x = explain(spec(scheme), { headers, body }, { secrets: [secret], now: 1_700_000_000 });
        expect(x.verdict).toBe('valid');
      }),
      { numRuns: RUNS },
    );
  });

  it('finds the classic mistakes over arbitrary JSON: re-serialized body, trailing newline, secret with whitespace', () => {
    const objects = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 6 });
    fc.assert(
      fc.property(objects, fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s.length > 0), fc.constantFrom('pretty', 'newline', 'secret-space'), (obj, secret, mistake) => {
        const compact = JSON.stringify(obj);
        const hmac = (data: string, key = secret) => createHmac('sha1', key).update(data).digest('hex');
        // What the receiver has vs what the signer signed.
        const [have, signature, secrets] =
          mistake === 'pretty' ? [JSON.stringify(obj, null, 2), hmac(compact), [secret]]
          : mistake === 'newline' ? [`${compact}\n`, hmac(compact), [secret]]
          : [compact, hmac(compact), [` ${secret}\n`]];
        if (Buffer.from(have).equals(Buffer.from(compact)) && mistake !== 'secret-space') return; // nothing to explain
        const x = explain(spec('customerglu'), { headers: { 'x-cg-signature': signature }, body: Buffer.from(have) }, { secrets });
        expect(x.verdict, `${mistake}: ${x.summary}`).toBe('explained');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('serializer models on any JSON', () => {
  // Numbers as other languages write them, so the models meet 1.0, exponents, -0.0 and huge integers.
  const numberText = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => JSON.stringify(x)),
    fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
    fc.constantFrom('1.0', '-0.0', '-0', '1e21', '1E-7', '1e400', '0.0001', '1.5e16', '12345678901234567890'),
  );
  const doc = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.string({ unit: 'grapheme' }).map((s) => JSON.stringify(s)), numberText, fc.constantFrom('true', 'false', 'null'), tie('arr'), tie('obj')),
    arr: fc.array(tie('value'), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
    obj: fc.array(fc.tuple(fc.string({ unit: 'binary', maxLength: 6 }), tie('value')), { maxLength: 4 }).map((es) => `{${es.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  })).value as fc.Arbitrary<string>;

  it('every model writes valid JSON holding the same strings, or declines the document', () => {
    fc.assert(
      fc.property(doc, (text) => {
        const tree = parseTree(text)!;
        expect(tree).toBeDefined();
        for (const m of SERIALIZERS) {
          let out: string;
          try {
            out = serialize(tree, m.style);
          } catch (e) {
            expect(e, m.id).toBeInstanceOf(NotWritable);
            continue;
          }
          // Python writes 1e400 as Infinity (allow_nan=True by default), which is not JSON: true to life.
          if (m.id.startsWith('py-') && out.includes('Infinity')) continue;
          const back = JSON.parse(out) as unknown;
          const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => (Array.isArray(v) ? strings(x) : [k, ...strings(x)])) : []);
          if (!m.style.dropNullMembers && !m.style.sortKeys && !m.style.indexKeysAsList && !m.style.emptyObject) expect(strings(back).sort(), m.id).toEqual(strings(JSON.parse(text)).sort());
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('every escaping reads back as the same string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        for (const [name, rules] of Object.entries(ESCAPES)) expect(JSON.parse(escapeString(s, rules)), name).toBe(s);
      }),
      { numRuns: RUNS },
    );
  });

  it('a correct signature over compressed bytes is "valid", never a false diagnosis', () => {
    fc.assert(
      fc.property(bodyArb, secretArb, (body, secret) => {
        const gz = gzipSync(body);
        const signed = signRequest(spec('customerglu'), gz, { secret });
        const headers = { ...Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])), 'content-encoding': 'gzip' };
        expect(explain(spec('customerglu'), { headers, body: gz }, { secrets: [secret] }).verdict).toBe('valid');
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});
