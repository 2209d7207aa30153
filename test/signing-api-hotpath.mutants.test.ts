// verify()'s hot path (src/signing/api.ts): a receiver makes `{ secrets: [secret] }` once and calls verify on every
// delivery; well-formed options must reach the scheme as they are, not be copied and re-checked per request, while
// anything else is repaired first. The request layer is wrapped to see the options object it is handed.
import { afterEach, describe, expect, it, vi } from 'vitest';

const seen = vi.hoisted(() => ({ options: [] as unknown[], requests: [] as unknown[] }));
vi.mock('../src/signing/requests.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/signing/requests.js')>();
  return {
    ...real,
    verifyRequest: (spec: Parameters<typeof real.verifyRequest>[0], req: Parameters<typeof real.verifyRequest>[1], options: Parameters<typeof real.verifyRequest>[2]) => {
      seen.options.push(options);
      seen.requests.push(req);
      return real.verifyRequest(spec, req, options);
    },
  };
});

const { sign, verify } = await import('../src/signing/api.js');
afterEach(() => {
  seen.options = [];
  seen.requests = [];
});

const BODY = '{"a":1}';
const headers = sign('github', BODY, { secret: 's' }).headers;

describe('verify options on the hot path', () => {
  it.each([
    ['secrets only', { secrets: ['s'] }],
    ['every option well-formed', { secrets: ['x', 's'], tolerance: 0, now: 1, timestamp: '5', signature: headers['X-Hub-Signature-256'], apiKey: 'k', user: 'u:p', licenseCode: 'l', id: 'msg_1' }],
    ['a numeric timestamp', { secrets: ['s'], timestamp: 5 }],
  ])('%s: handed on as the same object', (_what, options) => {
    verify('github', { headers, body: BODY }, options);
    expect(seen.options).toHaveLength(1);
    expect(seen.options[0]).toBe(options);
  });

  it.each([
    ['a single secret', { secret: 's' }, { secrets: ['s'] }],
    ['an empty secret', { secrets: ['', 's'] }, { secrets: ['s'] }],
    ['a secret that is not text', { secrets: [1, 's'] }, { secrets: ['s'] }],
    ['no secrets array', { secrets: 's' }, { secrets: [] }],
    ['a negative tolerance', { secrets: ['s'], tolerance: -1 }, { secrets: ['s'], tolerance: 300 }],
    ['a NaN now', { secrets: ['s'], now: Number.NaN }, { secrets: ['s'] }],
    ['a timestamp that is not a number or text', { secrets: ['s'], timestamp: {} }, { secrets: ['s'] }],
    ['a negative timestamp', { secrets: ['s'], timestamp: -1 }, { secrets: ['s'] }],
    ['a signature that is not text', { secrets: ['s'], signature: 5 }, { secrets: ['s'] }],
    ['an id that is not text', { secrets: ['s'], id: 5 }, { secrets: ['s'] }],
  ])('%s: repaired into a new object', (_what, options, expected) => {
    verify('github', { headers, body: BODY }, options as never);
    expect(seen.options).toHaveLength(1);
    expect(seen.options[0]).not.toBe(options);
    expect(seen.options[0]).toStrictEqual(expected);
  });
});

// The headers and query a scheme is handed: a receiver's lower-cased string headers as they are (no copy per
// request); anything else rebuilt with only the values that can be read, never a key left holding nothing.
describe('request parts on the hot path', () => {
  const handed = () => {
    expect(seen.requests).toHaveLength(1);
    return seen.requests[0] as { headers: Record<string, string>; query?: Record<string, string>; body: Uint8Array };
  };
  const lowered = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

  it('lower-cased text headers: handed on as the same object', () => {
    const own = { ...lowered };
    expect(verify('github', { headers: own, body: BODY }, { secrets: ['s'] }).status).toBe('valid');
    expect(handed().headers).toBe(own);
  });

  it('a header that is not text, or a name in capitals: a new object with only readable values, lower-cased', () => {
    const withNull = { ...lowered, 'x-empty': null, 'x-gone': undefined, 'x-flag': true, 'x-n': 7, 'x-list': ['a', 3, 'b'] };
    verify('github', { headers: withNull, body: BODY } as never, { secrets: ['s'] });
    expect(handed().headers).not.toBe(withNull);
    expect(handed().headers).toStrictEqual({ ...lowered, 'x-n': '7', 'x-list': 'a, b' });
    seen.requests = [];
    const capitals = { ...headers };
    verify('github', { headers: capitals, body: BODY }, { secrets: ['s'] });
    expect(handed().headers).toStrictEqual(lowered);
  });

  it('no query, or one that is not an object: the scheme gets no query at all', () => {
    for (const query of [undefined, null, 'secret=x', 5]) {
      seen.requests = [];
      verify('github', { headers: lowered, body: BODY, query } as never, { secrets: ['s'] });
      expect(Object.keys(handed()).sort(), String(query)).toEqual(['body', 'headers']);
    }
  });

  it('a query object: only its text values (the first of a list), no key left holding nothing', () => {
    verify('github', { headers: lowered, body: BODY, query: { a: 'x', b: ['y', 'z'], c: [1, 'w'], d: 7, e: undefined } } as never, { secrets: ['s'] });
    expect(handed().query).toStrictEqual({ a: 'x', b: 'y' });
  });
});
