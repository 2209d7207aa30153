// Behaviour of the credential schemes (src/signing/schemes/credentials.ts, api-key.ts, basic.ts, webengage.ts,
// none.ts, edit.ts) that the Stryker run (npm run mutate) showed no in-process test pinned down: masked captures,
// stray spaces, which key of a ring matched, the listener's check, the conformance cases' forged credentials,
// keygen formats and the export facts. Every value is computed inside its test (Stryker switches a mutant on per test).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { schemeById } from '../src/signing/registry.js';
import { basicValue, credentialEqual, signApiKey, signBasic, signWebEngage, verifyApiKey, verifyBasic, verifyWebEngage } from '../src/signing/schemes/credentials.js';
import { deleteHeader } from '../src/signing/schemes/edit.js';
import type { EditableRequest } from '../src/signing/schemes/types.js';
import { wrongUser } from '../src/signing/schemes/basic.js';

const BODY = Buffer.from('{"event":"reward.issued","points":25,"name":"Zoë"}', 'utf8');
const md5 = (text: string) => createHash('md5').update(Buffer.from(text, 'utf8')).digest('hex');
const req = (headers: Record<string, string> = {}, query?: Record<string, string>) => ({ headers, body: BODY, ...(query ? { query } : {}) });
const scheme = (id: string) => schemeById(id as never)!;
const TRIED = { bodies: 0, secrets: 0, templates: 0, algorithms: [], signatures: 0, hmacs: 0 };

describe('credentialEqual', () => {
  it('equal texts only, whatever their lengths', () => {
    expect(credentialEqual('k_live_1', 'k_live_1')).toBe(true);
    expect(credentialEqual('k_live_1', 'k_live_2')).toBe(false);
    expect(credentialEqual('k', 'k_live_1')).toBe(false);
    expect(credentialEqual('', '')).toBe(true);
  });
});

