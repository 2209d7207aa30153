import { describe, expect, it } from 'vitest';
import { deepMerge, parseAssignment, parsePath, setPath, unsetPath } from '../src/core/paths.js';
import { describeJsonError, parseJson } from '../src/core/json.js';
import { didYouMean } from '../src/core/suggest.js';

describe('parsePath', () => {
  it('reads dots, brackets, numeric segments and escaped dots', () => {
    expect(parsePath('details.currency')).toEqual(['details', 'currency']);
    expect(parsePath('tnc[0]')).toEqual(['tnc', 0]);
    expect(parsePath('metadata.cart[1].price')).toEqual(['metadata', 'cart', 1, 'price']);
    expect(parsePath('metadata.cart.1.price')).toEqual(['metadata', 'cart', 1, 'price']);
    expect(parsePath('a\\.b.c')).toEqual(['a.b', 'c']);
  });
  it.each(['', 'a..b', 'a.', '.a', 'a[x]', 'a[1'])('rejects %j with a usage error', (path) => {
    expect(() => parsePath(path)).toThrowError(expect.objectContaining({ exitCode: 2 }));
  });
});

describe('parseAssignment', () => {
  it('parses JSON values where they parse and keeps strings otherwise', () => {
    expect(parseAssignment('rewardAmount=250')).toEqual({ path: 'rewardAmount', value: 250 });
    expect(parseAssignment('details.currency=INR')).toEqual({ path: 'details.currency', value: 'INR' });
    expect(parseAssignment('code="007"')).toEqual({ path: 'code', value: '007' });
    expect(parseAssignment('x={"a":[1]}')).toEqual({ path: 'x', value: { a: [1] } });
    expect(parseAssignment('flag=true')).toEqual({ path: 'flag', value: true });
    expect(parseAssignment('empty=')).toEqual({ path: 'empty', value: '' });
    expect(parseAssignment('url=https://x.test/?a=b')).toEqual({ path: 'url', value: 'https://x.test/?a=b' });
  });
  it('rejects a missing "=" or path', () => {
    expect(() => parseAssignment('rewardAmount')).toThrow(/expected path=value/);
    expect(() => parseAssignment('=5')).toThrow(/expected path=value/);
  });
});

describe('setPath / unsetPath / deepMerge', () => {
  it('creates intermediate objects and arrays, and refuses to descend into scalars', () => {
    const o: Record<string, unknown> = { a: 1, list: [1, 2] };
    setPath(o, 'x.y.z', 'v');
    setPath(o, 'arr[0].k', 1);
    setPath(o, 'list[2]', 3);
    expect(o).toEqual({ a: 1, list: [1, 2, 3], x: { y: { z: 'v' } }, arr: [{ k: 1 }] });
    expect(() => setPath(o, 'a.b', 1)).toThrow(/a is a number/);
    expect(() => setPath(o, 'list[9]', 1)).toThrow(/past the end/);
  });
  it('unsets keys and array items', () => {
    const o: Record<string, unknown> = { a: { b: 1, c: 2 }, l: [1, 2, 3] };
    expect(unsetPath(o, 'a.b')).toBe(true);
    expect(unsetPath(o, 'l[1]')).toBe(true);
    expect(unsetPath(o, 'nope.x')).toBe(false);
    expect(o).toEqual({ a: { c: 2 }, l: [1, 3] });
  });
  it('merges objects deeply and replaces arrays', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [9], e: 2 } })).toEqual({ a: { b: 1, c: [9], e: 2 }, d: 1 });
  });
});

describe('JSON errors', () => {
  it('says the line and column where JSON goes wrong', () => {
    expect(describeJsonError('{\n  "a": 1,\n  "b": }')).toBe('line 3, column 8: unexpected "}", expected a JSON value');
    expect(describeJsonError('{"a":1')).toMatch(/^line 1, column 7: expected "," or "}"/);
    expect(describeJsonError('{"a":1}x')).toMatch(/after the JSON value/);
    expect(describeJsonError('')).toMatch(/empty input/);
    expect(() => parseJson('[1,]', 'x.json')).toThrow(/x.json is not valid JSON: line 1, column 4/);
  });
});

describe('didYouMean', () => {
  it('suggests close names and nothing for unrelated ones', () => {
    expect(didYouMean('customergl', ['customerglu', 'rehook'])).toBe('customerglu');
    expect(didYouMean('rehok', ['customerglu', 'rehook'])).toBe('rehook');
    expect(didYouMean('zzzzzz', ['customerglu', 'rehook'])).toBeUndefined();
  });

  it('an empty name (an unset shell variable: `generate "$P" reward`) is no typo of the first candidate', () => {
    expect(didYouMean('', ['customerglu', 'rehook'])).toBeUndefined();
    expect(didYouMean(' ', ['customerglu', 'rehook'])).toBeUndefined();
    expect(didYouMean('c', ['customerglu', 'rehook'])).toBe('customerglu');
  });
});
