// Behaviour of src/http/inspect.ts (the listener's verdict on one delivery) that the Stryker run (npm run mutate)
// showed no test pinned down. Stub providers make each branch reachable on purpose: fixed schemas, event aliases,
// de-duplication keys that are absent or throw, a validator that gives up.
import { createHash, createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import * as z from 'zod/mini';
import { describe, expect, it, vi, type Mock } from 'vitest';
import { checkCredentials, chooseScheme, detectProvider, inspectDelivery, MAX_ISSUES, type DeliveryInput, type InspectContext } from '../src/http/inspect.js';
import type { EventDef, ProviderDef, SigningSpec } from '../src/providers/types.js';
import { schemeById } from '../src/signing/registry.js';

const SECRET = 'test-secret';
const HMAC_SPEC: SigningSpec = { scheme: 'hmac', header: 'X-Sig', algorithm: 'sha256', encoding: 'hex', secretRequired: false, description: '' };

function event(name: string, schema: z.ZodMiniType, aliases?: string[]): EventDef {
  return { name, description: '', origin: 'INFERRED', schema, ...(aliases ? { aliases } : {}) };
}

function stub(overrides: Partial<ProviderDef> = {}): ProviderDef {
  return {
    id: 'stubby',
    name: 'Stubby',
    description: '',
    kind: 'webhook',
    signing: { scheme: 'none', secretRequired: false, description: '' },
    headers: {},
    retry: { attempts: 1, delaysMs: [0], success: '2xx', origin: 'NONE', description: '' },
    events: [event('first', z.object({ a: z.string() })), event('second', z.object({ b: z.number() }), ['second-alias'])],
    template: () => ({}),
    eventOf: (body) => ((body as { event?: string } | null)?.event ?? undefined),
    detect: () => 0,
    ...overrides,
  };
}

const delivery = (body: string | Buffer, headers: Record<string, string> = {}, extra: Partial<DeliveryInput> = {}): DeliveryInput => ({
  method: 'POST',
  path: '/hook',
  query: {},
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? Buffer.from(body) : body,
  ...extra,
});
const sig = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');
const fixedCtx = (provider: ProviderDef, extra: Partial<InspectContext> = {}): InspectContext => ({ providers: [provider], fixed: provider, credentials: { secrets: [SECRET] }, ...extra });

describe('detectProvider', () => {
  it('no provider above zero: confidence 0 and no provider key at all', () => {
    const r = detectProvider([stub(), stub({ id: 'thrower', detect: () => { throw new Error('x'); } })], delivery('{}') as never, {});
    expect(r).toStrictEqual({ confidence: 0 });
  });
});

describe('chooseScheme with --scheme', () => {
  const provider = stub({ signing: HMAC_SPEC });
  it('an unknown scheme id chooses nothing', () => {
    expect(chooseScheme(provider, {}, { id: 'nope' as never })).toBeUndefined();
  });
  it("the provider's own scheme keeps its spec (header, algorithm); another scheme does not inherit it", () => {
    expect(chooseScheme(provider, {}, { id: 'hmac' })).toStrictEqual({ scheme: schemeById('hmac'), own: HMAC_SPEC });
    expect(chooseScheme(provider, {}, { id: 'stripe' })).toStrictEqual({ scheme: schemeById('stripe') });
    expect(chooseScheme(undefined, {}, { id: 'stripe' })).toStrictEqual({ scheme: schemeById('stripe') });
  });
});

describe('checkCredentials', () => {
  const req = { method: 'POST', path: '/', query: {}, headers: {}, body: Buffer.from('{}') };
  it('no scheme: nothing checked, said in words', () => {
    expect(checkCredentials(undefined, req, { secrets: [] }, undefined)).toStrictEqual({
      signature: { status: 'unknown-provider', ok: true, reason: 'no provider recognised this delivery: signature not checked' },
      auth: { status: 'none', ok: true, reason: 'no provider recognised' },
    });
  });

  it('an unsigned scheme names the provider, or the scheme when there is none', () => {
    const none = { scheme: schemeById('none')! };
    expect(checkCredentials(stub(), req, { secrets: [] }, none).signature).toStrictEqual({ status: 'unsigned', ok: true, reason: 'stubby does not sign deliveries' });
    expect(checkCredentials(undefined, req, { secrets: [] }, none).signature).toStrictEqual({ status: 'unsigned', ok: true, reason: 'no signature does not sign deliveries' });
    expect(checkCredentials(stub(), req, { secrets: [] }, none).auth).toStrictEqual({ status: 'none', ok: true, reason: 'the provider uses no credential besides its signature' });
  });

  it('auth verdicts: valid and not-configured are fine, missing and invalid are not', () => {
    const apiKey = { scheme: schemeById('api-key')! };
    const withKey = (headers: Record<string, string>, apiKeyValue?: string) =>
      checkCredentials(stub(), { ...req, headers }, { secrets: [], ...(apiKeyValue ? { apiKey: apiKeyValue } : {}) }, apiKey).auth;
    expect(withKey({ 'x-api-key': 'k1' }, 'k1')).toStrictEqual({ status: 'valid', ok: true, reason: 'X-API-KEY matches', kind: 'api-key' });
    expect(withKey({ 'x-api-key': 'k1' })).toStrictEqual({ status: 'not-configured', ok: true, reason: 'no API key configured: not checked', kind: 'api-key' });
    expect(withKey({}, 'k1')).toStrictEqual({ status: 'missing', ok: false, reason: 'no X-API-KEY header', kind: 'api-key' });
    expect(withKey({ 'x-api-key': 'k2' }, 'k1')).toStrictEqual({ status: 'invalid', ok: false, reason: 'X-API-KEY does not match', kind: 'api-key' });
  });

  it('a signature verdict carries header, key index and scheme only when known', () => {
    const provider = stub({ signing: HMAC_SPEC });
    const choice = { scheme: schemeById('hmac')!, own: HMAC_SPEC };
    const missing = checkCredentials(provider, req, { secrets: [SECRET] }, choice).signature;
    expect(missing).toStrictEqual({ status: 'missing', ok: false, reason: 'no X-Sig header', scheme: 'hmac' });
    const valid = checkCredentials(provider, { ...req, headers: { 'x-sig': sig('{}') } }, { secrets: ['other', SECRET] }, choice).signature;
    expect(valid).toStrictEqual({ status: 'valid', ok: true, reason: 'X-Sig matches', header: 'X-Sig', secretIndex: 1, scheme: 'hmac' });
    const unchecked = checkCredentials(provider, req, { secrets: [] }, choice).signature;
    expect(unchecked).toStrictEqual({ status: 'not-checked', ok: true, reason: 'no secret configured: signature not checked', scheme: 'hmac' });
  });
});

describe('inspectDelivery', () => {
  const provider = stub({ signing: HMAC_SPEC });

  it('a body over --max-body: 413, nothing checked, said for a fixed provider and for auto-detection', () => {
    const tooBig = delivery(Buffer.alloc(0), {}, { tooLarge: true, size: 2_000_000 });
    expect(inspectDelivery(tooBig, fixedCtx(provider))).toStrictEqual({
      bodyKind: 'too-large',
      bodyError: 'body of 2000000 bytes is over --max-body',
      provider,
      confidence: 1,
      event: null,
      signature: { status: 'not-checked', ok: false, reason: 'body over --max-body: not checked' },
      auth: { status: 'not-configured', ok: false, reason: 'body over --max-body: not checked' },
      schema: { status: 'skipped', issues: [] },
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      status: 413,
      problems: ['too large'],
    });
    const auto = inspectDelivery(tooBig, { providers: [provider], credentials: { secrets: [] } });
    expect(auto).toMatchObject({ provider: undefined, confidence: 0, signature: { status: 'unknown-provider', ok: false } });
  });

  it('a valid JSON delivery: only the fields that apply, the parsed body, no encoding or body error', () => {
    const body = '{"event":"first","a":"x"}';
    const a = inspectDelivery(delivery(body, { 'x-sig': sig(body) }), fixedCtx(provider));
    expect(a).toStrictEqual({
      bodyKind: 'json',
      provider,
      confidence: 1,
      event: 'first',
      signature: { status: 'valid', ok: true, reason: 'X-Sig matches', header: 'X-Sig', secretIndex: 0, scheme: 'hmac' },
      auth: { status: 'none', ok: true, reason: 'the provider uses no credential besides its signature' },
      schema: { status: 'valid', issues: [] },
      dedupKey: `sha256:${a.sha256}`,
      parsed: { event: 'first', a: 'x' },
      sha256: createHash('sha256').update(body).digest('hex'),
      status: 200,
      problems: [],
    });
    // Made in one literal (the common case): its keys in the order the other cases add them.
    expect(Object.keys(a)).toEqual(['bodyKind', 'provider', 'confidence', 'event', 'signature', 'auth', 'schema', 'sha256', 'status', 'problems', 'parsed', 'dedupKey']);
    // The signature's too (the report shows it as it is): one literal for a header and a matching secret.
    expect(Object.keys(a.signature)).toEqual(['status', 'ok', 'reason', 'header', 'secretIndex', 'scheme']);
  });

  it('a gzip body records its encoding; a body that is not JSON records its error and is not parsed', () => {
    const body = '{"event":"first","a":"x"}';
    const zipped = gzipSync(body);
    const gz = inspectDelivery(delivery(zipped, { 'content-encoding': 'gzip', 'x-sig': createHmac('sha256', SECRET).update(zipped).digest('hex') }), fixedCtx(provider));
    expect(gz).toMatchObject({ bodyKind: 'json', encoding: 'gzip', event: 'first', status: 200 });
    const bad = inspectDelivery(delivery('{"a":', { 'x-sig': sig('{"a":') }), fixedCtx(provider));
    expect(bad).toMatchObject({ bodyKind: 'malformed-json', status: 400, problems: ['malformed-json'], event: null, schema: { status: 'skipped', issues: [] } });
    expect(bad.bodyError).toMatch(/^malformed JSON: /);
    expect('parsed' in bad).toBe(false);
    expect('dedupKey' in bad).toBe(false);
    expect('encoding' in bad).toBe(false);
  });

  it('the cases outside the one-literal path carry exactly their own keys, none holding undefined', () => {
    const body = '{"event":"first","a":"x"}';
    const zipped = gzipSync(body);
    const gz = inspectDelivery(delivery(zipped, { 'content-encoding': 'gzip', 'x-sig': createHmac('sha256', SECRET).update(zipped).digest('hex') }), fixedCtx(provider));
    expect(Object.keys(gz)).toEqual(['bodyKind', 'provider', 'confidence', 'event', 'signature', 'auth', 'schema', 'sha256', 'status', 'problems', 'encoding', 'parsed', 'dedupKey']);
    const bad = inspectDelivery(delivery('{"a":', { 'x-sig': sig('{"a":') }), fixedCtx(provider));
    expect(Object.keys(bad)).toEqual(['bodyKind', 'provider', 'confidence', 'event', 'signature', 'auth', 'schema', 'sha256', 'status', 'problems', 'bodyError']);
    // A provider whose key reader finds no key: parsed, but no dedupKey (and no bodyError) key at all.
    const keyless = inspectDelivery(delivery(body), fixedCtx(stub({ dedupKey: () => undefined })));
    expect(Object.keys(keyless)).toEqual(['bodyKind', 'provider', 'confidence', 'event', 'signature', 'auth', 'schema', 'sha256', 'status', 'problems', 'parsed']);
    // A signature that matches no secret names its header, but holds no secretIndex key.
    const forged = inspectDelivery(delivery(body, { 'x-sig': sig(body, 'another-secret') }), fixedCtx(provider));
    expect(forged.signature.status).toBe('invalid');
    expect(Object.keys(forged.signature)).toEqual(['status', 'ok', 'reason', 'header', 'scheme']);
  });

  it('a form body from a known provider: 400, no event read, no schema checked', () => {
    const eventOf = vi.fn(() => 'first');
    const p = stub({ eventOf });
    const a = inspectDelivery(delivery('event=first&a=x', { 'content-type': 'application/x-www-form-urlencoded' }), fixedCtx(p));
    expect(a).toMatchObject({ bodyKind: 'form', status: 400, event: null, problems: ['form'], schema: { status: 'skipped', issues: [] } });
    expect(a.parsed).toEqual({ event: 'first', a: 'x' });
    expect(eventOf).not.toHaveBeenCalled();
  });

  it("an event is checked against its own schema, found by name or alias; an unknown one says so", () => {
    const p = stub();
    expect(inspectDelivery(delivery('{"event":"second","b":1}'), fixedCtx(p)).schema).toStrictEqual({ status: 'valid', issues: [] });
    expect(inspectDelivery(delivery('{"event":"second-alias","b":1}'), fixedCtx(p))).toMatchObject({ event: 'second-alias', schema: { status: 'valid' }, problems: [] });
    const wrong = inspectDelivery(delivery('{"event":"second","b":"one"}'), fixedCtx(p));
    expect(wrong).toMatchObject({ schema: { status: 'invalid' }, problems: ['schema'], status: 200 });
    const unknown = inspectDelivery(delivery('{"event":"third"}'), fixedCtx(p));
    expect(unknown).toMatchObject({ event: 'third', schema: { status: 'unknown-event', issues: [] }, problems: ['unknown event'] });
    const none = inspectDelivery(delivery('{"other":1}'), fixedCtx(p));
    expect(none).toMatchObject({ event: null, schema: { status: 'unknown-event', issues: [] }, problems: ['unknown event'] });
  });

  it('an event reader that throws: no event, "unknown event", and the delivery is still answered', () => {
    const p = stub({ eventOf: () => { throw new Error('reader bug'); } });
    const a = inspectDelivery(delivery('{"event":"first","a":"x"}'), fixedCtx(p));
    expect(a).toMatchObject({ event: null, schema: { status: 'unknown-event', issues: [] }, problems: ['unknown event'], status: 200 });
  });

  it(`at most ${MAX_ISSUES} failing fields are kept, with the count of the rest`, () => {
    const p = stub({ events: [event('list', z.object({ items: z.array(z.string()) }))], eventOf: () => 'list' });
    const exactly = inspectDelivery(delivery(JSON.stringify({ items: Array.from({ length: MAX_ISSUES }, (_, i) => i) })), fixedCtx(p)).schema;
    expect(exactly.issues).toHaveLength(MAX_ISSUES);
    expect('moreIssues' in exactly).toBe(false);
    const over = inspectDelivery(delivery(JSON.stringify({ items: Array.from({ length: MAX_ISSUES + 30 }, (_, i) => i) })), fixedCtx(p)).schema;
    expect(over.status).toBe('invalid');
    expect(over.issues).toHaveLength(MAX_ISSUES);
    expect(over.issues[0]!.path).toBe('items[0]');
    expect(over.moreIssues).toBe(30);
  });

  it('a validator that gives up: "schema not checked", with why, and the delivery is kept', () => {
    const throwing = (error: Error) =>
      stub({ events: [event('e', z.string().check(z.refine(() => { throw error; })))], eventOf: () => 'e' });
    const deep = inspectDelivery(delivery('"x"'), fixedCtx(throwing(new RangeError('Maximum call stack size exceeded'))));
    expect(deep.schema).toStrictEqual({ status: 'not-checked', issues: [], reason: 'schema not checked: the body is too large or too deep for the schema validator' });
    expect(deep.problems).toEqual(['schema not checked']);
    expect(deep.status).toBe(200);
    const other = inspectDelivery(delivery('"x"'), fixedCtx(throwing(new Error('boom'))));
    expect(other.schema.reason).toBe('schema not checked: the schema validator failed (boom)');
  });

  it('de-duplication: the provider key when it gives one, none when it gives none or throws', () => {
    const body = '{"event":"first","a":"x"}';
    expect(inspectDelivery(delivery(body), fixedCtx(stub({ dedupKey: () => 'k-1' }))).dedupKey).toBe('stubby:k-1');
    // A library provider written in JavaScript may give a number: it is keyed as written.
    expect(inspectDelivery(delivery(body), fixedCtx(stub({ dedupKey: () => 42 as unknown as string }))).dedupKey).toBe('stubby:42');
    expect('dedupKey' in inspectDelivery(delivery(body), fixedCtx(stub({ dedupKey: () => undefined })))).toBe(false);
    const throws = inspectDelivery(delivery(body), fixedCtx(stub({ dedupKey: () => { throw new Error('x'); } })));
    expect('dedupKey' in throws).toBe(false);
    expect(throws.status).toBe(200);
  });

  it('an auth failure is a 401 and a problem of its own', () => {
    const p = stub({ signing: { scheme: 'api-key', secretRequired: false, description: '' } });
    const a = inspectDelivery(delivery('{"event":"first","a":"x"}', { 'x-api-key': 'wrong' }), fixedCtx(p, { credentials: { secrets: [], apiKey: 'right' } }));
    expect(a).toMatchObject({ status: 401, problems: ['auth invalid'], auth: { status: 'invalid', ok: false, kind: 'api-key' } });
  });

  describe('--explain runs only for a signature that is there but wrong', () => {
    const body = '{"event":"first","a":"x"}';
    const run = (headers: Record<string, string>, explain: Mock<() => string | undefined> = vi.fn(() => 'the diagnosis')) => ({ a: inspectDelivery(delivery(body, headers), fixedCtx(provider, { explain })), explain });

    it('invalid and malformed signatures get the line', () => {
      for (const value of [sig(body, 'other'), 'zz']) {
        const { a, explain } = run({ 'x-sig': value });
        expect(['invalid', 'malformed']).toContain(a.signature.status);
        expect(a.signature.explain).toBe('the diagnosis');
        expect(explain).toHaveBeenCalledOnce();
      }
    });

    it('valid and missing signatures do not, and an explain that finds nothing adds no field', () => {
      for (const headers of [{ 'x-sig': sig(body) }, {}] as Array<Record<string, string>>) {
        const { a, explain } = run(headers);
        expect('explain' in a.signature).toBe(false);
        expect(explain).not.toHaveBeenCalled();
      }
      const { a } = run({ 'x-sig': 'zz' }, vi.fn(() => undefined));
      expect('explain' in a.signature).toBe(false);
    });
  });
});
