import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { equivalentCommand, parseDelays } from '../src/commands/send.js';
import { curlCommand, rawRequestHead, shellQuote } from '../src/http/curl.js';
import { classifyError } from '../src/http/errors.js';
import { buildSendRequest, maskedHeaders, maskedUrl, parseHeader, parseTargetUrl } from '../src/http/request.js';
import { formatDelay, isSuccess, nextDelay, parseRetryAfter, RETRY_AFTER_CAP_MS, retrySchedule } from '../src/http/retry.js';
import { percentile, rate, summarizeLatencies } from '../src/http/stats.js';
import { bodyJson, repeatVerdict } from '../src/output/send.js';
import { hmac } from '../src/signing/hmac.js';
import { provider as customerglu } from '../src/providers/customerglu.js';
import type { ProviderDef } from '../src/providers/types.js';

const MGPASS_POLICY = { attempts: 4, delaysMs: [0, 1000, 5000, 25000], success: '2xx' as const };
const NONE = { attempts: 1, delaysMs: [0], success: '2xx' as const };

describe('retrySchedule', () => {
  it("follows the provider's documented policy by default", () => {
    expect(retrySchedule(MGPASS_POLICY)).toEqual({ attempts: 4, delaysMs: [0, 1000, 5000, 25000], success: '2xx', source: 'provider' });
    expect(retrySchedule(NONE)).toMatchObject({ attempts: 1, delaysMs: [0], source: 'none' });
  });
  it('--no-retry means one attempt whatever the provider does', () => {
    expect(retrySchedule(MGPASS_POLICY, { noRetry: true })).toMatchObject({ attempts: 1, delaysMs: [0] });
  });
  it('--retry-delays alone sets both the attempts and the waits', () => {
    expect(retrySchedule(MGPASS_POLICY, { retryDelays: [0, 50, 50] })).toMatchObject({ attempts: 3, delaysMs: [0, 50, 50], source: 'flags' });
  });
  it('--retries n gives n+1 attempts, keeping the provider delays and doubling past them', () => {
    expect(retrySchedule(MGPASS_POLICY, { retries: 1 }).delaysMs).toEqual([0, 1000]);
    expect(retrySchedule(MGPASS_POLICY, { retries: 5 }).delaysMs).toEqual([0, 1000, 5000, 25000, 50000, 100000]);
    expect(retrySchedule(NONE, { retries: 3 }).delaysMs).toEqual([0, 1000, 2000, 4000]);
    expect(retrySchedule(NONE, { retries: 0 }).attempts).toBe(1);
  });
  it('--retries with a shorter --retry-delays continues the backoff from the last given delay', () => {
    expect(retrySchedule(NONE, { retries: 3, retryDelays: [0, 10] }).delaysMs).toEqual([0, 10, 20, 40]);
  });
  it("keeps the provider's success rule (WebEngage: only 200)", () => {
    const s = retrySchedule({ attempts: 1, delaysMs: [0], success: '200' }, { retries: 2 });
    expect(s.success).toBe('200');
    expect(isSuccess(200, s.success)).toBe(true);
    expect(isSuccess(202, s.success)).toBe(false);
    expect(isSuccess(204, '2xx')).toBe(true);
    expect(isSuccess(301, '2xx')).toBe(false);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('parses delay-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000);
  });
  it('parses an HTTP-date relative to now, never negative', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });
  it('ignores what is neither', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
  it('overrides the scheduled delay, capped at 60 s (and says what was asked)', () => {
    expect(nextDelay(5000, undefined)).toEqual({ delayMs: 5000, reason: 'schedule' });
    expect(nextDelay(5000, 200)).toEqual({ delayMs: 200, reason: 'retry-after' });
    expect(nextDelay(5000, 3_600_000)).toEqual({ delayMs: RETRY_AFTER_CAP_MS, reason: 'retry-after', requestedMs: 3_600_000 });
  });
});

describe('durations', () => {
  it('--retry-delays lists', () => {
    expect(parseDelays('0,1s,5s,25s')).toEqual([0, 1000, 5000, 25000]);
    expect(parseDelays('0,1,5,25')).toEqual([0, 1000, 5000, 25000]);
    expect(() => parseDelays('0,1000,5000')).toThrow(/1000 would be 16 min 40 s \(a bare number is seconds\): write 1000ms/);
    expect(() => parseDelays('0,,5')).toThrow(/comma-separated/);
    expect(() => parseDelays('0,soon')).toThrow(/not a duration/);
  });
  it('formats delays for people', () => {
    expect(formatDelay(0)).toBe('0 ms');
    expect(formatDelay(1000)).toBe('1 s');
    expect(formatDelay(1500)).toBe('1.5 s');
    expect(formatDelay(90_000)).toBe('1.5 min');
  });
});

describe('percentiles', () => {
  it('uses the nearest rank (a latency that really happened)', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 51)).toBe(3);
  });
  it('summarizes unsorted samples', () => {
    const s = summarizeLatencies(Float64Array.from([5, 1, 3, 2, 4]));
    expect(s).toEqual({ min: 1, p50: 3, p95: 5, p99: 5, max: 5, mean: 3 });
    expect(summarizeLatencies([])).toEqual({ min: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });
  it('computes requests per second', () => {
    expect(rate(200, 400)).toBe(500);
    expect(rate(5, 0)).toBe(0);
  });
});

