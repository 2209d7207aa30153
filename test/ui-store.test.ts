// The inspector store's byte buffers: whatever they do to be fast (clearing the lines ahead of the writer, reusing
// an evicted batch's buffers, growing for a large delivery), every kept entry reads back as the bytes that went in.
// Oracles: Buffer.from / Buffer.concat (Node's own UTF-8 encoder), JSON.stringify and makeRow.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bytes, WARM_AHEAD } from '../src/ui/batch.js';
import { DeliveryStore, type Entry, type ReportLike } from '../src/ui/store.js';
import { makeRow } from '../src/ui/views.js';
import { CompactRows } from '../src/ui/row-bytes.js';
import { deliveryJsonParts } from '../src/output/delivery.js';
import { jsonText } from '../src/core/json-text.js';
import type { DeliveryReport } from '../src/http/listen-types.js';

/** Text with non-ASCII (two-, three- and four-byte UTF-8) and, now and then, longer than the warm window. */
const text = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }), fc.integer({ min: 1000, max: 6000 })).map(([s, n]) => s.repeat(n)) },
);
const bytes = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 2000 }) },
  { weight: 1, arbitrary: fc.integer({ min: WARM_AHEAD - 100, max: 3 * WARM_AHEAD }).map((n) => new Uint8Array(n).fill(n & 0xff)) },
);

