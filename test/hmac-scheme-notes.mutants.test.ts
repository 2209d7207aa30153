// What verifyHmac (src/signing/schemes/hmac-scheme.ts) says about a header written otherwise than the platform
// writes it, and which timestamp it checks the MAC over, per scheme. Each timestamp form is checked against the
// library a receiver is built on (stripe-node, standardwebhooks, svix, Bolt): a delivery one of them accepts must be
// valid here, and one they refuse must not be. The notes' exact words are pinned: they are what a user reads.
// Written for the survivors of the wave-10 Stryker run (docs/mutation.md, hmac-scheme.ts).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verify } from '../src/index.js';
import { profileOf } from '../src/signing/registry.js';
import { verifyHmac } from '../src/signing/schemes/hmac-scheme.js';
import type { HmacProfile } from '../src/signing/schemes/profile.js';
import { slackOracle, standardWebhooksOracle, stripeOracle, svixOracle, type Headers, type Oracle } from './helpers/oracles.js';

const BODY = '{"rewardId":"acdc71c6","rewardAmount":15,"note":"Café ☕"}';
const BYTES = Buffer.from(BODY);
// A time near now: the libraries read the clock themselves. A multiple of 10, for the exponent form "…e1".
const TS = Math.floor(Date.now() / 10_000) * 10;
const ID = 'msg_2pYQ7x9kVbWc3dEf8gHj1kLm';
const P = (id: Parameters<typeof profileOf>[0]) => profileOf(id)!;
const STRIPE = P('stripe');
const SW = P('standard-webhooks');
const SLACK = P('slack');
const SW_KEY = Buffer.from(svixOracle.secret.slice('whsec_'.length), 'base64');

const stripeSig = (signed: string | number, secret = stripeOracle.secret) => createHmac('sha256', secret).update(`${signed}.${BODY}`).digest('hex');
const swSig = (signed: string | number, id = ID) => createHmac('sha256', SW_KEY).update(`${id}.${signed}.${BODY}`).digest('base64');
const slackSig = (signed: string | number, secret = slackOracle.secret) => createHmac('sha256', secret).update(`v0:${signed}:${BODY}`).digest('hex');

/** A timestamp as sent, what the sender signed, and whether the platform's library accepts it. */
type Row = [text: string, signed: string, accepted: boolean];

// Test names must not hold the time: Stryker runs each mutant's tests by name, in processes started at other times.
const NAMES: Array<[string, string]> = [[`0x${TS.toString(16)}`, '0x<T in hex>'], [`${TS / 10}e1`, '<T/10>e1'], [String(TS), 'T']];
const named = (text: string) => JSON.stringify(NAMES.reduce((s, [value, name]) => s.split(value).join(name), text));

function agree(oracle: Oracle, headersFor: (text: string, signed: string) => Headers, rows: Row[]) {
  it.each(rows.map((r) => [named(r[0]), `signed over ${named(r[1])}`, r] as const))('%s %s', async (_t, _s, [text, signed, accepted]) => {
    const headers = headersFor(text, signed);
    const theirs = await oracle.accepts(BODY, headers);
    const ours = verify(oracle.scheme, { headers, body: BODY }, { secret: oracle.secret });
    expect({ ours: ours.valid, theirs }, ours.reason).toEqual({ ours: accepted, theirs: accepted });
  });
}

