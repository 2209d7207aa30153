import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { explain, signRequest } from '../src/signing/index.js';
import type { RequestParts, SchemeId, SigningSpec, VerifyOptions } from '../src/signing/types.js';

// One test per cause in providers.md "Why signatures fail": build the broken input, assert the diagnosis.

const spec = (scheme: SchemeId): SigningSpec => ({ scheme, secretRequired: false, description: '' });
const CG: SigningSpec = { scheme: 'customerglu', header: 'X-CG-SIGNATURE', altHeaders: ['X-GLU-SIGNATURE'], algorithm: 'sha1', encoding: 'hex', secretRequired: false, description: '' };
const SECRET = 's3cret';
const sha1 = (data: string | Buffer, key = SECRET) => createHmac('sha1', key).update(data).digest('hex');

function cg(body: string | Buffer, signature: string, options: Partial<VerifyOptions> = {}) {
  const req: RequestParts = { headers: { 'x-cg-signature': signature }, body: Buffer.from(body) };
  return explain(CG, req, { secrets: [SECRET], ...options });
}

describe('explain: the nine causes', () => {
  it('1. re-serialized body: the signer hashed JSON.stringify(JSON.parse(body)) of a pretty body', () => {
    const body = '{\n  "rewardId": "r-1",\n  "rewardAmount": 15\n}';
    const x = cg(body, sha1('{"rewardId":"r-1","rewardAmount":15}'));
    expect(x.verdict).toBe('explained');
    expect(x.match?.body).toBe('js-compact');
    expect(x.findings[0]).toMatchObject({ cause: 're-serialized', offset: 1 });
    expect(x.findings[0]!.detail.join(' ')).toMatch(/whitespace between tokens is removed/i);
    expect(x.findings[0]!.excerpt).toEqual({ given: '{\\n  "rewardId": "r-1",\\n  …', signed: '{"rewardId":"r-1","reward…' });
    expect(x.findings[0]!.fix).toMatch(/express\.raw/);
  });

  it('1. re-serialized body, seen from a valid delivery: warns that JSON.stringify(req.body) receivers reject it', () => {
    const body = '{"a": 1}';
    const x = cg(body, sha1(body));
    expect(x.verdict).toBe('valid');
    const f = x.findings.find((f) => f.title.includes('JSON.stringify(req.body)'));
    expect(f).toMatchObject({ cause: 're-serialized', offset: 5 });
  });

  it('2. another serializer: Python json.dumps defaults (", " / ": ", ensure_ascii)', () => {
    const body = '{"rewardName":"Café","tnc":["NA","T&C"]}';
    const x = cg(body, sha1('{"rewardName": "Caf\\u00e9", "tnc": ["NA", "T&C"]}'));
    expect(x.match?.body).toBe('py-default');
    expect(x.findings[0]).toMatchObject({ cause: 'other-serializer', offset: 14 });
    expect(x.findings[0]!.title).toMatch(/Python json\.dumps\(obj\) with its defaults/);
  });

  it('2. another serializer: ensure_ascii alone, PHP escaping, sorted keys, indentation', () => {
    const body = '{"url":"https://cg.io/a","city":"São Paulo","b":1,"a":[1,2]}';
    const cases: [string, string][] = [
      ['py-compact-ascii', '{"url":"https://cg.io/a","city":"S\\u00e3o Paulo","b":1,"a":[1,2]}'],
      ['php', '{"url":"https:\\/\\/cg.io\\/a","city":"S\\u00e3o Paulo","b":1,"a":[1,2]}'],
      ['py-sorted-compact', '{"a":[1,2],"b":1,"city":"São Paulo","url":"https://cg.io/a"}'],
      ['py-indent-2', '{\n  "url": "https://cg.io/a",\n  "city": "S\\u00e3o Paulo",\n  "b": 1,\n  "a": [\n    1,\n    2\n  ]\n}'],
      ['js-indent-2', JSON.stringify(JSON.parse(body), null, 2)],
    ];
    for (const [id, signed] of cases) {
      const x = cg(body, sha1(signed));
      expect(x.match?.body, id).toBe(id);
      expect(x.findings[0]!.cause, id).toBe('other-serializer');
    }
  });

  it('3. double encoding: the raw body hashed as a JSON string (CustomerGlu PHP sample)', () => {
    const body = '{"rewardId":"r/1","rewardName":"Café"}';
    const x = cg(body, sha1('"{\\"rewardId\\":\\"r\\/1\\",\\"rewardName\\":\\"Caf\\u00e9\\"}"'));
    expect(x.match?.body).toBe('double-php');
    expect(x.findings[0]).toMatchObject({ cause: 'double-encoded', offset: 0 });
    expect(x.findings[0]!.fix).toMatch(/raw body string itself/);
  });

  it('4. numbers changed on a round trip: 1.0, exponent, big integer', () => {
    const body = '{"rewardAmount":1.0,"n":1e3,"id":12345678901234567890}';
    const x = cg(body, sha1(JSON.stringify(JSON.parse(body))));
    expect(x.findings[0]).toMatchObject({ cause: 'numbers', offset: 17 });
    expect(x.findings[0]!.detail.join(' ')).toMatch(/numbers are rewritten \(1\.0 → 1\)/i);
  });

  it('5. whitespace: trailing newline, CRLF, BOM', () => {
    const body = '{"a":1,\n"b":2}';
    const nl = cg(`${body}\n`, sha1(body));
    expect(nl.match?.body).toBe('strip-newline');
    expect(nl.findings[0]).toMatchObject({ cause: 'whitespace', offset: body.length });
    expect(nl.findings[0]!.excerpt!.given.endsWith('\\n')).toBe(true);
    const crlf = cg(body.replace('\n', '\r\n'), sha1(body));
    expect(crlf.match?.body).toBe('crlf-to-lf');
    expect(crlf.findings[0]).toMatchObject({ cause: 'whitespace', offset: 7 });
    const bom = cg(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]), sha1(body));
    expect(bom.match?.body).toBe('strip-bom');
    expect(bom.findings[0]).toMatchObject({ cause: 'whitespace', offset: 0 });
  });

  it('6. lossy text encoding: Latin-1 and ASCII "?"', () => {
    const body = '{"rewardName":"Café ☕"}';
    const latin1 = cg(body, sha1(Buffer.from('{"rewardName":"Caf\xe9 ?"}', 'latin1')));
    expect(latin1.match?.body).toBe('latin1');
    expect(latin1.findings[0]).toMatchObject({ cause: 'lossy-encoding', offset: 18 });
    const ascii = cg(body, sha1('{"rewardName":"Caf? ?"}'));
    expect(ascii.match?.body).toBe('ascii');
    expect(ascii.findings[0]!.cause).toBe('lossy-encoding');
  });

  it('7. signature format: uppercase hex, base64, a prefix, the wrong algorithm, the wrong header', () => {
    const body = '{"a":1}';
    const upper = cg(body, sha1(body).toUpperCase());
    expect(upper.findings[0]).toMatchObject({ cause: 'signature-format' });
    expect(upper.findings[0]!.title).toMatch(/uppercase hex, where CustomerGlu writes lowercase hex/);
    const b64 = cg(body, createHmac('sha1', SECRET).update(body).digest('base64'));
    expect(b64.findings[0]!.title).toMatch(/written as base64/);
    const prefixed = cg(body, `sha1=${sha1(body)}`);
    expect(prefixed.findings[0]!.title).toMatch(/"sha1=" \+ lowercase hex/);
    const sha256 = cg(body, createHmac('sha256', SECRET).update(body).digest('hex'));
    expect(sha256.match?.algorithm).toBe('sha256');
    expect(sha256.findings[0]!.title).toMatch(/HMAC-SHA-256 \(32 bytes\), but CustomerGlu uses HMAC-SHA-1/);
    const header = explain(spec('mgpass'), { headers: { 'x-signature': createHmac('sha256', SECRET).update(body).digest('hex') }, body: Buffer.from(body) }, { secrets: [SECRET] });
    expect(header.result.status).toBe('missing');
    expect(header.findings[0]!.title).toMatch(/came in the x-signature header, but mgPass sends it in X-Webhook-Signature/);
  });

  it('8. secret format: whitespace around the secret, whsec_ used verbatim', () => {
    const body = '{"a":1}';
    const x = cg(body, sha1(body), { secrets: ['s3cret\n'] });
    expect(x.findings[0]).toMatchObject({ cause: 'secret-format' });
    expect(x.findings[0]!.title).toMatch(/surrounding whitespace removed/);
    const key = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const t = '1614265330';
    const sig = createHmac('sha256', key).update(`msg_1.${t}.${body}`).digest('base64');
    const sw = explain(spec('standard-webhooks'), { headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': t, 'webhook-signature': `v1,${sig}` }, body: Buffer.from(body) }, { secrets: [key], now: Number(t) });
    expect(sw.findings[0]).toMatchObject({ cause: 'secret-format' });
    expect(sw.findings[0]!.title).toMatch(/verbatim as text, "whsec_" included/);
  });

  it('9. comparison: a missing or wrong-length signature, where timingSafeEqual throws', () => {
    const missing = explain(CG, { headers: {}, body: Buffer.from('{}') }, { secrets: [SECRET] });
    expect(missing.findings.map((f) => f.cause)).toEqual(['missing-signature', 'comparison']);
    expect(missing.findings[1]!.detail.join(' ')).toMatch(/RangeError/);
    const prefixed = cg('{}', `sha1=${sha1('{}')}`);
    expect(prefixed.findings.map((f) => f.cause)).toContain('comparison');
    const truncated = cg('{}', sha1('{}').slice(0, 30));
    expect(truncated.findings[0]!.title).toMatch(/cut short: 30 of 40 characters/);
    expect(truncated.findings[1]!.cause).toBe('comparison');
  });
});

