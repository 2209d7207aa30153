// core/json-text.ts: JSON text with the bidi and C1 controls (and U+2028/U+2029) escaped, read back as the same value;
// hasUnsafeUtf8 finds them in UTF-8 bytes without decoding (the listener's as-received body). Oracles: JSON.parse and
// a regular expression over the decoded text. A guard: the commands print JSON only through jsonText.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasUnsafeUtf8, jsonText, safeJson, safeJsonBytes } from '../src/core/json-text.js';

const RAW = /[\u0080-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
const UNSAFE = ['\u0080', '\u0085', '\u009b', '\u009f', '\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202e', '\u2066', '\u2069'];
const SAFE = ['\u00a0', 'é', '\u061b', '\u061d', '\u200d', '\u2027', '\u202f', '\u2065', '\u206a', '₹', '🪔', '\u0600'];
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.array(fc.constantFrom(...UNSAFE, ...SAFE, 'a', '"', '\\', '\n', '\u0001'), { maxLength: 12 }).map((a) => a.join('')),
);

describe('jsonText', () => {
  it('escapes each unsafe code point as \\uXXXX and leaves its neighbours as they are', () => {
    for (const c of UNSAFE) expect(jsonText({ c })).toBe(`{"c":"\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}"}`);
    for (const c of SAFE) expect(jsonText({ c })).toBe(JSON.stringify({ c }));
  });

  it('is JSON.stringify\'s text, with no raw unsafe code point, that parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(text, text), (v, d) => {
        for (const value of [v, d, { [String(Object.keys(d)[0])]: v }]) {
          const out = jsonText(value);
          expect(out).not.toMatch(RAW);
          expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(value)));
          if (!RAW.test(JSON.stringify(value))) expect(out).toBe(JSON.stringify(value)); // nothing else changes
        }
      }),
      { numRuns: 500 },
    );
  });

  it('indents as JSON.stringify does, and says null for undefined', () => {
    expect(jsonText({ a: ['\u202e'] }, 2)).toBe('{\n  "a": [\n    "\\u202e"\n  ]\n}');
    expect(jsonText(undefined)).toBe('null');
  });

  it('safeJson of received JSON text keeps its spelling (1.0 stays 1.0)', () => {
    expect(safeJson('{"n":1.0,"s":"\u202e"}')).toBe('{"n":1.0,"s":"\\u202e"}');
  });
});

describe('hasUnsafeUtf8', () => {
  it('agrees with the regular expression over the decoded text', () => {
    fc.assert(
      fc.property(text, (s) => {
        const bytes = Buffer.from(s, 'utf8');
        expect(hasUnsafeUtf8(bytes)).toBe(RAW.test(bytes.toString('utf8')));
      }),
      { numRuns: 2000 },
    );
    for (const c of UNSAFE) expect(hasUnsafeUtf8(Buffer.from(`ab${c}`))).toBe(true);
    for (const c of SAFE) expect(hasUnsafeUtf8(Buffer.from(`${c}${c}`))).toBe(false);
    // A lead byte at the very end (cut short): not a code point, not read past the end.
    expect(hasUnsafeUtf8(Buffer.from([0x61, 0xe2, 0x80]))).toBe(false);
    expect(hasUnsafeUtf8(Buffer.from([0xc2]))).toBe(false);
  });
});

describe('safeJsonBytes (a body embedded in a delivery line as it arrived)', () => {
  it('gives back the very bytes it was given when nothing needs escaping (no copy, no decoding), else the escaped text', () => {
    for (const body of ['{"a":1.0}', '{"city":"Bengaluru ₹ 🪔","nbsp":" "}']) {
      const bytes = Buffer.from(body, 'utf8');
      expect(safeJsonBytes(bytes)).toBe(bytes);
    }
    const unsafe = Buffer.from('{"n":1.0,"s":"a‮b"}', 'utf8');
    expect(safeJsonBytes(unsafe)).toBe('{"n":1.0,"s":"a\\u202eb\\u0085"}');
  });
});

describe('every --json writer goes through jsonText', () => {
  // JSON.stringify left in a command only where its text is not printed as a JSON document: the compact-form checks
  // of sign and send, the catalog's schema (no network text), values quoted inside an error message.
  const ALLOWED = [/Buffer\.from\(JSON\.stringify\(parsed\)/, /JSON\.stringify\(req\.body\)/, /JSON\.stringify\(result\.document, null, 2\)/, /\$\{JSON\.stringify\((value|flags\.signatureHeader)\)\}/];
  it('no other JSON.stringify in src/commands or src/cli.ts', () => {
    const dir = new URL('../src/commands/', import.meta.url);
    const files = [...readdirSync(dir).map((f) => new URL(f, dir)), new URL('../src/cli.ts', import.meta.url)];
    const found = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${f.pathname.split('/src/')[1]}:${i + 1}`, line }))
        .filter(({ line }) => line.includes('JSON.stringify(') && !ALLOWED.some((re) => re.test(line))),
    );
    expect(found).toEqual([]);
  });
});
