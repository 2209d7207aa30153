// What `--explain` says for schemes that send a credential instead of a MAC over the body
// (src/signing/explain/credentials.ts): WebEngage's md5 query secret, an X-API-KEY, HTTP Basic auth. Driven through
// the public explain() with requests as they arrive; each case is built so that exactly one wrong construction applies.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SigningSpec } from '../src/providers/types.js';
import { explain } from '../src/signing/explain/index.js';
import type { RequestParts, VerifyOptions } from '../src/signing/types.js';

const spec = (scheme: SigningSpec['scheme']): SigningSpec => ({ scheme, secretRequired: true, description: '' });
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const BODY = Buffer.from('{"eventName":"reward_claimed","userId":"u-1"}');
const TRIED = { bodies: 0, secrets: 0, templates: 0, algorithms: [], signatures: 0, hmacs: 0 };

const LICENSE = '~2024c5d1';
const KEY = 'we-secret-key';
const webengage = (query: Record<string, string>, options: Partial<VerifyOptions> = {}) =>
  explain(spec('webengage'), { headers: {}, query, body: BODY } as RequestParts, { secrets: [KEY], ...options });

describe('WebEngage: secret = md5hex("<licenseCode>:<secretKey>")', () => {
  it('valid as is: the verdict and the reason, nothing searched', () => {
    expect(webengage({ licenseCode: LICENSE, secret: md5(`${LICENSE}:${KEY}`) })).toStrictEqual({
      verdict: 'valid',
      result: { status: 'valid', valid: true, header: 'secret', secretIndex: 0, reason: 'secret query parameter matches' },
      summary: 'secret query parameter matches',
      findings: [],
      tried: TRIED,
    });
  });

  it('no secret parameter: the reason as a sentence, and what to do', () => {
    const e = webengage({ licenseCode: LICENSE });
    expect(e).toStrictEqual({
      verdict: 'explained',
      result: { status: 'missing', valid: false, reason: 'no secret query parameter' },
      summary: 'No secret query parameter.',
      findings: [{ cause: 'missing-signature', title: 'No secret query parameter.', detail: ['The sender did not attach the credential, or a proxy removed it.'], fix: 'configure the key on the sender' }],
      tried: TRIED,
    });
  });

  it('each wrong construction is named, with its cause', () => {
    const cases: [string, string, string, string][] = [
      // The key configured with a trailing space: the right md5 fails verify and the trimmed form explains it.
      [`${KEY} `, md5(`${LICENSE}:${KEY}`), 'the secret key with its surrounding whitespace removed', 'secret-format'],
      [KEY, md5(`${KEY}:${LICENSE}`), '"<secretKey>:<licenseCode>" (reversed order)', 'signed-content'],
      [KEY, md5(`${LICENSE}${KEY}`), '"<licenseCode><secretKey>" (no colon)', 'signed-content'],
      [KEY, md5(KEY), 'the secret key alone', 'signed-content'],
    ];
    for (const [key, secret, what, cause] of cases) {
      const e = webengage({ licenseCode: LICENSE, secret }, { secrets: [key] });
      const title = `The secret parameter is md5 of ${what}.`;
      expect(e).toStrictEqual({
        verdict: 'explained',
        result: { status: 'invalid', valid: false, header: 'secret', reason: 'secret query parameter does not match md5(licenseCode:secretKey)' },
        summary: title,
        findings: [{ cause, title, detail: ['WebEngage sends secret = md5hex("<licenseCode>:<webhookSecretKey>").'], fix: 'compute md5hex(`${licenseCode}:${secretKey}`) with the exact license code and key' }],
        tried: { ...TRIED, hmacs: 4 },
      });
    }
  });

  it('the signer used the licenseCode from the query rather than yours: one more form per secret', () => {
    const e = webengage({ licenseCode: 'other-license', secret: md5(`other-license:${KEY}`) }, { licenseCode: LICENSE, secrets: ['first', KEY] });
    expect(e.result.reason).toBe(`licenseCode query parameter "other-license" is not yours (${LICENSE})`);
    expect(e.verdict).toBe('explained');
    expect(e.findings).toStrictEqual([expect.objectContaining({ cause: 'secret-format', title: 'The secret parameter is md5 of the licenseCode from the query (other-license) instead of yours.' })]);
    expect(e.tried.hmacs).toBe(10);
    // Same license code in the query and in --license-code: not tried.
    expect(webengage({ licenseCode: LICENSE, secret: md5('x') }, { licenseCode: LICENSE }).tried.hmacs).toBe(4);
    // Only --license-code (none in the query): the forms are built with it.
    const own = webengage({ secret: md5(`${KEY}:${LICENSE}`) }, { licenseCode: LICENSE });
    expect(own.findings[0]!.title).toBe('The secret parameter is md5 of "<secretKey>:<licenseCode>" (reversed order).');
    expect(own.tried.hmacs).toBe(4);
  });

  it('--signature stands in for the query secret, trimmed; uppercase hex is a finding of its own', () => {
    const right = md5(`${KEY}:${LICENSE}`);
    const e = webengage({ licenseCode: LICENSE, secret: 'ignored' }, { signature: ` ${right.toUpperCase()} ` });
    expect(e.verdict).toBe('explained');
    expect(e.findings).toStrictEqual([
      expect.objectContaining({ cause: 'signed-content', title: 'The secret parameter is md5 of "<secretKey>:<licenseCode>" (reversed order).' }),
      { cause: 'signature-format', title: 'The md5 is written in uppercase hex; WebEngage writes lowercase.', detail: [], fix: 'compare lowercase hex' },
    ]);
    expect(webengage({ licenseCode: LICENSE, secret: right }).findings).toHaveLength(1);
  });

  it('no query string at all: --license-code and --signature are enough', () => {
    const e = explain(spec('webengage'), { headers: {}, body: BODY }, { secrets: [KEY], licenseCode: LICENSE, signature: md5(KEY) });
    expect(e.summary).toBe('The secret parameter is md5 of the secret key alone.');
    expect(e.tried.hmacs).toBe(4);
  });

  it('nothing matches: unexplained, with the likely causes', () => {
    const e = webengage({ licenseCode: LICENSE, secret: md5('something else') });
    expect(e).toStrictEqual({
      verdict: 'unexplained',
      result: expect.objectContaining({ status: 'invalid' }),
      summary: 'The credential does not match the configured one.',
      findings: [{ cause: 'no-match', title: 'The credential does not match the configured one.', detail: ['Likely a test key against live traffic, another environment\'s key, or a rotated key.'], fix: 'check the key configured on the sender' }],
      tried: { ...TRIED, hmacs: 4 },
    });
    // A secret parameter that is not the md5 of anything tried, in any case.
    expect(webengage({ licenseCode: LICENSE, secret: 'zz' }).verdict).toBe('unexplained');
  });
});

