// How each serializer escapes a string (src/signing/explain/string-forms.ts), one special character at a time: a
// string with a single character to escape must not slip through the "nothing to escape" fast path.
import { describe, expect, it } from 'vitest';
import { ESCAPES, escapeString, type EscapeRules } from '../src/signing/explain/string-forms.js';

const e = (s: string, rules: EscapeRules) => escapeString(s, rules);

describe('escapeString', () => {
  it('every writer: quote, backslash, control characters (short forms where they exist)', () => {
    for (const rules of Object.values(ESCAPES)) {
      expect(e('a\\b', rules)).toBe('"a\\\\b"');
      expect(e('\n', rules)).toBe('"\\n"');
      expect(e('\r\t', rules)).toBe('"\\r\\t"');
    }
    expect(e('a"b', ESCAPES.js)).toBe('"a\\"b"');
    expect(e('\u0001', ESCAPES.js)).toBe('"\\u0001"');
    expect(e('\u001f', ESCAPES.js)).toBe('"\\u001f"');
    expect(e('\u0000', ESCAPES.js)).toBe('"\\u0000"');
    expect(e('\b\f', ESCAPES.js)).toBe('"\\b\\f"');
    expect(e(' ~/é\u007f\u2028', ESCAPES.js)).toBe('" ~/é\u007f\u2028"');
    expect(e('', ESCAPES.js)).toBe('""');
  });

  it('Python ensure_ascii: non-ASCII and DEL as \\u escapes, surrogate pairs as two', () => {
    expect(e('é', ESCAPES.pyAscii)).toBe('"\\u00e9"');
    expect(e('\u007f', ESCAPES.pyAscii)).toBe('"\\u007f"');
    expect(e('\u0080', ESCAPES.pyAscii)).toBe('"\\u0080"');
    expect(e('😀', ESCAPES.pyAscii)).toBe('"\\ud83d\\ude00"');
    expect(e('\uffff', ESCAPES.pyAscii)).toBe('"\\uffff"');
    expect(e('é\u007f', ESCAPES.pyUtf8)).toBe('"é\u007f"');
  });

  it('PHP: "/" as "\\/" and non-ASCII escaped, DEL not; unescaped flags keep U+2028/U+2029 escaped', () => {
    expect(e('a/b', ESCAPES.php)).toBe('"a\\/b"');
    expect(e('é', ESCAPES.php)).toBe('"\\u00e9"');
    expect(e('\u007f', ESCAPES.php)).toBe('"\u007f"');
    expect(e('\u2028', ESCAPES.phpUnescaped)).toBe('"\\u2028"');
    expect(e('\u2029é/', ESCAPES.phpUnescaped)).toBe('"\\u2029é/"');
  });

  it('Go: HTML characters escaped; before 1.22 \\b and \\f as \\u0008 and \\u000c', () => {
    expect(e('<', ESCAPES.go)).toBe('"\\u003c"');
    expect(e('a>&', ESCAPES.go)).toBe('"a\\u003e\\u0026"');
    expect(e('\b\f\n', ESCAPES.go)).toBe('"\\b\\f\\n"');
    expect(e('\b\f\n', ESCAPES.goLegacy)).toBe('"\\u0008\\u000c\\n"');
  });

  it('Jackson and .NET: uppercase hex; .NET writes the quote and + ` \' as \\u escapes too', () => {
    expect(e('\u001f', ESCAPES.jackson)).toBe('"\\u001F"');
    expect(e('"', ESCAPES.dotnet)).toBe('"\\u0022"');
    expect(e('+', ESCAPES.dotnet)).toBe('"\\u002B"');
    expect(e('`', ESCAPES.dotnet)).toBe('"\\u0060"');
    expect(e('é', ESCAPES.dotnet)).toBe('"\\u00E9"');
    expect(e('=', ESCAPES.gson)).toBe('"\\u003d"');
    expect(e("'", ESCAPES.gson)).toBe('"\\u0027"');
  });

  it('extra characters that are special inside a character class are escaped, and only those', () => {
    const rules: EscapeRules = { hex: '-^]' };
    expect(e('-', rules)).toBe('"\\u002d"');
    expect(e('^', rules)).toBe('"\\u005e"');
    expect(e(']', rules)).toBe('"\\u005d"');
    expect(e('a+z', { hex: '+-<' })).toBe('"a\\u002bz"');
    expect(e('0', { hex: '+-<' })).toBe('"0"');
    // The same rules object twice: the same answer.
    expect(e('-x', rules)).toBe('"\\u002dx"');
  });
});
