// The delivery line's head written as bytes (src/http/listen-json.ts) against the oracle it replaces:
// jsonText of the same report (JSON.stringify's text, bidi and C1 controls escaped: core/json-text.ts), over sequences of reports that repeat, change and mutate their members (the
// encoder copies what did not change from the previous head, so every test is a sequence, not one report).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonText } from '../src/core/json-text.js';
import { ReportHeadEncoder } from '../src/http/listen-json.js';
import { deliveryJsonParts, takeReportHeadBytes } from '../src/output/delivery.js';
import type { DeliveryReport } from '../src/http/listen-types.js';

/** What the encoder must produce: jsonText's text of the report, its closing brace replaced by `,"body":`. */
const oracle = (report: object) => `${jsonText(report).slice(0, -1)},"body":`;

function check(encoder: ReportHeadEncoder, report: object): void {
  const bytes = encoder.encode(report);
  // The same four comparisons as plain code first: a property calls this tens of thousands of times, and an expect
  // costs more than the encoding. Any difference runs the expects below, which fail with their usual message.
  const json = jsonText(report);
  if (
    bytes !== undefined &&
    Buffer.from(bytes).toString('utf8') === oracle(report) &&
    encoder.headText() === json &&
    Buffer.concat([encoder.headBytes(), Buffer.from('}')]).equals(Buffer.from(json))
  ) {
    return;
  }
  expect(bytes).toBeDefined();
  expect(Buffer.from(bytes!).toString('utf8')).toBe(oracle(report));
  expect(encoder.headText()).toBe(jsonText(report));
  // What the inspector keeps: the same text's UTF-8, without the closing brace.
  expect(Buffer.concat([encoder.headBytes(), Buffer.from('}')]).equals(Buffer.from(jsonText(report)))).toBe(true);
}

function baseReport(seq: number): Record<string, unknown> {
  return {
    type: 'delivery',
    seq,
    receivedAt: '2026-11-29T09:06:45.076Z',
    method: 'POST',
    path: '/webhook',
    query: {},
    headers: { host: '127.0.0.1:39385', connection: 'keep-alive', 'content-type': 'application/json', 'x-cg-signature': `db55462a02184d611cddc7a6c8e446e5493a77${seq % 100}`, 'content-length': String(500 + (seq % 60)) },
    remoteAddress: '127.0.0.1',
    size: 500 + (seq % 60),
    sha256: 'cfdc30155d7bf091c1f4c637cf74b4a31d836ecb53634e5a30699bffb37e34d3',
    provider: 'customerglu',
    confidence: 0.95,
    event: 'reward',
    verdict: 'valid',
    problems: [],
    signature: { status: 'valid', ok: true, reason: 'X-CG-SIGNATURE matches', header: 'X-CG-SIGNATURE', secretIndex: 0, scheme: 'customerglu' },
    auth: { status: 'none', ok: true, reason: 'the provider uses no credential besides its signature' },
    schema: { status: 'valid', issues: [] },
    bodyKind: 'json',
    duplicate: null,
    dedupKey: `customerglu:5a259cd4-ead8-4e8b-b704-e3823da6ed${seq % 100}`,
    status: 200,
    statusReason: 'verdict',
    body: undefined,
    durationMs: 0.61,
  };
}

// Strings that take every path: plain ASCII, escapes, control characters, non-ASCII, lone surrogates, long ones.
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ minLength: 30, maxLength: 80 }),
  fc.constantFrom('', '"', '\\', '\u0000', '\u001f', '\u007f', '\u0080', '\u0085', '\u202e', 'a\u2066b\u2069', '\u061c', '\u2028', 'é', '£2 cashback', '🪔', '\ud800', 'a\udc00b', 'x'.repeat(64)),
);
const number = fc.oneof(
  fc.integer(),
  fc.integer({ min: 0, max: 2 ** 31 + 5 }),
  fc.integer({ min: 1, max: 1e9 }).map((k) => k / 100),
  fc.double(),
  fc.constantFrom(0, -0, 0.1, 0.5, 1.05, 17.45, 1e21, 1e-7, 2 ** 53, -1.5, Number.NaN, Infinity, -Infinity, 9_999_999.99),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: text },
  { weight: 3, arbitrary: number },
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(() => 1),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.oneof(text, number, fc.constant(undefined)), { maxLength: 4 }),
  fc.dictionary(text, fc.oneof(text, number, fc.constant(undefined)), { maxKeys: 4 }),
);
const headerName = fc.oneof(fc.constantFrom('host', 'content-type', 'x-cg-signature', 'content-length', '0', '12', 'x-é'), fc.string({ minLength: 1, maxLength: 10 }));