const apiKey = (headers: Record<string, string>, options: Partial<VerifyOptions> = {}) => explain(spec('api-key'), { headers, body: BODY }, { secrets: [], apiKey: 'cgk_LiveKey', ...options });

describe('X-API-KEY', () => {
  it('valid, missing', () => {
    expect(apiKey({ 'x-api-key': ' cgk_LiveKey ' })).toMatchObject({ verdict: 'valid', summary: 'X-API-KEY matches', findings: [] });
    expect(apiKey({})).toMatchObject({ verdict: 'explained', summary: 'No X-API-KEY header.', findings: [{ cause: 'missing-signature' }] });
  });

  it('a key that differs only in letter case', () => {
    expect(apiKey({ 'x-api-key': 'CGK_LIVEKEY' })).toStrictEqual({
      verdict: 'explained',
      result: { status: 'invalid', valid: false, header: 'X-API-KEY', reason: 'X-API-KEY does not match' },
      summary: 'The key differs only in letter case.',
      findings: [{ cause: 'secret-format', title: 'The key differs only in letter case.', detail: ['API keys are compared exactly.'], fix: 'copy the key exactly' }],
      tried: TRIED,
    });
    // --signature is read instead of the header; the secrets are the keys when no --api-key is given.
    expect(apiKey({ 'x-api-key': 'cgk_LiveKey' }, { signature: 'CGK_LIVEKEY' }).summary).toBe('The key differs only in letter case.');
    expect(explain(spec('api-key'), { headers: { 'x-api-key': 'KEY-TWO' }, body: BODY }, { secrets: ['key-one', 'key-two'] }).summary).toBe('The key differs only in letter case.');
    // Whitespace around either side does not hide the letter case (it alone would have verified).
    expect(apiKey({ 'x-api-key': ' cgk_livekey ' }, { apiKey: ' CGK_LiveKey\n' }).summary).toBe('The key differs only in letter case.');
  });

  it('another key: unexplained', () => {
    expect(apiKey({ 'x-api-key': 'cgk_TestKey' })).toMatchObject({ verdict: 'unexplained', summary: 'The credential does not match the configured one.', findings: [{ cause: 'no-match' }] });
    // With --api-key, the secrets are not keys.
    expect(apiKey({ 'x-api-key': 'OTHER' }, { secrets: ['other'] }).verdict).toBe('unexplained');
  });
});