describe('the timestamp each scheme signs, as its library reads it', () => {
  const T = String(TS);
  describe('Standard Webhooks (standardwebhooks, svix): parseInt, the number signed', () => {
    const rows: Row[] = [
      [T, T, true],
      [`0${T}`, T, true],
      [`0${T}`, `0${T}`, false],
      [`${T}.5`, T, true],
      [`${T}.5`, `${T}.5`, false],
      [`+${T}`, T, true],
      [`+${T}`, `+${T}`, false],
      [` ${T} `, T, true],
      [`${T}abc`, T, true],
      [`-${T}`, `-${T}`, false],
      ['', '', false],
      ['abc', 'abc', false],
    ];
    const headers = (names: [string, string, string]) => (text: string, signed: string) => ({ [names[0]]: ID, [names[1]]: text, [names[2]]: `v1,${swSig(signed)}` });
    describe('standardwebhooks, webhook-* headers', () => agree(standardWebhooksOracle, headers(['webhook-id', 'webhook-timestamp', 'webhook-signature']), rows));
    describe('svix, svix-* headers', () => agree(svixOracle, headers(['svix-id', 'svix-timestamp', 'svix-signature']), rows));
  });

  describe('Slack (Bolt): Number(), the number signed, fractions included', () => {
    const hexT = `0x${TS.toString(16)}`;
    const rows: Row[] = [
      [T, T, true],
      [`0${T}`, T, true],
      [`0${T}`, `0${T}`, false],
      [`${T}.5`, `${T}.5`, true],
      [`${T}.5`, T, false],
      [`${T}.25`, `${T}.25`, true],
      [`${T}.50`, `${T}.5`, true],
      [`${T}.50`, `${T}.50`, false],
      [`+${T}`, T, true],
      [` ${T} `, T, true],
      [`${TS / 10}e1`, T, true],
      [hexT, T, true],
      [hexT, hexT, false],
      [`${T}abc`, `${T}abc`, false],
      ['-5', '-5', false],
      ['', '', false],
    ];
    agree(slackOracle, (text, signed) => ({ 'x-slack-request-timestamp': text, 'x-slack-signature': `v0=${slackSig(signed)}` }), rows);
  });

  describe('Stripe (stripe-node): parseInt of t=, the number signed', () => {
    const rows: Row[] = [
      [T, T, true],
      [`${T}.5`, T, true],
      [`${T}.5`, `${T}.5`, false],
      [`0${T}`, T, true],
      [`-${T}`, `-${T}`, false],
    ];
    agree(stripeOracle, (text, signed) => ({ 'stripe-signature': `t=${text},v1=${stripeSig(signed)}` }), rows);
  });

  it('Stripe: a t= of 23 digits reads as 1e+23, which is no unix time (stripe-node checks only the age, and would take it)', async () => {
    const t = '99999999999999999999999';
    const headers = { 'stripe-signature': `t=${t},v1=${stripeSig('1e+23')}` };
    expect(await stripeOracle.accepts(BODY, headers)).toBe(true);
    expect(verify('stripe', { headers, body: BODY }, { secret: stripeOracle.secret })).toMatchObject({ status: 'malformed', reason: 'timestamp "1e+23" is not unix seconds' });
  });

  it('Slack: a timestamp Number() reads as negative or in exponent form is no unix time (Bolt refuses the first as stale)', async () => {
    const slack = (t: string, signed: string) => verifyHmac(SLACK, { headers: { 'x-slack-request-timestamp': t, 'x-slack-signature': `v0=${slackSig(signed)}` }, body: BYTES }, { secrets: [slackOracle.secret] });
    expect(slack('-5', '-5')).toStrictEqual({ status: 'malformed', valid: false, header: 'X-Slack-Signature', reason: 'timestamp "-5" is not unix seconds' });
    expect(slack('1e21', '1e+21')).toStrictEqual({ status: 'malformed', valid: false, header: 'X-Slack-Signature', reason: 'timestamp "1e+21" is not unix seconds' });
    expect(slack(`${TS}.`, T)).toMatchObject({ status: 'valid' });
    expect(slack('1234567890123', '1234567890123')).toMatchObject({ status: 'malformed', reason: 'timestamp "1234567890123" is not unix seconds' });
  });
});

describe('a profile that signs the timestamp as sent (signsParsedTimestamp unset): the text, trimmed, digits only', () => {
  // No built-in timestamped scheme is one today; a profile says so by leaving signsParsedTimestamp unset.
  const TEXT: HmacProfile = { ...SLACK, label: 'Acme', signsParsedTimestamp: undefined };
  const acme = (t: string, signed: string) => verifyHmac(TEXT, { headers: { 'x-slack-request-timestamp': t, 'x-slack-signature': `v0=${slackSig(signed, 's')}` }, body: BYTES }, { secrets: ['s'], now: TS });
  it('a leading zero is signed as written, not as the number', () => {
    expect(acme(`0${TS}`, `0${TS}`)).toMatchObject({ status: 'valid' });
    expect(acme(`0${TS}`, String(TS))).toStrictEqual({ status: 'invalid', valid: false, header: 'X-Slack-Signature', reason: 'X-Slack-Signature does not match the body' });
  });
  it('a fraction is not unix seconds', () => {
    expect(acme(`${TS}.5`, `${TS}.5`)).toStrictEqual({ status: 'malformed', valid: false, header: 'X-Slack-Signature', reason: `timestamp "${TS}.5" is not unix seconds` });
  });
  it('whitespace around the header value is not part of it (HTTP trims it)', () => {
    expect(acme(` ${TS} `, String(TS))).toMatchObject({ status: 'valid' });
    expect(acme(`${TS}\t`, String(TS))).toMatchObject({ status: 'valid' });
  });
});