describe('shell quoting and the curl line', () => {
  const sh = (word: string) => execFileSync('bash', ['-c', `printf %s ${word}`]);
  it.each([
    ['plain', 'abc'],
    ['spaces and quotes', `it's "quoted" $HOME \`x\``],
    ['json', '{"a":"b c","n":1.0,"u":"é😀"}'],
    ['newlines', 'line1\nline2\r\n'],
    ['control bytes', 'a\x01b\x7f'],
    ['empty', ''],
    ['backslashes', 'a\\nb\\'],
  ])('round-trips %s through bash', (_name, text) => {
    expect(sh(shellQuote(text)).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });
  it('round-trips bytes that are not UTF-8', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x27, 0x5c, 0x7d]);
    expect(sh(shellQuote(bytes)).equals(bytes)).toBe(true);
  });
  it('builds a curl line with every header, --data-raw and no Accept', () => {
    const line = curlCommand({ url: 'http://127.0.0.1:3000/h?a=1&b=2', headers: { 'X-A': "it's" }, body: Buffer.from('@file') })!;
    expect(line).toBe(`curl -sS -i 'http://127.0.0.1:3000/h?a=1&b=2' -H 'X-A: it'\\''s' -H Accept: --data-raw @file`);
    expect(curlCommand({ url: 'https://x.test/', headers: {}, body: Buffer.from('{}') }, { insecure: true, timeoutMs: 2500 })).toContain('-k --max-time 3 ');
    expect(curlCommand({ url: 'http://x.test/', headers: {}, body: Buffer.from([1, 0, 2]) })).toBeUndefined();
  });
  it("prints the request head the way undici frames it", () => {
    expect(rawRequestHead({ url: 'http://127.0.0.1:3000/w?x=1', headers: { 'User-Agent': 'cg-hooks/1' }, body: Buffer.from('{}') })).toBe(
      'POST /w?x=1 HTTP/1.1\r\nhost: 127.0.0.1:3000\r\nconnection: keep-alive\r\nUser-Agent: cg-hooks/1\r\ncontent-length: 2\r\n\r\n',
    );
  });
});

describe('building the request', () => {
  const body = Buffer.from('{"rewardId":"r1"}');
  it('signs exactly the body, adds our User-Agent and lets -H win', () => {
    const r = buildSendRequest({
      provider: customerglu,
      url: 'http://127.0.0.1:3000/webhook',
      body,
      secret: 'tok',
      headers: [
        ['x-tenant', 'acme'],
        ['content-type', 'application/json; charset=utf-8'],
      ],
    });
    expect(r.headers['X-CG-SIGNATURE']).toBe(hmac('sha1', 'tok', body).toString('hex'));
    expect(r.headers['User-Agent']).toMatch(/^cg-hooks\//);
    expect(r.headers['x-tenant']).toBe('acme');
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['Content-Type']).toBeUndefined();
    expect(r.signedHeaders).toEqual(['X-CG-SIGNATURE']);
    expect(r.body).toBe(body);
  });
  it('adds basic auth and X-API-KEY when asked, and masks them for display', () => {
    const r = buildSendRequest({ provider: customerglu, url: 'http://h.test/x', body, user: 'acme:pa55', apiKey: 'key-123' });
    expect(r.headers.Authorization).toBe(`Basic ${Buffer.from('acme:pa55').toString('base64')}`);
    expect(r.headers['X-API-KEY']).toBe('key-123');
    const shown = JSON.stringify(maskedHeaders(r.headers));
    expect(shown).not.toContain('key-123');
    expect(shown).not.toContain(Buffer.from('acme:pa55').toString('base64'));
    expect(shown).toContain('Basic ****');
  });
  it("adds WebEngage's query parameters, with eventType defaulting to the event name", () => {
    const webengage = { ...customerglu, id: 'webengage', signing: { scheme: 'webengage', secretRequired: false, description: '' }, headers: {} } as ProviderDef;
    const r = buildSendRequest({ provider: webengage, url: 'http://h.test/we?keep=1', body, event: 'user-event', licenseCode: '~2024c5d1', secret: 'whsec_demo' });
    const url = new URL(r.url);
    expect(url.searchParams.get('keep')).toBe('1');
    expect(url.searchParams.get('eventType')).toBe('user-event');
    expect(url.searchParams.get('licenseCode')).toBe('~2024c5d1');
    expect(url.searchParams.get('secret')).toBe('e1305d13cda89fa8609a9915ba8c6904');
    expect(maskedUrl(r.url)).not.toContain('e1305d13');
    expect(r.headers['Content-Type']).toBe('application/json');
  });
  it('rejects bad URLs and headers with a usage error', () => {
    expect(() => parseTargetUrl('localhost:3000/hook')).toThrow(/did you mean http:\/\/localhost:3000\/hook/);
    expect(() => parseTargetUrl('ftp://x.test/')).toThrow(/not an http\(s\) URL/);
    expect(() => parseTargetUrl('http://')).toThrow();
    expect(parseHeader('X-A:  b: c ')).toEqual(['X-A', 'b: c']);
    expect(() => parseHeader('no colon')).toThrow(/Name: value/);
    expect(() => parseHeader('Bad Name: v')).toThrow();
    // A mistyped credential header must not be echoed back whole.
    expect(() => parseHeader('Authorization Bearer sekrit-token')).toThrow(/^-H "Authorization…": expected/);
    expect(() => parseHeader('Authorization Bearer sekrit-token')).not.toThrow(/sekrit/);
  });
});

