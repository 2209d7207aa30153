// How each serializer writes a number it read (src/signing/explain/number-forms.ts), at the edges where it switches
// between plain digits and an exponent. The values are the documented outputs of the real runtimes:
// Python repr (1e16 → 1e+16, 1e-05), PHP 8 json_encode with serialize_precision -1 (1.0e+17, 1.0e-5),
// Ruby Float#to_s (1.0e+16, 1.0e-05), Java Double.toString (1.0E7, 9.0E-4), Go and JavaScript (1e+21, 1e-7).
import { describe, expect, it } from 'vitest';
import { gsonMapNumber, goNumber, jacksonNumber, jsNumber, NotWritable, phpNumber, pythonFloat, pythonNumber, rubyNumber } from '../src/signing/explain/number-forms.js';

describe('Python', () => {
  it('repr: plain from 1e-4 up to below 1e16, ".0" on whole numbers, two-digit exponents', () => {
    expect(['1e16', '1e15', '9999999999999998', '0.0001', '0.00001', '1.5e-7', '-2.5e20', '123.456', '-0.0', '0.0', '1e400', '-1e400'].map(pythonNumber))
      .toStrictEqual(['1e+16', '1000000000000000.0', '9999999999999998', '0.0001', '1e-05', '1.5e-07', '-2.5e+20', '123.456', '-0.0', '0.0', 'Infinity', '-Infinity']);
    expect(pythonFloat(Number.NaN)).toBe('NaN');
    expect(pythonFloat(1e100)).toBe('1e+100');
    expect(pythonFloat(1.25e-100)).toBe('1.25e-100');
    expect(pythonFloat(-1)).toBe('-1.0');
    // Integers keep every digit.
    expect(pythonNumber('-123456789012345678901234567890')).toBe('-123456789012345678901234567890');
  });
});

describe('PHP 8', () => {
  it('an exponent when the point sits more than 17 places right or 3 left of the first digit', () => {
    expect(['1e16', '1.0e16', '1.5e17', '1e17', '0.001', '0.0001', '0.00001', '-1.5e-5', '2.5', '-2.5', '-0.0', '0.0'].map(phpNumber))
      .toStrictEqual(['10000000000000000', '10000000000000000', '1.5e+17', '1.0e+17', '0.001', '0.0001', '1.0e-5', '-1.5e-5', '2.5', '-2.5', '-0', '0']);
    // 64-bit integers stay integers; one past either end is a float.
    expect(['9223372036854775807', '-9223372036854775808'].map(phpNumber)).toStrictEqual(['9223372036854775807', '-9223372036854775808']);
    expect(phpNumber('9223372036854775808')).toMatch(/^9\.22337203685477\d*e\+18$/);
    expect(phpNumber('-9223372036854775809')).toMatch(/^-9\.22337203685477\d*e\+18$/);
    expect(() => phpNumber('1e400')).toThrow(NotWritable);
  });
});

describe('Ruby', () => {
  it('Float#to_s: an exponent from 1e16 and below 1e-4, ".0" on whole numbers', () => {
    expect(['1e16', '9.5e15', '0.0001', '0.00001', '-1.5e-5', '2.0', '-2.5', '-0.0', '0.0', '1e100'].map(rubyNumber))
      .toStrictEqual(['1.0e+16', '9500000000000000.0', '0.0001', '1.0e-05', '-1.5e-05', '2.0', '-2.5', '-0.0', '0.0', '1.0e+100']);
    expect(rubyNumber('12345678901234567890')).toBe('12345678901234567890');
    expect(() => rubyNumber('-1e400')).toThrow(NotWritable);
  });
});

describe('Java', () => {
  it('Double.toString: plain from 1e-3 to below 1e7', () => {
    expect(['1e7', '9999999', '0.001', '0.0009', '-1e7', '-0.001', '2.5', '-0.0', '0.0', '1.5e300'].map(gsonMapNumber))
      .toStrictEqual(['1.0E7', '9999999.0', '0.001', '9.0E-4', '-1.0E7', '-0.001', '2.5', '-0.0', '0.0', '1.5E300']);
    expect(['7', '-7', '7.0', '1e2'].map(jacksonNumber)).toStrictEqual(['7', '-7', '7.0', '100.0']);
    expect(() => gsonMapNumber('1e400')).toThrow(NotWritable);
    expect(() => jacksonNumber('1e400')).toThrow(NotWritable);
  });
});

describe('Go and JavaScript', () => {
  it('float64 like JSON.stringify; Go keeps -0', () => {
    expect(['-0.0', '0.0', '1e21', '1.0', '-2.5'].map(goNumber)).toStrictEqual(['-0', '0', '1e+21', '1', '-2.5']);
    expect(['-0.0', '1e21', '1.0'].map(jsNumber)).toStrictEqual(['0', '1e+21', '1']);
    expect(() => goNumber('1e400')).toThrow(NotWritable);
  });

  it('a remembered answer is the same answer, past the memo size too', () => {
    const values = Array.from({ length: 600 }, (_, i) => `${i}.5e-7`);
    const first = values.map(phpNumber);
    expect(values.map(phpNumber)).toStrictEqual(first);
    expect(first[0]).toBe('5.0e-8');
    expect(first[599]).toBe('5.995e-5');
  });
});
