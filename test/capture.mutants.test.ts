// Behaviour of src/core/capture.ts (capture files: written by listen --save, read by verify and replay) that the
// Stryker run (npm run mutate) showed no test pinned down: what is refused and how it is said, defaults, query forms.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isQueryMap, lastValues, parseCapture, queryPairs, readCapture, serializeCapture } from '../src/core/capture.js';
import { UsageError } from '../src/errors.js';

const HINT = 'captures are written by `cg-hooks listen --save <dir>`';

function refusal(doc: unknown, source = 'cap.json'): UsageError {
  try {
    parseCapture(JSON.stringify(doc), source);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error('expected the capture to be refused');
}
const base = { version: 1, headers: {}, bodyBase64: 'e30=' };

describe('serializeCapture', () => {
  it('writes header names in lower case and a parameter given once as a plain string', () => {
    const doc = JSON.parse(serializeCapture({ method: 'POST', path: '/', headers: { 'X-CG-Signature': 'ab' }, query: { a: ['1'], b: ['1', '2'], c: '3' }, body: Buffer.from('{}') }));
    expect(doc.headers).toEqual({ 'x-cg-signature': 'ab' });
    expect(doc.query).toEqual({ a: '1', b: ['1', '2'], c: '3' });
  });

  it('stamps the time of writing when none is given', () => {
    const before = Date.now();
    const doc = JSON.parse(serializeCapture({ method: 'POST', path: '/', headers: {}, body: Buffer.from('{}') }));
    expect(typeof doc.receivedAt).toBe('string');
    expect(Date.parse(doc.receivedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(JSON.parse(serializeCapture({ receivedAt: '2026-01-01T00:00:00.000Z', method: 'POST', path: '/', headers: {}, body: Buffer.from('') })).receivedAt).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('parseCapture: what it refuses, in words that name the file and the field', () => {
  it('not an object', () => {
    for (const doc of [[], 'text', 1, null]) {
      const e = refusal(doc);
      expect(e.code).toBe('bad_capture');
      expect(e.message).toBe('cap.json is not a cg-hooks capture: expected a JSON object');
      expect(e.hint).toBe(HINT);
    }
  });

  it('a header name that is not an HTTP token (cut to 60 characters)', () => {
    const long = `bad name ${'x'.repeat(80)}`;
    expect(refusal({ ...base, headers: { [long]: 'v' } }).message).toBe(`cap.json is not a cg-hooks capture: header name ${JSON.stringify(long.slice(0, 60))} is not a valid HTTP header name`);
  });

  it('a header value HTTP cannot send', () => {
    for (const value of ['a\r\nInjected: 1', 'a\nb', 'nul\u0000', 'emoji 😍']) {
      expect(refusal({ ...base, headers: { 'x-a': value } }).message).toBe('cap.json is not a cg-hooks capture: header x-a holds a line break, a control character or a character outside Latin-1, which HTTP cannot send');
    }
    expect(parseCapture(JSON.stringify({ ...base, headers: { 'x-a': 'tab\tand Latin-1 é' } }), 'x').headers).toEqual({ 'x-a': 'tab\tand Latin-1 é' });
  });

  it('a query that is not strings or arrays of strings', () => {
    for (const query of [null, [], 'a=1', { a: 1 }, { a: [1] }, { a: ['x', 2] }, { a: { b: 'c' } }, { a: 'x', b: true }]) {
      expect(refusal({ ...base, query }).message).toBe('cap.json is not a cg-hooks capture: "query" must be an object of strings (or arrays of strings)');
    }
    expect(parseCapture(JSON.stringify({ ...base, query: { a: 'x', b: ['1', '2'], c: [] } }), 'x').query).toEqual({ a: 'x', b: ['1', '2'], c: [] });
  });

  it('method, path and receivedAt must be strings; the method an HTTP token (cut to 20 characters)', () => {
    for (const field of ['method', 'path', 'receivedAt']) {
      expect(refusal({ ...base, [field]: 5 }).message).toBe(`cap.json is not a cg-hooks capture: "${field}" must be a string`);
    }
    const method = 'POST /x HTTP/1.1 and more';
    expect(refusal({ ...base, method }).message).toBe(`cap.json is not a cg-hooks capture: "method" ${JSON.stringify(method.slice(0, 20))} is not an HTTP method`);
    expect(parseCapture(JSON.stringify({ ...base, method: 'PUT' }), 'x').method).toBe('PUT');
  });

  it('a body whose base64 is not exactly what a capture holds', () => {
    // "YR==" decodes to the same byte as "YQ==" ("a"): stray bits in the last character.
    for (const bodyBase64 of ['YR==', 'YQ', 'YQ=', 'Y!==', '-_8=']) {
      expect(refusal({ ...base, bodyBase64 }).message).toBe('cap.json is not a cg-hooks capture: "bodyBase64" is damaged (not canonical base64): the body cannot be restored byte for byte');
    }
  });

  it('base64 wrapped over lines (as `base64` writes it) is the same body', () => {
    const cap = parseCapture(JSON.stringify({ ...base, bodyBase64: 'eyJh\nIjox\r\nfQ ==' }), 'x');
    expect(cap.body.toString()).toBe('{"a":1}');
  });
});

describe('parseCapture: defaults for what an older or hand-written capture leaves out', () => {
  it('POST to / received at an unknown time; non-string extras are null', () => {
    const cap = parseCapture(JSON.stringify({ ...base, remoteAddress: 5, provider: ['x'], event: {} }), 'x');
    expect(cap).toMatchObject({ method: 'POST', path: '/', receivedAt: '', query: {}, remoteAddress: null, provider: null, event: null });
    expect(parseCapture(JSON.stringify({ ...base, remoteAddress: '::1', provider: 'mgpass', event: 'user.login' }), 'x')).toMatchObject({ remoteAddress: '::1', provider: 'mgpass', event: 'user.login' });
  });
});

describe('query helpers', () => {
  it('isQueryMap: strings or arrays of strings only', () => {
    expect(isQueryMap({ a: 'x', b: ['y', 'z'], c: [] })).toBe(true);
    expect(isQueryMap({})).toBe(true);
    for (const v of [null, undefined, 'a', 1, [], ['a'], { a: 1 }, { a: null }, { a: [1] }, { a: ['x', null] }]) expect(isQueryMap(v), JSON.stringify(v)).toBe(false);
  });

  it('queryPairs: one pair per value, in order', () => {
    expect(queryPairs({ a: '1', b: ['2', '3'], c: [] })).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['b', '3'],
    ]);
    expect(queryPairs({})).toEqual([]);
    // A value given once is one pair, never one per character.
    expect(queryPairs({ eventType: 'order', id: ['12', '34'] })).toEqual([
      ['eventType', 'order'],
      ['id', '12'],
      ['id', '34'],
    ]);
  });

  it('lastValues: the last of a repeated parameter, none for an empty list, __proto__ as plain data', () => {
    const out = lastValues(JSON.parse('{"a":"1","b":["2","3"],"c":[],"__proto__":"p"}'));
    expect(out).toEqual(JSON.parse('{"a":"1","b":"3","__proto__":"p"}'));
    expect(Object.keys(out)).toEqual(['a', 'b', '__proto__']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    out.a = 'changed';
    expect(out.a).toBe('changed');
    delete (out as Record<string, string>).b;
    expect(Object.keys(out)).toEqual(['a', '__proto__']);
  });
});

describe('readCapture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-hooks-capture-mutants-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says why a file cannot be read, as a usage error that names it', () => {
    const cases: Array<[string, string]> = [];
    cases.push([join(dir, 'missing.json'), 'no such file']);
    mkdirSync(join(dir, 'adir'));
    cases.push([join(dir, 'adir'), 'is a directory']);
    const loop = join(dir, 'loop.json');
    symlinkSync(loop, loop);
    cases.push([loop, `ELOOP: too many symbolic links encountered, stat '${loop}'`]); // the first call that meets the path
    for (const [path, reason] of cases) {
      let error: unknown;
      try {
        readCapture(path);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).code).toBe('unreadable_file');
      expect((error as UsageError).message).toBe(`cannot read capture ${path}: ${reason}`);
    }
  });

  // A file nobody may read: mode 000 stops anyone but root; root is stopped by a write-only kernel file.
  const unreadable = (() => {
    const locked = join(dir, 'locked.json');
    writeFileSync(locked, '{}', { mode: 0o000 });
    for (const path of [locked, '/proc/sys/vm/drop_caches']) {
      try {
        readFileSync(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EACCES') return path;
      }
    }
    return undefined;
  })();

  it.skipIf(unreadable === undefined)('a file it may not read: "permission denied"', () => {
    let error: unknown;
    try {
      readCapture(unreadable!);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(`cannot read capture ${unreadable}: permission denied`);
  });
});
