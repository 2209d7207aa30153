import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCapture, serializeCapture } from '../src/core/capture.js';
import { UsageError } from '../src/output/errors.js';

// Capture files are edited by hand, truncated, and shared: `verify --capture` and `replay` read whatever is
// there. Anything that is not a capture is one exit-2 line; anything written by listen reads back exactly.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

/** One outcome per input: the capture when `expected` is true, else a one-line usage error (exit 2). */
function expectOutcome(text: string, expected: boolean) {
  let outcome: unknown;
  try {
    outcome = parseCapture(text, 'x.json');
  } catch (e) {
    outcome = e;
  }
  if (expected) {
    expect(outcome, `should be read as a capture: ${text.slice(0, 200)}`).not.toBeInstanceOf(Error);
    const c = outcome as ReturnType<typeof parseCapture>;
    expect(Buffer.isBuffer(c.body)).toBe(true);
    expect(typeof c.method).toBe('string');
    for (const v of Object.values(c.headers)) expect(typeof v).toBe('string');
  } else {
    expect(outcome, `should be refused: ${text.slice(0, 200)}`).toBeInstanceOf(UsageError);
    expect((outcome as UsageError).exitCode).toBe(2);
    expect((outcome as Error).message).not.toMatch(/\n/);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const stringMap = (v: unknown) => isRecord(v) && Object.values(v).every((x) => typeof x === 'string');
/**
 * The capture format, written down independently of the parser: version 1, a base64 body, headers (and query
 * when present) as objects of strings, method/path/receivedAt strings when present.
 */
function isCapture(text: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return false;
  }
  if (!isRecord(doc) || doc.version !== 1 || !stringMap(doc.headers)) return false;
  // What HTTP can carry (RFC 9110): header names and methods are tokens; values have no CR, LF or controls, Latin-1 only.
  const token = (t: string) => t.length > 0 && [...t].every((c) => "!#$%&'*+.^_`|~-".includes(c) || /[0-9A-Za-z]/.test(c));
  const sendable = (v: string) => [...v].every((c) => c === '\t' || (c >= ' ' && c !== '\x7f' && c <= '\xff'));
  if (!Object.entries(doc.headers as Record<string, string>).every(([k, v]) => token(k) && sendable(v))) return false;
  if (typeof doc.bodyBase64 !== 'string' || Buffer.from(doc.bodyBase64, 'base64').toString('base64') !== doc.bodyBase64) return false;
  if (doc.query !== undefined && !(isRecord(doc.query) && Object.values(doc.query).every((v) => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))))) return false;
  if (typeof doc.method === 'string' && !token(doc.method)) return false;
  return (['method', 'path', 'receivedAt'] as const).every((f) => doc[f] === undefined || typeof doc[f] === 'string');
}

describe('capture files', () => {
  it('any text or JSON value: read as a capture exactly when it is one, else a one-line usage error', () => {
    const field = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string(), fc.constant(undefined));
    // Base64 bodies as listen writes them, and values that are not base64 (a character outside the alphabet, or not a string).
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64')),
      fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.nat(), fc.constantFrom('!', '#', '%', '*', '-', '_', '.', ':', '\u00e9')).map(([b, at, c]) => {
        const text = Buffer.from(b).toString('base64');
        return text.slice(0, at % (text.length + 1)) + c + text.slice(at % (text.length + 1));
      }),
      fc.jsonValue({ maxDepth: 1 }).filter((v) => typeof v !== 'string'),
    );
    const doc = fc.record(
      { version: fc.oneof(fc.constant(1), fc.jsonValue({ maxDepth: 1 })), method: fc.oneof(field, fc.constantFrom('POST', 'PUT')), path: field, receivedAt: field, query: fc.oneof(field, fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 2 })))), headers: fc.oneof(field, fc.dictionary(fc.string(), fc.string()), fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/), fc.stringMatching(/^[ -~]{0,20}$/))), bodyBase64: body, provider: field, event: field },
      { requiredKeys: [] },
    );
    const text = fc.oneof(fc.string({ unit: 'binary' }), doc.map((d) => JSON.stringify(d)), fc.jsonValue().map((v) => JSON.stringify(v) ?? ''));
    fc.assert(
      fc.property(text, (t) => expectOutcome(t, isCapture(t))),
      { numRuns: RUNS },
    );
    // The generator must reach both outcomes, or the property proves little.
    const outcomes = new Set(fc.sample(text, { numRuns: 5000, seed: 1 }).map(isCapture));
    expect(outcomes).toEqual(new Set([true, false]));
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
