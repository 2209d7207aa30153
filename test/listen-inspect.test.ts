// The listener's verdicts, without a server: detection, signature and auth, body checks, duplicates.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, parseSize } from '../src/commands/listen.js';
import { headerMap, splitUrl, type DeliveryReport } from '../src/http/listen.js';
import { DedupTracker, checkCredentials, detectProvider, firstInvalidUtf8, inspectDelivery, parseBody, type DeliveryInput, type InspectContext } from '../src/http/inspect.js';
import { deliveryJsonLine, formatDelivery, formatSummary } from '../src/output/delivery.js';
import { Chalk } from 'chalk';
import { loadAllProviders, loadProvider } from '../src/providers/index.js';
import type { ProviderDef } from '../src/providers/types.js';
import { stubProvider } from './helpers/stub-provider.js';

const VECTOR_BODY = '{"campaignId":"6bab1116-ae8e-4644-9cee-7a3d8ee9aff3","type":"direct","userId":"test-8-june-9","rewardId":"acdc71c6-08ad-4cd9-8c1e-3c812487b854","rewardName":"$15","rewardAmount":15,"details":{"currency":"USD","value":15,"reward_reason":"got_referred","userAName":"Test Solve 7","userAId":"test-8-june-7"}}';
const VECTOR_TOKEN = 'PbTJp694bmgrfJpJPQmrjGfjgq';
const VECTOR_SIG = 'f2719895b483fbf3f98e1936bc88271cbe74f138';

const input = (body: string | Buffer, headers: Record<string, string> = {}): DeliveryInput => ({
  method: 'POST',
  path: '/webhook',
  query: {},
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? Buffer.from(body) : body,
});

async function ctx(extra: Partial<InspectContext> = {}): Promise<InspectContext> {
  return { providers: await loadAllProviders(), credentials: { secrets: [VECTOR_TOKEN] }, ...extra };
}

