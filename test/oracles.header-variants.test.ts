// Header-format variants against the platforms' own libraries: for every row, cg-hooks' verdict (library `verify`,
// the same code as `verify` and `listen`) must equal the verdict of the library a receiver is built on. A reader
// more lenient than the platform's would call "valid" what a real receiver refuses (Stripe's ", v1=" and t=0…).
// The `want` column is what the platform's library does today; both sides are checked against it.
import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { verify } from '../src/index.js';
import { explain } from '../src/signing/index.js';
import type { SigningSpec } from '../src/signing/types.js';
import { octokitOracle, shopifyOracle, slackOracle, standardWebhooksOracle, stripeOracle, svixOracle, type Headers, type Oracle } from './helpers/oracles.js';

const BODY = JSON.stringify({ id: 'evt_1Q2w3E4r5T6y7U8i', type: 'reward.issued', data: { rewardName: '25 coins ☕', userId: 'u-8f2c' } });
const TS = Math.floor(Date.now() / 1000);
const ID = 'msg_2pYQ7x9kVbWc3dEf8gHj1kLm';

interface Row {
  name: string;
  headers: Headers;
  want: boolean;
}

const hex = (secret: string | Buffer, text: string) => createHmac('sha256', secret).update(text).digest('hex');
const b64 = (secret: string | Buffer, text: string) => createHmac('sha256', secret).update(text).digest('base64');

function stripeRows(): Row[] {
  const s = stripeOracle.secret;
  const mac = (t: string | number) => hex(s, `${t}.${BODY}`);
  const good = mac(TS);
  const row = (name: string, value: string, want: boolean): Row => ({ name, headers: { 'stripe-signature': value }, want });
  return [
    row('as Stripe writes it', `t=${TS},v1=${good}`, true),
    row('a space after the comma', `t=${TS}, v1=${good}`, false),
    row('a space before the comma (t= is parseInt: "…123 " reads as the number)', `t=${TS} ,v1=${good}`, true),
    row('a space before "="', `t =${TS},v1=${good}`, false),
    row('a space after "v1="', `t=${TS},v1= ${good}`, false),
    row('a tab after the comma', `t=${TS},\tv1=${good}`, false),
    row('whitespace around the whole value', ` t=${TS},v1=${good} `, false),
    row('t= with a leading zero, signed over the text', `t=0${TS},v1=${mac(`0${TS}`)}`, false),
    row('t= with a leading zero, signed over the number', `t=0${TS},v1=${good}`, true),
    row('t= with text after the number, signed over the number', `t=${TS}abc,v1=${good}`, true),
    row('t= with a plus sign, signed over the number', `t=+${TS},v1=${good}`, true),
    row('duplicate t=: the last one is read (the right one last)', `t=${TS - 1000},t=${TS},v1=${good}`, true),
    row('duplicate t=: the last one is read (the right one first)', `t=${TS},t=${TS - 1000},v1=${good}`, false),
    row('a bare "t" after the pair (timestamp NaN)', `t=${TS},v1=${good},t`, false),
    row('no t=', `v1=${good}`, false),
    row('v0 only', `t=${TS},v0=${good}`, false),
    row('v1 and v0', `t=${TS},v1=${good},v0=${'0'.repeat(64)}`, true),
    row('v1= before t=', `v1=${good},t=${TS}`, true),
    row('upper-case T=', `T=${TS},v1=${good}`, false),
    row('upper-case V1=', `t=${TS},V1=${good}`, false),
    row('upper-case hex', `t=${TS},v1=${good.toUpperCase()}`, false),
    row('an empty part', `t=${TS},,v1=${good}`, true),
    row('a leading comma', `,t=${TS},v1=${good}`, true),
    row('a trailing comma', `t=${TS},v1=${good},`, true),
    row('an empty v1= before the right one (stripe-node throws)', `t=${TS},v1=,v1=${good}`, false),
    row('a bare "v1" before the right one', `t=${TS},v1,v1=${good}`, false),
    row('two v1= (rotation), the right one second', `t=${TS},v1=${mac(TS - 1)},v1=${good}`, true),
    // stripe-node's secureCompare throws on a v1 of the right length whose UTF-8 bytes are more (a header byte
    // above 0x7f reaches Node as a latin1 character), refusing the whole header even beside the right one.
    row('a 64-character v1= with a non-ASCII character beside the right one', `t=${TS},v1=${good},v1=\u00e9${good.slice(1)}`, false),
    row('a 64-character v1= with an astral character before the right one', `t=${TS},v1=\u{1F600}${good.slice(2)},v1=${good}`, false),
    row('a 63-character v1= with a non-ASCII character beside the right one (compared, not thrown on)', `t=${TS},v1=${good},v1=\u00e9${good.slice(2)}`, true),
    row('text after a second "=" in v1= (cut there)', `t=${TS},v1=${good}=x`, true),
    row('a truncated signature', `t=${TS},v1=${good.slice(0, 40)}`, false),
    row('an empty value', '', false),
  ];
}

