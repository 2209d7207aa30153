// What `--explain` says for Standard Webhooks v1a (ed25519) signatures (src/signing/explain/asymmetric.ts): a public
// key cannot recompute a signature, so the search checks each form of the body against every v1a signature with
// every whpk_ key. Real ed25519 keys and signatures (node:crypto), driven through the public explain().
import { describe, expect, it } from 'vitest';
import type { SigningSpec } from '../src/providers/types.js';
import { generateKeyPair, signV1, signV1a, generateSecret } from '../src/signing/ed25519.js';
import { bodyVariants, parseBody } from '../src/signing/explain/variants.js';
import { explain } from '../src/signing/explain/index.js';
import type { VerifyOptions } from '../src/signing/types.js';

const spec: SigningSpec = { scheme: 'standard-webhooks', secretRequired: true, description: '' };
const k1 = generateKeyPair();
const k2 = generateKeyPair();
const ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const T = 1_700_000_000;
const BODY = '{"type":"reward.issued","text":"Café ☕"}';
const FORMS = bodyVariants(Buffer.from(BODY), parseBody(Buffer.from(BODY))).length;
const v1a = (key: string, body: string | Buffer = BODY, id = ID, t = T) => {
  const r = signV1a(key, { id, timestamp: t, body });
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};
const run = (headers: Record<string, string>, options: Partial<VerifyOptions> = {}, body: string | Buffer = BODY) =>
  explain(spec, { headers, body: Buffer.from(body) }, { secrets: [k1.publicKey], now: T, ...options });
const delivery = (signature: string, extra: Record<string, string> = {}) => ({ 'webhook-id': ID, 'webhook-timestamp': String(T), 'webhook-signature': signature, ...extra });
const NO_MATCH = 'No form of the body verifies with the public keys given: most likely the wrong key, or the id, timestamp or body changed after signing.';
const CHECK_KEYS = 'Check that the whpk_ key is the public half of the sender\'s whsk_ key (`cg-hooks keygen --scheme standard-webhooks --asymmetric` prints a pair), and that webhook-id and webhook-timestamp are the ones sent with this body.';

describe('explain, ed25519: valid and expired', () => {
  it('valid: one form, one key, ed25519', () => {
    const e = run(delivery(v1a(k1.secretKey)));
    expect(e).toStrictEqual({
      verdict: 'valid',
      result: { status: 'valid', valid: true, header: 'webhook-signature', secretIndex: 0, reason: 'webhook-signature matches (v1a)' },
      summary: 'The signature is valid over the raw bytes (webhook-signature matches (v1a)).',
      findings: [],
      tried: { bodies: 1, secrets: 1, templates: 1, algorithms: ['ed25519'], signatures: 0, hmacs: 0 },
    });
  });

  it('expired: explained when the signature itself matches, unexplained when it does not', () => {
    const old = run(delivery(v1a(k1.secretKey)), { now: T + 1000 });
    const title = `The timestamp is outside the tolerance: ${old.result.reason}.`;
    expect(old.result.reason).toMatch(/the signature itself matches$/);
    expect(old).toStrictEqual({
      verdict: 'explained',
      result: old.result,
      summary: title,
      findings: [{
        cause: 'timestamp',
        title,
        detail: ['Receivers reject old or future timestamps so that a captured delivery cannot be replayed later.'],
        fix: 'checking a saved delivery later? pass --now <the time it arrived> or a larger --tolerance; live traffic? sync both clocks (NTP)',
      }],
      tried: { bodies: 0, secrets: 0, templates: 0, algorithms: [], signatures: 0, hmacs: 0 },
    });
    const wrong = run(delivery(v1a(k2.secretKey)), { now: T + 1000 });
    expect(wrong.result.reason).toMatch(/the signature does not match$/);
    expect(wrong).toMatchObject({ verdict: 'unexplained', summary: `The timestamp is outside the tolerance: ${wrong.result.reason}.`, findings: [{ cause: 'timestamp' }] });
  });
});

