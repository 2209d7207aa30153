// How a Stripe-Signature value is read (as stripe-node reads it) and what cg-hooks says about a header written
// otherwise than Stripe writes it. The oracle table (oracles.header-variants.test.ts) holds the verdicts to the
// libraries'; this holds the reader's every field and each note's exact words, which --explain and the reasons print.
import { describe, expect, it } from 'vitest';
import type { HmacProfile } from '../src/signing/schemes/profile.js';
import { headerFormatNotes, parsedTimestamp, readStripeHeader, stripeHeaderProblems, timestampTextNote } from '../src/signing/schemes/stripe-header.js';

const S = 'a'.repeat(64);
const LIBS = "Stripe's libraries";

describe('readStripeHeader', () => {
  it.each([
    ['as Stripe writes it', `t=1700000000,v1=${S}`, { hasT: true, signatures: [S], tText: '1700000000', t: '1700000000' }],
    ['a space after the comma hides v1=', `t=1700000000, v1=${S}`, { hasT: true, signatures: [], tText: '1700000000', t: '1700000000' }],
    ['whitespace around the value hides t= and stays in the signature', ` t=1700000000,v1=${S} `, { hasT: false, signatures: [`${S} `] }],
    ['a space before = hides t=', `t =1700000000,v1=${S}`, { hasT: false, signatures: [S] }],
    ['upper case is another key', `T=1700000000,V1=${S}`, { hasT: false, signatures: [] }],
    ['an empty v1= is kept as empty', 't=1700000000,v1=', { hasT: true, signatures: [''], tText: '1700000000', t: '1700000000' }],
    ['a leading zero: the number is what is signed', `t=01700000000,v1=${S}`, { hasT: true, signatures: [S], tText: '01700000000', t: '1700000000' }],
    ['text after the digits is ignored, as parseInt does', `t=1700000000x,v1=${S}`, { hasT: true, signatures: [S], tText: '1700000000x', t: '1700000000' }],
    ['no number: the text itself', `t=abc,v1=${S}`, { hasT: true, signatures: [S], tText: 'abc', t: 'abc' }],
    ['bare keys without =', 't,v1', { hasT: true, signatures: [undefined], t: '' }],
    ['every v1= in order; the last t= wins', `v1=${S},v1=b,t=1,t=2`, { hasT: true, signatures: [S, 'b'], tText: '2', t: '2' }],
    ['v0= is not a signature', 'v0=abc,t=1', { hasT: true, signatures: [], tText: '1', t: '1' }],
    ['nothing Stripe reads', 'x=1', { hasT: false, signatures: [] }],
  ])('%s', (_, value, want) => {
    expect(readStripeHeader(value)).toStrictEqual(want);
  });
});

describe('parsedTimestamp', () => {
  it('reads as parseInt (stripe-node, standardwebhooks) or Number (Bolt); the text itself when it holds no number', () => {
    expect(parsedTimestamp(' 12x')).toBe('12');
    expect(parsedTimestamp(' 12x', 'parseInt')).toBe('12');
    expect(parsedTimestamp(' 12x', 'Number')).toBe(' 12x');
    expect(parsedTimestamp(' 12 ', 'Number')).toBe('12');
    expect(parsedTimestamp('1e3', 'Number')).toBe('1000');
    expect(parsedTimestamp('1e3')).toBe('1');
    // Number('') and Number('  ') are 0: an empty timestamp is no timestamp, not the epoch.
    expect(parsedTimestamp('', 'Number')).toBe('');
    expect(parsedTimestamp('  ', 'Number')).toBe('  ');
    expect(parsedTimestamp('abc')).toBe('abc');
    expect(parsedTimestamp('')).toBe('');
  });
});

describe('timestampTextNote', () => {
  it('names what differs from the number', () => {
    expect(timestampTextNote('t=017', '017', '17', LIBS)).toBe(`t=017 has a leading zero: ${LIBS} read it as 17 and check the signature over that number`);
    expect(timestampTextNote('t= 17', ' 17', '17', LIBS)).toBe(`t= 17 has whitespace around it: ${LIBS} read it as 17 and check the signature over that number`);
    // One library, not "libraries": the verbs agree with it.
    expect(timestampTextNote('t=17 ', '17 ', '17', "Bolt (Slack's library)")).toBe("t=17  has whitespace around it: Bolt (Slack's library) reads it as 17 and checks the signature over that number");
    expect(timestampTextNote('t=17x', '17x', '17', LIBS)).toBe(`t=17x has other characters than digits: ${LIBS} read it as 17 and check the signature over that number`);
    // A zero alone is no leading zero; after whitespace it still is one.
    expect(timestampTextNote('t=0x', '0x', '0', LIBS)).toContain('other characters than digits');
    expect(timestampTextNote('t= 017', ' 017', '17', LIBS)).toContain('a leading zero');
  });
});

