// The inspector's parts that need no browser: memory bounds, the event stream's back-pressure, the JSON diff,
// exports (read back by the real readers), the token check and secret scrubbing.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseCapture } from '../src/core/capture.js';
import { setPath } from '../src/core/paths.js';
import { list, type ApiContext } from '../src/ui/api.js';
import { diffBodies, diffJson } from '../src/ui/diff.js';
import { EventHub } from '../src/ui/events.js';
import { captureFile, curlLine, scenarioStep } from '../src/ui/exports.js';
import { allowedHosts, check, tokenMatches } from '../src/ui/security.js';
import { DeliveryStore, type ReportLike } from '../src/ui/store.js';
import { deliveryJsonLine } from '../src/output/delivery.js';
import { makeRow, makeScrubber, publicReport, rowJson, rowsDocument } from '../src/ui/views.js';
import { Bytes } from '../src/ui/batch.js';
import { CompactRows, HUNDREDTHS, MAX_MIDDLES, putNumber } from '../src/ui/row-bytes.js';
import { expandRow, learnMiddles, type CompactRow, type Row, type RowMiddle } from '../src/ui/row.js';

const report = (seq: number, extra: Partial<ReportLike> = {}): ReportLike => ({
  type: 'delivery',
  seq,
  receivedAt: '2026-01-01T12:00:00.000Z',
  method: 'POST',
  path: '/webhook',
  query: {},
  headers: { 'content-type': 'application/json' },
  size: 10,
  provider: 'customerglu',
  event: 'reward',
  verdict: 'valid',
  problems: [],
  signature: { status: 'valid', ok: true, reason: 'ok' },
  auth: { status: 'none', ok: true, reason: '' },
  schema: { status: 'valid', issues: [] },
  bodyKind: 'json',
  duplicate: null,
  status: 200,
  body: { a: seq },
  durationMs: 1,
  ...extra,
});

/**
 * Reports as a row reads them, every field optional and of any type: few distinct values, so that consecutive
 * reports often share the row's middle and often differ from the one before in one field. `withAuth`: `auth` varied too.
 */
function rowReports(text: fc.Arbitrary<string>, value: fc.Arbitrary<unknown>, withAuth: boolean) {
  return fc.record(
    {
      seq: value,
      receivedAt: value,
      method: value,
      path: value,
      provider: value,
      event: value,
      verdict: value,
      status: value,
      size: value,
      durationMs: value,
      problems: fc.oneof(fc.constant([]), fc.array(fc.oneof(text, fc.integer()), { maxLength: 3 }), value),
      signature: fc.oneof(value, fc.record({ status: value, scheme: value }, { requiredKeys: [] })),
      ...(withAuth ? { auth: fc.oneof(value, fc.record({ status: value }, { requiredKeys: [] })) } : {}),
      schema: fc.oneof(value, fc.record({ status: value, issues: fc.oneof(value, fc.array(fc.constant({ path: 'a', message: 'm' }), { maxLength: 3 })) }, { requiredKeys: [] })),
      duplicate: fc.oneof(value, fc.record({ firstSeq: value }, { requiredKeys: [] })),
    },
    { requiredKeys: [] },
  );
}