describe('explain: beyond the list', () => {
  it('signed content: a Stripe signature computed over the body alone', () => {
    const body = '{"id":"evt_1"}';
    const t = 1_700_000_000;
    const sig = createHmac('sha256', SECRET).update(body).digest('hex');
    const x = explain(spec('stripe'), { headers: { 'stripe-signature': `t=${t},v1=${sig}` }, body: Buffer.from(body) }, { secrets: [SECRET], now: t });
    expect(x.findings[0]).toMatchObject({ cause: 'signed-content' });
    expect(x.findings[0]!.title).toBe('The signer signed {body}, but Stripe signs {timestamp}.{body}.');
  });

  it('an expired timestamp with a correct signature', () => {
    const body = Buffer.from('{}');
    const signed = signRequest(spec('slack'), body, { secret: SECRET, timestamp: 1000 });
    const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const x = explain(spec('slack'), { headers, body }, { secrets: [SECRET], now: 2000 });
    expect(x.findings[0]).toMatchObject({ cause: 'timestamp' });
    expect(x.findings[0]!.title).toMatch(/16 min 40 s old .*the signature itself matches/);
  });

  it('rotation: reports which secret matched', () => {
    const body = '{\n"a":1}';
    const x = cg(body, sha1('{"a":1}', 'new'), { secrets: ['old', 'new'] });
    expect(x.match).toMatchObject({ secretIndex: 1, body: 'js-compact' });
  });

  it('nothing matches: says what was tried and the likely causes', () => {
    const x = cg('{"a":1}', sha1('{"a":1}', 'another-secret'), { secrets: ['s1', 's2', 's3'] });
    expect(x.verdict).toBe('unexplained');
    expect(x.findings[0]!.cause).toBe('no-match');
    const text = x.findings[0]!.detail.join('\n');
    expect(text).toMatch(/Tried \d+ forms of the body × \d+ forms of 3 secrets × 1 signed-content template × HMAC-SHA-1: \d+ HMACs/);
    expect(text).toMatch(/wrong secret/);
    expect(text).toMatch(/rotated secret/);
    expect(text).toMatch(/changed in transit/);
    expect(x.tried.hmacs).toBeGreaterThan(40);
  });

  it('never prints a secret', () => {
    const x = cg('{"a":1}\n', sha1('{"a":1}', 'hunter2-secret'), { secrets: ['hunter2-secret'] });
    expect(JSON.stringify(x)).not.toContain('hunter2');
  });

  it('WebEngage: the md5 of a trimmed secret key', () => {
    const md5 = (s: string) => require('node:crypto').createHash('md5').update(s).digest('hex');
    const x = explain(spec('webengage'), { headers: {}, query: { licenseCode: '~2024c5d1', secret: md5('~2024c5d1:whsec_demo') }, body: Buffer.from('{}') }, { secrets: ['whsec_demo '] });
    expect(x.findings[0]).toMatchObject({ cause: 'secret-format' });
  });
});