describe('X-API-KEY', () => {
  it('sign: the api key, else the secret; nothing (and a note) without either', () => {
    expect(signApiKey({ apiKey: 'k1', secret: 's1' })).toStrictEqual({ headers: { 'X-API-KEY': 'k1' }, query: {}, notes: [] });
    expect(signApiKey({ secret: 's1' })).toStrictEqual({ headers: { 'X-API-KEY': 's1' }, query: {}, notes: [] });
    expect(signApiKey({})).toStrictEqual({ headers: {}, query: {}, notes: ['no --api-key given: X-API-KEY is not sent and CustomerGlu would reject the request'] });
  });

  it('verify: the api key option wins over the key ring; which key of the ring matched', () => {
    expect(verifyApiKey(req({ 'x-api-key': 'k2' }), { secrets: ['k1', 'k2'] })).toStrictEqual({ status: 'valid', valid: true, header: 'X-API-KEY', reason: 'X-API-KEY matches', secretIndex: 1 });
    expect(verifyApiKey(req({ 'x-api-key': 'k1' }), { secrets: ['k1'], apiKey: 'k9' })).toStrictEqual({ status: 'invalid', valid: false, header: 'X-API-KEY', reason: 'X-API-KEY does not match' });
    expect(verifyApiKey(req({ 'x-api-key': 'k9' }), { secrets: ['k1'], apiKey: 'k9' })).toStrictEqual({ status: 'valid', valid: true, header: 'X-API-KEY', reason: 'X-API-KEY matches' });
    expect(verifyApiKey(req({ 'x-api-key': 'k1' }), { secrets: [] })).toStrictEqual({ status: 'no-secret', valid: false, reason: 'no API key configured: not checked' });
    expect(verifyApiKey(req(), { secrets: ['k1'] })).toStrictEqual({ status: 'missing', valid: false, reason: 'no X-API-KEY header' });
  });

  it('stray spaces around the key (pasted, or stripped by HTTP) do not matter; --signature replaces the header', () => {
    expect(verifyApiKey(req({ 'x-api-key': ' k1 ' }), { secrets: ['k1'] }).status).toBe('valid');
    expect(verifyApiKey(req({ 'x-api-key': 'k1' }), { secrets: [' k1\n'] }).status).toBe('valid');
    expect(verifyApiKey(req({ 'x-api-key': 'k1' }), { secrets: ['k1'], signature: 'k2' }).status).toBe('invalid');
    expect(verifyApiKey(req(), { secrets: ['k1'], signature: 'k1' }).status).toBe('valid');
  });

  it('a key masked when the capture was saved: missing, and why (never compared)', () => {
    const masked = { status: 'missing', valid: false, header: 'X-API-KEY', reason: 'the X-API-KEY in this capture was masked when it was saved (cg-hooks never writes credentials to disk)' };
    expect(verifyApiKey(req({ 'x-api-key': '****(12 chars)' }), { secrets: ['k1'] })).toStrictEqual(masked);
    expect(verifyApiKey(req({ 'x-api-key': ' ****(3 chars) ' }), { secrets: ['k1'] })).toStrictEqual(masked);
    // Only that exact shape is a mask: a key that merely looks like one is compared.
    for (const key of ['****(12 chars)x', 'x****(12 chars)', '***(12 chars)', '****( chars)', '****(12 char)']) {
      expect(verifyApiKey(req({ 'x-api-key': key }), { secrets: [key] }).status, key).toBe('valid');
    }
  });

  it('the scheme: reads X-API-KEY; the listener checks the api key it holds, not the key ring', () => {
    const s = scheme('api-key');
    expect(s.reads()).toEqual(['x-api-key']);
    expect(s.check(req({ 'x-api-key': 'k1' }), { secrets: ['k1'], apiKey: 'k1' })).toStrictEqual({ auth: { kind: 'api-key', result: { status: 'valid', valid: true, header: 'X-API-KEY', reason: 'X-API-KEY matches' } } });
    expect(s.check(req({ 'x-api-key': 'k1' }), { secrets: ['k1'] })).toStrictEqual({ auth: { kind: 'api-key', result: { status: 'no-secret', valid: false, reason: 'no API key configured: not checked' } } });
    expect(s.sign(BODY, { apiKey: 'k1' }).headers).toStrictEqual({ 'X-API-KEY': 'k1' });
    expect(s.verify(req({ 'x-api-key': 'k1' }), { secrets: [], apiKey: 'k1' }).status).toBe('valid');
  });

  it('conformance: the wrong key differs only in its last character, replacing the header whatever its case', () => {
    const family = scheme('api-key').conformance.family({ secrets: 0, apiKey: true }, false);
    expect(family.kind).toBe('credential');
    const cases = (family as { cases: import('../src/signing/schemes/types.js').CredentialCases }).cases;
    expect(cases).toMatchObject({ words: 'X-API-KEY', auth: 'X-API-KEY', header: 'X-API-KEY' });
    const forged = (given: { secrets: string[]; apiKey?: string }, headers: Record<string, string>) => {
      const request: EditableRequest = { headers: { ...headers }, query: {} };
      const wrong = cases.wrong(given);
      expect(wrong.sign).toBeUndefined();
      wrong.edit!(request);
      return request.headers;
    };
    expect(forged({ secrets: [], apiKey: 'k_live_1' }, { 'x-api-key': 'k_live_1', 'Content-Type': 'application/json' })).toStrictEqual({ 'Content-Type': 'application/json', 'X-API-KEY': 'k_live_x' });
    expect(forged({ secrets: ['abx'] }, { 'X-Api-Key': 'abx' })).toStrictEqual({ 'X-API-KEY': 'aby' });
    const removed: EditableRequest = { headers: { 'x-API-key': 'k', Other: '1' }, query: {} };
    cases.remove(removed);
    expect(removed.headers).toStrictEqual({ Other: '1' });
  });

  it('keygen: cgk_ and 32 base64url characters, fresh each time; exported as the raw header', () => {
    const s = scheme('api-key');
    const a = s.keygen!(false) as { secret: string };
    expect(a.secret).toMatch(/^cgk_[A-Za-z0-9_-]{32}$/);
    expect((s.keygen!(false) as { secret: string }).secret).not.toBe(a.secret);
    expect(s.exported()).toStrictEqual({ kind: 'header', header: 'X-API-KEY', format: 'raw', holds: 'the X-API-KEY value' });
    expect(s.exported({ scheme: 'api-key', header: 'X-Tenant-Key', secretRequired: false, description: 'x' })).toMatchObject({ header: 'X-Tenant-Key' });
  });

  it('explain: a wrong key is explained, not searched as an HMAC', () => {
    const s = scheme('api-key');
    const options = { secrets: [], apiKey: 'k1' };
    const r = req({ 'x-api-key': 'k2' });
    const e = s.explain!(r, options, s.verify(r, options), { ...TRIED });
    expect(e).toBeDefined();
    expect(e!.verdict).not.toBe('valid');
  });
});