describe('the store', () => {
  it('keeps the last N, evicting the oldest, and finds entries by id', () => {
    const s = new DeliveryStore({ keep: 3, maxBytes: 1e9 }, makeRow);
    for (let i = 1; i <= 5; i++) s.addDelivery(report(i), Buffer.from(`{"a":${i}}`));
    expect(s.size).toBe(3);
    expect(s.evicted).toBe(2);
    expect(s.firstId).toBe(3);
    expect(s.get(2)).toBeUndefined();
    expect(s.get(4)?.report.seq).toBe(4);
    expect(s.after(0).map((e) => e.id)).toEqual([3, 4, 5]);
    expect(s.after(4).map((e) => e.id)).toEqual([5]);
    expect(s.after(5)).toEqual([]);
  });

  it('is bounded by bytes too, and drops the parsed body it can rebuild from the raw bytes', () => {
    const s = new DeliveryStore({ keep: 1000, maxBytes: 100_000 }, makeRow);
    const body = Buffer.alloc(20_000, 0x20);
    for (let i = 1; i <= 20; i++) s.addDelivery(report(i), body);
    expect(s.bytes).toBeLessThanOrEqual(100_000);
    expect(s.size).toBeLessThan(6);
    expect(s.get(s.lastId)?.report.body).toBeUndefined();
  });

  it('compacts after many evictions without losing order', () => {
    const s = new DeliveryStore({ keep: 10, maxBytes: 1e9 }, makeRow);
    for (let i = 1; i <= 10_000; i++) s.addDelivery(report(i), Buffer.from('{}'));
    expect(s.after(0).map((e) => e.id)).toEqual(Array.from({ length: 10 }, (_, k) => 9991 + k));
    expect(s.get(9995)?.id).toBe(9995);
  });

  it('gives back every kept entry exactly, across sealed batches and the open one', () => {
    const s = new DeliveryStore({ keep: 2500, maxBytes: 1e9 }, makeRow);
    const bodies = new Map<number, Buffer>();
    for (let i = 1; i <= 3000; i++) {
      const body = Buffer.from(`{"n":${i},"pad":"${'é'.repeat(i % 37)}"}`);
      bodies.set(s.addDelivery(report(i, { event: i % 3 === 0 ? 'nudge' : 'reward' }), body), body);
    }
    expect(s.size).toBe(2500);
    expect(s.firstId).toBe(501);
    expect(s.get(500)).toBeUndefined();
    for (let id = 501; id <= 3000; id++) {
      const e = s.get(id)!;
      expect(e.body.equals(bodies.get(id)!)).toBe(true);
      expect(e.report.seq).toBe(id);
      expect(e.row.id).toBe(id);
    }
    const { json, count, last } = s.rowsJson(990, 1200);
    expect(count).toBe(1200);
    expect(last).toBe(2190);
    expect((JSON.parse(`[${json}]`) as Array<{ id: number }>).map((r) => r.id)).toEqual(Array.from({ length: 1200 }, (_, k) => 991 + k));
    expect(s.previousSameEvent(s.get(3000)!)?.id).toBe(2997);
    s.close();
  });

  it('keeps its byte count right as entries come and go', () => {
    const s = new DeliveryStore({ keep: 100_000, maxBytes: 300_000 }, makeRow);
    for (let i = 1; i <= 2000; i++) s.addDelivery(report(i, { path: `/ü/${i}` }), Buffer.alloc(100 + (i % 50), 0x41));
    expect(s.bytes).toBeLessThanOrEqual(300_000);
    expect(s.bytes).toBeGreaterThan(290_000);
    let sum = 0;
    for (let id = s.firstId; id <= s.lastId; id++) {
      const e = s.get(id)!;
      sum += e.body.length + Buffer.byteLength(JSON.stringify(e.report)) + Buffer.byteLength(e.rowJson) + 32;
    }
    // Each row but a batch's first is preceded by a comma.
    expect(s.bytes - sum).toBeGreaterThanOrEqual(0);
    expect(s.bytes - sum).toBeLessThanOrEqual(s.size);
  });

  it('is left as it was by a row maker that throws, and goes on from there', () => {
    const rows = new CompactRows();
    const s = new DeliveryStore({ keep: 10, maxBytes: 1e9 }, (id, r, x, n, out) => {
      if (id === 3 && r.seq === 3) throw new Error('no row');
      return rows.write(id, r, x, n, out);
    }, rows);
    for (let i = 1; i <= 2; i++) s.addDelivery(report(i), Buffer.from(`{"a":${i}}`));
    const bytes = s.bytes;
    // A resend of #1 that fails to be stored: #1 lists no resend, and the next delivery is not linked to #1.
    expect(() => s.addDelivery(report(3), Buffer.from('{"a":3}'), 1)).toThrow('no row');
    expect([s.size, s.lastId, s.bytes, s.get(1)!.resends]).toEqual([2, 2, bytes, undefined]);
    for (let i = 4; i <= 5; i++) s.addDelivery(report(i), Buffer.from(`{"a":${i}}`));
    expect(s.after(0).map((e) => [e.id, e.report.seq, e.body.toString()])).toEqual([[1, 1, '{"a":1}'], [2, 2, '{"a":2}'], [3, 4, '{"a":4}'], [4, 5, '{"a":5}']]);
    expect(s.after(0).map((e) => JSON.stringify(e.row))).toEqual([1, 2, 4, 5].map((seq, k) => JSON.stringify(makeRow(k + 1, report(seq), undefined, 7))));
    expect(s.rowsJson(0, 10).json).toBe(s.after(0).map((e) => e.rowJson).join(','));
  });

  it('finds the previous delivery of the same event, and searches bodies', () => {
    const s = new DeliveryStore({ keep: 10, maxBytes: 1e9 }, makeRow);
    s.addDelivery(report(1), Buffer.from('{"user":"Ünïcode-ABC"}'));
    s.addDelivery(report(2, { event: 'other' }), Buffer.from('{}'));
    const third = s.get(s.addDelivery(report(3), Buffer.from('{}')))!;
    expect(s.previousSameEvent(third)?.id).toBe(1);
    expect(s.search('ünïcode-abc')).toEqual([1]);
  });
});