describe('Bytes', () => {
  it('holds exactly what was written, in order, reused buffer or fresh, warmed or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(text, bytes, fc.integer({ min: 0, max: 255 })), { maxLength: 60 }),
        fc.integer({ min: 1, max: 256 * 1024 }),
        fc.boolean(),
        fc.constantFrom(0, 4096, WARM_AHEAD),
        (writes, capacity, reuse, ahead) => {
          // A reused buffer holds an earlier batch's bytes: none of them may show through.
          const b = new Bytes(capacity, reuse ? Buffer.alloc(capacity, 0xa5) : undefined, ahead);
          for (const w of writes) {
            if (typeof w === 'string') b.text(w);
            else if (typeof w === 'number') b.byte(w);
            else b.bytes(w);
          }
          const expected = Buffer.concat(writes.map((w) => (typeof w === 'string' ? Buffer.from(w, 'utf8') : typeof w === 'number' ? Uint8Array.of(w) : w)));
          expect(b.used).toBe(expected.length);
          expect(b.buf.subarray(0, b.used).equals(expected)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

const delivery = fc.record({
  path: text,
  event: fc.option(text, { nil: null }),
  header: text,
  kind: fc.constantFrom('json' as const, 'malformed-json' as const, 'form' as const),
  textBody: text,
  body: bytes,
  // The row's own fields: a time, a duration in hundredths or any double, problems (row-bytes.ts writes them by hand).
  at: fc.oneof(fc.constant('2026-11-29T10:00:00.000Z'), text),
  ms: fc.oneof(fc.integer({ min: 0, max: 2e6 }).map((c) => c / 100), fc.double()),
  problems: fc.oneof(fc.constant<string[]>([]), fc.array(text, { maxLength: 3 })),
});
type Delivery = typeof delivery extends fc.Arbitrary<infer T> ? T : never;

const reportOf = (seq: number, d: Delivery): ReportLike => ({
  type: 'delivery',
  seq,
  receivedAt: d.at,
  method: 'POST',
  path: d.path,
  query: {},
  headers: { 'content-type': 'application/json', 'x-note': d.header },
  size: d.body.length,
  provider: 'customerglu',
  event: d.event,
  verdict: 'valid',
  problems: d.problems,
  signature: { status: 'valid', ok: true, reason: 'X-CG-SIGNATURE matches' },
  auth: { status: 'none', ok: true, reason: '' },
  schema: { status: 'valid', issues: [] },
  bodyKind: d.kind,
  duplicate: null,
  status: 200,
  durationMs: d.ms,
  // A 'json' body is dropped from the kept text (the raw bytes give it back); the others are kept in it.
  body: d.kind === 'json' ? { n: seq } : d.textBody,
});

/**
 * What the store must give back for a delivery: its report's JSON (without a JSON body), its bytes, its row. A JSON
 * delivery whose `--json` line was made first (`viaJson`) keeps that line's head: jsonText's text, which escapes the
 * bidi and C1 controls and the line separators JSON.stringify leaves as they are (the same value either way).
 */
function expectedOf(id: number, d: Delivery, viaJson = false) {
  const r = reportOf(id, d);
  const kept = d.kind === 'json' ? { ...r, body: undefined } : r;
  const report = viaJson && d.kind === 'json' ? jsonText(kept) : JSON.stringify(kept);
  return { report, body: Buffer.from(d.body), row: JSON.stringify(makeRow(id, r, undefined, d.body.length)) };
}

const reportText = (e: Entry) => (e as unknown as { reportJson: string }).reportJson;

/**
 * expect(got).toBe(want), run only when Object.is says they differ: a property below checks up to ~100,000 values a
 * run, and an expect each cost more than the store. The same comparison, and the same failure when they differ.
 */
function same(got: unknown, want: unknown): void {
  if (!Object.is(got, want)) expect(got).toBe(want);
}

describe('the store, byte for byte', () => {
  it('gives back every kept delivery as it arrived, across recycled and grown batches', () => {
    fc.assert(
      fc.property(fc.array(delivery, { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 6 }), fc.boolean(), fc.boolean(), (ds, keep, copies, viaJson, rowBytes) => {
        // The row as makeRow's value, or written as compact bytes into the rows buffer (CompactRows, as `listen --ui` does).
        const table = new CompactRows();
        const s = rowBytes ? new DeliveryStore({ keep, maxBytes: 1e9 }, table.write, table) : new DeliveryStore({ keep, maxBytes: 1e9 }, makeRow);
        // Each delivery several times over, so that batches fill (1 MB), are evicted and their buffers reused.
        const all = Array.from({ length: copies }, () => ds).flat();
        for (const [k, d] of all.entries()) {
          const report = reportOf(k + 1, d);
          // As under `listen --json --ui`: the line is made first, and the store keeps the head's bytes it made.
          if (viaJson) deliveryJsonParts(report as unknown as DeliveryReport, { body: Buffer.from(d.body) });
          same(s.addDelivery(report, Buffer.from(d.body)), k + 1);
        }
        const first = Math.max(1, all.length - keep + 1);
        expect(s.firstId).toBe(first);
        for (let id = first; id <= all.length; id++) {
          const e = s.get(id)!;
          const want = expectedOf(id, all[id - 1]!, viaJson);
          same(reportText(e), want.report);
          same(e.body.equals(want.body), true);
          same(rowBytes ? JSON.stringify(e.row) : e.rowJson, want.row);
        }
        // The rows as kept: makeRow's JSON, or the compact rows each entry gives back (checked against it above).
        const rows = Array.from({ length: all.length - first + 1 }, (_, k) => (rowBytes ? s.get(first + k)!.rowJson : expectedOf(first + k, all[first + k - 1]!).row));
        expect(s.rowsJson(0, 1e9).json).toBe(rows.join(','));
        const message = s.rowsMessage(0, 1e9, (last, count) => `{"last":${last},"count":${count},"rows":[`, ']}');
        expect(message.bytes.equals(Buffer.from(`{"last":${all.length},"count":${rows.length},"rows":[${rows.join(',')}]}`))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('counts the bytes it keeps as the bytes written, and stays within its byte bound', () => {
    fc.assert(
      fc.property(fc.array(delivery, { minLength: 1, maxLength: 300 }), fc.integer({ min: 20_000, max: 3_000_000 }), fc.boolean(), (ds, maxBytes, rowBytes) => {
        const table = new CompactRows();
        const s = rowBytes ? new DeliveryStore({ keep: 1e6, maxBytes }, table.write, table) : new DeliveryStore({ keep: 1e6, maxBytes }, makeRow);
        const all = [...ds, ...ds, ...ds, ...ds];
        for (const [k, d] of all.entries()) s.addDelivery(reportOf(k + 1, d), Buffer.from(d.body));
        let sum = 0;
        for (let id = s.firstId; id <= s.lastId; id++) {
          const want = expectedOf(id, all[id - 1]!);
          sum += Buffer.byteLength(want.report) + want.body.length + Buffer.byteLength(rowBytes ? s.get(id)!.rowJson : want.row) + 32;
        }
        // One comma between a batch's rows, counted with the row after it.
        expect(s.bytes - sum).toBeGreaterThanOrEqual(0);
        expect(s.bytes - sum).toBeLessThanOrEqual(s.size);
        expect(s.size === 1 || s.bytes <= maxBytes).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