describe('inspectDelivery', () => {
  it('accepts the documented CustomerGlu vector: provider, event, signature, schema, dedup key', async () => {
    const a = inspectDelivery(input(VECTOR_BODY, { 'x-cg-signature': VECTOR_SIG }), await ctx());
    expect(a.provider?.id).toBe('customerglu');
    expect(a.event).toBe('reward');
    expect(a.signature).toMatchObject({ status: 'valid', ok: true, header: 'X-CG-SIGNATURE', secretIndex: 0 });
    expect(a.schema.status).toBe('valid');
    expect(a.dedupKey).toBe('customerglu:acdc71c6-08ad-4cd9-8c1e-3c812487b854');
    expect(a.status).toBe(200);
    expect(a.problems).toEqual([]);
  });

  it('accepts the older X-GLU-SIGNATURE header and a rotated secret', async () => {
    const a = inspectDelivery(input(VECTOR_BODY, { 'x-glu-signature': VECTOR_SIG }), await ctx({ credentials: { secrets: ['old', VECTOR_TOKEN] } }));
    expect(a.signature).toMatchObject({ status: 'valid', secretIndex: 1 });
  });

  it('401 for a tampered body, a missing signature; not checked without a secret', async () => {
    const tampered = inspectDelivery(input(VECTOR_BODY.replace('15', '16'), { 'x-cg-signature': VECTOR_SIG }), await ctx());
    expect(tampered).toMatchObject({ status: 401, problems: ['signature invalid'] });
    const unsigned = inspectDelivery(input(VECTOR_BODY), await ctx());
    expect(unsigned.provider?.id).toBe('customerglu'); // detected from the body shape
    expect(unsigned).toMatchObject({ status: 401, signature: { status: 'missing' } });
    const noSecret = inspectDelivery(input(VECTOR_BODY), await ctx({ credentials: { secrets: [] } }));
    expect(noSecret).toMatchObject({ status: 200, signature: { status: 'not-checked', ok: true }, problems: [] });
  });

  it('schema failures name the fields and keep the answer 200', async () => {
    const body = JSON.parse(VECTOR_BODY);
    body.type = 'lottery';
    delete body.userId;
    const a = inspectDelivery(input(JSON.stringify(body)), await ctx({ credentials: { secrets: [] } }));
    expect(a.status).toBe(200);
    expect(a.schema.status).toBe('invalid');
    expect(a.schema.issues.map((i) => i.path).sort()).toEqual(['type', 'userId']);
    expect(a.problems).toEqual(['schema']);
  });

  it('400 for bodies that are not JSON, 401 first when the signature is also wrong', async () => {
    expect(inspectDelivery(input('{"a":'), await ctx({ credentials: { secrets: [] } }))).toMatchObject({ status: 400, bodyKind: 'malformed-json' });
    expect(inspectDelivery(input('{"a":', { 'x-cg-signature': 'ab' }), await ctx())).toMatchObject({ status: 401, bodyKind: 'malformed-json' });
    expect(inspectDelivery(input(Buffer.from([0x22, 0xc3, 0x28, 0x22])), await ctx()).bodyError).toBe('body is not valid UTF-8 (bad byte at offset 1)');
    expect(inspectDelivery({ ...input(Buffer.alloc(0)), tooLarge: true, size: 5000 }, await ctx())).toMatchObject({ status: 413, problems: ['too large'] });
    // A compressed body that decodes past --max-body is over it too: 413 (a 400 tells senders never to retry).
    const { gzipSync } = await import('node:zlib');
    const bomb = { ...input(gzipSync(Buffer.alloc(8192, 0x20)), { 'content-encoding': 'gzip' }), maxDecoded: 1024 };
    expect(inspectDelivery(bomb, await ctx())).toMatchObject({ status: 413, problems: ['too large'], bodyKind: 'too-large', encoding: 'gzip' });
  });

  it('an unknown body from no provider: 200, flagged unknown provider', async () => {
    const a = inspectDelivery(input('{"hello":"world"}'), await ctx());
    expect(a).toMatchObject({ provider: undefined, status: 200, signature: { status: 'unknown-provider' }, problems: ['unknown provider'] });
  });

  it('with --provider fixed, detection is skipped', async () => {
    const cg = await loadProvider('customerglu');
    const a = inspectDelivery(input('{"hello":"world"}', { 'x-cg-signature': 'ab' }), await ctx({ fixed: cg }));
    expect(a).toMatchObject({ confidence: 1, event: null, schema: { status: 'unknown-event' }, status: 401 });
  });

  it('adds the explain line for an invalid signature, and survives an explain that throws', async () => {
    const body = `${VECTOR_BODY}\n`;
    const explained = inspectDelivery(input(body, { 'x-cg-signature': VECTOR_SIG }), await ctx({ explain: () => 'a trailing newline was added' }));
    expect(explained.signature.explain).toBe('a trailing newline was added');
    const broken = inspectDelivery(input(body, { 'x-cg-signature': VECTOR_SIG }), await ctx({ explain: () => { throw new Error('boom'); } }));
    expect(broken.signature.explain).toBeUndefined();
    expect(broken.status).toBe(401);
  });
});

describe('checkCredentials by scheme', () => {
  const withScheme = (scheme: ProviderDef['signing']['scheme']): ProviderDef => ({ ...stubProvider('x'), signing: { scheme, secretRequired: false, description: '' } });
  const req = (headers: Record<string, string>, query: Record<string, string> = {}) => ({ method: 'POST', path: '/', headers, query, body: Buffer.from('{}') });

  it('API key: checked only with --api-key (never the --secret)', () => {
    const p = withScheme('api-key');
    expect(checkCredentials(p, req({ 'x-api-key': 'k' }), { secrets: ['s'] }).auth.status).toBe('not-configured');
    expect(checkCredentials(p, req({ 'x-api-key': 'k' }), { secrets: [], apiKey: 'k' }).auth).toMatchObject({ status: 'valid', kind: 'api-key' });
    expect(checkCredentials(p, req({}), { secrets: [], apiKey: 'k' }).auth).toMatchObject({ status: 'missing', ok: false });
    expect(checkCredentials(p, req({ 'x-api-key': 'nope' }), { secrets: [], apiKey: 'k' }).signature.status).toBe('unsigned');
  });

  it('basic auth and the WebEngage query secret', () => {
    const basic = `Basic ${Buffer.from('u:p').toString('base64')}`;
    expect(checkCredentials(withScheme('basic'), req({ authorization: basic }), { secrets: [], user: 'u:p' }).auth.status).toBe('valid');
    expect(checkCredentials(withScheme('basic'), req({ authorization: basic }), { secrets: [], user: 'u:q' }).auth.status).toBe('invalid');
    // md5("~2024c5d1:whsec_demo") from providers.md
    const we = req({}, { licenseCode: '~2024c5d1', secret: 'e1305d13cda89fa8609a9915ba8c6904' });
    expect(checkCredentials(withScheme('webengage'), we, { secrets: ['whsec_demo'], licenseCode: '~2024c5d1' }).auth.status).toBe('valid');
    expect(checkCredentials(withScheme('webengage'), we, { secrets: ['other'], licenseCode: '~2024c5d1' }).auth.status).toBe('invalid');
  });

  it('unsigned providers are accepted: "not signed by this provider"', () => {
    const r = checkCredentials(withScheme('none'), req({}), { secrets: ['s'] });
    expect(r.signature).toMatchObject({ status: 'unsigned', ok: true });
    expect(r.auth.ok).toBe(true);
  });
});

