// Unit tests of the conformance core: planCases per scheme, judge, and the JUnit writer.
import { createHmac } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { listCases, planCases, selects, tamper, type CaseRequest, type ConformanceCase } from '../src/core/conformance.js';
import { judge, type CaseResponse } from '../src/core/judge.js';
import { escapeXml, junitXml } from '../src/output/junit.js';
import { loadProvider } from '../src/providers/index.js';
import { verifyRequest } from '../src/signing/index.js';
import type { ProviderDef } from '../src/providers/types.js';
import { CliError, EXIT } from '../src/output/errors.js';

const SECRET = 'PbTJp694bmgrfJpJPQmrjGfjgq';
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

const customerglu = await loadProvider('customerglu');
const mgpass = await loadProvider('mgpass');
const rehook = await loadProvider('rehook');
const events = await loadProvider('customerglu-events');
const reward = await loadProvider('reward');
const webengage = await loadProvider('webengage');
const clevertap = await loadProvider('clevertap');

const get = (cases: ConformanceCase[], name: string) => {
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name}`);
  return c;
};
const req = (cases: ConformanceCase[], name: string): CaseRequest => get(cases, name).request!;
const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
const verify = (p: ProviderDef, r: CaseRequest, secrets = [SECRET], extra = {}) => verifyRequest(p.signing, { headers: lower(r.headers), query: r.query, body: r.body }, { secrets, ...extra });
const sha1 = (body: Uint8Array) => createHmac('sha1', SECRET).update(body).digest('hex');

function usageError(fn: () => unknown): CliError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(EXIT.usage);
    return e as CliError;
  }
  throw new Error('expected a usage error');
}

describe('planCases: customerglu (HMAC-SHA1 of the body)', () => {
  const plan = planCases(customerglu, { secrets: [SECRET], seed: 1, now: NOW });
  const cases = plan.cases;

  it('plans every event, then the forged cases, in a stable order', () => {
    expect(cases.map((c) => c.name)).toEqual([
      'valid:reward',
      'valid:nudge',
      'valid:raw-event',
      'valid:non-ascii',
      'duplicate',
      'wrong-secret',
      'missing-signature',
      'tampered-body',
      'truncated-signature',
      'garbage-signature',
      'malformed-json',
      'non-compact-body',
    ]);
    expect(plan.auth).toBe('X-CG-SIGNATURE, HMAC-SHA1 of the body');
    expect(cases.every((c) => c.request && !c.skip)).toBe(true);
  });

  it('signs the valid deliveries over exactly their compact bytes', () => {
    for (const name of ['valid:reward', 'valid:nudge', 'valid:raw-event']) {
      const r = req(cases, name);
      expect(r.headers['X-CG-SIGNATURE']).toBe(sha1(r.body));
      expect(r.body.toString()).toBe(JSON.stringify(JSON.parse(r.body.toString())));
      expect(verify(customerglu, r).valid).toBe(true);
    }
  });

  it('repeats the first valid delivery byte for byte as the duplicate', () => {
    const dup = get(cases, 'duplicate');
    expect(dup.request).toEqual(req(cases, 'valid:reward'));
    expect(dup.repeats).toBe('valid:reward');
    expect(dup.context.dedupKey).toBe(JSON.parse(req(cases, 'valid:reward').body.toString()).rewardId);
  });

  it('gives every forged case its own delivery (its own rewardId)', () => {
    const ids = ['wrong-secret', 'missing-signature', 'truncated-signature', 'garbage-signature', 'non-compact-body'].map((n) => JSON.parse(req(cases, n).body.toString()).rewardId);
    ids.push(JSON.parse(req(cases, 'valid:reward').body.toString()).rewardId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('forges each case the way its name says', () => {
    const wrong = req(cases, 'wrong-secret');
    expect(wrong.headers['X-CG-SIGNATURE']).toMatch(/^[0-9a-f]{40}$/);
    expect(verify(customerglu, wrong).status).toBe('invalid');

    const missing = req(cases, 'missing-signature');
    expect(Object.keys(missing.headers).map((h) => h.toLowerCase())).not.toContain('x-cg-signature');
    expect(missing.headers['Content-Type']).toBe('application/json');

    const tampered = get(cases, 'tampered-body');
    expect(verify(customerglu, tampered.request!).status).toBe('invalid');
    expect(tampered.context.tampered).toMatch(/^rewardAmount changed from \d+ to \d+ after signing$/);

    const truncated = req(cases, 'truncated-signature').headers['X-CG-SIGNATURE']!;
    expect(truncated).toHaveLength(20);
    expect(sha1(req(cases, 'truncated-signature').body).startsWith(truncated)).toBe(true);

    const garbage = req(cases, 'garbage-signature').headers['X-CG-SIGNATURE']!;
    expect(garbage).toHaveLength(40);
    expect(garbage).toMatch(/^not-a-signature!+$/);
  });

  it('signs the malformed and the non-compact bodies over exactly their bytes', () => {
    const malformed = req(cases, 'malformed-json');
    expect(() => JSON.parse(malformed.body.toString())).toThrow();
    expect(verify(customerglu, malformed).valid).toBe(true);

    const pretty = req(cases, 'non-compact-body');
    expect(pretty.body.toString()).toContain('\n  "');
    expect(verify(customerglu, pretty).valid).toBe(true);
    expect(get(cases, 'non-compact-body').required).toBe(false);
  });

  it('never uses the real secret for the wrong-secret case, whichever secrets rotate', () => {
    const rotated = planCases(customerglu, { secrets: [SECRET, 'older-secret'], now: NOW }).cases;
    expect(verify(customerglu, req(rotated, 'wrong-secret'), [SECRET, 'older-secret']).valid).toBe(false);
  });

  it('requires a secret: exit 2 naming --secret', () => {
    const e = usageError(() => planCases(customerglu, {}));
    expect(e.message).toContain('--secret');
  });
});

describe('planCases: other schemes', () => {
  it('mgpass: X-Webhook-Signature, HMAC-SHA256; non-compact is advisory', () => {
    const cases = planCases(mgpass, { secrets: ['mg'], now: NOW, events: ['rewards.points_awarded'] }).cases;
    const r = req(cases, 'valid:rewards.points_awarded');
    expect(r.headers['X-Webhook-Signature']).toBe(createHmac('sha256', 'mg').update(r.body).digest('hex'));
    expect(get(cases, 'non-compact-body').required).toBe(false);
    expect(cases.filter((c) => c.kind === 'valid')).toHaveLength(1);
  });

  it('standard-webhooks via scheme: stale and future cases are correctly signed, only the time is wrong', () => {
    const plan = planCases(customerglu, { scheme: 'standard-webhooks', secrets: [WHSEC], events: ['reward'] });
    const cases = plan.cases;
    expect(cases.map((c) => c.name)).toContain('stale-timestamp');
    expect(get(cases, 'non-compact-body').required).toBe(true);
    const wh = new Webhook(WHSEC);
    const valid = req(cases, 'valid:reward');
    expect(() => wh.verify(valid.body.toString(), lower(valid.headers))).not.toThrow();
    for (const [name, skew] of [
      ['stale-timestamp', -3600],
      ['future-timestamp', 3600],
    ] as const) {
      const r = req(cases, name);
      const t = Number(r.headers['webhook-timestamp']);
      expect(Math.abs(t - (Math.floor(Date.now() / 1000) + skew))).toBeLessThan(5);
      expect(() => wh.verify(r.body.toString(), lower(r.headers))).toThrow(/timestamp/i);
      expect(verifyRequest(customerglu.signing, { headers: lower(r.headers), body: r.body }, { secrets: [WHSEC], scheme: 'standard-webhooks', now: t }).valid).toBe(true);
    }
    const missing = req(cases, 'missing-signature');
    expect(missing.headers['webhook-id']).toBeDefined();
    expect(missing.headers['webhook-signature']).toBeUndefined();
    expect(req(cases, 'truncated-signature').headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]{22}$/);
  });

  it('rehook with --user: wrong and missing Authorization; without --user those cases are skipped', () => {
    const cases = planCases(rehook, { user: 'acme:pa55', now: NOW, events: ['customer.rewarded'] }).cases;
    expect(cases.map((c) => c.name)).toEqual(['valid:customer.rewarded', 'valid:non-ascii', 'duplicate', 'wrong-credentials', 'no-credentials', 'malformed-json']);
    const good = `Basic ${Buffer.from('acme:pa55').toString('base64')}`;
    expect(req(cases, 'valid:customer.rewarded').headers.Authorization).toBe(good);
    expect(req(cases, 'wrong-credentials').headers.Authorization).toBe(`Basic ${Buffer.from('acme:pa55-wrong').toString('base64')}`);
    expect(req(cases, 'no-credentials').headers.Authorization).toBeUndefined();
    expect(get(cases, 'wrong-credentials').expected).toBe('401/403');

    const anonymous = planCases(rehook, { now: NOW, events: ['customer.rewarded'] }).cases;
    expect(get(anonymous, 'wrong-credentials').skip).toMatch(/no --user given/);
    expect(get(anonymous, 'wrong-credentials').request).toBeUndefined();
  });

  it('customerglu-events: a same-length wrong X-API-KEY, and none; the key is required', () => {
    const cases = planCases(events, { apiKey: 'key-123456', now: NOW }).cases;
    expect(req(cases, 'valid:event').headers['X-API-KEY']).toBe('key-123456');
    const wrong = req(cases, 'wrong-credentials').headers['X-API-KEY']!;
    expect(wrong).not.toBe('key-123456');
    expect(wrong).toHaveLength(10);
    expect(req(cases, 'no-credentials').headers['X-API-KEY']).toBeUndefined();
    expect(usageError(() => planCases(events, {})).message).toContain('--api-key');
  });

  it('webengage: the secret query parameter is wrong or missing; success means 200 exactly', () => {
    const cases = planCases(webengage, { secrets: ['whsec_demo'], licenseCode: '~2024c5d1', now: NOW }).cases;
    const valid = req(cases, 'valid:event');
    expect(valid.query).toMatchObject({ licenseCode: '~2024c5d1', secret: 'e1305d13cda89fa8609a9915ba8c6904' });
    expect(get(cases, 'valid:event').expected).toBe('200');
    expect(req(cases, 'wrong-credentials').query.secret).toMatch(/^[0-9a-f]{32}$/);
    expect(req(cases, 'wrong-credentials').query.secret).not.toBe(valid.query.secret);
    expect(req(cases, 'no-credentials').query.secret).toBeUndefined();
    expect(req(cases, 'no-credentials').query.licenseCode).toBe('~2024c5d1');
    expect(usageError(() => planCases(webengage, { secrets: ['x'] })).message).toContain('--license-code');
  });

  it('reward: no credentials needed; signature cases listed as skipped, with a note', () => {
    const plan = planCases(reward, { now: NOW });
    expect(get(plan.cases, 'valid:non-ascii').skip).toBe("reward's payloads carry no free text (ids, numbers and fixed values only): there is no non-ASCII delivery to send");
    const skipped = plan.cases.filter((c) => c.skip && c.name !== 'valid:non-ascii');
    expect(skipped.map((c) => c.name)).toEqual(['wrong-secret', 'missing-signature', 'tampered-body', 'truncated-signature', 'garbage-signature']);
    expect(skipped.every((c) => c.skip === 'reward does not sign deliveries')).toBe(true);
    expect(plan.notes[0]).toMatch(/^signature cases are skipped: reward does not sign/);
    expect(plan.cases.filter((c) => c.request).map((c) => c.name)).toEqual(['valid:trigger_event.created', 'valid:balance.credit_points_issued', 'duplicate', 'malformed-json']);
  });

  it('carries the provider timeout for latency judgements (CleverTap: 3 s)', () => {
    const cases = planCases(clevertap, { apiKey: 'k', now: NOW }).cases;
    expect(get(cases, 'valid:event').context.providerTimeoutMs).toBe(3000);
  });
});

describe('the key rotation drill (--retired-secret)', () => {
  const OLD = 'old-secret-2025';
  const names = (cases: ConformanceCase[]) => cases.filter((c) => c.name.startsWith('rotation:'));

  it('stripe: new key, retired key and both keys in one header, each signed as it says', () => {
    const plan = planCases(customerglu, { scheme: 'stripe', secrets: [SECRET], retiredSecrets: [OLD], seed: 1, now: NOW });
    const [fresh, retired, both] = names(plan.cases);
    expect([fresh, retired, both].map((c) => [c!.name, c!.expected, c!.required, c!.skip])).toEqual([
      ['rotation:new-key', '2xx', true, undefined],
      ['rotation:retired-key', '4xx', true, undefined],
      ['rotation:both-keys', '2xx', true, undefined],
    ]);
    const v1 = (c: ConformanceCase) => c.request!.headers['Stripe-Signature']!.split(',').filter((p) => p.startsWith('v1='));
    const at = (c: ConformanceCase) => /^t=(\d+)/.exec(c.request!.headers['Stripe-Signature']!)![1]!;
    const mac = (secret: string, c: ConformanceCase) => `v1=${createHmac('sha256', secret).update(`${at(c)}.`).update(c.request!.body).digest('hex')}`;
    expect(v1(fresh!)).toEqual([mac(SECRET, fresh!)]);
    expect(v1(retired!)).toEqual([mac(OLD, retired!)]);
    expect(v1(both!)).toEqual([mac(SECRET, both!), mac(OLD, both!)]);
    // The wrong-secret case is neither key.
    const wrong = plan.cases.find((c) => c.name === 'wrong-secret')!;
    expect(v1(wrong)).not.toContain(mac(OLD, wrong));
  });

  it('--overlap expects the retired key accepted; a scheme with one signature per header skips both-keys, saying why', () => {
    const overlap = names(planCases(customerglu, { scheme: 'stripe', secrets: [SECRET], retiredSecrets: [OLD], overlap: true }).cases);
    expect(overlap.find((c) => c.name === 'rotation:retired-key')!.expected).toBe('2xx');
    const single = names(planCases(customerglu, { secrets: [SECRET], retiredSecrets: [OLD] }).cases);
    expect(single.find((c) => c.name === 'rotation:both-keys')!.skip).toMatch(/one signature per delivery/);
    expect(listCases(customerglu, { retiredSecrets: [OLD] }).map((c) => c.name)).toContain('rotation:retired-key');
    expect(names(planCases(customerglu, { secrets: [SECRET] }).cases)).toEqual([]);
  });

  it('a retired key the scheme cannot use, or a scheme that does not sign, is a usage error', () => {
    expect(usageError(() => planCases(customerglu, { scheme: 'standard-webhooks', secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], retiredSecrets: ['not base64!'] })).message).toMatch(/^--retired-secret: /);
    // The current key given as the retired one: the drill would blame the receiver for trusting its own key.
    expect(usageError(() => planCases(customerglu, { secrets: [SECRET, OLD], retiredSecrets: [OLD] })).message).toBe(
      '--retired-secret: the same key as --secret; give the key the sender used before the rotation',
    );
  });

  it('the judge: a receiver that still trusts the retired key fails, with what to do', () => {
    const retired = names(planCases(customerglu, { secrets: [SECRET], retiredSecrets: [OLD] }).cases).find((c) => c.name === 'rotation:retired-key')!;
    expect(judge(retired, { status: 200, latencyMs: 3 })).toMatchObject({ verdict: 'fail', hint: expect.stringMatching(/retired key: the receiver still trusts it/) });
    expect(judge(retired, { status: 401, latencyMs: 3 }).verdict).toBe('pass');
  });
});

describe('selection', () => {
  it('a prefix selects a group; --only and --skip mark the rest skipped', () => {
    expect(selects('valid', 'valid:reward')).toBe(true);
    expect(selects('valid', 'validate')).toBe(false);
    const cases = planCases(customerglu, { secrets: [SECRET], only: ['valid', 'wrong-secret'], skip: ['valid:nudge'], now: NOW }).cases;
    expect(cases.filter((c) => c.request).map((c) => c.name)).toEqual(['valid:reward', 'valid:raw-event', 'valid:non-ascii', 'wrong-secret']);
    expect(get(cases, 'duplicate').skip).toBe('not selected (--only)');
    expect(get(cases, 'valid:nudge').skip).toBe('skipped (--skip)');
  });

  it('an unknown name is a usage error with a suggestion', () => {
    const e = usageError(() => planCases(customerglu, { secrets: [SECRET], skip: ['tampered'] }));
    expect(e.message).toContain('no case named "tampered" (did you mean "tampered-body"?)');
    expect(usageError(() => planCases(customerglu, { secrets: [SECRET], events: ['rewrd'] })).message).toContain('did you mean "reward"');
  });

  it('listCases needs no credentials', () => {
    expect(listCases(mgpass).map((c) => c.name)).toContain('garbage-signature');
    expect(listCases(events).map((c) => c.name)).toContain('wrong-credentials');
  });
});

describe('tamper', () => {
  it('changes an amount first, else the first number, else a string', () => {
    expect(tamper({ id: 'a', n: 1, details: { rewardAmount: 15 } })!.change).toBe('details.rewardAmount changed from 15 to 1015 after signing');
    expect(tamper({ id: 'a', n: 1 })!.change).toBe('n changed from 1 to 1001 after signing');
    const t = tamper({ tags: ['x'] })!;
    expect(t.payload).toEqual({ tags: ['x-tampered'] });
    expect(tamper({})).toBeUndefined();
  });
});

describe('judge', () => {
  const plan = planCases(customerglu, { secrets: [SECRET], now: NOW, events: ['reward'] }).cases;
  const sw = planCases(customerglu, { scheme: 'standard-webhooks', secrets: [WHSEC], now: NOW, events: ['reward'] }).cases;
  const ct = planCases(clevertap, { apiKey: 'k', now: NOW }).cases;
  const we = planCases(webengage, { secrets: ['s'], licenseCode: 'l', now: NOW }).cases;
  const j = (cases: ConformanceCase[], name: string, r: CaseResponse) => judge(get(cases, name), r);

  it('passes what meets the expectation', () => {
    expect(j(plan, 'valid:reward', { status: 200, latencyMs: 5 })).toEqual({ verdict: 'pass' });
    expect(j(plan, 'wrong-secret', { status: 401, latencyMs: 5 })).toEqual({ verdict: 'pass' });
    expect(j(plan, 'non-compact-body', { status: 204, latencyMs: 5 })).toEqual({ verdict: 'pass', hint: 'verifies the raw body bytes' });
  });

  it('says what an accepted forgery means', () => {
    expect(j(plan, 'wrong-secret', { status: 200 })).toEqual({ verdict: 'fail', hint: 'accepted a body signed with the wrong secret: the receiver does not verify signatures' });
    expect(j(plan, 'missing-signature', { status: 202 }).hint).toMatch(/^accepted a delivery without the X-CG-SIGNATURE header/);
    expect(j(plan, 'tampered-body', { status: 200 }).hint).toMatch(/^accepted a body changed after signing \(\S+ changed from .+ after signing\): the receiver does not verify/);
    expect(j(sw, 'stale-timestamp', { status: 200 }).hint).toMatch(/replayed/);
    expect(j(plan, 'malformed-json', { status: 200 }).hint).toMatch(/^acknowledged a body that is not JSON/);
  });

  it('says a 5xx on a forged delivery is a crash, and names the usual cause', () => {
    expect(j(plan, 'missing-signature', { status: 500 })).toEqual({
      verdict: 'fail',
      hint: 'answered 500: the receiver crashed on a missing X-CG-SIGNATURE header instead of rejecting it (e.g. Buffer.from(undefined) or timingSafeEqual on it): check the header is present, then answer 401',
    });
    expect(j(plan, 'truncated-signature', { status: 502 }).hint).toContain('timingSafeEqual throws on a length mismatch');
    expect(j(plan, 'wrong-secret', { status: 500 }).hint).toBe('answered 500 to a forged delivery (signed with a wrong secret): the receiver crashed instead of rejecting it; answer 401');
  });

  it('a 5xx or a reset on the non-compact body is a crash on a genuine delivery, not a forgery to refuse', () => {
    expect(j(plan, 'non-compact-body', { status: 500 })).toEqual({
      verdict: 'warn',
      hint: 'answered 500 to a correctly signed body that is not compact JSON: the receiver crashed on it; check its logs',
    });
    const reset = j(sw, 'non-compact-body', { error: { code: 'connection_reset', message: 'x' } });
    expect(reset.verdict).toBe('fail');
    expect(reset.hint).toBe('the receiver closed the connection without a complete answer: it crashed on this request; check its logs');
  });

  it('fails a receiver that rejects duplicates or valid deliveries, with the reason', () => {
    const dup = j(plan, 'duplicate', { status: 409 });
    expect(dup.verdict).toBe('fail');
    expect(dup.hint).toMatch(/^rejected a duplicate with 409: providers retry/);
    expect(dup.hint).toContain(get(plan, 'duplicate').context.dedupKey!);
    expect(j(plan, 'valid:reward', { status: 401 }).hint).toMatch(/secret differs from --secret/);
    expect(j(plan, 'valid:reward', { status: 500 }).hint).toMatch(/crashed on it/);
    expect(j(plan, 'valid:reward', { status: 404 }).hint).toMatch(/is the URL .* right/);
    expect(j(plan, 'valid:reward', { status: 302, location: '/login' }).hint).toMatch(/redirect to \/login/);
    expect(j(we, 'valid:event', { status: 204 })).toMatchObject({ verdict: 'fail', hint: expect.stringContaining('counts only 200 as success') });
    expect(j(we, 'duplicate', { status: 202 }).hint).toBe('answered 202: WebEngage counts only 200 as success, so it records this delivery as failed');
  });

  it('downgrades an advisory failure to a warning; the same answer fails a required case', () => {
    const advisory = j(plan, 'non-compact-body', { status: 401 });
    expect(advisory.verdict).toBe('warn');
    expect(advisory.hint).toContain('re-serializes');
    const required = j(sw, 'non-compact-body', { status: 401 });
    expect(required.verdict).toBe('fail');
    expect(required.hint).toContain('verify the body exactly as received');
  });

  it('warns when credentials are rejected with a status other than 401/403', () => {
    expect(j(ct, 'wrong-credentials', { status: 400 })).toMatchObject({ verdict: 'warn', hint: expect.stringContaining('answer 401') });
    expect(j(ct, 'no-credentials', { status: 403 })).toEqual({ verdict: 'pass' });
    expect(j(ct, 'no-credentials', { status: 200 }).hint).toBe('accepted a delivery with no credentials: the receiver does not require X-API-KEY');
  });

  it('judges latency against the provider timeout', () => {
    expect(j(ct, 'valid:event', { status: 200, latencyMs: 400 })).toEqual({ verdict: 'pass' });
    expect(j(ct, 'valid:event', { status: 200, latencyMs: 2100 })).toEqual({
      verdict: 'warn',
      hint: "answered in 2.1 s, close to CleverTap's 3.0 s timeout: acknowledge first, then process asynchronously",
    });
    expect(j(ct, 'valid:event', { status: 200, latencyMs: 3500 }).verdict).toBe('fail');
    // Without a documented timeout: a warning only.
    expect(j(plan, 'valid:reward', { status: 200, latencyMs: 12_000 }).verdict).toBe('warn');
  });

  it('explains network failures', () => {
    expect(j(plan, 'missing-signature', { error: { code: 'connection_reset', message: 'x' } }).hint).toMatch(/closed the connection without a complete answer: it crashed on this request \(answer 4xx instead\)/);
    expect(j(ct, 'valid:event', { error: { code: 'timeout', message: 'x' }, timeoutMs: 3000 }).hint).toMatch(/^no response within 3.0 s: CleverTap would count/);
    expect(j(plan, 'duplicate', { error: { code: 'connection_refused', message: 'x' } }).hint).toMatch(/stopped accepting connections/);
    expect(j(plan, 'missing-signature', { error: { code: 'timeout', message: 'x' }, timeoutMs: 300 }).hint).toBe(
      'no response within 0.3 s to a forged delivery (no signature header): the receiver hangs instead of rejecting it; answer 4xx at once',
    );
  });
});

describe('junit', () => {
  it('escapes markup, quotes and characters XML cannot hold', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('bell\u0007 nul\u0000 tab\t ok')).toBe('bell nul tab\t ok');
    expect(escapeXml('emoji 😀 lone \uD800 end')).toBe('emoji 😀 lone  end');
    // A receiver's answer in a report written to a terminal (--junit /dev/stdout): C1, bidi controls and line
    // separators as character references, the same characters to an XML parser (as --json escapes them).
    expect(escapeXml('pay \u202e01 ot\u0085 \u009b\u200f\u2028 \u061c\u2066x\u2069')).toBe('pay &#x202e;01 ot&#x85; &#x9b;&#x200f;&#x2028; &#x61c;&#x2066;x&#x2069;');
  });

  it('writes a suite CI systems parse: counts, failures, skipped, warnings as system-out', () => {
    const nasty = `accepted "X" & <Y>\nline two`;
    const xml = junitXml({
      name: 'cg-hooks test customerglu',
      timestamp: '2026-01-01T00:00:00Z',
      properties: { url: 'http://127.0.0.1:3000/webhook?a=1&b=2' },
      cases: [
        { name: 'valid:reward', classname: 'cg', status: 'pass', time: 0.012 },
        { name: 'wrong-secret', classname: 'cg', status: 'fail', message: nasty, detail: nasty },
        { name: 'non-compact-body', classname: 'cg', status: 'warn', message: 're-serializes <body>' },
        { name: 'stale-timestamp', classname: 'cg', status: 'skip', message: 'not selected' },
      ],
    });
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: true, htmlEntities: true }).parse(xml);
    const suite = doc.testsuites.testsuite;
    expect(suite).toMatchObject({ tests: '4', failures: '1', skipped: '1', errors: '0' });
    expect(suite.properties.property.value).toBe('http://127.0.0.1:3000/webhook?a=1&b=2');
    const [pass, fail, warn, skip] = suite.testcase;
    expect(pass.time).toBe('0.012');
    expect(fail.failure.message).toBe(nasty);
    expect(fail.failure['#text']).toBe(nasty);
    expect(warn['system-out']).toBe('warning: re-serializes <body>');
    expect(warn.failure).toBeUndefined();
    expect(skip.skipped.message).toBe('not selected');
  });
});