describe('views', () => {
  it('masks credential headers and query parameters by pattern, and tolerates unknown fields', () => {
    const s = new DeliveryStore({ keep: 10, maxBytes: 1e9 }, makeRow);
    const e = s.get(s.addDelivery(report(1, { headers: { 'x-api-key': 'key-123456', 'x-custom-token': 'tok-99999', authorization: 'Basic dXNlcjpwYXNz' }, query: { secret: 'abcdef', eventType: 'x' }, futureField: { nested: true } }), Buffer.from('{}')))!;
    const r = publicReport(e);
    expect(JSON.stringify(r)).not.toMatch(/key-123456|tok-99999|dXNlcjpwYXNz|abcdef/);
    expect((r.query as Record<string, string>).eventType).toBe('x');
    expect(r.futureField).toEqual({ nested: true });
    expect(e.row.verdict).toBe('valid');
  });

  it('writes a row\'s JSON directly, exactly as serializing the row object would', () => {
    const odd = [
      report(1),
      report(2, { path: '/a"\\b\u2028\u0000é🎉', event: null, provider: null, signature: { status: 'invalid', ok: false, reason: 'x', scheme: 'stripe' } }),
      report(3, { seq: Number.NaN, status: undefined, size: -0, durationMs: 0.125, problems: ['signature invalid', 7, 'schema'] as unknown as string[], duplicate: { key: 'k', firstSeq: 2 } }),
      report(4, { schema: { status: 'invalid', issues: [{ path: 'a', message: 'm' }, { path: 'b', message: 'n' }] }, method: 42 as unknown as string, receivedAt: undefined }),
      { seq: 5 } as ReportLike,
    ];
    for (const [k, r] of odd.entries()) {
      expect(rowJson(k + 1, r, undefined, 99)).toBe(JSON.stringify(makeRow(k + 1, r, undefined, 99)));
      expect(rowJson(k + 1, r, { origin: 3 }, 99)).toBe(JSON.stringify(makeRow(k + 1, r, { origin: 3 }, 99)));
    }
  });

  it('writes a row\'s JSON exactly as serializing the row object would, for any report, one after another', () => {
    // Few distinct values, so that consecutive reports often share the row's middle (the part rowJson reuses) and
    // often differ from the one before in exactly one field.
    const text = fc.oneof(fc.constantFrom('/webhook', 'valid', 'POST', 'reward', 'é🎉', '', 'a"\\b\u2028\u0000', 'invalid'), fc.string({ unit: 'binary', maxLength: 6 }));
    const value = fc.oneof(text, fc.constant(null), fc.constant(undefined), fc.constantFrom(0, -0, 200, 401, 2.5, Number.NaN, Number.POSITIVE_INFINITY), fc.constant(['x']));
    const rep = rowReports(text, value, true);
    fc.assert(
      fc.property(fc.array(fc.tuple(rep, fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined })), { minLength: 1, maxLength: 12 }), (reports) => {
        for (const [k, [r, origin]] of reports.entries()) {
          const x = origin === undefined ? undefined : { origin };
          expect(rowJson(k + 1, r as ReportLike, x, 99)).toBe(JSON.stringify(makeRow(k + 1, r as ReportLike, x, 99)));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('writes a row\'s compact bytes into the store\'s buffer, which expand to exactly the row object, for any report', () => {
    const text = fc.oneof(fc.constantFrom('/webhook', 'valid', 'POST', 'reward', 'é🎉', '', 'a"\\b\u2028\u0000', '2026-11-29T10:00:00.000Z', '\u007f', 'say "hi"', 'C:\\x', '~ ', 'tab\there', '\u001f'), fc.string({ unit: 'binary', maxLength: 6 }));
    const numbers = fc.oneof(
      fc.constantFrom(0, -0, 200, 401, 2.5, 0.05, 9.99, 10.1, 2 ** 32 - 1, 2 ** 32, -1, 1e21, 1e-7, Number.MAX_SAFE_INTEGER, Number.NaN, Number.POSITIVE_INFINITY),
      fc.integer({ min: 0, max: HUNDREDTHS + 10 }).map((c) => c / 100),
      fc.double(),
    );
    const value = fc.oneof(text, numbers, fc.constant(null), fc.constant(undefined), fc.constant(['x']));
    const rep = rowReports(text, value, false);
    const extras = fc.oneof(fc.constant(undefined), fc.record({ origin: fc.integer({ min: 1, max: 2 ** 40 }) }), fc.constant({ kind: 'sent' as const, sent: { url: 'http://u:p@x/', method: 'POST', path: '/', headers: {} } }));
    fc.assert(
      fc.property(fc.array(fc.tuple(rep, extras, fc.integer({ min: 1, max: 2 ** 33 })), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 600 }), (reports, capacity) => {
        // A small, reused buffer full of other bytes: rows grow it, and nothing of the old bytes may show.
        const out = new Bytes(capacity, Buffer.alloc(capacity, 0xa5), 64);
        const rows = new CompactRows();
        for (const [r, x, id] of reports) {
          const start = out.used;
          const made = rows.write(id, r as ReportLike, x, 99, out);
          if (made !== undefined) out.text(made);
          const kept = JSON.parse(out.buf.toString('utf8', start, out.used)) as Row | CompactRow;
          // Compact unless it is a sent request or its time is not plain ASCII: then the row object's text.
          const at = typeof r.receivedAt === 'string' ? r.receivedAt : '';
          expect(Array.isArray(kept)).toBe((x === undefined || !('kind' in x)) && /^[\x20-\x7e]*$/.test(at) && !/["\\]/.test(at));
          expect(JSON.stringify(expandRow(kept, rows.values))).toBe(JSON.stringify(makeRow(id, r as ReportLike, x, 99)));
        }
        // The table's text is its values' JSON, each middle once (a middle seen again is written as its index).
        expect(rows.json).toEqual(rows.values.map((m) => JSON.stringify(m)));
        expect(new Set(rows.json).size).toBe(rows.json.length);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps at most MAX_MIDDLES middles, and writes the others inline, which expand the same', () => {
    const rows = new CompactRows();
    const s = new DeliveryStore({ keep: 1000, maxBytes: 1e9 }, rows.write, rows);
    // A sender varying its path: every delivery a middle of its own.
    for (let i = 1; i <= MAX_MIDDLES + 50; i++) s.addDelivery(report(i, { path: `/p/${i}` }), Buffer.from('{}'));
    s.addDelivery(report(1000, { path: '/p/1' }), Buffer.from('{}')); // a middle the table holds: its index again
    expect(rows.values.length).toBe(MAX_MIDDLES);
    const kept = s.after(0).map((e) => JSON.parse(e.rowJson) as CompactRow);
    expect(kept.map((r) => typeof r[3])).toEqual([...Array<string>(MAX_MIDDLES).fill('number'), ...Array<string>(50).fill('object'), 'number']);
    expect(kept.at(-1)![3]).toBe(0);
    for (const e of s.after(0)) expect(JSON.stringify(e.row)).toBe(JSON.stringify(makeRow(e.id, report(e.report.seq as number, { path: e.report.path as string }), undefined, 2)));
  });

  it('keeps every middle a page learnt, whichever of a list\'s table and a newer middles event it reads first', () => {
    const m = (path: string): RowMiddle => ({ method: 'POST', path, provider: null, scheme: null, event: null, verdict: 'valid', status: 200, sig: 'valid', auth: 'none', schema: 'skipped', issues: 0 });
    const table: Array<RowMiddle | undefined> = [];
    learnMiddles(table, 0, [m('/a')]);
    learnMiddles(table, 1, [m('/b'), m('/c')]); // the stream's event, read before…
    learnMiddles(table, 0, [m('/a'), m('/b')]); // …a list made before it
    expect(table.map((x) => x?.path)).toEqual(['/a', '/b', '/c']);
    expect(expandRow([5, 5, 't', 2, null, 1, null, [], null], table).path).toBe('/c');
  });

  it('makes room for a row whatever the length of its time and of its middle, near a buffer\'s end', () => {
    const rows = new CompactRows();
    // A full table, so that the rows below carry their (long) middle inline.
    const filler = new Bytes(64, undefined, 0);
    for (let i = 0; i < MAX_MIDDLES; i++) rows.write(i + 1, report(i, { path: `/f/${i}` }), undefined, 2, filler);
    for (const [at, path] of [['x'.repeat(2000), '/webhook'], ['2026-01-01T12:00:00.000Z', `/${'p'.repeat(3000)}`], ['y'.repeat(900), `/${'q'.repeat(900)}`]] as const) {
      for (let capacity = 1; capacity <= 400; capacity += 57) {
        const out = new Bytes(capacity, Buffer.alloc(capacity, 0xa5), 0);
        out.used = capacity - 1;
        const r = report(7, { receivedAt: at, path });
        expect(rows.write(3, r, undefined, 2, out)).toBeUndefined();
        const kept = JSON.parse(out.buf.toString('utf8', capacity - 1, out.used)) as CompactRow;
        expect(typeof kept[3]).toBe('object');
        expect(JSON.stringify(expandRow(kept, rows.values))).toBe(JSON.stringify(makeRow(3, r, undefined, 2)));
      }
    }
  });

  it('writes every number of hundredths below its bound as String() does', () => {
    const buf = Buffer.alloc(64);
    for (let c = 0; c < HUNDREDTHS; c++) {
      const n = c / 100;
      const end = putNumber(buf, 0, n);
      if (buf.toString('latin1', 0, end) !== String(n)) expect(buf.toString('latin1', 0, end)).toBe(String(n));
    }
    for (const n of [HUNDREDTHS / 100, 1e5 + 0.01, 0.001, 0.015, 1 / 3, -0.05, 2 ** 32 + 0.5]) expect(buf.toString('latin1', 0, putNumber(buf, 0, n))).toBe(String(n));
    // Whole numbers at each digit count's edges, and where int32 arithmetic ends.
    const edges = [...Array.from({ length: 9 }, (_, k) => 10 ** (k + 1)).flatMap((p) => [p - 1, p, p + 1]), 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1];
    for (const n of edges) expect(buf.toString('latin1', 0, putNumber(buf, 0, n))).toBe(String(n));
  });

  it('stores the report text `listen --json` just made, or makes the same text itself', () => {
    const a = new DeliveryStore({ keep: 10, maxBytes: 1e9 }, rowJson);
    const b = new DeliveryStore({ keep: 10, maxBytes: 1e9 }, rowJson);
    const r = report(1, { body: { rewardId: 'rw_1' } });
    const raw = Buffer.from('{"rewardId":"rw_1"}');
    a.addDelivery(r, raw);
    deliveryJsonLine(r as never, { body: raw });
    b.addDelivery(r, raw);
    expect(b.get(1)!.report).toEqual(a.get(1)!.report);
    expect(JSON.stringify(b.get(1)!.report)).toBe(JSON.stringify({ ...r, body: undefined }));
    // Taken once: the same object changed afterwards is serialized again, not served from the line before.
    r.verdict = 'invalid';
    b.addDelivery(r, raw);
    expect(b.get(2)!.report.verdict).toBe('invalid');
  });

  it('scrubs configured secrets from derived text', () => {
    const scrub = makeScrubber(['s3cr"et!', 'no']);
    expect(scrub({ reason: 'the key s3cr"et! was wrong', n: 1 })).toEqual({ reason: 'the key ****(8 chars) was wrong', n: 1 });
    expect(scrub('no short words are touched')).toBe('no short words are touched');
  });
});

describe('the JSON diff', () => {
  it('lists changed, added and removed paths in the schema-error notation', () => {
    const { changes } = diffJson({ a: 1, b: { c: [1, 2], d: 'x' }, e: null }, { a: 1, b: { c: [1, 3, 4], d: 'x' }, f: true });
    expect(changes).toEqual([
      { path: 'b.c[1]', kind: 'changed', before: '2', after: '3' },
      { path: 'b.c[2]', kind: 'added', after: '4' },
      { path: 'e', kind: 'removed', before: 'null' },
      { path: 'f', kind: 'added', after: 'true' },
    ]);
  });

  it('compares bytes when a body is not JSON, and calls identical bodies equal', () => {
    expect(diffBodies(Buffer.from('abc'), Buffer.from('abd'))).toMatchObject({ mode: 'bytes', equal: false, firstByte: 2 });
    expect(diffBodies(Buffer.from('{"a":1}'), Buffer.from('{ "a" : 1 }'))).toMatchObject({ mode: 'json', equal: true, firstByte: 1 });
  });
});

describe('exports', () => {
  const s = new DeliveryStore({ keep: 10, maxBytes: 1e9 }, makeRow);
  const raw = Buffer.from('{"data":{"user_id":"usr_1","points":150,"tags":["a","b"],"a.b":{}},"ok":true}\r\n', 'utf8');
  const e = s.get(s.addDelivery(report(7, { provider: 'mgpass', event: 'rewards.points_awarded', headers: { 'content-type': 'application/json', 'x-api-key': 'live-key-1' }, query: { eventType: 'x' } }), raw))!;

  it('a capture file that the capture reader reads back byte for byte, credentials masked', () => {
    const c = parseCapture(captureFile(e), 'export');
    expect(c.body.equals(raw)).toBe(true);
    expect(c.headers['x-api-key']).toBe('****(10 chars)');
    expect(c.provider).toBe('mgpass');
    expect(c.query).toEqual({ eventType: 'x' });
  });

  it('a scenario step whose `set` paths rebuild the body with the library\'s own path writer', () => {
    const doc = parse(scenarioStep(e)!) as Array<{ id: string; event: string; set: Record<string, unknown> }>;
    expect(doc[0]!.id).toBe('rewards-points-awarded-7');
    expect(doc[0]!.event).toBe('rewards.points_awarded');
    const rebuilt: Record<string, unknown> = {};
    for (const [path, value] of Object.entries(doc[0]!.set)) setPath(rebuilt, path, value);
    expect(rebuilt).toEqual(JSON.parse(raw.toString('utf8')));
  });

  it('a curl line to the listener with the same bytes', () => {
    const line = curlLine(e, 'http://127.0.0.1:3000');
    expect(line).toContain("'http://127.0.0.1:3000/webhook?eventType=x'");
    expect(line).toContain("$'{"); // the CRLF makes it a $'…' argument, exact bytes
    expect(line).not.toContain('live-key-1');
  });

  it('a curl line to the --forward-to target: the URL the listener relays to, its credentials masked', () => {
    const line = curlLine(e, 'http://fwd:fwd-password-9@127.0.0.1:8080/in?token=fwd-token-9&x=1', true);
    expect(line).toContain("'http://fwd:****@127.0.0.1:8080/in?token=****&x=1&eventType=x'");
    expect(line).not.toContain('fwd-password-9');
    expect(line).not.toContain('fwd-token-9');
  });
});

describe('requests from elsewhere', () => {
  const token = 'T'.repeat(43);
  const hosts = allowedHosts(4040);
  const req = (headers: Record<string, string>) => ({ headers } as unknown as IncomingMessage);
  const url = (q = `?token=${token}`) => new URL(`http://127.0.0.1:4040/api/deliveries${q}`);

  it('needs the token, compared whatever its length', () => {
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(`${token}x`, token)).toBe(false);
    expect(tokenMatches('', token)).toBe(false);
    expect(tokenMatches(undefined, token)).toBe(false);
    expect(check(req({ host: '127.0.0.1:4040' }), url(''), token, hosts, false)?.status).toBe(401);
    expect(check(req({ host: '127.0.0.1:4040', 'x-cg-hooks-token': token }), url(''), token, hosts, false)).toBeUndefined();
  });

  it('refuses a foreign Host (DNS rebinding), Origin or cross-site fetch even with the token', () => {
    expect(check(req({ host: 'evil.example:4040' }), url(), token, hosts, false)?.status).toBe(403);
    expect(check(req({ host: '127.0.0.1:4041' }), url(), token, hosts, false)?.status).toBe(403);
    expect(check(req({ host: '127.0.0.1:4040', origin: 'http://evil.example' }), url(), token, hosts, false)?.status).toBe(403);
    expect(check(req({ host: '127.0.0.1:4040', origin: 'null' }), url(), token, hosts, false)?.status).toBe(403);
    expect(check(req({ host: '127.0.0.1:4040', origin: 'https://127.0.0.1:4040' }), url(), token, hosts, false)?.status).toBe(403);
    expect(check(req({ host: '127.0.0.1:4040', 'sec-fetch-site': 'cross-site' }), url(), token, hosts, false)?.status).toBe(403);
    expect(check(req({ host: 'localhost:4040', origin: 'http://localhost:4040', 'sec-fetch-site': 'same-origin' }), url(), token, hosts, false)).toBeUndefined();
  });
});

describe('the event stream', () => {
  /** A response whose socket is full after `room` writes, until drain is emitted. */
  function fakeResponse(room: number) {
    const res = new EventEmitter() as EventEmitter & { writes: string[]; room: number; destroyed: boolean; writableLength: number; writeHead(): void; write(t: string | Buffer): boolean; end(): void };
    res.writes = [];
    res.room = room;
    res.destroyed = false;
    res.writableLength = 0;
    res.writeHead = () => undefined;
    res.write = (t: string | Buffer) => {
      res.writes.push(typeof t === 'string' ? t : t.toString('utf8'));
      // Past `room` writes, more is left unread than a page may leave.
      if (res.writes.length >= res.room) res.writableLength = 4 * 1024 * 1024;
      return res.writes.length < res.room;
    };
    res.end = () => undefined;
    return res;
  }

  it('stops writing to a page that does not read, and tells it to re-sync once it drains', () => {
    const store = new DeliveryStore({ keep: 100_000, maxBytes: 1e9 }, makeRow);
    const hub = new EventHub(store);
    const res = fakeResponse(3);
    hub.attach(res as unknown as ServerResponse, 0);
    for (let batch = 0; batch < 50; batch++) {
      for (let i = 0; i < 10; i++) store.addDelivery(report(batch * 10 + i), Buffer.from('{}'));
      hub.flush();
    }
    const whileFull = res.writes.length;
    expect(whileFull).toBe(3); // retry line, one batch, and the write that found the socket full
    expect(hub.skipped).toBeGreaterThan(40);
    res.writableLength = 0;
    res.emit('drain');
    expect(res.writes.length).toBe(whileFull + 1);
    expect(res.writes.at(-1)).toMatch(/^event: resync\n/);
    hub.close();
  });

  it('gives a page that was behind the middles it missed before anything else, once it drains', () => {
    const table = new CompactRows();
    const store = new DeliveryStore({ keep: 100_000, maxBytes: 1e9 }, table.write, table);
    const hub = new EventHub(store);
    const res = fakeResponse(3);
    hub.attach(res as unknown as ServerResponse, 0);
    // The socket fills at once; meanwhile every batch brings a middle (path) of its own, announced to no one.
    for (let batch = 0; batch < 20; batch++) {
      for (let i = 0; i < 10; i++) store.addDelivery(report(batch * 10 + i, { path: `/b/${batch}` }), Buffer.from('{}'));
      hub.flush();
    }
    const announced = res.writes.filter((w) => w.startsWith('event: middles')).length;
    res.room = Number.POSITIVE_INFINITY; // the page reads again
    res.writableLength = 0;
    res.emit('drain');
    expect(res.writes.slice(-2).map((w) => w.slice(0, w.indexOf('\n')))).toEqual(['event: middles', 'event: resync']);
    expect(JSON.parse(res.writes.at(-2)!.slice(res.writes.at(-2)!.indexOf('data: ') + 6))).toEqual({ from: 0, middles: table.values });
    expect(table.values.length).toBe(20);
    expect(announced).toBeLessThan(20);
    // The next rows, streamed before the page's fetch answers, refer to middles it now holds.
    store.addDelivery(report(500, { path: '/b/19' }), Buffer.from('{}'));
    hub.flush();
    const last = JSON.parse(res.writes.at(-1)!.slice(res.writes.at(-1)!.indexOf('data: ') + 6)) as { rows: CompactRow[] };
    expect(last.rows.map((r) => r[3])).toEqual([19]);
    hub.close();
  });

  it('sends a large batch as several small messages, in order, and resumes after the last one written', () => {
    const store = new DeliveryStore({ keep: 100_000, maxBytes: 1e9 }, rowJson);
    const hub = new EventHub(store);
    const res = fakeResponse(3); // the retry line, one message, then the socket is full
    hub.attach(res as unknown as ServerResponse, 0);
    for (let i = 1; i <= 250; i++) store.addDelivery(report(i), Buffer.from('{}'));
    hub.flush();
    const rows = res.writes.filter((w) => w.includes('event: rows'));
    expect(rows.length).toBe(2); // 100 rows, then 100 more into the full socket, and no more
    const ids = rows.map((w) => (JSON.parse(w.slice(w.indexOf('data: ') + 6)) as { rows: Array<{ id: number }> }).rows.map((r) => r.id));
    expect(ids.map((x) => [x[0], x.at(-1)])).toEqual([[1, 100], [101, 200]]);
    expect(rows.map((w) => /^id: (\d+)/.exec(w)![1])).toEqual(['100', '200']);
    res.writableLength = 0;
    res.emit('drain');
    expect(res.writes.at(-1)).toBe(`event: resync\ndata: ${JSON.stringify({ after: 200 })}\n\n`); // the page fetches 201…250
    hub.close();
  });

  it('streams the rows as kept, byte for byte, across batches and with non-ASCII text, their middles announced first', () => {
    const table = new CompactRows();
    const store = new DeliveryStore({ keep: 2000, maxBytes: 1e9 }, table.write, table);
    const hub = new EventHub(store);
    const res = fakeResponse(100_000);
    store.addDelivery(report(0, { path: '/before' }), Buffer.from('{}')); // a middle known before the page attaches
    hub.attach(res as unknown as ServerResponse, 1);
    // Large bodies: a batch holds ~90 of them, so messages of 100 rows span two batches; 3000 evicts the first 1000.
    const late = fakeResponse(100_000); // a page opened later, once every middle has been announced
    for (let i = 1; i <= 3000; i++) {
      store.addDelivery(report(i, { path: `/hook/${'é🎉"\\'.repeat(i % 5)}${i % 40}`, event: i % 7 === 0 ? null : `ev.${i % 3}` }), Buffer.alloc(11_000 + (i % 13), 0x41));
      if (i % 250 === 0) hub.flush();
      if (i === 2000) hub.attach(late as unknown as ServerResponse, store.lastId);
    }
    // The late page expands its rows with only the middles it was sent.
    const lateMiddles: RowMiddle[] = [];
    let lateRows = 0;
    for (const w of late.writes) {
      const data = w.slice(w.indexOf('data: ') + 6);
      if (w.startsWith('event: middles')) {
        const table = JSON.parse(data) as { from: number; middles: RowMiddle[] };
        for (const [k, m] of table.middles.entries()) lateMiddles[table.from + k] = m;
      }
      if (!w.includes('event: rows')) continue;
      for (const r of (JSON.parse(data) as { rows: Array<Row | CompactRow> }).rows) {
        expect(JSON.stringify(expandRow(r, lateMiddles))).toBe(JSON.stringify(store.get(expandRow(r, []).id)!.row));
        lateRows++;
      }
    }
    expect(lateRows).toBe(1000);
    // What the page does: middles by index as they are announced, each rows message expanded with what it knows.
    const middles: RowMiddle[] = [];
    let after = 1;
    let seen = 0;
    let messages = 0;
    for (const w of res.writes) {
      const data = w.slice(w.indexOf('data: ') + 6);
      if (w.startsWith('event: middles')) {
        const m = JSON.parse(data) as { from: number; middles: RowMiddle[] };
        expect(m.from).toBeLessThanOrEqual(middles.length);
        middles.splice(m.from, m.middles.length, ...m.middles);
      }
      if (!w.includes('event: rows')) continue;
      messages++;
      const page = JSON.parse(data) as { first: number; evicted: number; rows: Array<Row | CompactRow> };
      const rows = page.rows.map((r) => expandRow(r, middles));
      const last = rows.at(-1)!.id;
      expect(rows[0]!.id).toBe(after + 1);
      if (store.firstId <= rows[0]!.id) {
        expect(w).toBe(`id: ${last}\nevent: rows\ndata: ${rowsDocument(store.rowsJson(rows[0]!.id - 1, rows.length).json, { first: page.first, evicted: page.evicted })}\n\n`);
        expect(rows.map((r) => JSON.stringify(r))).toEqual(rows.map((r) => JSON.stringify(store.get(r.id)!.row)));
      }
      for (const r of rows) expect(r.verdict).not.toBe('unknown');
      seen += rows.length;
      after = last;
    }
    expect(messages).toBeGreaterThan(20);
    expect(seen).toBe(3000);
    expect(middles).toEqual(table.values);
    hub.close();
  });

  it('lists rows through the API as whole row objects, or as kept with the middles for the page, for any window', () => {
    const table = new CompactRows();
    const store = new DeliveryStore({ keep: 700, maxBytes: 1e9 }, table.write, table);
    for (let i = 1; i <= 1000; i++) store.addDelivery(report(i, { path: `/ü/${i % 9}`, problems: i % 4 === 0 ? ['signature'] : [] }), Buffer.alloc(3000 + i, 0x41));
    const ctx = { store } as unknown as ApiContext;
    for (const [after, limit] of [[0, 5000], [0, 10], [299, 1], [300, 100], [650, 500], [999, 5], [1000, 5], [5000, 5], [400, 0]] as const) {
      const rows = store.rowsJson(after, limit);
      const head = { first: store.firstId, last: store.lastId, evicted: store.evicted, more: rows.count > 0 && rows.last < store.lastId };
      const whole = store.after(after, limit).map((e) => JSON.stringify(makeRow(e.id, e.report, undefined, e.body.length)));
      expect(String(list(ctx, new URL(`http://127.0.0.1/api/deliveries?after=${after}&limit=${limit}`)).body)).toBe(`${rowsDocument(whole.join(','), head)}\n`);
      const compact = list(ctx, new URL(`http://127.0.0.1/api/deliveries?after=${after}&limit=${limit}&compact=1`));
      expect(String(compact.body)).toBe(`${rowsDocument(rows.json, { ...head, middles: table.values })}\n`);
    }
  });

  it('sends a resync instead of a batch too large for one message', () => {
    const store = new DeliveryStore({ keep: 100_000, maxBytes: 1e9 }, makeRow);
    const hub = new EventHub(store);
    const res = fakeResponse(1000);
    hub.attach(res as unknown as ServerResponse, 0);
    for (let i = 0; i < 2100; i++) store.addDelivery(report(i), Buffer.from('{}'));
    hub.flush();
    expect(res.writes.at(-1)).toMatch(/event: resync/);
    store.addDelivery(report(2101), Buffer.from('{}'));
    hub.flush();
    expect(res.writes.at(-1)).toMatch(/event: rows\ndata: \{"first":1,"evicted":0,"rows":\[\{"id":2101,/);
    hub.close();
  });
});