describe('pieces', () => {
  it('detectProvider picks the highest score and survives a throwing detector', () => {
    const a = { ...stubProvider('a'), detect: () => 0.4 };
    const b = { ...stubProvider('b'), detect: () => 0.9 };
    const c = { ...stubProvider('c'), detect: () => { throw new Error('x'); } };
    const req = { method: 'POST', path: '/', headers: {}, query: {}, body: Buffer.alloc(0) };
    expect(detectProvider([a, c, b], req, {}).provider?.id).toBe('b');
    expect(detectProvider([{ ...stubProvider('z') }], req, {}).provider).toBeUndefined();
  });

  it('firstInvalidUtf8 finds the first bad byte', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo'))).toBe(6);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1); // truncated 3-byte sequence
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0x80]))).toBe(0); // overlong
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // surrogate
  });

  it('parseBody reads form fields', () => {
    expect(parseBody({ ...input('a=1&b=x+y'), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } })).toMatchObject({ kind: 'form', parsed: { a: '1', b: 'x y' } });
  });

  it('DedupTracker remembers the first sequence number, bounded', () => {
    const d = new DedupTracker(2);
    d.remember('a', 1);
    d.remember('a', 5);
    expect(d.firstSeq('a')).toBe(1);
    d.remember('b', 2);
    d.remember('c', 3);
    expect(d.firstSeq('a')).toBeUndefined();
    expect(d.firstSeq('c')).toBe(3);
    expect(d.firstSeq(undefined)).toBeUndefined();
    const e = new DedupTracker();
    expect(e.claim('k', 1)).toBeUndefined();
    expect(e.claim('k', 2)).toBe(1);
    e.release('k', 2); // not the owner: no effect
    expect(e.claim('k', 3)).toBe(1);
    e.release('k', 1); // refused after all: its retry is not a duplicate
    expect(e.claim('k', 4)).toBeUndefined();
  });

  it('headerMap keeps repeated headers; splitUrl keeps the raw path', () => {
    expect(headerMap(['X-A', '1', 'x-a', '2', 'Content-Type', 'application/json'])).toEqual({ 'x-a': '1, 2', 'content-type': 'application/json' });
    expect(splitUrl('/hook/%E2%9C%93?eventType=a&secret=b')).toEqual({ path: '/hook/%E2%9C%93', query: { eventType: 'a', secret: 'b' }, rawQuery: 'eventType=a&secret=b' });
    // Every value of a repeated parameter, in order; __proto__ is data.
    expect(splitUrl('/?a=1&b=x&a=2&a=3&__proto__=p')).toEqual({ path: '/', query: { a: ['1', '2', '3'], b: 'x', ['__proto__']: 'p' }, rawQuery: 'a=1&b=x&a=2&a=3&__proto__=p' });
    expect(Object.getPrototypeOf(splitUrl('/?__proto__=p').query)).toBe(Object.prototype);
  });

  it('parseSize and exit codes', () => {
    expect(parseSize('1mb', '--max-body')).toBe(1048576);
    expect(parseSize('512kb', '--max-body')).toBe(524288);
    expect(parseSize('100', '--max-body')).toBe(100);
    expect(() => parseSize('lots', '--max-body')).toThrow(/--max-body/);
    const s = { deliveries: 2, valid: 2, invalid: 0, duplicates: 0, notSaved: 0, problems: {}, statuses: {}, clientErrors: 0 };
    expect(exitCodeFor('expect', s, 2)).toBe(0);
    expect(exitCodeFor('expect', { ...s, valid: 1, invalid: 1 }, 2)).toBe(1);
    // Valid but not saved (--save could not write it): not a success either.
    expect(exitCodeFor('expect', { ...s, notSaved: 1 }, 2)).toBe(1);
    expect(exitCodeFor('timeout', s, 3)).toBe(1);
    expect(exitCodeFor('timeout', s, undefined)).toBe(0);
    expect(exitCodeFor('interrupt', s, 2)).toBe(130);
  });
});