function standardWebhooksRows(svixNames: boolean): Row[] {
  const key = Buffer.from(svixOracle.secret.slice('whsec_'.length), 'base64');
  const mac = (t: string | number, id = ID) => b64(key, `${id}.${t}.${BODY}`);
  const good = mac(TS);
  const row = (name: string, signature: string, want: boolean, timestamp: string = String(TS)): Row => ({
    name,
    headers: { 'webhook-id': ID, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
    want,
  });
  const rows = [
    row('as the specification writes it', `v1,${good}`, true),
    row('two signatures (rotation), the right one second', `v1,${mac(TS - 1)} v1,${good}`, true),
    row('two spaces between signatures', `v1,${mac(TS - 1)}  v1,${good}`, true),
    row('a tab between signatures', `v1,${mac(TS - 1)}\tv1,${good}`, false),
    row('a space after "v1,"', `v1, ${good}`, false),
    row('text after a second comma (cut there)', `v1,${good},x`, true),
    row('upper-case V1,', `V1,${good}`, false),
    row('v2, only', `v2,${good}`, false),
    row('v1a, with an HMAC', `v1a,${good}`, false),
    row('base64 without padding', `v1,${good.replace(/=+$/, '')}`, false),
    row('base64url', `v1,${good.replace(/\+/g, '-').replace(/\//g, '_')}`, good === good.replace(/[+/]/g, '')),
    row('the timestamp with a leading zero, signed over the text', `v1,${mac(`0${TS}`)}`, false, `0${TS}`),
    row('the timestamp with a leading zero, signed over the number', `v1,${good}`, true, `0${TS}`),
    row('the timestamp with text after it, signed over the number', `v1,${good}`, true, `${TS}abc`),
    row('the timestamp in milliseconds', `v1,${mac(TS * 1000)}`, false, String(TS * 1000)),
    row('an empty signature header', '', false),
  ];
  if (svixNames) rows.push({ name: 'svix-* header names', headers: { 'svix-id': ID, 'svix-timestamp': String(TS), 'svix-signature': `v1,${good}` }, want: true });
  return rows;
}

function githubRows(): Row[] {
  const good = hex(octokitOracle.secret, BODY);
  const row = (name: string, value: string, want: boolean): Row => ({ name, headers: { 'x-hub-signature-256': value }, want });
  return [
    row('as GitHub writes it', `sha256=${good}`, true),
    row('upper-case hex', `sha256=${good.toUpperCase()}`, false),
    row('upper-case SHA256=', `SHA256=${good}`, false),
    row('no prefix', good, false),
    row('sha1= prefix on the SHA-256 digest', `sha1=${good}`, false),
    row('text after the digest', `sha256=${good}00`, false),
    row('two signatures', `sha256=${good},sha256=${good}`, false),
    { name: 'only the legacy SHA-1 header', headers: { 'x-hub-signature': `sha1=${createHmac('sha1', octokitOracle.secret).update(BODY).digest('hex')}` }, want: false },
  ];
}

function shopifyRows(): Row[] {
  const good = b64(shopifyOracle.secret, BODY);
  const row = (name: string, value: string, want: boolean): Row => ({ name, headers: { 'x-shopify-hmac-sha256': value }, want });
  return [
    row('as Shopify writes it', good, true),
    row('without padding', good.replace(/=+$/, ''), false),
    row('hex instead of base64', hex(shopifyOracle.secret, BODY), false),
    row('a sha256= prefix', `sha256=${good}`, false),
    row('twice, comma-separated', `${good},${good}`, false),
  ];
}

function slackRows(): Row[] {
  const s = slackOracle.secret;
  const mac = (t: string | number) => hex(s, `v0:${t}:${BODY}`);
  const good = mac(TS);
  const row = (name: string, value: string, want: boolean, timestamp: string = String(TS)): Row => ({
    name,
    headers: { 'x-slack-signature': value, 'x-slack-request-timestamp': timestamp },
    want,
  });
  return [
    row('as Slack writes it', `v0=${good}`, true),
    row('upper-case hex', `v0=${good.toUpperCase()}`, false),
    row('upper-case V0=', `V0=${good}`, false),
    row('v1= prefix', `v1=${good}`, false),
    row('no prefix', good, false),
    // Bolt's receivers read the timestamp with Number() and sign the number.
    row('the timestamp with a leading zero, signed over the number', `v0=${good}`, true, `0${TS}`),
    row('the timestamp with a leading zero, signed over the text', `v0=${mac(`0${TS}`)}`, false, `0${TS}`),
    row('a fractional timestamp, signed as sent (Bolt accepts it)', `v0=${mac(`${TS}.5`)}`, true, `${TS}.5`),
    row('the timestamp in exponent form, signed over the text', `v0=${mac('1.7e9')}`, false, '1.7e9'),
  ];
}

const TABLES: Array<[string, Oracle, Row[]]> = [
  ['stripe-node', stripeOracle, stripeRows()],
  ['svix', svixOracle, standardWebhooksRows(true)],
  ['standardwebhooks', standardWebhooksOracle, standardWebhooksRows(false)],
  ['@octokit/webhooks-methods', octokitOracle, githubRows()],
  ['@shopify/shopify-api', shopifyOracle, shopifyRows()],
  ['@slack/bolt', slackOracle, slackRows()],
];

describe.each(TABLES)('%s: header variants, cg-hooks verify agrees with the library', (_name, oracle, rows) => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', async (_row, { headers, want }) => {
    const theirs = await oracle.accepts(BODY, headers);
    const ours = verify(oracle.scheme, { headers, body: BODY }, { secret: oracle.secret });
    expect({ ours: ours.valid, theirs }, ours.reason).toEqual({ ours: want, theirs: want });
  });
});