describe('stripeHeaderProblems', () => {
  it.each([
    ['as Stripe writes it', `t=1700000000,v1=${S}`, []],
    ['two signatures (a rotation)', `t=1700000000,v1=${S},v1=${S}`, []],
    ['a space after the comma', `t=1700000000, v1=${S}`, [`a space after the comma before v1=: ${LIBS} do not accept it`]],
    ['a tab after the comma', `t=1700000000,\tv1=${S}`, [`a tab after the comma before v1=: ${LIBS} do not accept it`]],
    ['a space after the comma before t=', `v1=${S}, t=1700000000`, [`a space after the comma before t=: ${LIBS} do not accept it`]],
    ['a space before the =', `t =1700000000,v1=${S}`, [`a space before the "=" of t=: ${LIBS} do not accept it`]],
    ['a tab before the = of v1', `t=1700000000,v1\t=${S}`, [`a tab before the "=" of v1=: ${LIBS} do not accept it`]],
    ['a space after the comma before v0=', `t=1700000000,v1=${S}, v0=abc`, [`a space after the comma before v0=: ${LIBS} do not accept it`]],
    ['a space after the comma before another key: not Stripe\'s, not said', `t=1700000000,v1=${S}, foo=1`, []],
    ['whitespace around the whole value, said once', ` t=1700000000,v1=${S} `, [`whitespace around the whole value: ${LIBS} do not trim it`]],
    ['leading whitespace, and a space after a later comma: both said', ` t=1700000000, v1=${S}`, [`whitespace around the whole value: ${LIBS} do not trim it`, `a space after the comma before v1=: ${LIBS} do not accept it`]],
    ['a trailing space alone', `t=1700000000,v1=${S} `, [`whitespace around the whole value: ${LIBS} do not trim it`]],
    ['upper case', `T=1700000000,V1=${S}`, [`"T=" in upper case: ${LIBS} read only "t="`, `"V1=" in upper case: ${LIBS} read only "v1="`]],
    ['an empty v1=', 't=1700000000,v1=', ['an empty v1=: stripe-node refuses the whole header']],
    ['an empty v1= then a good one', `t=1700000000,v1=,v1=${S}`, ['an empty v1=: stripe-node refuses the whole header']],
    ['whitespace around a signature', `t=1700000000,v1= ${S},v1=${S}`, [`whitespace around a v1= signature: ${LIBS} compare it as is`]],
    ['whitespace after the last signature is the value\'s', `t=1700000000,v1=${S}\t`, [`whitespace around the whole value: ${LIBS} do not trim it`]],
    ['the same problem twice is said once', `t=1700000000, v1=${S}, v1=${S}`, [`a space after the comma before v1=: ${LIBS} do not accept it`]],
    ['a leading zero', `t=01700000000,v1=${S}`, [`t=01700000000 has a leading zero: ${LIBS} read it as 1700000000 and check the signature over that number`]],
    ['a long timestamp is cut', `t=${'0'.repeat(30)}1,v1=${S}`, [`t=${'0'.repeat(24)}… has a leading zero: ${LIBS} read it as 1 and check the signature over that number`]],
    ['a 25-character timestamp is cut', `t=${'0'.repeat(24)}1,v1=${S}`, [`t=${'0'.repeat(24)}… has a leading zero: ${LIBS} read it as 1 and check the signature over that number`]],
    ['a 24-character timestamp is not cut', `t=${'0'.repeat(23)}1,v1=${S}`, [`t=${'0'.repeat(23)}1 has a leading zero: ${LIBS} read it as 1 and check the signature over that number`]],
    ['whitespace inside the last signature, none at the value\'s end', `t=1700000000,v1= ${S}`, [`whitespace around a v1= signature: ${LIBS} compare it as is`]],
    ['whitespace at the value\'s end does not hide an earlier signature\'s', `t=1700000000,v1= ${S},v1=${S} `, [`whitespace around the whole value: ${LIBS} do not trim it`, `whitespace around a v1= signature: ${LIBS} compare it as is`]],
    ['a bare key after a space', 't=1700000000, v1', [`a space after the comma before v1=: ${LIBS} do not accept it`]],
    ['a version of two digits', 't=1700000000, v12=abc', [`a space after the comma before v12=: ${LIBS} do not accept it`]],
    ['keys that only contain a version are not versions', 't=1700000000, xv1=abc, v1x=abc', []],
    ['upper case, two digits', 't=1700000000,V12=abc', [`"V12=" in upper case: ${LIBS} read only "v12="`]],
    ['upper-case lookalikes are other keys', 't=1700000000,XV1=abc,V1X=abc', []],
    ['an empty value of another key is not an empty v1=', `t=1700000000,v1=${S},v0=,x=`, []],
    ['no number in t=: nothing to say here (refused as not unix seconds)', `t=abc,v1=${S}`, []],
    ['a number after text: parseInt reads none', `t=x17,v1=${S}`, []],
    ['a negative number is no unix time: nothing to note (refused as not unix seconds)', `t= -5,v1=${S}`, []],
  ])('%s', (_, value, want) => {
    expect(stripeHeaderProblems(value)).toStrictEqual(want);
  });
});