const basic = (headers: Record<string, string>, options: Partial<VerifyOptions> = {}) => explain(spec('basic'), { headers, body: BODY }, { secrets: [], user: 'hooks:s3cret', ...options });
const auth = (user: string) => `Basic ${Buffer.from(user).toString('base64')}`;

describe('HTTP Basic auth', () => {
  it('valid, missing, not checked without --user', () => {
    expect(basic({ authorization: auth('hooks:s3cret') })).toMatchObject({ verdict: 'valid', summary: 'basic auth matches' });
    expect(basic({})).toMatchObject({ verdict: 'explained', summary: 'No Authorization header.' });
    expect(basic({ authorization: auth('hooks:s3cret') }, { user: undefined as never }).verdict).toBe('not-checked');
  });

  it('the configured user:password has whitespace around it', () => {
    expect(basic({ authorization: auth('hooks:s3cret') }, { user: ' hooks:s3cret\n' })).toStrictEqual({
      verdict: 'explained',
      result: { status: 'invalid', valid: false, header: 'Authorization', reason: 'basic auth does not match' },
      summary: 'The credential matches once the whitespace around your configured value is removed.',
      findings: [{ cause: 'secret-format', title: 'The credential matches once the whitespace around your configured value is removed.', detail: [], fix: 'trim the configured value where you load it' }],
      tried: TRIED,
    });
    // --signature stands in for the header, trimmed.
    expect(basic({}, { user: 'hooks:s3cret ', signature: ` ${auth('hooks:s3cret')} ` }).summary).toBe('The credential matches once the whitespace around your configured value is removed.');
  });

  it('which half differs: the user id or the password', () => {
    const wrongPassword = basic({ authorization: auth('hooks:other') });
    expect(wrongPassword).toStrictEqual({
      verdict: 'explained',
      result: { status: 'invalid', valid: false, header: 'Authorization', reason: 'basic auth does not match' },
      summary: 'The user id matches; the password does not.',
      findings: [{ cause: 'no-match', title: 'The user id matches; the password does not.', detail: [], fix: 'check the credentials set in the sender\'s dashboard' }],
      tried: TRIED,
    });
    expect(basic({ authorization: auth('admin:s3cret') }).summary).toBe('The user id differs (got "admin").');
    expect(basic({ authorization: ` ${auth('admin:s3cret')}` }).summary).toBe('The user id differs (got "admin").');
  });

  it('not Basic at all: unexplained', () => {
    expect(basic({ authorization: 'Bearer abc' })).toMatchObject({ verdict: 'unexplained', summary: 'The credential does not match the configured one.' });
    expect(basic({ authorization: 'basic aG9va3M6eA==' }).verdict).toBe('unexplained');
  });
});
