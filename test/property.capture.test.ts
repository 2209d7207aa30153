import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCapture, serializeCapture } from '../src/core/capture.js';
import { UsageError } from '../src/output/errors.js';

// Capture files are edited by hand, truncated, and shared: `verify --capture` and `replay` read whatever is
// there. Anything that is not a capture is one exit-2 line; anything written by listen reads back exactly.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

function expectUsageOrCapture(text: string) {
  try {
    const c = parseCapture(text, 'x.json');
    expect(Buffer.isBuffer(c.body)).toBe(true);
    expect(typeof c.method).toBe('string');
    for (const v of Object.values(c.headers)) expect(typeof v).toBe('string');
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(2);
    expect((e as Error).message).not.toMatch(/\n/);
  }
}

describe('capture files', () => {
  it('any text or JSON value: a capture or a one-line usage error', () => {
    const field = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string(), fc.constant(undefined));
    const doc = fc.record(
      { version: fc.oneof(fc.constant(1), fc.jsonValue({ maxDepth: 1 })), method: field, path: field, receivedAt: field, query: field, headers: fc.oneof(field, fc.dictionary(fc.string(), fc.string())), bodyBase64: fc.oneof(field, fc.base64String()), provider: field, event: field },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), doc.map((d) => JSON.stringify(d)), fc.jsonValue().map((v) => JSON.stringify(v) ?? '')), expectUsageOrCapture),
      { numRuns: RUNS },
    );
  });

  it('whatever listen saves reads back byte for byte', () => {
    const name = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('__proto__', 'constructor', 'toString'));
    // Headers as HTTP can carry them (a token name; tab, visible ASCII and Latin-1 in the value): all listen can receive.
    const headerName = fc.oneof(fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/), fc.constantFrom('__proto__', 'constructor', 'toString'));
    const headerValue = fc.stringMatching(/^[\t\x20-\x7e\x80-\xff]{0,40}$/);
    const headers = fc.dictionary(headerName, fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 })));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), headers, fc.dictionary(name, fc.string()), fc.string({ minLength: 1 }), (body, h, query, path) => {
        const c = parseCapture(serializeCapture({ method: 'POST', path, query, headers: h, body }), 'x.json');
        expect(Buffer.compare(c.body, Buffer.from(body))).toBe(0);
        expect(c.path).toBe(path);
        expect(c.query).toEqual(query);
        for (const k of Object.keys(h)) expect(Object.hasOwn(c.headers, k.toLowerCase()), `header ${k}`).toBe(true);
        for (const k of Object.keys(query)) expect(Object.hasOwn(c.query, k), `query ${k}`).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
