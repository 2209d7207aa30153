// Behaviour of src/core/paths.ts (the --set / --unset / mapping paths) that the Stryker run (npm run mutate) showed no
// test pinned down: exact messages and hints, escapes and brackets at the edges, the depth and unsafe-integer limits.
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, deepMerge, parseAssignment, parsePath, setPath, unsetPath } from '../src/core/paths.js';
import { UsageError } from '../src/errors.js';

/** The UsageError `fn` throws (fails the test when it throws nothing or something else). */
function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error('expected a UsageError, nothing was thrown');
}

const PATH_HINT = 'use dots between names and [n] for array items, e.g. details.currency or tnc[0]';

describe('parsePath', () => {
  it('says what is wrong, with the path and a hint', () => {
    const cases: Array<[string, string]> = [
      ['a..b', 'empty segment'],
      ['.a', 'empty segment'],
      ['', 'empty path'],
      ['a.', 'ends with "."'],
      ['a[x]', 'expected [index] with a number'],
    ];
    for (const [path, why] of cases) {
      const e = usageError(() => parsePath(path));
      expect(e.code).toBe('bad_path');
      expect(e.message).toBe(`bad path "${path}": ${why}`);
      expect(e.hint).toBe(PATH_HINT);
    }
  });

  it('a segment is an index only when it is all digits', () => {
    expect(parsePath('a1.b2')).toEqual(['a1', 'b2']);
    expect(parsePath('1a.b')).toEqual(['1a', 'b']);
    expect(parsePath('12.345')).toEqual([12, 345]);
  });

  it('a bracket holds digits only, and must be closed', () => {
    expect(parsePath('a[12]')).toEqual(['a', 12]);
    for (const path of ['a[x1]', 'a[1x]', 'a[12', 'a[1.5]', 'a[-1]']) {
      expect(usageError(() => parsePath(path)).message).toBe(`bad path "${path}": expected [index] with a number`);
    }
  });

  it('brackets may open a path and follow one another', () => {
    expect(parsePath('[0]')).toEqual([0]);
    expect(parsePath('a[0][1]')).toEqual(['a', 0, 1]);
    expect(parsePath('a[0].b')).toEqual(['a', 0, 'b']);
    expect(parsePath('a[0]')).toEqual(['a', 0]);
  });

  it('a dot after a bracket is a separator once, not twice', () => {
    expect(usageError(() => parsePath('a[0]..b')).message).toMatch(/empty segment/);
    expect(usageError(() => parsePath('a[0]\\b..c')).message).toMatch(/empty segment/);
  });

  it('a backslash escapes the next character; a trailing one is a literal backslash', () => {
    expect(parsePath('a\\')).toEqual(['a\\']);
    expect(parsePath('\\.')).toEqual(['.']);
    expect(parsePath('\\[0]')).toEqual(['[0]']);
    expect(parsePath('\\1')).toEqual([1]);
  });

  it(`allows ${MAX_DEPTH} levels and refuses one more`, () => {
    const deepest = Array.from({ length: MAX_DEPTH }, () => 'a').join('.');
    expect(parsePath(deepest)).toHaveLength(MAX_DEPTH);
    const e = usageError(() => parsePath(`${deepest}.a`));
    expect(e.message).toBe(`bad path "${deepest}.a": more than ${MAX_DEPTH} levels deep`);
  });
});

describe('parseAssignment', () => {
  it('a missing "=" or path: the expected form and an example', () => {
    for (const text of ['rewardAmount', '=5']) {
      const e = usageError(() => parseAssignment(text));
      expect(e.code).toBe('bad_set');
      expect(e.message).toBe(`bad --set "${text}": expected path=value`);
      expect(e.hint).toBe('e.g. --set rewardAmount=250 --set details.currency=INR');
    }
  });

  it('refuses an integer that a JSON number cannot carry exactly, and says how to send it as text', () => {
    for (const raw of ['12345678901234567890', '-12345678901234567890', ' 12345678901234567890 ', '9007199254740993']) {
      const e = usageError(() => parseAssignment(`id=${raw}`));
      expect(e.code).toBe('bad_set');
      expect(e.message).toBe(`bad --set "id=${raw}": ${raw.trim()} is too large to be sent exactly as a JSON number`);
      expect(e.hint).toBe(`quote it to send it as text: --set 'id="${raw.trim()}"'`);
    }
  });

  it('keeps safe integers, quoted digits and numbers written with a fraction or an exponent', () => {
    expect(parseAssignment('id=9007199254740991').value).toBe(9007199254740991);
    expect(parseAssignment('id=-9007199254740991').value).toBe(-9007199254740991);
    expect(parseAssignment('id="12345678901234567890"').value).toBe('12345678901234567890');
    expect(parseAssignment('x=1.5e20').value).toBe(1.5e20);
    expect(parseAssignment('x=12345678901234567890.5').value).toBe(12345678901234567890.5);
  });

  it('digits that are not a JSON number (a leading zero) stay text, however many', () => {
    expect(parseAssignment('zip=007').value).toBe('007');
    expect(parseAssignment('id=012345678901234567890').value).toBe('012345678901234567890');
  });

  it('checks the path too', () => {
    expect(usageError(() => parseAssignment('a..b=1')).code).toBe('bad_path');
  });
});