describe('headerFormatNotes', () => {
  const stripe = { list: 'stripe', signsParsedTimestamp: 'parseInt', timestampHeader: undefined, label: 'Stripe' } as unknown as HmacProfile;
  const slack = { list: 'single', signsParsedTimestamp: 'Number', timestampHeader: 'X-Slack-Request-Timestamp', label: 'Slack' } as unknown as HmacProfile;
  const plain = { list: 'single', timestampHeader: 'X-Timestamp', label: 'Custom' } as unknown as HmacProfile;
  const sw = { list: 'space', signsParsedTimestamp: 'parseInt', timestampHeader: 'webhook-timestamp', label: 'Standard Webhooks' } as unknown as HmacProfile;
  const acme = { list: 'single', signsParsedTimestamp: 'parseInt', timestampHeader: 'X-Acme-Time', label: 'Acme' } as unknown as HmacProfile;

  it('names whose libraries read it so', () => {
    expect(headerFormatNotes(sw, 'v1,abc', '017')).toStrictEqual(['webhook-timestamp "017" has a leading zero: the Standard Webhooks libraries read it as 17 and check the signature over that number']);
    expect(headerFormatNotes(acme, 'abc', '017')).toStrictEqual(["X-Acme-Time \"017\" has a leading zero: Acme's libraries read it as 17 and check the signature over that number"]);
  });

  it('Stripe: the header\'s problems, from the signature header alone', () => {
    expect(headerFormatNotes(stripe, `t=1700000000, v1=${S}`, '1700000000')).toStrictEqual([`a space after the comma before v1=: ${LIBS} do not accept it`]);
    expect(headerFormatNotes(stripe, undefined, '017')).toStrictEqual([]);
  });

  it('a scheme that signs the parsed timestamp: what its libraries read instead of the text', () => {
    expect(headerFormatNotes(slack, 'v0=abc', '1700000000.0')).toStrictEqual(["X-Slack-Request-Timestamp \"1700000000.0\" has other characters than digits: Bolt (Slack's library) reads it as 1700000000 and checks the signature over that number"]);
    expect(headerFormatNotes(slack, 'v0=abc', ` ${'1'.repeat(30)}`)[0]).toMatch(/^X-Slack-Request-Timestamp " 1{23}…" has whitespace around it/);
    expect(headerFormatNotes(slack, 'v0=abc', '1700000000')).toStrictEqual([]);
    // No number at all: nothing to note (the timestamp is refused as not unix seconds).
    expect(headerFormatNotes(slack, 'v0=abc', 'soon')).toStrictEqual([]);
    expect(headerFormatNotes(slack, 'v0=abc', undefined)).toStrictEqual([]);
    // A negative number is no unix time: nothing to note (refused as not unix seconds).
    expect(headerFormatNotes(slack, 'v0=abc', ' -5')).toStrictEqual([]);
    // Cut past 24 characters, not at 24.
    expect(headerFormatNotes(slack, 'v0=abc', ` ${'1'.repeat(23)}`)[0]).toMatch(/^X-Slack-Request-Timestamp " 1{23}" has whitespace around it/);
  });

  it('a scheme that signs the text as sent has nothing to note', () => {
    expect(headerFormatNotes(plain, 'abc', '017')).toStrictEqual([]);
  });
});