describe('serializer emulation matches the real thing', async () => {
  const { readFileSync } = await import('node:fs');
  const { bodyVariants, parseBody } = await import('../src/signing/explain/variants.js');
  const doc = JSON.parse(readFileSync(new URL('../fixtures/explain/python-forms.json', import.meta.url), 'utf8')) as { body: string; forms: Record<string, string> };
  const body = Buffer.from(doc.body);
  const variants = bodyVariants(body, parseBody(body));
  for (const [id, text] of Object.entries(doc.forms)) {
    it(`${id} is byte-identical to Python's output`, () => {
      expect(variants.find((v) => v.id === id)?.bytes.toString('utf8')).toBe(text);
    });
  }
  it('JavaScript forms are byte-identical to JSON.stringify', () => {
    const js = JSON.parse(doc.body);
    expect(variants.find((v) => v.id === 'js-compact')?.bytes.toString()).toBe(JSON.stringify(js));
    expect(variants.find((v) => v.id === 'js-indent-2')?.bytes.toString()).toBe(JSON.stringify(js, null, 2));
    expect(variants.find((v) => v.id === 'double-js')?.bytes.toString()).toBe(JSON.stringify(doc.body));
  });
});

describe('explain: the comparison note only when lengths differ', () => {
  it('uppercase hex has the right length: no timingSafeEqual warning', () => {
    const x = cg('{"a":1}', sha1('{"a":1}').toUpperCase());
    expect(x.findings.map((f) => f.cause)).toEqual(['signature-format']);
  });
});