describe('HTTP Basic auth', () => {
  it('the value is "Basic " + base64 of user:password as UTF-8', () => {
    expect(basicValue('zoë:pa55')).toBe(`Basic ${Buffer.from('zoë:pa55', 'utf8').toString('base64')}`);
    expect(signBasic({ user: 'a:b' })).toStrictEqual({ headers: { Authorization: 'Basic YTpi' }, query: {}, notes: [] });
    expect(signBasic({})).toStrictEqual({ headers: {}, query: {}, notes: ['Rehook does not sign deliveries; basic auth (--user) and custom headers (-H) are optional'] });
  });

  it('verify: no user, no header, masked, stray spaces, --signature, match or not', () => {
    const good = basicValue('a:b');
    expect(verifyBasic(req({ authorization: good }), { secrets: [] })).toStrictEqual({ status: 'no-secret', valid: false, reason: 'no --user configured: basic auth not checked' });
    expect(verifyBasic(req(), { secrets: [], user: 'a:b' })).toStrictEqual({ status: 'missing', valid: false, reason: 'no Authorization header' });
    expect(verifyBasic(req({ authorization: '****(12 chars)' }), { secrets: [], user: 'a:b' })).toStrictEqual({
      status: 'missing',
      valid: false,
      header: 'Authorization',
      reason: 'the Authorization in this capture was masked when it was saved (cg-hooks never writes credentials to disk)',
    });
    expect(verifyBasic(req({ authorization: ` ${good} ` }), { secrets: [], user: 'a:b' })).toStrictEqual({ status: 'valid', valid: true, header: 'Authorization', reason: 'basic auth matches' });
    expect(verifyBasic(req({ authorization: good }), { secrets: [], user: 'a:c' })).toStrictEqual({ status: 'invalid', valid: false, header: 'Authorization', reason: 'basic auth does not match' });
    expect(verifyBasic(req({ authorization: good }), { secrets: [], user: 'a:b', signature: basicValue('a:c') }).status).toBe('invalid');
  });

  it('wrongUser keeps the user id and changes the password', () => {
    expect(wrongUser('acme:pa55')).toBe('acme:pa55-wrong');
    expect(wrongUser('acme:pa:55')).toBe('acme:pa:55-wrong');
    expect(wrongUser('acme')).toBe('acme:wrong-password');
    expect(wrongUser(':p')).toBe(':p-wrong');
  });

  it('the scheme: reads Authorization; the listener checks the user it holds; conformance skips without --user', () => {
    const s = scheme('basic');
    expect(s.reads()).toEqual(['authorization']);
    expect(s.sign(BODY, { user: 'a:b' }).headers).toStrictEqual({ Authorization: 'Basic YTpi' });
    expect(s.verify(req({ authorization: 'Basic YTpi' }), { secrets: [], user: 'a:b' }).status).toBe('valid');
    expect(s.check(req({ authorization: 'Basic YTpi' }), { secrets: [], user: 'a:b' })).toStrictEqual({ auth: { kind: 'basic', result: { status: 'valid', valid: true, header: 'Authorization', reason: 'basic auth matches' } } });
    expect(s.check(req({ authorization: 'Basic YTpi' }), { secrets: ['a:b'] })).toMatchObject({ auth: { kind: 'basic', result: { status: 'no-secret' } } });
    const family = s.conformance.family({ secrets: 0, apiKey: false }, false) as { kind: string; cases: import('../src/signing/schemes/types.js').CredentialCases };
    expect(family.kind).toBe('credential');
    expect(family.cases).toMatchObject({ words: 'basic auth (Authorization)', auth: 'HTTP Basic auth', header: 'Authorization' });
    expect(family.cases.skip!({ secrets: [] })).toBe('no --user given (basic auth is optional for this provider): pass --user u:p to test it');
    expect(family.cases.skip!({ secrets: [], user: 'a:b' })).toBeUndefined();
    expect(family.cases.wrong({ secrets: [], user: 'a:b' })).toStrictEqual({ sign: { user: 'a:b-wrong' } });
    const request: EditableRequest = { headers: { AUTHORIZATION: 'Basic YTpi', Other: '1' }, query: {} };
    family.cases.remove(request);
    expect(request.headers).toStrictEqual({ Other: '1' });
  });

  it('keygen: cg-hooks: and 24 base64url characters; exported as a basic header', () => {
    const s = scheme('basic');
    expect((s.keygen!(false) as { secret: string }).secret).toMatch(/^cg-hooks:[A-Za-z0-9_-]{24}$/);
    expect(s.exported()).toStrictEqual({ kind: 'header', header: 'Authorization', format: 'basic', holds: 'user:password for HTTP Basic auth' });
    const options = { secrets: [], user: 'a:b' };
    const r = req({ authorization: basicValue('a:c') });
    expect(s.explain!(r, options, s.verify(r, options), { ...TRIED })!.verdict).not.toBe('valid');
  });
});