describe('what verify says about a Stripe header its libraries do not read', () => {
  const good = hex(stripeOracle.secret, `${TS}.${BODY}`);
  const check = (value: string) => verify('stripe', { headers: { 'stripe-signature': value }, body: BODY }, { secret: stripeOracle.secret });

  it('a space after the comma', () => {
    expect(check(`t=${TS}, v1=${good}`)).toMatchObject({ status: 'malformed', reason: expect.stringContaining('a space after the comma before v1=: Stripe\'s libraries do not accept it') });
  });
  it('a tab after the comma', () => {
    expect(check(`t=${TS},\tv1=${good}`).reason).toContain('a tab after the comma before v1=');
  });
  it('a leading zero in t=, signed over the text', () => {
    const mac = hex(stripeOracle.secret, `0${TS}.${BODY}`);
    expect(check(`t=0${TS},v1=${mac}`)).toMatchObject({ status: 'invalid', reason: expect.stringContaining(`t=0${TS} has a leading zero: Stripe's libraries read it as ${TS}`) });
  });
  it('upper-case keys', () => {
    expect(check(`t=${TS},V1=${good}`).reason).toContain('"V1=" in upper case');
  });
  it('an empty v1=', () => {
    expect(check(`t=${TS},v1=,v1=${good}`).reason).toContain('an empty v1=');
  });
});

describe('what verify says about a timestamp the libraries read as a number', () => {
  it('Standard Webhooks: a leading zero, signed over the text', () => {
    const key = Buffer.from(svixOracle.secret.slice('whsec_'.length), 'base64');
    const headers = { 'webhook-id': ID, 'webhook-timestamp': `0${TS}`, 'webhook-signature': `v1,${b64(key, `${ID}.0${TS}.${BODY}`)}` };
    expect(verify('standard-webhooks', { headers, body: BODY }, { secret: svixOracle.secret }).reason).toBe(
      `webhook-signature does not match the body (webhook-timestamp "0${TS}" has a leading zero: the Standard Webhooks libraries read it as ${TS} and check the signature over that number)`,
    );
  });

  it('Slack: Bolt reads it with Number()', () => {
    const headers = { 'x-slack-signature': `v0=${hex(slackOracle.secret, `v0:0${TS}:${BODY}`)}`, 'x-slack-request-timestamp': `0${TS}` };
    expect(verify('slack', { headers, body: BODY }, { secret: slackOracle.secret }).reason).toContain(`has a leading zero: Bolt (Slack's library) reads it as ${TS} and checks the signature over that number`);
  });
});

