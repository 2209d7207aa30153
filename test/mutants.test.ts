// Tests written against mutations of security- and correctness-critical code that survived the suite (issue 12):
// each one fails when its mutation is applied by hand. The end-to-end ones are in mutants.e2e.test.ts.
import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportError } from '../src/cli.js';
import { parseCapture, serializeCapture } from '../src/core/capture.js';
import { UsageError } from '../src/output/errors.js';
import { DedupTracker, inspectDelivery } from '../src/http/inspect.js';
import { loadProvider } from '../src/providers/index.js';
import { safeEqual } from '../src/signing/hmac.js';
import { sign, verify } from '../src/index.js';

describe('safeEqual (src/signing/hmac.ts)', () => {
  it('bytes of different lengths are never equal, whatever they share', () => {
    const abc = new Uint8Array([0x61, 0x62, 0x63]);
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
    expect(safeEqual(Buffer.from('abcd'), Buffer.from('abc'))).toBe(false);
    expect(safeEqual(abc, abc.subarray(0, 2))).toBe(false);
    expect(safeEqual(new Uint8Array(0), abc)).toBe(false);
    expect(safeEqual(abc, 'ab')).toBe(false);
    expect(safeEqual('abc', new Uint8Array([0x61, 0x62]))).toBe(false);
    // A view into a larger buffer compares only its own bytes.
    const big = Buffer.from('xxabcxx');
    expect(safeEqual(big.subarray(2, 5), abc)).toBe(true);
    expect(safeEqual(big.subarray(2, 6), abc)).toBe(false);
  });
});

describe('Standard Webhooks keys without the whsec_ prefix', () => {
  // The documented vector (providers.md), with the key given as its bare base64.
  const KEY = 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const T = 1614265330;
  const BODY = '{"test": 2432232314}';
  const SIG = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

  it('are base64-decoded exactly as with the prefix: the documented vector, and the reference library agrees', () => {
    for (const secret of [KEY, `whsec_${KEY}`]) {
      const headers = sign('standard-webhooks', BODY, { secret, id: ID, timestamp: T }).headers;
      expect(headers['webhook-signature'], secret).toBe(SIG);
      expect(verify('standard-webhooks', { headers, body: BODY }, { secret, now: T }).status, secret).toBe('valid');
    }
    // The library's own verification (which takes the prefixed key) accepts what cg-hooks signed with the bare one.
    const now = Math.floor(Date.now() / 1000);
    const headers = sign('standard-webhooks', BODY, { secret: KEY, id: ID, timestamp: now }).headers;
    expect(new Webhook(`whsec_${KEY}`).verify(BODY, headers)).toEqual(JSON.parse(BODY));
    // The bare key read as text (not base64) would be another key: the signature must differ.
    const asText = Buffer.from(KEY, 'utf8').toString('base64');
    expect(sign('standard-webhooks', BODY, { secret: asText, id: ID, timestamp: T }).headers['webhook-signature']).not.toBe(SIG);
  });
});

describe('an internal error (src/cli.ts reportError)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('never exits 0: one line on stderr (or JSON with --json) and exit 1', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(reportError(new TypeError('boom'), ['node', 'cg-hooks', 'generate'])).toBe(1);
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/internal error:.*boom/);
    expect(reportError(new RangeError('deep'), ['node', 'cg-hooks', 'generate', '--json'])).toBe(1);
    expect(JSON.parse(String(stdout.mock.calls.at(-1)![0]))).toEqual({ error: { code: 'internal', message: 'deep', hint: expect.stringContaining('--debug') } });
    // Not an Error at all (a thrown string) is still an internal error.
    expect(reportError('weird', ['node', 'cg-hooks'])).toBe(1);
  });
});

describe('capture files with a corrupted body', () => {
  const good = serializeCapture({ method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"a":1}') });
  const withBody = (bodyBase64: string) => good.replace(/"bodyBase64": "[^"]*"/, `"bodyBase64": ${JSON.stringify(bodyBase64)}`);

  it('reads the intact one back', () => {
    expect(parseCapture(good, 'good.json').body.toString()).toBe('{"a":1}');
  });

  it.each([
    ['a character outside base64', 'eyJhIjox!fQ=='],
    ['base64url characters', 'eyJhIjox_Q-='],
    ['cut short (a length that is not a multiple of 4)', 'eyJhIjoxfQ='],
    ['a lost character in the middle', 'eyJhIjxfQ=='],
    ['padding in the middle', 'eyJh=IjoxfQ=='],
  ])('%s is a usage error (exit 2), not a silently different body', (_what, bodyBase64) => {
    let error: unknown;
    try {
      parseCapture(withBody(bodyBase64), 'bad.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).message).toMatch(/bodyBase64/);
  });
});

describe('de-duplication by body hash (providers without an id of their own)', () => {
  it('CleverTap deliveries are keyed sha256:<hash of the bytes>, so a resend is recognised', async () => {
    const clevertap = await loadProvider('clevertap');
    expect(clevertap.dedupKey).toBeUndefined();
    const body = Buffer.from('{"targetId":1234,"key_values":{"reward":"25 coins"},"profiles":[{"Identity":"u-1"}]}');
    const input = { method: 'POST', path: '/clevertap', query: {}, headers: { 'content-type': 'application/json' }, body };
    const ctx = { providers: [clevertap], fixed: clevertap, credentials: { secrets: [] } };
    const first = inspectDelivery(input, ctx);
    const again = inspectDelivery({ ...input, body: Buffer.from(body) }, ctx);
    const other = inspectDelivery({ ...input, body: Buffer.from(body.toString().replace('u-1', 'u-2')) }, ctx);
    expect(first.dedupKey).toBe(`sha256:${createHash('sha256').update(body).digest('hex')}`);
    const tracker = new DedupTracker();
    expect(tracker.claim(first.dedupKey, 1)).toBeUndefined();
    expect(tracker.claim(again.dedupKey, 2)).toBe(1);
    expect(tracker.claim(other.dedupKey, 3)).toBeUndefined();
  });
});