describe('--json bodies', () => {
  it('reports UTF-8 bodies as text and anything else as base64, never altered', () => {
    expect(bodyJson(Buffer.from('{"n":"Zoë"}'))).toEqual({ body: '{"n":"Zoë"}' });
    const bytes = Buffer.from([0x7b, 0xff, 0x7d]);
    expect(bodyJson(bytes)).toEqual({ body: null, bodyBase64: bytes.toString('base64') });
  });
});

describe('--repeat verdict', () => {
  it('after Ctrl-C, copies still in flight count as sent: the receiver got them', () => {
    const summary = { requested: 50, count: 5, concurrency: 5, succeeded: 1, failed: 4, byStatus: { '200': 1, '500': 1 }, errors: { aborted: 3 }, latencyMs: summarizeLatencies([]), durationMs: 900, requestsPerSecond: 5.6, interrupted: true, exitCode: 130 as const };
    expect(repeatVerdict(summary)).toContain('interrupted: 5 sent, 2 answered, 1 accepted');
  });
});

describe('network errors', () => {
  const url = new URL('http://127.0.0.1:3000/webhook');
  it('explains connection refused, also inside undici/AggregateError wrapping', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3000'), { code: 'ECONNREFUSED' });
    expect(classifyError(refused, url).message).toBe('nothing is listening on 127.0.0.1:3000');
    const wrapped = Object.assign(new Error('fetch failed'), { cause: Object.assign(new AggregateError([refused]), { code: 'ECONNREFUSED' }) });
    expect(classifyError(wrapped, url).code).toBe('connection_refused');
    expect(classifyError(new AggregateError([refused]), new URL('http://localhost/x')).message).toBe('nothing is listening on localhost:80');
  });
  it('names DNS, timeouts and TLS problems with what to do', () => {
    expect(classifyError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }), new URL('https://nope.test/')).message).toBe('cannot resolve host nope.test');
    expect(classifyError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), url, 500).message).toMatch(/no response within 500 ms/);
    expect(classifyError(Object.assign(new Error('x'), { code: 'UND_ERR_CONNECT_TIMEOUT' }), url).code).toBe('connect_timeout');
    const tls = classifyError(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), new URL('https://127.0.0.1:8443/'));
    expect(tls.code).toBe('tls');
    expect(tls.hint).toMatch(/--insecure/);
  });
});

describe('equivalent command after prompts', () => {
  it('keeps the flags, replaces the positionals and masks secrets', () => {
    const argv = ['node', 'cg-hooks', 'send', '--secret', 's3cret', '--set', 'rewardAmount=250', '--user=a:b', '-H', 'X-A: b'];
    expect(equivalentCommand('customerglu', 'reward', 'http://127.0.0.1:3000/webhook', argv, [])).toBe(
      `cg-hooks send customerglu reward --to http://127.0.0.1:3000/webhook --secret "$CG_HOOKS_SECRET" --set rewardAmount=250 --user='****' -H 'X-A: b'`,
    );
    expect(equivalentCommand('customerglu', 'reward', 'http://h.test/', ['node', 'x', 'send', '--secret=s3cret'], [])).toBe('cg-hooks send customerglu reward --to http://h.test/ --secret="$CG_HOOKS_SECRET"');
    expect(equivalentCommand('mgpass', 'rewards.redeemed', 'http://h.test/', ['node', 'x', 'send', 'mgpass', '--to', 'http://h.test/'], ['mgpass'])).toBe(
      'cg-hooks send mgpass rewards.redeemed --to http://h.test/',
    );
  });
  it('a secret typed at the prompt is referenced as "$CG_HOOKS_SECRET", never shown', () => {
    expect(equivalentCommand('customerglu', 'reward', 'http://h.test/', ['node', 'x', 'send', 'customerglu', 'reward', '--to', 'http://h.test/'], ['customerglu', 'reward'], true)).toBe(
      'cg-hooks send customerglu reward --to http://h.test/ --secret "$CG_HOOKS_SECRET"',
    );
  });
});