describe('--explain on a Stripe header its libraries do not read', () => {
  const stripeSpec: SigningSpec = { scheme: 'stripe', secretRequired: false, description: '' };
  const diagnose = (value: string) => explain(stripeSpec, { headers: { 'stripe-signature': value }, body: Buffer.from(BODY) }, { secrets: [stripeOracle.secret] });

  it('says first that a space after the comma is not accepted, though the MAC is right', () => {
    const x = diagnose(`t=${TS}, v1=${hex(stripeOracle.secret, `${TS}.${BODY}`)}`);
    expect(x.summary).toBe('The header is not written as Stripe writes it: a space after the comma before v1=: Stripe\'s libraries do not accept it.');
    expect(x.findings[0]).toMatchObject({ cause: 'signature-format', fix: expect.stringContaining('no spaces') });
  });

  it('says first that t= with a leading zero is checked over the number', () => {
    const x = diagnose(`t=0${TS},v1=${hex(stripeOracle.secret, `0${TS}.${BODY}`)}`);
    expect(x.summary).toContain(`t=0${TS} has a leading zero: Stripe's libraries read it as ${TS}`);
  });

  it('says nothing of the kind for a header written as Stripe writes it', () => {
    const x = diagnose(`t=${TS},v1=${hex('another secret', `${TS}.${BODY}`)}`);
    expect(x.findings.map((f) => f.title).join('\n')).not.toContain('not written as Stripe');
  });
});

// Where cg-hooks refuses on purpose what stripe-node accepts, pinned so that a change on either side is seen.
// stripe-node reads t= with parseInt and never checks the result: "t=", "t=abc" or a bare "t" is NaN, the MAC is
// taken over "NaN.{body}" and its age check (NaN > tolerance) never fails; stripe-python and stripe-go refuse such
// a header. And it checks only age, so a timestamp of any future passes; verify and listen allow --tolerance both
// ways (docs/verify.md), and `test` makes future-timestamp advisory for Stripe.
describe('stripe-node: where cg-hooks is stricter on purpose', () => {
  const nan = hex(stripeOracle.secret, `NaN.${BODY}`);
  const ahead = TS + 3600;
  const cases: Array<[string, string]> = [
    ['an empty t= (stripe-node signs "NaN." and skips its age check)', `t=,v1=${nan}`],
    ['t= not a number', `t=abc,v1=${nan}`],
    ['a bare "t" after a good t=', `t=${TS},t,v1=${nan}`],
    ['an hour in the future', `t=${ahead},v1=${hex(stripeOracle.secret, `${ahead}.${BODY}`)}`],
    ['20 digits (the year 3 trillion)', `t=99999999999999999999,v1=${hex(stripeOracle.secret, `100000000000000000000.${BODY}`)}`],
  ];
  it.each(cases)('%s: stripe-node accepts, cg-hooks refuses', async (_name, value) => {
    const headers = { 'stripe-signature': value };
    expect(await stripeOracle.accepts(BODY, headers)).toBe(true);
    expect(verify('stripe', { headers, body: BODY }, { secret: stripeOracle.secret }).valid).toBe(false);
  });
});

// The tolerance's edge, on a fixed clock (stripe-node's receivedAt, cg-hooks' now): an age of exactly 300 s passes
// in both, 301 s fails in both.
describe('stripe-node: the tolerance edge on a fixed clock', () => {
  const now = 1_767_225_600;
  it.each([
    [300, true],
    [301, false],
    [0, true],
  ])('a delivery %i s old: accepted %s', (age, want) => {
    const t = now - age;
    const value = `t=${t},v1=${hex(stripeOracle.secret, `${t}.${BODY}`)}`;
    let theirs = true;
    try {
      new Stripe('sk_test_cg_hooks_oracle').webhooks.constructEvent(BODY, value, stripeOracle.secret, undefined, undefined, now * 1000);
    } catch {
      theirs = false;
    }
    const ours = verify('stripe', { headers: { 'stripe-signature': value }, body: BODY }, { secret: stripeOracle.secret, now }).valid;
    expect({ ours, theirs }).toEqual({ ours: want, theirs: want });
  });
});