describe('explain, ed25519: nothing to search', () => {
  const nothing = (e: ReturnType<typeof run>) => {
    expect(e).toStrictEqual({
      verdict: 'unexplained',
      result: e.result,
      summary: `Nothing to search: ${e.result.reason}.`,
      findings: [{ cause: 'missing-signature', title: `Nothing to search: ${e.result.reason}.`, detail: ['A v1a signature is "v1a," + base64 of 64 bytes, checked with the whpk_ public key over "{webhook-id}.{webhook-timestamp}.{body}".'] }],
      tried: { bodies: 0, secrets: 0, templates: 0, algorithms: [], signatures: 0, hmacs: 0 },
    });
    return e.result.reason;
  };
  const changed = v1a(k1.secretKey, `${BODY}\n`);

  it('no signature header, no timestamp, no id', () => {
    expect(nothing(run({ 'webhook-id': ID, 'webhook-timestamp': String(T) }))).toBe('no webhook-signature or svix-signature header');
    expect(nothing(run({ 'webhook-id': ID, 'webhook-signature': changed }))).toMatch(/^no timestamp/);
    expect(nothing(run({ 'webhook-timestamp': String(T), 'webhook-signature': changed }))).toMatch(/^no webhook-id header/);
  });

  it('no v1a signature of 64 bytes in the header', () => {
    const v1 = signV1(generateSecret(), { id: ID, timestamp: T, body: BODY });
    if (!v1.ok) throw new Error(v1.reason);
    nothing(run(delivery(v1.value)));
    // "v1a," + base64 of 63 bytes, and a bare v1a element: neither is a signature to check.
    nothing(run(delivery(`v1a,${Buffer.alloc(63, 1).toString('base64')} v1a`)));
  });

  it('no usable public key (broken whpk_ keys)', () => {
    nothing(run(delivery(changed), { secrets: ['whpk_AAAA'] }));
    nothing(run(delivery(changed), { secrets: ['whpk_AAAA', 'whpk_'] }));
    // A whsk_ secret key verifies with its public half.
    expect(run(delivery(changed), { secrets: [k1.secretKey] }).verdict).toBe('explained');
  });
});

describe('explain, ed25519: the search', () => {
  it('a body changed after signing: the form that verifies, and what was tried', () => {
    const e = run(delivery(v1a(k1.secretKey, `${BODY}\n`)));
    expect(e.verdict).toBe('explained');
    expect(e.summary).toBe('The signature was made over the body plus a trailing newline, not over the bytes you have.');
    expect(e.findings).toStrictEqual([expect.objectContaining({ cause: 'whitespace', title: e.summary, offset: Buffer.byteLength(BODY) })]);
    // add-newline is the first form after the raw body: one key, one signature, two checks.
    expect(e.tried).toStrictEqual({ bodies: FORMS, secrets: 1, templates: 1, algorithms: ['ed25519'], signatures: 1, hmacs: 2 });
  });

  it('every v1a signature of the header with every usable key, in order; only v1a elements count', () => {
    const other = v1a(k2.secretKey, 'something else');
    const header = `v1,${Buffer.alloc(32).toString('base64')} ${other} ${v1a(k1.secretKey, `${BODY}\n`)}`;
    const e = run(delivery(header), { secrets: ['whpk_AAAA', k2.publicKey, k1.publicKey] });
    expect(e.verdict).toBe('explained');
    expect(e.tried.signatures).toBe(2);
    expect(e.tried.secrets).toBe(2);
    // Nothing matches: the counts of keys and signatures, plural and singular.
    const none = run(delivery(`${other} ${other}`), { secrets: [k1.publicKey, k2.publicKey] });
    expect(none).toStrictEqual({
      verdict: 'unexplained',
      result: none.result,
      summary: NO_MATCH,
      findings: [{
        cause: 'no-match',
        title: NO_MATCH,
        detail: [`Tried ${FORMS} forms of the body × 2 public keys × 2 v1a signatures (ed25519 verifications: a public key cannot recompute a signature, only check one).`, CHECK_KEYS],
        fix: 'capture a delivery byte for byte with `cg-hooks listen --save` and verify that',
      }],
      tried: { bodies: FORMS, secrets: 2, templates: 1, algorithms: ['ed25519'], signatures: 2, hmacs: FORMS * 4 },
    });
    const one = run(delivery(other));
    expect(one.findings[0]!.detail[0]).toBe(`Tried ${FORMS} forms of the body × 1 public key × 1 v1a signature (ed25519 verifications: a public key cannot recompute a signature, only check one).`);
    expect(one.tried.hmacs).toBe(FORMS);
  });

  it('the raw body is never the answer (it is what failed verify): a wrong id is not "explained" by the body', () => {
    const e = run(delivery(v1a(k1.secretKey, BODY, 'msg_other')));
    expect(e.verdict).toBe('unexplained');
  });

  it('--signature, --timestamp and --id stand in for the headers; svix-* headers are read; id and timestamp trimmed', () => {
    const sig = v1a(k1.secretKey, `${BODY}\n`, 'msg_1', T - 5);
    const given = run({}, { signature: sig, timestamp: T - 5, id: 'msg_1' });
    expect(given.summary).toBe('The signature was made over the body plus a trailing newline, not over the bytes you have.');
    // The signature option wins over a header holding something else.
    expect(run(delivery('v1a,nothing'), { signature: sig, timestamp: T - 5, id: 'msg_1' }).verdict).toBe('explained');
    const svix = run({ 'svix-id': 'msg_1', 'svix-timestamp': String(T - 5), 'svix-signature': sig });
    expect(svix.verdict).toBe('explained');
    const padded = run({ 'webhook-id': ' msg_1 ', 'webhook-timestamp': ` ${T - 5} `, 'webhook-signature': sig });
    expect(padded.verdict).toBe('explained');
  });
});