describe('setPath', () => {
  it('a value it sets is an ordinary property: writable, deletable, replaceable', () => {
    const o: Record<string, unknown> = {};
    setPath(o, 'k', 1);
    setPath(o, 'k', 2);
    expect(o.k).toBe(2);
    o.k = 3;
    expect(o.k).toBe(3);
    expect(unsetPath(o, 'k')).toBe(true);
    expect(o).toEqual({});
  });

  it('replaces a null on the way with an object or an array', () => {
    const o: Record<string, unknown> = { a: null, b: null };
    setPath(o, 'a.x', 1);
    setPath(o, 'b[0]', 2);
    expect(o).toEqual({ a: { x: 1 }, b: [2] });
  });

  it('names the part of the path that is not an object', () => {
    const o: Record<string, unknown> = { a: 1, list: [5], deep: { s: 'text' } };
    const scalar = usageError(() => setPath(o, 'a.b', 1));
    expect(scalar.code).toBe('bad_set');
    expect(scalar.message).toBe('cannot set a.b: a is a number, not an object');
    expect(usageError(() => setPath(o, 'list[0].x.y', 1)).message).toBe('cannot set list[0].x.y: list[0] is a number, not an object');
    expect(usageError(() => setPath(o, 'deep.s.t', 1)).message).toBe('cannot set deep.s.t: deep.s is a string, not an object');
  });

  it('an array takes numeric indexes up to its end, and says so', () => {
    const o: Record<string, unknown> = { list: [1], nest: { l: [] } };
    const named = usageError(() => setPath(o, 'list.x', 1));
    expect(named.code).toBe('bad_set');
    expect(named.message).toBe('cannot set list.x: list is an array, use a numeric index');
    expect(usageError(() => setPath(o, 'nest.l.x.y', 1)).message).toBe('cannot set nest.l.x: nest.l is an array, use a numeric index');
    const past = usageError(() => setPath(o, 'list[2]', 1));
    expect(past.code).toBe('bad_set');
    expect(past.message).toBe('cannot set list[2]: index 2 is past the end of an array of 1');
    expect(usageError(() => setPath(o, 'nest.l[1].a', 1)).message).toBe('cannot set nest.l[1]: index 1 is past the end of an array of 0');
    expect(usageError(() => setPath([] as unknown as Record<string, unknown>, 'x', 1)).message).toBe('cannot set x: (root) is an array, use a numeric index');
    expect(o).toEqual({ list: [1], nest: { l: [] } });
  });
});

describe('unsetPath', () => {
  it('a path through a scalar or null removes nothing', () => {
    const o: Record<string, unknown> = { a: 5, n: null };
    expect(unsetPath(o, 'a.b.c')).toBe(false);
    expect(unsetPath(o, 'n.b.c')).toBe(false);
    expect(unsetPath(o, 'a.b')).toBe(false);
    expect(unsetPath(o, 'missing.b.c')).toBe(false);
    expect(o).toEqual({ a: 5, n: null });
  });

  it('an array item goes only when the index is inside the array', () => {
    const o: Record<string, unknown> = { l: [1, 2] };
    expect(unsetPath(o, 'l[2]')).toBe(false);
    expect(unsetPath(o, 'l.x')).toBe(false);
    expect(o).toEqual({ l: [1, 2] });
    expect(unsetPath(o, 'l[1]')).toBe(true);
    expect(o).toEqual({ l: [1] });
  });

  it('an all-digit name on an object is a key', () => {
    const o: Record<string, unknown> = { '0': 'x', a: 1 };
    expect(unsetPath(o, '0')).toBe(true);
    expect(o).toEqual({ a: 1 });
    expect(unsetPath(o, 'missing')).toBe(false);
  });
});

describe('deepMerge', () => {
  it('merges only object into object: a scalar replaces an object and an object replaces a scalar', () => {
    expect(deepMerge({ a: { b: 1 } }, { a: 5 })).toEqual({ a: 5 });
    expect(deepMerge({ a: 1 }, { a: { b: 2 } })).toEqual({ a: { b: 2 } });
    expect(deepMerge({ a: [1, 2] }, { a: { b: 2 } })).toEqual({ a: { b: 2 } });
  });
});
