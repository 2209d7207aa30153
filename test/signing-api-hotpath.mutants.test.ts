// verify()'s hot path (src/signing/api.ts): a receiver makes `{ secrets: [secret] }` once and calls verify on every
// delivery; well-formed options must reach the scheme as they are, not be copied and re-checked per request, while
// anything else is repaired first. The request layer is wrapped to see the options object it is handed.
import { afterEach, describe, expect, it, vi } from 'vitest';

const seen = vi.hoisted(() => ({ options: [] as unknown[] }));
vi.mock('../src/signing/requests.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/signing/requests.js')>();
  return {
    ...real,
    verifyRequest: (spec: Parameters<typeof real.verifyRequest>[0], req: Parameters<typeof real.verifyRequest>[1], options: Parameters<typeof real.verifyRequest>[2]) => {
      seen.options.push(options);
      return real.verifyRequest(spec, req, options);
    },
  };
});

const { sign, verify } = await import('../src/signing/api.js');
afterEach(() => {
  seen.options = [];
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
