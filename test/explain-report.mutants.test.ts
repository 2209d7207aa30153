// The pieces every --explain finding is made of (src/signing/explain/report.ts): where the bytes first differ, the
// escaped excerpt that makes invisible differences visible, the body finding's words, and the comparison note.
import { describe, expect, it } from 'vitest';
import { excerpt, firstDifference } from '../src/signing/explain/index.js';
import { bodyFinding, comparisonFinding } from '../src/signing/explain/report.js';
import { parseBody, type BodyVariant } from '../src/signing/explain/variants.js';

const b = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s, 'latin1') : Buffer.from(s));

describe('firstDifference', () => {
  it('equal, one a prefix of the other, a differing byte', () => {
    expect(firstDifference(b('abc'), b('abc'))).toBe(-1);
    expect(firstDifference(b(''), b(''))).toBe(-1);
    expect(firstDifference(b('abc'), b('abcd'))).toBe(3);
    expect(firstDifference(b('abcd'), b('ab'))).toBe(2);
    expect(firstDifference(b('abc'), b('abd'))).toBe(2);
    expect(firstDifference(b('xbc'), b('abc'))).toBe(0);
  });
});

describe('excerpt', () => {
  const alphabet = b('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
  it('8 bytes before and 24 after by default, with … where it is cut', () => {
    expect(excerpt(b('abc'), 0)).toBe('abc');
    expect(excerpt(alphabet, 8)).toBe('abcdefghijklmnopqrstuvwxyzABCDEF…');
    expect(excerpt(alphabet, 9)).toBe('…bcdefghijklmnopqrstuvwxyzABCDEFG…');
    expect(excerpt(alphabet, 28)).toBe('…uvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
    expect(excerpt(alphabet, 27)).toBe('…tuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY…');
    expect(excerpt(alphabet, 10, 2, 3)).toBe('…ijklm…');
  });

  it('the end of the bytes is marked when the difference is past it', () => {
    expect(excerpt(b('ab'), 2)).toBe('ab⟨end⟩');
    expect(excerpt(b('ab'), 1)).toBe('ab');
    expect(excerpt(b(''), 0)).toBe('⟨end⟩');
  });

  it('invisible and non-ASCII bytes are escaped; printable ASCII is not', () => {
    expect(excerpt(b([0x0a, 0x0d, 0x09, 0x5c, 0x20, 0x7e, 0x1f, 0x7f, 0x05, 0xab, 0x00, 0xff]), 0)).toBe('\\n\\r\\t\\\\ ~\\x1F\\x7F\\x05\\xAB\\x00\\xFF');
  });
});

const variant = (v: Partial<BodyVariant> & { bytes: Buffer }): BodyVariant => ({ id: 'x', cause: 'whitespace', label: 'a form', ...v });

describe('bodyFinding', () => {
  it('the offset, both lengths and excerpts; why as a sentence; the fix', () => {
    const given = b('{"a":1}');
    const f = bodyFinding(variant({ bytes: b('{"a":1}\n'), why: 'the signer added a newline', fix: 'do not' }), given, 'Title.');
    expect(f).toStrictEqual({
      cause: 'whitespace',
      title: 'Title.',
      detail: ['The signer added a newline.', 'First difference at byte 7 (the body you have is 7 bytes, the signed bytes 8).'],
      fix: 'do not',
      offset: 7,
      excerpt: { given: '{"a":1}⟨end⟩', signed: '{"a":1}\\n' },
    });
    // Counted in another body (the decoded one), named as such.
    expect(bodyFinding(variant({ bytes: b('ab') }), b('ax'), 'T', undefined, 'the decoded body').detail).toStrictEqual(['First difference at byte 1 (the decoded body is 2 bytes, the signed bytes 2).']);
  });

  it('the same bytes: no offset, no excerpt; no why, no fix: nothing said of them', () => {
    expect(bodyFinding(variant({ bytes: b('same') }), b('same'), 'T')).toStrictEqual({ cause: 'whitespace', title: 'T', detail: [] });
  });

  it('the raw body is reported as a re-serialization; other signers of the same bytes are listed', () => {
    const f = bodyFinding(variant({ cause: 'raw', bytes: b('x'), alsoBy: ['Ruby', 'Go'] }), b('x'), 'T');
    expect(f).toStrictEqual({ cause: 're-serialized', title: 'T', detail: ['The same bytes come from: Ruby; Go.'] });
    expect(bodyFinding(variant({ bytes: b('x'), alsoBy: [] }), b('x'), 'T').detail).toStrictEqual([]);
  });

  it('a serializer without its own why: what it changed, with the first token it wrote differently', () => {
    const body = b('{"name":"Caf\\u00e9","n":1.0}');
    const parsed = parseBody(body);
    const py = variant({ cause: 'other-serializer', bytes: b('{"name": "Caf\\u00e9", "n": 1.0}') });
    expect(bodyFinding(py, body, 'T', parsed).detail[0]).toBe('Its output differs from the body you have in whitespace.');
    const js = variant({ cause: 'other-serializer', bytes: Buffer.from('{"name":"Café","n":1}') });
    expect(bodyFinding(js, body, 'T', parsed).detail[0]).toBe('Its output differs from the body you have in how strings are escaped, how numbers are written (first: "Caf\\u00e9" → "Café").');
    // A raw C1 control (U+009B, a terminal's CSI) in a token is escaped when the words name it.
    const csi = Buffer.from('["a\u009b[2J"]', 'utf8');
    const csiOut = bodyFinding(variant({ cause: 'other-serializer', bytes: b('["a\\u009b[2J"]') }), csi, 'T', parseBody(csi)).detail[0]!;
    expect(csiOut).not.toContain('\u009b');
    expect(csiOut).toMatch(/^Its output differs from the body you have in how strings are escaped \(first: "a.+\[2J" → "a\\u009b\[2J"\)\.$/);
    // A long token is cut at 40 characters.
    const long = `${'x'.repeat(45)}\\u001b`;
    const lbody = b(`["${long}"]`);
    const out = bodyFinding(variant({ cause: 'other-serializer', bytes: b(`["${'x'.repeat(45)}\\u001B"]`) }), lbody, 'T', parseBody(lbody)).detail[0];
    expect(out).toBe(`Its output differs from the body you have in how strings are escaped (first: "${'x'.repeat(39)}… → "${'x'.repeat(39)}…).`);
    const keys = b('{"b":1,"a":2}');
    expect(bodyFinding(variant({ cause: 'other-serializer', bytes: b('{"a":2,"b":1}') }), keys, 'T', parseBody(keys)).detail[0]).toBe('Its output differs from the body you have in key order, how numbers are written (first: "b" → "a").');
    const nulls = b('{"a":null,"b":1}');
    expect(bodyFinding(variant({ cause: 'other-serializer', bytes: b('{"b":1}') }), nulls, 'T', parseBody(nulls)).detail[0]).toBe('Its output differs from the body you have in key order, structure (members added or left out) (first: "a" → "b").');
    // Output that is not JSON, or no parsed body, or another cause: no words about a serializer.
    expect(bodyFinding(variant({ cause: 'other-serializer', bytes: b('{"a":') }), keys, 'T', parseBody(keys)).detail).toHaveLength(1);
    expect(bodyFinding(variant({ cause: 'other-serializer', bytes: b('{"a":2,"b":1}') }), keys, 'T').detail).toHaveLength(1);
    expect(bodyFinding(variant({ cause: 'numbers', bytes: b('{"a":2,"b":1}') }), keys, 'T', parseBody(keys)).detail).toHaveLength(1);
  });
});

describe('comparisonFinding', () => {
  const detail = [
    'crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b)) throws a RangeError when the lengths differ, and Buffer.from(undefined) throws on a missing header: CustomerGlu\'s and mgPass\'s Node samples crash with a 500 this way instead of answering 401.',
    'Comparing with == or === leaks through timing how much of the signature is right.',
  ];
  const fix = 'compare in constant time after a length check: if (!sig || sig.length !== expected.length) return 401; then crypto.timingSafeEqual';
  it('missing, or a length that differs', () => {
    expect(comparisonFinding('missing')).toStrictEqual({ cause: 'comparison', title: 'A receiver must answer 401 here, not crash.', detail, fix });
    const length = { cause: 'comparison', title: 'The signature text has a different length from the expected one: crypto.timingSafeEqual throws on that.', detail, fix };
    expect(comparisonFinding('length')).toStrictEqual(length);
    expect(comparisonFinding('truncated')).toStrictEqual({ ...length, title: 'The signature text is shorter than the expected one: crypto.timingSafeEqual throws on that.' });
  });
});
