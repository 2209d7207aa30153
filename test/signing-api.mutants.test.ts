// Behaviour of src/signing/api.ts (the library's sign / verify / verifyWebRequest / explain) that the Stryker run
// (npm run mutate) showed no test pinned down: every shape of bad input gets its own reason, options that are not
// well-formed are repaired rather than trusted, and a scheme named alone signs only with a secret.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { explain, sign, verify, verifyWebRequest } from '../src/signing/api.js';

const BODY = '{"rewardId":"acdc71c6","amount":25,"text":"Café ☕"}';
const SECRET = 'gh-secret';
const headersFor = (body: string | Uint8Array = BODY, secret = SECRET) => sign('github', body, { secret }).headers;
const SIG_HEADERS = headersFor();
const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
const malformed = (reason: string) => ({ status: 'malformed', valid: false, reason });

describe('an unknown scheme', () => {
  const message = 'unknown scheme "nope": pass a scheme id, a SigningSpec, or a provider from await loadProvider(id)';
  it('sign throws a usage error; verify and explain say "not checked" and why', () => {
    let error: unknown;
    try {
      sign('nope' as never, BODY, { secret: SECRET });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('unknown_scheme');
    expect((error as UsageError).message).toBe(message);
    expect(verify('nope' as never, { headers: SIG_HEADERS, body: BODY }, { secret: SECRET })).toStrictEqual({ status: 'no-secret', valid: false, reason: message });
    expect(explain('nope' as never, { headers: SIG_HEADERS, body: BODY }, { secret: SECRET })).toStrictEqual({
      verdict: 'not-checked',
      result: { status: 'no-secret', valid: false, reason: message },
      summary: `Not checked: ${message}.`,
      findings: [],
      tried: { bodies: 0, secrets: 0, templates: 0, algorithms: [], signatures: 0, hmacs: 0 },
    });
  });
});

describe('a scheme named alone', () => {
  it('an HMAC scheme that needs a secret refuses to sign without one (a provider spec may say otherwise)', () => {
    for (const id of ['customerglu', 'mgpass', 'github'] as const) {
      expect(() => sign(id, BODY, {}), id).toThrowError(expect.objectContaining({ code: 'missing_secret' }));
    }
  });
  it('a credential scheme signs without a secret, with a note', () => {
    expect(sign('api-key', BODY, {}).headers).toEqual({});
    expect(sign('basic', BODY, {}).headers).toEqual({});
    expect(sign('none', BODY, {}).headers).toEqual({});
  });
});

describe('verify: the request itself', () => {
  it('no request at all', () => {
    for (const req of [null, undefined, 'x', 5]) {
      expect(verify('github', req as never, { secret: SECRET })).toStrictEqual(malformed('no request given: pass { headers, body }'));
    }
  });

  it('no body, a stream, or a parsed object: each said in its own words', () => {
    const v = (body: unknown) => verify('github', { headers: SIG_HEADERS, body } as never, { secret: SECRET });
    expect(v(undefined)).toStrictEqual(malformed('no body given: pass the raw body bytes exactly as received'));
    expect(v(null)).toStrictEqual(malformed('no body given: pass the raw body bytes exactly as received'));
    const stream = 'the body is a stream: read it to the end first (await request.arrayBuffer()), or use await verifyWebRequest(target, request, options)';
    expect(v({ getReader() {} })).toStrictEqual(malformed(stream));
    expect(v({ pipe() {} })).toStrictEqual(malformed(stream));
    expect(v(JSON.parse(BODY))).toStrictEqual(
      malformed('the body is a parsed object, not the raw bytes: a signature covers the exact bytes received, which parsing loses; pass the raw body (express.raw({ type: "application/json" }), or await request.text())'),
    );
  });

  it('every kind of bytes is read: string, Buffer, Uint8Array view, ArrayBuffer, DataView', () => {
    const bytes = Buffer.from(BODY);
    const inside = Buffer.concat([Buffer.from('xx'), bytes, Buffer.from('yy')]);
    const bodies: unknown[] = [
      BODY,
      bytes,
      new Uint8Array(inside.buffer, inside.byteOffset + 2, bytes.length),
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
      new DataView(inside.buffer, inside.byteOffset + 2, bytes.length),
    ];
    for (const body of bodies) expect(verify('github', { headers: SIG_HEADERS, body } as never, { secret: SECRET }).status).toBe('valid');
  });

  it('a WHATWG Request is sent to verifyWebRequest; look-alikes that are not one are read as { headers, body }', () => {
    const request = new Request('http://127.0.0.1/hook', { method: 'POST', body: BODY, headers: SIG_HEADERS });
    expect(verify('github', request as never, { secret: SECRET })).toStrictEqual(
      malformed('a WHATWG Request\'s body can only be read asynchronously: use await verifyWebRequest(target, request, options), or pass { headers: request.headers, body: await request.text() }'),
    );
    const headers = new Headers(SIG_HEADERS);
    const lookAlikes = [
      { clone() {}, headers, body: BODY }, // no url
      { url: 'http://127.0.0.1/', headers, body: BODY }, // no clone()
      { clone() {}, url: 'http://127.0.0.1/', headers: SIG_HEADERS, body: BODY }, // headers not a Headers
      { clone: 'no', url: 'http://127.0.0.1/', headers, body: BODY },
      { clone() {}, url: 5, headers, body: BODY },
    ];
    for (const req of lookAlikes) expect(verify('github', req as never, { secret: SECRET }).status).toBe('valid');
    // Without headers it is no Request either: the body is checked, and the signature is missing (not "cannot verify").
    expect(verify('github', { clone() {}, url: 'http://127.0.0.1/', body: BODY } as never, { secret: SECRET }).status).toBe('missing');
  });
});

describe('verify: headers and query as frameworks hand them over', () => {
  it('headers that are not an object are no headers (missing, not a crash)', () => {
    for (const headers of [null, undefined, 'X-Hub-Signature-256: x', 5]) {
      expect(verify('github', { headers, body: BODY } as never, { secret: SECRET })).toMatchObject({ status: 'missing', valid: false });
    }
  });

  it('an array or an object with a "get" function is a record, not a fetch Headers', () => {
    expect(verify('github', { headers: [['x-hub-signature-256', 'x']], body: BODY } as never, { secret: SECRET }).status).toBe('missing');
    const withGet = { get: () => 'x', ...SIG_HEADERS };
    expect(verify('github', { headers: withGet, body: BODY } as never, { secret: SECRET }).status).toBe('valid');
    const withForEach = { forEach: () => undefined, ...SIG_HEADERS };
    expect(verify('github', { headers: withForEach, body: BODY } as never, { secret: SECRET }).status).toBe('valid');
  });

  it('numbers are text, arrays keep their strings joined, other values are dropped', () => {
    const key = (value: unknown, apiKey: string) => verify('api-key', { headers: { 'X-API-KEY': value }, body: BODY } as never, { apiKey });
    expect(key(12345, '12345').status).toBe('valid');
    expect(key(['the-key', 7], 'the-key').status).toBe('valid');
    expect(key(['a', 'b'], 'a, b').status).toBe('valid');
    expect(key({ toString: () => 'the-key' }, 'the-key').status).toBe('missing');
    expect(key(true, 'true').status).toBe('missing');
  });

  it('query: the first value of a repeated parameter; a query that is not an object is none', () => {
    const options = { secret: 'we-secret', licenseCode: '~abc' };
    const query = sign('webengage', BODY, options).query as Record<string, string>;
    const good = query.secret!;
    const v = (q: unknown) => verify('webengage', { headers: {}, query: q, body: BODY } as never, options);
    expect(v(new URLSearchParams(`secret=${good}&secret=bad`)).status).toBe('valid');
    expect(v(new URLSearchParams(`secret=bad&secret=${good}`)).status).toBe('invalid');
    expect(v({ secret: [good, 'bad'] }).status).toBe('valid');
    expect(v({ secret: [1, good] }).status).toBe('missing');
    expect(v({ secret: 7 }).status).toBe('missing');
    expect(v(null)).toMatchObject({ status: 'missing', reason: 'no secret query parameter' });
    expect(v('secret=x')).toMatchObject({ status: 'missing', reason: 'no secret query parameter' });
  });
});

describe('verify: options are repaired, never trusted as they come', () => {
  const req = { headers: SIG_HEADERS, body: BODY };
  it('secret and secrets together: both are tried, secret first; empty and non-text ones are dropped', () => {
    expect(verify('github', req, { secret: SECRET, secrets: ['other'] })).toMatchObject({ status: 'valid', secretIndex: 0 });
    expect(verify('github', req, { secret: 'other', secrets: [SECRET] })).toMatchObject({ status: 'valid', secretIndex: 1 });
    expect(verify('github', req, { secrets: ['', SECRET] })).toMatchObject({ status: 'valid', secretIndex: 0 });
    expect(verify('github', req, { secrets: [5, SECRET] as never })).toMatchObject({ status: 'valid', secretIndex: 0 });
    expect(verify('github', req, { secrets: 'x' as never, secret: SECRET })).toMatchObject({ status: 'valid', secretIndex: 0 });
    expect(verify('github', req, { secrets: [SECRET] })).toMatchObject({ status: 'valid', secretIndex: 0 });
  });

  describe('tolerance, now and timestamp', () => {
    const T = 1_700_000_000;
    const stripe = { headers: lower(sign('stripe', BODY, { secret: SECRET, timestamp: T }).headers), body: BODY };
    it('a tolerance of 0 is a tolerance; one that is not a finite number >= 0 is the default (300 s)', () => {
      expect(verify('stripe', stripe, { secret: SECRET, now: T + 10, tolerance: 0 }).status).toBe('expired');
      expect(verify('stripe', stripe, { secret: SECRET, now: T + 10, tolerance: 20 }).status).toBe('valid');
      for (const tolerance of [Number.NaN, -1, Number.POSITIVE_INFINITY, '5', null]) {
        expect(verify('stripe', stripe, { secret: SECRET, now: T + 10, tolerance } as never).status, String(tolerance)).toBe('valid');
        expect(verify('stripe', stripe, { secret: SECRET, now: T + 301, tolerance } as never).reason, String(tolerance)).toBe('timestamp is 5 min 1 s old (tolerance 5 min); the signature itself matches');
      }
    });
    it('a "now" that is not a finite number >= 0 is the real clock', () => {
      const fresh = Math.floor(Date.now() / 1000);
      const signed = { headers: lower(sign('stripe', BODY, { secret: SECRET, timestamp: fresh }).headers), body: BODY };
      for (const now of [-1, Number.NaN, Number.POSITIVE_INFINITY, '0', null]) {
        expect(verify('stripe', signed, { secret: SECRET, now } as never).status, String(now)).toBe('valid');
      }
      expect(verify('stripe', signed, { secret: SECRET, now: 0 }).status).toBe('expired');
    });
    it('a timestamp option that is not text or a finite number >= 0 is ignored (the header\'s is used)', () => {
      for (const timestamp of [Number.NaN, -5, {}, null]) {
        expect(verify('stripe', stripe, { secret: SECRET, now: T, timestamp } as never).status, String(timestamp)).toBe('valid');
      }
      expect(verify('stripe', stripe, { secret: SECRET, now: T, timestamp: String(T + 1) }).status).toBe('invalid');
      expect(verify('stripe', stripe, { secret: SECRET, now: T, timestamp: T + 1 }).status).toBe('invalid');
    });
    it('text options that are not text are ignored', () => {
      expect(verify('github', req, { secret: SECRET, signature: 5 } as never).status).toBe('valid');
      expect(verify('github', req, { secret: SECRET, signature: 'sha256=00' }).status).toBe('malformed');
      expect(verify('api-key', { headers: { 'x-api-key': 'k' }, body: BODY }, { apiKey: 7, secrets: ['k'] } as never)).toMatchObject({ status: 'valid', secretIndex: 0 });
    });
  });
});

describe('verify never throws, whatever fails inside', () => {
  it('an error is "cannot verify" with its message; a thrown non-error is named too', () => {
    const throwing = (thrown: unknown) =>
      Object.defineProperty({}, 'secret', {
        enumerable: true,
        get() {
          throw thrown;
        },
      });
    expect(verify('github', { headers: SIG_HEADERS, body: BODY }, throwing(new Error('boom')))).toStrictEqual(malformed('cannot verify: boom'));
    expect(verify('github', { headers: SIG_HEADERS, body: BODY }, throwing(null))).toStrictEqual(malformed('cannot verify: null'));
    expect(verify('github', { headers: SIG_HEADERS, body: BODY }, throwing('text'))).toStrictEqual(malformed('cannot verify: text'));
    const e = explain('github', { headers: SIG_HEADERS, body: BODY }, throwing(new Error('boom')));
    expect(e).toStrictEqual({
      verdict: 'not-checked',
      result: malformed('cannot verify: boom'),
      summary: 'Not checked: cannot verify: boom.',
      findings: [],
      tried: { bodies: 0, secrets: 0, templates: 0, algorithms: [], signatures: 0, hmacs: 0 },
    });
    expect(explain('github', { headers: SIG_HEADERS, body: BODY }, throwing(null)).result.reason).toBe('cannot verify: null');
  });

  it('explain with a request it cannot read: not checked, with the reason as the summary', () => {
    expect(explain('github', { headers: SIG_HEADERS } as never, { secret: SECRET })).toStrictEqual({
      verdict: 'not-checked',
      result: malformed('no body given: pass the raw body bytes exactly as received'),
      summary: 'Not checked: no body given: pass the raw body bytes exactly as received.',
      findings: [],
      tried: { bodies: 0, secrets: 0, templates: 0, algorithms: [], signatures: 0, hmacs: 0 },
    });
  });
});

describe('verifyWebRequest', () => {
  it('not a Request: says so (never rejects), also for a look-alike without headers', async () => {
    for (const r of [null, undefined, 'x', {}, { clone() {}, url: 'http://x/' }, { clone() {}, url: 'http://x/', headers: null }]) {
      await expect(verifyWebRequest('github', r as never, { secret: SECRET })).resolves.toStrictEqual(malformed('not a WHATWG Request: pass a Request, or use verify(target, { headers, body }, options)'));
    }
  });

  it('a body that cannot be read: the error, whatever was thrown', async () => {
    const failing = (thrown: unknown) => ({ url: 'http://127.0.0.1/', headers: new Headers(SIG_HEADERS), clone: () => ({ arrayBuffer: () => Promise.reject(thrown) }) });
    const tail = 'was it already read? pass verify(target, { headers: request.headers, body }, options) the bytes you read';
    await expect(verifyWebRequest('github', failing(new TypeError('Body is unusable')), { secret: SECRET })).resolves.toStrictEqual(malformed(`cannot read the request body (Body is unusable): ${tail}`));
    await expect(verifyWebRequest('github', failing(null), { secret: SECRET })).resolves.toStrictEqual(malformed(`cannot read the request body (null): ${tail}`));
  });

  it('reads the query from the URL; a URL it cannot parse means no query', async () => {
    const options = { secret: 'we-secret', licenseCode: '~abc' };
    const query = new URLSearchParams(sign('webengage', BODY, options).query as Record<string, string>);
    const request = new Request(`http://127.0.0.1/hook?${query}`, { method: 'POST', body: BODY });
    expect((await verifyWebRequest('webengage', request, options)).status).toBe('valid');
    const odd = { url: 'not a url', headers: new Headers(), clone: () => ({ arrayBuffer: async () => new TextEncoder().encode(BODY).buffer }) };
    expect(await verifyWebRequest('webengage', odd as never, options)).toMatchObject({ status: 'missing', reason: 'no secret query parameter' });
  });
});

describe('sign', () => {
  it('signs text as its UTF-8 bytes: the same headers as for the bytes', () => {
    expect(headersFor(BODY)).toEqual(headersFor(Buffer.from(BODY, 'utf8')));
  });

  it('signs the bytes in every form verify reads: an ArrayBuffer (await request.arrayBuffer()), a view inside a larger buffer', () => {
    const bytes = Buffer.from(BODY, 'utf8');
    const inside = Buffer.concat([Buffer.from('xx'), bytes, Buffer.from('yy')]);
    const expected = headersFor(BODY);
    expect(sign('github', bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), { secret: SECRET }).headers).toEqual(expected);
    expect(sign('github', new Uint8Array(inside.buffer, inside.byteOffset + 2, bytes.length), { secret: SECRET }).headers).toEqual(expected);
    expect(sign('github', new DataView(inside.buffer, inside.byteOffset + 2, bytes.length) as never, { secret: SECRET }).headers).toEqual(expected);
  });

  it('a body that is not text or bytes: a usage error saying what to pass, not a crash inside node:crypto', () => {
    for (const body of [undefined, null, { a: 1 }, 5]) {
      let error: unknown;
      try {
        sign('github', body as never, { secret: SECRET });
      } catch (e) {
        error = e;
      }
      expect(error, String(body)).toBeInstanceOf(UsageError);
      expect(error).toMatchObject({ code: 'bad_body', message: 'sign needs the body as text or bytes (a string, Buffer, Uint8Array or ArrayBuffer): exactly the bytes you send' });
    }
  });
});