describe('human format', () => {
  const plain = new Chalk({ level: 0 });
  const report = (over: Partial<DeliveryReport> = {}): DeliveryReport => ({
    type: 'delivery', seq: 3, receivedAt: '2026-01-01T10:20:30.000Z', method: 'POST', path: '/webhook', query: {}, headers: {}, remoteAddress: '127.0.0.1',
    size: 2048, sha256: 'x', provider: 'mgpass', confidence: 0.9, event: 'rewards.redeemed', verdict: 'invalid', problems: ['signature invalid', 'schema'],
    signature: { status: 'invalid', ok: false, reason: 'X-Webhook-Signature does not match the body', header: 'X-Webhook-Signature', explain: 'the body was pretty-printed' },
    auth: { status: 'none', ok: true, reason: '' }, schema: { status: 'invalid', issues: [{ path: 'data.points', message: 'expected number, got string "5"' }] },
    bodyKind: 'json', duplicate: null, dedupKey: null, status: 401, statusReason: 'verdict', body: { a: 1, b: [1, 2, 3] }, durationMs: 1, ...over,
  });

  it('one head line with the verdicts, then the reasons, explain and failing fields', () => {
    const text = formatDelivery(report(), { full: true, maxBodyLines: 20, style: plain });
    const lines = text.split('\n');
    expect(lines[0]).toBe('#3 10:20:30 POST /webhook  mgpass rewards.redeemed  ✗ signature invalid (X-Webhook-Signature)  ✗ schema (1 error)  → 401  2.0 KB');
    expect(lines).toContain('    X-Webhook-Signature does not match the body');
    expect(lines).toContain('    explain: the body was pretty-printed');
    expect(lines).toContain('    data.points: expected number, got string "5"');
  });

  it('cuts long bodies on a terminal unless --full, and masks the WebEngage secret in the query', () => {
    const body = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    const cut = formatDelivery(report({ body, query: { secret: 'abc', licenseCode: 'L' } }), { full: false, maxBodyLines: 20, style: plain });
    expect(cut).toContain('… 32 more lines (--full shows the whole body)');
    expect(cut).toContain('?secret=****(3 chars)&licenseCode=L');
    expect(cut).not.toContain('abc');
    expect(formatDelivery(report({ body }), { full: true, maxBodyLines: 20, style: plain })).toContain('"k49": 49');
  });

  it('shows every line of the body, the repeated ones ("  },") too', () => {
    const body = { a: { x: 1 }, b: { y: 2 }, c: [{ z: 3 }, { z: 3 }] };
    const pretty = JSON.stringify(body, null, 2).split('\n');
    const lines = formatDelivery(report({ body }), { full: true, maxBodyLines: 20, style: plain }).split('\n');
    expect(lines.slice(-pretty.length).map((l) => l.slice(4))).toEqual(pretty);
  });

  it('NDJSON embeds a one-line JSON body as received, and serializes any other body', () => {
    const raw = Buffer.from('{"amount":1.0,"a":[1, 2]}');
    const line = deliveryJsonLine(report({ body: JSON.parse(raw.toString()) }), { body: raw });
    expect(line.endsWith('}\n')).toBe(true);
    expect(line).toContain(',"body":{"amount":1.0,"a":[1, 2]}}');
    const parsed = JSON.parse(line);
    expect(parsed).toMatchObject({ type: 'delivery', seq: 3, body: { amount: 1, a: [1, 2] } });
    const pretty = Buffer.from('{\n  "a": 1\n}');
    const other = deliveryJsonLine(report({ body: { a: 1 } }), { body: pretty });
    expect(other.split('\n')).toHaveLength(2);
    expect(JSON.parse(other).body).toEqual({ a: 1 });
    expect(JSON.parse(deliveryJsonLine(report({ bodyKind: 'malformed-json', body: '{"a":' }), { body: Buffer.from('{"a":') })).body).toBe('{"a":');
  });

  it('summary by verdict', () => {
    expect(formatSummary({ deliveries: 3, valid: 1, invalid: 2, duplicates: 1, notSaved: 0, problems: { 'signature invalid': 2 }, statuses: { 200: 1, 401: 2 }, clientErrors: 0 }, plain)).toBe(
      '3 deliveries: 1 valid, 2 invalid (signature invalid ×2); 1 duplicate; answered 200 ×1, 401 ×2',
    );
  });
});