type Step =
  | { op: 'set'; key: string; value: unknown }
  | { op: 'header'; name: string; value: unknown }
  | { op: 'drop-header'; name: string }
  | { op: 'mutate'; key: 'signature' | 'schema' | 'problems'; value: unknown }
  | { op: 'extra'; key: string; value: unknown }
  | { op: 'same' };

const KEYS = Object.keys(baseReport(1));
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key: fc.constantFrom(...KEYS), value }),
  fc.record({ op: fc.constant('header' as const), name: headerName, value: fc.oneof(text, number) }),
  fc.record({ op: fc.constant('drop-header' as const), name: headerName }),
  fc.record({ op: fc.constant('mutate' as const), key: fc.constantFrom('signature' as const, 'schema' as const, 'problems' as const), value: fc.oneof(text, number) }),
  fc.record({ op: fc.constant('extra' as const), key: fc.constantFrom('bodyError', 'capture', 'forward', '7'), value }),
  fc.constant({ op: 'same' as const }),
);

describe('ReportHeadEncoder', () => {
  it('writes the bytes of jsonText (JSON.stringify, bidi and C1 escaped), delivery after delivery, whatever changes between them', () => {
    fc.assert(
      fc.property(fc.array(fc.array(step, { maxLength: 4 }), { minLength: 1, maxLength: 25 }), (deliveries) => {
        const encoder = new ReportHeadEncoder();
        // Objects carried from one delivery to the next and changed in place: the encoder must see the change.
        const carried = { signature: baseReport(0).signature as Record<string, unknown>, schema: baseReport(0).schema as Record<string, unknown>, problems: [] as unknown[] };
        let report = baseReport(1);
        deliveries.forEach((steps, n) => {
          // A fresh report object each time (as the listener makes), keeping earlier changes as a sender's traffic would.
          report = { ...report, seq: n + 1, headers: { ...(report.headers as object) }, signature: carried.signature, schema: carried.schema, problems: carried.problems };
          for (const s of steps) {
            if (s.op === 'set') report[s.key] = s.value;
            else if (s.op === 'header' && typeof report.headers === 'object' && report.headers !== null) (report.headers as Record<string, unknown>)[s.name] = s.value;
            else if (s.op === 'drop-header' && typeof report.headers === 'object' && report.headers !== null) delete (report.headers as Record<string, unknown>)[s.name];
            else if (s.op === 'mutate') {
              if (s.key === 'problems') carried.problems.push(s.value);
              else carried[s.key].status = s.value;
            } else if (s.op === 'extra') report[s.key] = s.value;
          }
          const bytes = encoder.encode(report);
          if (bytes === undefined) {
            // Given up (a value JSON.stringify would need a toJSON for, or throws on): only ever for such reports.
            expect(() => JSON.stringify(report)).not.toThrow();
            return;
          }
          expect(Buffer.from(bytes).toString('utf8')).toBe(oracle(report));
          expect(encoder.headText()).toBe(jsonText(report));
          expect(Buffer.concat([encoder.headBytes(), Buffer.from('}')]).equals(Buffer.from(jsonText(report)))).toBe(true);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('copies unchanged members from the previous head and writes the changed ones (a listener under load)', () => {
    const encoder = new ReportHeadEncoder();
    for (let seq = 1; seq <= 3000; seq++) {
      const r = baseReport(seq);
      r.durationMs = Math.round(seq * 7.31) / 100;
      if (seq % 97 === 0) (r.headers as Record<string, string>)['x-forwarded-for'] = `10.0.0.${seq % 250}`;
      if (seq % 101 === 0) r.duplicate = { key: r.dedupKey, firstSeq: seq - 1 };
      check(encoder, r);
    }
  });

  it('sees an object changed in place since the previous head (same object, new content)', () => {
    const encoder = new ReportHeadEncoder();
    const signature = { status: 'valid', ok: true, reason: 'matches' };
    const problems: string[] = [];
    const r1 = { ...baseReport(1), signature, problems };
    check(encoder, r1);
    signature.status = 'invalid';
    signature.ok = false;
    problems.push('signature invalid');
    check(encoder, { ...baseReport(2), signature, problems });
    check(encoder, { ...baseReport(3), signature, problems });
  });

  it('writes every number as JSON.stringify does (the hundredths fast path included)', () => {
    const encoder = new ReportHeadEncoder();
    fc.assert(
      fc.property(fc.oneof(number, fc.integer({ min: 1, max: 999_999_999 }).map((k) => k / 100)), (n) => {
        check(encoder, { ...baseReport(1), durationMs: n, size: n });
      }),
      { numRuns: 3000 },
    );
    for (let k = 1; k < 100_000; k += 7) check(encoder, { ...baseReport(k), durationMs: k / 100 });
  });

  it('writes over the previous head in place: values that grow past the room it keeps, shrink, vanish and come back', () => {
    // The rest of the previous head moves when a value's length changes (by more than its 64 bytes of slack too),
    // in the top level and in the headers, before and after members that did not change.
    const encoder = new ReportHeadEncoder();
    const lengths = [0, 1, 200, 3, 64, 65, 130, 0, 1000, 2];
    for (let k = 0; k < 40; k++) {
      const r = baseReport(k);
      const grow = (j: number) => 'g'.repeat(lengths[(k + j) % lengths.length]!);
      r.path = `/${grow(0)}`;
      (r.headers as Record<string, string>)['x-cg-signature'] = grow(1);
      (r.headers as Record<string, string>).connection = grow(2);
      if (k % 3 === 0) r.method = undefined; // no bytes, then back
      if (k % 4 === 1) r.headers = grow(3); // not an object: written anew, compared again after
      if (k % 5 === 2) r.statusReason = { why: grow(4), n: k };
      r.durationMs = k % 2 ? 0.5 : 123.45;
      check(encoder, r);
    }
  });

  it('compares headers only with the previous head, not with the last one that had headers', () => {
    const encoder = new ReportHeadEncoder();
    const headers = () => ({ host: 'h', 'content-type': 'application/json', 'x-s': 'v' });
    check(encoder, { ...baseReport(1), headers: headers() });
    check(encoder, { ...baseReport(2), headers: 'none' });
    check(encoder, { ...baseReport(3), path: '/a/much/longer/path/that/moves/everything/after/it', headers: 'none' });
    check(encoder, { ...baseReport(4), headers: headers() });
  });

  it('leaves out what JSON.stringify leaves out (undefined, functions), commas included', () => {
    const encoder = new ReportHeadEncoder();
    check(encoder, baseReport(1));
    check(encoder, { ...baseReport(2), type: undefined });
    check(encoder, { ...baseReport(3), type: () => 1, method: undefined });
    check(encoder, baseReport(4));
    check(encoder, { ...baseReport(5), seq: undefined, type: undefined });
  });

  it('keeps the order JSON.stringify uses: integer-like keys first', () => {
    const encoder = new ReportHeadEncoder();
    check(encoder, { ...baseReport(1), headers: { host: 'a', '10': 'b', '2': 'c', 'x-y': 'd' } });
    check(encoder, { ...baseReport(2), headers: { host: 'a', '10': 'b', '2': 'e', 'x-y': 'd' } });
  });

  it('gives up where JSON.stringify alone decides (toJSON, bigint, a circle), and recovers after', () => {
    const encoder = new ReportHeadEncoder();
    check(encoder, baseReport(1));
    expect(encoder.encode({ ...baseReport(2), capture: new Date(0) })).toBeUndefined();
    expect(encoder.encode({ ...baseReport(3), size: 10n })).toBeUndefined();
    const circle: Record<string, unknown> = {};
    circle.self = circle;
    expect(encoder.encode({ ...baseReport(4), forward: circle })).toBeUndefined();
    expect(encoder.encode(Object.assign(Object.create({ inherited: 1 }) as object, baseReport(5)))).toBeUndefined();
    check(encoder, baseReport(6));
    check(encoder, baseReport(7));
  });

  it("writes long strings with Buffer's own latin1 writer (undocumented): present here, the bytes of write(…, 'latin1')", () => {
    const writer = Buffer.prototype as unknown as { latin1Write?: (text: string, offset: number) => number };
    expect(typeof writer.latin1Write).toBe('function'); // a Node without it would make every line with jsonText
    const direct = Buffer.alloc(12, 0x2e);
    const through = Buffer.alloc(12, 0x2e);
    expect(writer.latin1Write!.call(direct, 'abc\u00e9\u0141d', 2)).toBe(through.write('abc\u00e9\u0141d', 2, 'latin1'));
    expect(direct.equals(through)).toBe(true);
  });

  it('gives up (jsonText makes the line) rather than write other bytes when that writer is missing', () => {
    const encoder = new ReportHeadEncoder();
    check(encoder, baseReport(1));
    // Hidden on the encoder's own buffer only (Buffer.prototype stays as it is for the other tests in this worker).
    const buf = (encoder as unknown as { buf: Buffer & { latin1Write?: unknown } }).buf;
    buf.latin1Write = undefined;
    expect(encoder.encode(baseReport(2))).toBeUndefined(); // its x-cg-signature, sha256 and dedupKey are long strings
    delete buf.latin1Write;
    check(encoder, baseReport(3));
  });

  it('grows for a head larger than its buffer (after one report given up), bounded', () => {
    const encoder = new ReportHeadEncoder();
    check(encoder, baseReport(1));
    const big = { ...baseReport(2), headers: { ...(baseReport(2).headers as object), 'x-large': 'y'.repeat(40_000) } };
    const first = encoder.encode(big);
    if (first !== undefined) expect(Buffer.from(first).toString('utf8')).toBe(oracle(big));
    for (let i = 0; i < 4; i++) encoder.encode(big);
    check(encoder, big);
    check(encoder, baseReport(3));
    const huge = { ...baseReport(4), path: 'p'.repeat(3 * 1024 * 1024) };
    for (let i = 0; i < 8; i++) expect(encoder.encode(huge)).toBeUndefined(); // past its bound: JSON.stringify's
    check(encoder, baseReport(5));
  });

  it('hands the inspector the head of the report just written, and none for a report that could not be', () => {
    const raw = Buffer.from('{"a":1}');
    const ok = { ...baseReport(1), body: { a: 1 } } as unknown as DeliveryReport;
    deliveryJsonParts(ok, { body: raw });
    const { body: _, ...head } = ok;
    const made = takeReportHeadBytes(ok);
    expect(Buffer.isBuffer(made)).toBe(true); // the encoder's bytes, without the closing brace
    expect(Buffer.concat([made as Buffer, Buffer.from('}')]).equals(Buffer.from(jsonText(head)))).toBe(true);
    expect(takeReportHeadBytes(ok)).toBeUndefined(); // once
    const circle = { ...baseReport(2), body: { a: 1 } } as unknown as DeliveryReport;
    (circle as unknown as { forward: unknown }).forward = circle;
    expect(() => deliveryJsonParts(circle, { body: raw })).toThrow(/circular/);
    expect(takeReportHeadBytes(circle)).toBeUndefined();
  });
});