describe('WebEngage: secret=md5(licenseCode:secretKey) in the URL', () => {
  it('sign: eventType (when given), licenseCode and the md5, in that order; a note without both credentials', () => {
    const signed = signWebEngage({ licenseCode: '~abc', secret: 'k', eventType: 'user_signed_up' });
    expect(signed).toStrictEqual({ headers: {}, query: { eventType: 'user_signed_up', licenseCode: '~abc', secret: md5('~abc:k') }, notes: [] });
    expect(Object.keys(signed.query)).toEqual(['eventType', 'licenseCode', 'secret']);
    expect(signWebEngage({ licenseCode: '~abc', secret: 'k' }).query).toStrictEqual({ licenseCode: '~abc', secret: md5('~abc:k') });
    const note = { headers: {}, query: {}, notes: ['WebEngage adds ?eventType=&licenseCode=&secret= to the URL: pass --license-code and --secret to compute them'] };
    expect(signWebEngage({ licenseCode: '~abc' })).toStrictEqual(note);
    expect(signWebEngage({ secret: 'k' })).toStrictEqual(note);
  });

  it('verify: the license code from the option or the URL; which secret of the ring matched', () => {
    const q = { licenseCode: '~abc', secret: md5('~abc:k2') };
    expect(verifyWebEngage(req({}, q), { secrets: ['k1', 'k2'] })).toStrictEqual({ status: 'valid', valid: true, header: 'secret', secretIndex: 1, reason: 'secret query parameter matches' });
    expect(verifyWebEngage(req({}, { secret: md5('~abc:k1') }), { secrets: ['k1'], licenseCode: '~abc' }).status).toBe('valid');
    expect(verifyWebEngage(req({}, { secret: md5('~abc:k1') }), { secrets: ['k1'] })).toStrictEqual({
      status: 'no-secret',
      valid: false,
      reason: 'no license code (--license-code or the licenseCode query parameter) and secret: not checked',
    });
    expect(verifyWebEngage(req({}, q), { secrets: [] }).status).toBe('no-secret');
    expect(verifyWebEngage(req({}, { licenseCode: '~abc' }), { secrets: ['k1'] })).toStrictEqual({ status: 'missing', valid: false, reason: 'no secret query parameter' });
    expect(verifyWebEngage(req({}, q), { secrets: ['k3'] })).toStrictEqual({ status: 'invalid', valid: false, header: 'secret', reason: 'secret query parameter does not match md5(licenseCode:secretKey)' });
  });

  it('an md5 in capitals or with stray spaces still matches; --signature replaces the query parameter', () => {
    expect(verifyWebEngage(req({}, { licenseCode: '~abc', secret: ` ${md5('~abc:k').toUpperCase()} ` }), { secrets: ['k'] }).status).toBe('valid');
    expect(verifyWebEngage(req({}, { licenseCode: '~abc', secret: 'bad' }), { secrets: ['k'], signature: md5('~abc:k') }).status).toBe('valid');
  });

  it('a licenseCode in the URL that is not yours: invalid, whatever the md5 says', () => {
    const q = { licenseCode: '~other', secret: md5('~other:k') };
    expect(verifyWebEngage(req({}, q), { secrets: ['k'], licenseCode: '~abc' })).toStrictEqual({
      status: 'invalid',
      valid: false,
      header: 'licenseCode',
      reason: 'licenseCode query parameter "~other" is not yours (~abc)',
    });
    expect(verifyWebEngage(req({}, { licenseCode: '~abc', secret: md5('~abc:k') }), { secrets: ['k'], licenseCode: '~abc' }).status).toBe('valid');
  });

  it('a masked secret parameter: missing, and why', () => {
    expect(verifyWebEngage(req({}, { licenseCode: '~abc', secret: '****(32 chars)' }), { secrets: ['k'] })).toStrictEqual({
      status: 'missing',
      valid: false,
      header: 'secret',
      reason: 'the secret query parameter in this capture was masked when it was saved (cg-hooks never writes credentials to disk)',
    });
  });

  it('the scheme: the listener checks with its license code; conformance forges a wrong secret and drops the parameter', () => {
    const s = scheme('webengage');
    expect(s.reads()).toEqual([]);
    const q = { licenseCode: '~abc', secret: md5('~abc:k') };
    expect(s.check(req({}, q), { secrets: ['k'] })).toStrictEqual({ auth: { kind: 'webengage-secret', result: { status: 'valid', valid: true, header: 'secret', secretIndex: 0, reason: 'secret query parameter matches' } } });
    expect(s.check(req({}, q), { secrets: ['k'], licenseCode: '~zzz' })).toMatchObject({ auth: { kind: 'webengage-secret', result: { status: 'invalid', header: 'licenseCode' } } });
    const family = s.conformance.family({ secrets: 1, apiKey: false }, false) as { kind: string; cases: import('../src/signing/schemes/types.js').CredentialCases };
    expect(family.kind).toBe('credential');
    expect(family.cases).toMatchObject({ words: 'the secret query parameter', auth: 'query secret=md5(licenseCode:secret)', header: 'secret' });
    expect(family.cases.wrong({ secrets: ['k', 'k2'] })).toStrictEqual({ sign: { secret: 'k-wrong' } });
    const request: EditableRequest = { headers: {}, query: { ...q } };
    family.cases.remove(request);
    expect(request.query).toStrictEqual({ licenseCode: '~abc' });
    expect((s.keygen!(false) as { secret: string }).secret).toMatch(/^[0-9a-f]{32}$/);
    expect(s.exported()).toStrictEqual({ kind: 'query-md5', holds: 'the WebEngage webhook secret key' });
    const options = { secrets: ['k'] };
    const bad = req({}, { licenseCode: '~abc', secret: md5('~abc:other') });
    expect(s.explain!(bad, options, s.verify(bad, options), { ...TRIED })!.verdict).not.toBe('valid');
  });
});

describe('no signature (the Reward plugin)', () => {
  it('signs nothing, with a note; every delivery is "unsigned"; nothing to check, export or forge', () => {
    const s = scheme('none');
    expect(s.reads()).toEqual([]);
    expect(s.sign(BODY, { secret: 'x' })).toStrictEqual({ headers: {}, query: {}, notes: ['this provider sends no signature (keep the URL secret and use HTTPS)'] });
    expect(s.verify(req(), { secrets: ['x'] })).toStrictEqual({ status: 'unsigned', valid: true, reason: 'this provider does not sign deliveries' });
    expect(s.check(req(), { secrets: ['x'] })).toStrictEqual({});
    expect(s.conformance.family({ secrets: 1, apiKey: false }, true)).toStrictEqual({ kind: 'none' });
    expect(s.exported()).toStrictEqual({ kind: 'none' });
  });
});

describe('deleteHeader', () => {
  it('removes every spelling of the name, and nothing else', () => {
    const headers = { 'X-Api-Key': '1', 'x-api-key': '2', 'X-API-KEY-2': '3', Other: '4' };
    deleteHeader(headers, 'X-API-KEY');
    expect(headers).toStrictEqual({ 'X-API-KEY-2': '3', Other: '4' });
  });
});