describe('which scheme checks a delivery (listen --scheme, and generic headers in auto mode)', () => {
  const stripeHeader = (body: string, secret: string, t = Math.floor(Date.now() / 1000)) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;

  it('a CustomerGlu body signed with Stripe-Signature is checked as Stripe: valid with the secret, 401 without', async () => {
    const sig = stripeHeader(VECTOR_BODY, 'whsec_stripe');
    const ok = inspectDelivery(input(VECTOR_BODY, { 'stripe-signature': sig }), await ctx({ credentials: { secrets: [VECTOR_TOKEN, 'whsec_stripe'] } }));
    expect(ok).toMatchObject({ status: 200, event: 'reward', problems: [], signature: { status: 'valid', scheme: 'stripe', header: 'Stripe-Signature', secretIndex: 1 } });
    expect(ok.provider?.id).toBe('customerglu');
    const bad = inspectDelivery(input(VECTOR_BODY, { 'stripe-signature': sig }), await ctx());
    expect(bad).toMatchObject({ status: 401, signature: { status: 'invalid', scheme: 'stripe', header: 'Stripe-Signature' } });
  });

  it('the provider\'s own header wins over a generic one; without either, the provider\'s scheme reports what is missing', async () => {
    const both = inspectDelivery(input(VECTOR_BODY, { 'x-cg-signature': VECTOR_SIG, 'stripe-signature': 't=1,v1=00' }), await ctx());
    expect(both.signature).toMatchObject({ status: 'valid', scheme: 'customerglu' });
    const neither = inspectDelivery(input(VECTOR_BODY), await ctx());
    expect(neither.signature).toMatchObject({ status: 'missing', scheme: 'customerglu' });
  });

  it('a body no provider knows is checked when a generic signature header is there (never 200 unchecked)', async () => {
    const body = '{"id":"evt_1","object":"event","type":"invoice.paid"}';
    const sig = stripeHeader(body, 'whsec_stripe');
    const forged = inspectDelivery(input(body, { 'stripe-signature': sig }), await ctx());
    expect(forged).toMatchObject({ provider: undefined, status: 401, signature: { status: 'invalid', scheme: 'stripe' } });
    const genuine = inspectDelivery(input(body, { 'stripe-signature': sig }), await ctx({ credentials: { secrets: ['whsec_stripe'] } }));
    expect(genuine).toMatchObject({ provider: undefined, status: 200, problems: [], signature: { status: 'valid', scheme: 'stripe' } });
    // Without a signature header it stays what it was: an unknown provider, not checked.
    expect(inspectDelivery(input(body), await ctx())).toMatchObject({ status: 200, problems: ['unknown provider'], signature: { status: 'unknown-provider' } });
  });

  it('--scheme fixes the scheme for every delivery, whatever the provider or headers', async () => {
    const a = inspectDelivery(input(VECTOR_BODY, { 'x-cg-signature': VECTOR_SIG }), await ctx({ scheme: { id: 'stripe' } }));
    expect(a).toMatchObject({ status: 401, signature: { status: 'missing', scheme: 'stripe' } });
    const own = inspectDelivery(input(VECTOR_BODY, { 'x-cg-signature': VECTOR_SIG }), await ctx({ scheme: { id: 'customerglu' } }));
    expect(own.signature).toMatchObject({ status: 'valid', scheme: 'customerglu' });
    const custom = inspectDelivery(
      input(VECTOR_BODY, { 'x-sig': `sha1=${VECTOR_SIG}` }),
      await ctx({ scheme: { id: 'hmac', custom: { algorithm: 'sha1', header: 'X-Sig', encoding: 'hex', prefix: 'sha1=' } } }),
    );
    expect(custom.signature).toMatchObject({ status: 'valid', scheme: 'hmac', header: 'X-Sig' });
  });
});