describe('the note appended to a malformed signature (Stripe-Signature read as Stripe\'s libraries read it)', () => {
  const stripe = (value: string) => verifyHmac(STRIPE, { headers: { 'stripe-signature': value }, body: BYTES }, { secrets: ['s'], now: TS });
  const MALFORMED = 'Stripe-Signature is not a Stripe signature: expected 64 hex characters (HMAC-SHA256), got 3 characters';

  it('none when the header is written as Stripe writes it', () => {
    expect(stripe(`t=${TS},v1=abc`)).toStrictEqual({ status: 'malformed', valid: false, header: 'Stripe-Signature', reason: MALFORMED });
  });
  it('one note, in parentheses', () => {
    expect(stripe(`t=0${TS},v1=abc`).reason).toBe(`${MALFORMED} (t=0${TS} has a leading zero: Stripe's libraries read it as ${TS} and check the signature over that number)`);
  });
  it('several, separated by "; "', () => {
    expect(stripe(`t=0${TS},V1=abc,v1=abc`).reason).toBe(
      `${MALFORMED} ("V1=" in upper case: Stripe's libraries read only "v1="; t=0${TS} has a leading zero: Stripe's libraries read it as ${TS} and check the signature over that number)`,
    );
  });
  it('no v1= at all: what the libraries would not read, separated by "; "', () => {
    expect(stripe(`T=0${TS},V1=abc`).reason).toBe(
      'Stripe-Signature has no v1= signature (expected "t=<unix seconds>,v1=<hex>"): "T=" in upper case: Stripe\'s libraries read only "t="; "V1=" in upper case: Stripe\'s libraries read only "v1="',
    );
  });
  it('Standard Webhooks: a malformed signature says nothing of the timestamp (it was not read yet)', () => {
    const headers = { 'webhook-id': ID, 'webhook-timestamp': `0${TS}`, 'webhook-signature': 'v1,abc' };
    expect(verifyHmac(SW, { headers, body: BYTES }, { secrets: [svixOracle.secret], now: TS }).reason).toBe(
      'webhook-signature is not a Standard Webhooks signature: expected 44 base64 characters (HMAC-SHA256), got 3 characters',
    );
  });
});

describe('the note appended to a signature that does not match', () => {
  const sw = (headers: Headers, options: object = {}) => verifyHmac(SW, { headers, body: BYTES }, { secrets: [svixOracle.secret], now: TS, ...options });

  it('Standard Webhooks: the timestamp header as sent, and the number the libraries check', () => {
    const headers = { 'webhook-id': ID, 'webhook-timestamp': `0${TS}`, 'webhook-signature': `v1,${swSig(`0${TS}`)}` };
    expect(sw(headers)).toStrictEqual({
      status: 'invalid',
      valid: false,
      header: 'webhook-signature',
      reason: `webhook-signature does not match the body (webhook-timestamp "0${TS}" has a leading zero: the Standard Webhooks libraries read it as ${TS} and check the signature over that number)`,
    });
    const fraction = { ...headers, 'webhook-timestamp': `${TS}.5`, 'webhook-signature': `v1,${swSig(`${TS}.5`)}` };
    expect(sw(fraction).reason).toBe(
      `webhook-signature does not match the body (webhook-timestamp "${TS}.5" has other characters than digits: the Standard Webhooks libraries read it as ${TS} and check the signature over that number)`,
    );
  });
  it('Standard Webhooks under Svix\'s names: the header named as it came (svix-timestamp)', () => {
    const headers = { 'svix-id': ID, 'svix-timestamp': `0${TS}`, 'svix-signature': `v1,${swSig(`0${TS}`)}` };
    expect(sw(headers).reason).toBe(
      `svix-signature does not match the body (svix-timestamp "0${TS}" has a leading zero: the Standard Webhooks libraries read it as ${TS} and check the signature over that number)`,
    );
  });
  it('Slack: Bolt named, its Number() reading given', () => {
    const slack = verifyHmac(SLACK, { headers: { 'x-slack-request-timestamp': `${TS}.50`, 'x-slack-signature': `v0=${slackSig(`${TS}.50`, 's')}` }, body: BYTES }, { secrets: ['s'], now: TS });
    expect(slack.reason).toBe(
      `X-Slack-Signature does not match the body (X-Slack-Request-Timestamp "${TS}.50" has other characters than digits: Bolt (Slack's library) reads it as ${TS}.5 and checks the signature over that number)`,
    );
  });
  it('none for a timestamp given by the caller (--timestamp): no header was sent to describe', () => {
    const headers = { 'webhook-signature': `v1,${swSig(`0${TS}`)}` };
    expect(sw(headers, { timestamp: `0${TS}`, id: ID })).toStrictEqual({ status: 'invalid', valid: false, header: 'webhook-signature', reason: 'webhook-signature does not match the body' });
    expect(sw(headers, { timestamp: TS + 0.5, id: ID }).reason).toBe('webhook-signature does not match the body');
    // A timestamp header there too: --timestamp replaced it, so it is not described either.
    expect(sw({ ...headers, 'webhook-timestamp': `0${TS}` }, { timestamp: `0${TS}`, id: ID }).reason).toBe('webhook-signature does not match the body');
  });
  it('none for a timestamp written as the platform writes it, header trimmed', () => {
    const headers = { 'webhook-id': ID, 'webhook-timestamp': `${TS} `, 'webhook-signature': `v1,${swSig(TS + 1)}` };
    expect(sw(headers).reason).toBe('webhook-signature does not match the body');
  });
  it('Stripe: every problem of the header, separated by "; "', () => {
    const stripe = verifyHmac(STRIPE, { headers: { 'stripe-signature': `t=0${TS},V1=abc,v1=${stripeSig(`0${TS}`, 's')}` }, body: BYTES }, { secrets: ['s'], now: TS });
    expect(stripe.reason).toBe(
      `Stripe-Signature does not match the body ("V1=" in upper case: Stripe's libraries read only "v1="; t=0${TS} has a leading zero: Stripe's libraries read it as ${TS} and check the signature over that number)`,
    );
  });
});
