// The listener's pieces that hold its guarantees, one by one: bounded de-duplication memory, bodies read
// through their Content-Encoding (and not past --max-body), answers that never carry a configured credential,
// query display, and an output sink that stays bounded when nobody reads it.
import { EventEmitter } from 'node:events';
import { connect } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonText, safeJson } from '../src/core/json-text.js';
import { deliveryJsonLine, deliveryJsonParts, formatQuery, streamWriter } from '../src/output/delivery.js';
import type { DeliveryReport } from '../src/http/listen-types.js';
import { DedupTracker, keyDigest, parseBody, type DeliveryInput } from '../src/http/inspect.js';
import { MAX_KEPT_KEY } from '../src/http/dedup.js';
import { relayUrl } from '../src/http/listen-forward.js';
import type { IncomingMessage } from 'node:http';
import { maskHeaders } from '../src/core/redact.js';
import { answerBody, buildReport, failedAnalysis } from '../src/http/listen-report.js';
import { MapTracker } from './helpers/map-tracker.js';
import { startListener } from '../src/http/listen.js';

describe('DedupTracker', () => {
  it('keeps a fixed-size digest per key, however long the key (a sender controls it)', () => {
    const t = new DedupTracker(1000);
    const long = (i: number) => `reward:we_${i}${'k'.repeat(1024 * 1024)}`;
    for (let i = 0; i < 50; i++) expect(t.claim(long(i), i + 1)).toBeUndefined();
    expect(t.size).toBe(50);
    expect(t.storedKeyChars()).toBeLessThanOrEqual(50 * 44);
    expect(t.claim(long(7), 99)).toBe(8); // still recognised
    t.release(long(7), 8);
    expect(t.claim(long(7), 100)).toBeUndefined();
  });

  it('keeps short keys as they are, and a short key never meets a long one by its digest', () => {
    const t = new DedupTracker(1000);
    const id = `customerglu:${'a'.repeat(MAX_KEPT_KEY - 12)}`;
    expect(t.claim(id, 1)).toBeUndefined();
    expect(t.storedKeyChars()).toBe(MAX_KEPT_KEY);
    expect(t.claim(`${id}b`, 2)).toBeUndefined(); // one character longer: digested, still its own key
    expect(t.claim(`${id}b`, 3)).toBe(2);
    // What a long key is kept as, sent as a key of its own, is not that long key.
    const long = 'k'.repeat(100);
    expect(t.claim(long, 4)).toBeUndefined();
    expect(t.claim(`#${keyDigest(long)}`, 5)).toBeUndefined();
    expect(t.claim(`#${keyDigest(long)}`, 6)).toBe(5);
    expect(t.claim(long, 7)).toBe(4);
    expect(t.firstSeq(id)).toBe(1);
    expect(t.size).toBe(4);
  });
});

/**
 * expect(got).toBe(want), run only when Object.is says they differ: a property here checks ~180,000 values a run,
 * and an expect each cost more than the tracker. The same comparison, and the same failure when they differ.
 */
function same(got: unknown, want: unknown): void {
  if (!Object.is(got, want)) expect(got).toBe(want);
}

describe('DedupTracker eviction', () => {
  it('forgets keys in the order a Map would (oldest stored first), whatever is claimed, released and remembered', () => {
    const op = fc.record({ kind: fc.constantFrom('claim', 'claim', 'claim', 'release', 'release', 'release-other', 'remember', 'first'), key: fc.integer({ min: 0, max: 15 }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { minLength: 20, maxLength: 400, size: "max" }), (limit, ops) => {
        const t = new DedupTracker(limit);
        const oracle = new MapTracker(limit);
        const lastSeq = new Map<string, number>();
        let seq = 0;
        for (const { kind, key: k } of ops) {
          const key = `customerglu:${k}`;
          if (kind === 'claim') {
            seq++;
            const first = oracle.claim(key, seq);
            same(t.claim(key, seq), first);
            if (first === undefined) lastSeq.set(key, seq); // the claim a refusal would release
          } else if (kind === 'remember') {
            seq++;
            t.remember(key, seq);
            oracle.remember(key, seq);
          } else if (kind === 'release' || kind === 'release-other') {
            // The listener releases the claim of the delivery it refused; another seq must change nothing.
            const s = kind === 'release' ? (lastSeq.get(key) ?? 0) : seq + 1;
            t.release(key, s);
            oracle.release(key, s);
          } else same(t.firstSeq(key), oracle.seen.get(key));
          same(t.size, oracle.seen.size);
        }
        for (let k = 0; k <= 15; k++) same(t.firstSeq(`customerglu:${k}`), oracle.seen.get(`customerglu:${k}`));
      }),
      { numRuns: 300 },
    );
  });

  it('evicts the oldest held key after every claim was released (a receiver that refused everything)', () => {
    const t = new DedupTracker(100);
    for (let i = 1; i <= 10_000; i++) {
      t.claim(`k${i}`, i);
      t.release(`k${i}`, i);
    }
    expect(t.size).toBe(0);
    // 10,000 deleted slots before the first held key: still the oldest first.
    for (let i = 1; i <= 3000; i++) t.claim(`s${i}`, 10_000 + i);
    expect(t.size).toBe(100);
    expect(t.firstSeq('s2901')).toBe(12_901);
    expect(t.firstSeq('s2900')).toBeUndefined();
  });

  it('keeps the order when the map grows after some keys were forgotten (its table is rehashed under the kept iterator)', () => {
    const t = new DedupTracker(50);
    const oracle = new MapTracker(50);
    const both = (f: (x: DedupTracker | MapTracker) => void) => [t, oracle].forEach(f);
    let seq = 0;
    for (let i = 0; i < 60; i++) both((x) => x.claim(`s${i}`, seq + i + 1)); // 10 forgotten: the oldest slot moved on
    seq += 60;
    for (let i = 20; i < 40; i++) both((x) => x.release(`s${i}`, i + 1)); // 20 stale slots
    // The map's table is rebuilt while the iterator stands inside it; then every claim forgets one key, oldest first.
    for (let i = 0; i < 80; i++) {
      both((x) => x.claim(`n${i}`, seq + i + 1));
      expect(t.size).toBe(oracle.seen.size);
      for (const [key, first] of oracle.seen) expect(t.firstSeq(key)).toBe(first);
    }
  });

  it('a key claimed again after a release is as new (its first, stale place in the queue evicts nothing)', () => {
    const t = new DedupTracker(2);
    t.claim('a', 1);
    t.release('a', 1); // refused: forgotten
    t.claim('b', 2);
    t.claim('a', 3); // stored again, now after b
    t.claim('c', 4); // over the limit: b is the oldest held, not a
    expect(t.firstSeq('b')).toBeUndefined();
    expect(t.firstSeq('a')).toBe(3);
    expect(t.firstSeq('c')).toBe(4);
  });
});

describe('bodies with a Content-Encoding', () => {
  const json = Buffer.from('{"rewardId":"r1","name":"Café"}');
  const input = (body: Buffer, encoding: string, maxDecoded?: number): DeliveryInput => ({
    method: 'POST',
    path: '/',
    query: {},
    headers: { 'content-type': 'application/json', 'content-encoding': encoding },
    body,
    ...(maxDecoded === undefined ? {} : { maxDecoded }),
  });

  it.each([
    ['gzip', gzipSync(json)],
    ['x-gzip', gzipSync(json)],
    ['deflate', deflateSync(json)],
    ['deflate', deflateRawSync(json)],
    ['br', brotliCompressSync(json)],
    ['gzip, br', brotliCompressSync(gzipSync(json))],
  ])('%s: read as the JSON it holds', (encoding, body) => {
    expect(parseBody(input(body, encoding))).toEqual({ kind: 'json', parsed: { rewardId: 'r1', name: 'Café' }, encoding });
  });

  it('a compressed bomb stops at --max-body; garbage and unknown codings say so, never "not valid UTF-8"', () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20)); // 50 KB that would become 50 MB
    expect(bomb.length).toBeLessThan(100_000);
    // Decoding past --max-body is a body over --max-body (413 to the sender), not a body that cannot be read.
    expect(parseBody(input(bomb, 'gzip', 1024 * 1024))).toMatchObject({ kind: 'too-large', encoding: 'gzip', error: expect.stringMatching(/decodes to more than 1048576 bytes/) });
    expect(parseBody(input(deflateSync(Buffer.alloc(4096, 0x20)), 'deflate', 1024))).toMatchObject({ kind: 'too-large', encoding: 'deflate' });
    expect(parseBody(input(brotliCompressSync(Buffer.alloc(4096, 0x20)), 'br', 1024))).toMatchObject({ kind: 'too-large', encoding: 'br' });
    expect(parseBody(input(Buffer.from('not gzip'), 'gzip'))).toMatchObject({ kind: 'undecodable', error: expect.stringMatching(/^Content-Encoding: gzip, but it does not decode/) });
    expect(parseBody(input(json, 'zstd'))).toMatchObject({ kind: 'undecodable', error: expect.stringMatching(/zstd is not supported/) });
    expect(parseBody(input(json, 'identity'))).toEqual({ kind: 'json', parsed: { rewardId: 'r1', name: 'Café' } });
  });
});

describe('answers never carry what was configured', () => {
  it('a 401 names the failing check and header, not its reason text', () => {
    const body = answerBody(401, {
      signature: { status: 'unsigned', ok: true, reason: '' },
      auth: { status: 'invalid', ok: false, kind: 'webengage-secret', reason: 'licenseCode query parameter "x" is not yours (~my-license)' },
      duplicate: null,
      statusReason: 'verdict',
    });
    expect(JSON.stringify(body)).not.toContain('~my-license');
    expect(body).toEqual({ error: 'unauthorized', message: 'webengage-secret invalid' });
  });
});

describe('a report\'s headers', () => {
  it('are masked as maskHeaders masks them (the same object when nothing is), whatever names came before (those remembered are bounded)', () => {
    const body = Buffer.from('{}');
    const input: DeliveryInput = { method: 'POST', path: '/', query: {}, headers: {}, body, tooLarge: false, size: 2, maxDecoded: 1024 };
    const analysis = failedAnalysis(input, new Error('not looked at'));
    const req = { method: 'POST', socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
    const report = (headers: Record<string, string>) => buildReport(req, 1, { receivedAt: '', path: '/', query: {}, headers, size: 2 }, body, analysis, undefined, false);
    const long = 'k'.repeat(70);
    const name = fc.oneof(fc.constantFrom('host', 'authorization', 'x-api-key', 'cookie', 'x-cg-signature', 'x-my-secret', `x-${long}-token`, `x-${long}`), fc.string({ minLength: 1, maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(fc.dictionary(name, fc.string({ maxLength: 20 }), { maxKeys: 6 }), { minLength: 1, maxLength: 30 }), fc.nat(300), (maps, others) => {
        // Enough names of no credential to fill what is remembered: the names after meet it emptied.
        for (let i = 0; i < others; i++) report({ [`x-other-${i}`]: 'v' });
        for (const headers of maps) {
          const want = maskHeaders(headers, { keepScheme: false });
          const got = report(headers).headers;
          if (got !== want && JSON.stringify(got) !== JSON.stringify(want)) expect(got).toEqual(want);
          expect(got === headers).toBe(want === headers);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('query strings', () => {
  it('shown with every value, credentials masked', () => {
    expect(formatQuery({ a: ['1', '2'], secret: 'abcd', b: 'x y' })).toBe('?a=1&a=2&secret=****(4 chars)&b=x+y');
    expect(formatQuery({})).toBe('');
  });

  it('relayed as received, after the target URL’s own parameters (which win)', () => {
    const target = new URL('http://127.0.0.1:9/hook?mine=1');
    expect(relayUrl(target, 'a=1&a=2&mine=theirs&b=%C3%A9').href).toBe('http://127.0.0.1:9/hook?mine=1&a=1&a=2&b=%C3%A9');
    expect(relayUrl(new URL('http://127.0.0.1:9/hook'), 'x=%zz&y')).toBeInstanceOf(URL);
    expect(relayUrl(target, '')).toBe(target);
  });
});

/** A stream that accepts writes but never drains unless told to, like a pipe nobody reads. */
function stuckStream() {
  const e = new EventEmitter() as EventEmitter & { writableLength: number; writes: string[]; write(t: string): boolean; drain(): void };
  e.writableLength = 0;
  e.writes = [];
  e.write = (text: string) => {
    e.writes.push(text);
    e.writableLength += text.length;
    return false;
  };
  e.drain = () => {
    e.writableLength = 0;
    e.emit('drain');
  };
  return e;
}

describe('streamWriter', () => {
  it('drops (and counts) lines beyond its bound, marks the gap when the reader catches up', () => {
    const s = stuckStream();
    const gaps: number[] = [];
    let backedUp = 0;
    const w = streamWriter(s as never, { onBackedUp: () => backedUp++, onResumed: (n) => gaps.push(n) }, { batch: 0, maxBuffered: 1000 });
    for (let i = 0; i < 100; i++) w.push(`${'x'.repeat(99)}\n`);
    expect(s.writableLength).toBeLessThanOrEqual(1000);
    expect(w.dropped).toBe(90);
    expect(backedUp).toBe(1);
    s.drain();
    expect(gaps).toEqual([90]);
    w.push('after\n');
    expect(String(s.writes.at(-1))).toBe('after\n');
  });

  it('writes text and byte parts in order, as UTF-8, one line per push', async () => {
    const s = stuckStream();
    const w = streamWriter(s as never, {}, { batch: 64 });
    const body = Buffer.from('{"name":"Zoë 🎁","n":1.0}');
    w.push('first line é\n');
    w.push(['{"seq":1,"body":', body, '}\n']);
    w.push(`${'x'.repeat(100)}\n`); // past the batch: written now, with the two before it
    w.push('last\n');
    expect(s.writes.map((b) => Buffer.from(b as unknown as Uint8Array).toString('utf8'))).toEqual([`first line é\n{"seq":1,"body":{"name":"Zoë 🎁","n":1.0}}\n${'x'.repeat(100)}\n`]);
    await new Promise((r) => setImmediate(r));
    expect(s.writes.map(String).at(-1)).toBe('last\n');
    expect(w.dropped).toBe(0);
  });

  it('settles as soon as the last write has called back, with no drain (a file\'s stream: `listen --expect` exits at once)', async () => {
    // Like Node's stream for a file or /dev/null: write() returns true and calls back on the next tick.
    const s = Object.assign(new EventEmitter(), {
      writableLength: 0,
      writes: [] as string[],
      write(chunk: Uint8Array, callback: (e?: Error | null) => void) {
        s.writes.push(Buffer.from(chunk).toString('utf8'));
        process.nextTick(callback);
        return true;
      },
    });
    const w = streamWriter(s as never);
    w.push('{"seq":1}\n');
    w.finish();
    expect(w.unflushed).toBe(1); // its callback has not come yet
    const first = await Promise.race([w.settle(60_000).then(() => 'settled'), new Promise((r) => setTimeout(() => r('still waiting'), 2000))]);
    expect(first).toBe('settled');
    expect(w.unflushed).toBe(0);
    expect(s.writes).toEqual(['{"seq":1}\n']);
  });

  it('writes a delivery line byte for byte as its text form, the body embedded as it arrived', () => {
    const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }));
    const report = fc.record({
      seq: fc.nat(),
      path: text,
      headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), text, { maxKeys: 6 }),
      event: fc.option(text),
      problems: fc.array(text, { maxLength: 3 }),
      reason: text,
      durationMs: fc.double({ noNaN: true, min: 0, max: 1e6 }),
      capture: fc.option(fc.record({ path: text })),
    });
    const body = fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify({ v, text: 'Zoë 🎁 £2' })));
    const unsafeBody = fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify({ v, text: 'pay \u202e01 ot\u0085' })));
    fc.assert(
      fc.property(report, fc.oneof(body, unsafeBody), fc.integer({ min: 0, max: 3000 }), (r, raw, batch) => {
        const d = {
          type: 'delivery', seq: r.seq, receivedAt: '2026-01-01T00:00:00.000Z', method: 'POST', path: r.path, query: {}, headers: r.headers,
          remoteAddress: '127.0.0.1', size: raw.length, sha256: 'ab', provider: 'customerglu', confidence: 0.95, event: r.event,
          verdict: 'valid', problems: r.problems, signature: { status: 'valid', ok: true, reason: r.reason }, auth: { status: 'none', ok: true, reason: '' },
          schema: { status: 'valid', issues: [] }, bodyKind: 'json', duplicate: null, dedupKey: null, status: 200, statusReason: 'verdict',
          body: JSON.parse(raw.toString('utf8')), durationMs: r.durationMs, ...(r.capture ? { capture: r.capture } : {}),
        } as DeliveryReport;
        const { body: parsed, ...rest } = d;
        // The line as it was made before: the report's text without the body, its brace replaced by the raw body.
        // A body with a bidi or C1 control: the same text with those escaped (core/json-text.ts), its spelling kept.
        const expected = `${jsonText(rest).slice(0, -1)},"body":${safeJson(raw.toString('utf8'))}}\n`;
        expect(deliveryJsonLine(d, { body: raw })).toBe(expected);
        const s = stuckStream();
        const w = streamWriter(s as never, {}, { batch });
        w.push('before é\n');
        w.push(deliveryJsonParts(d, { body: raw }));
        w.push('after\n');
        w.flush();
        expect(Buffer.concat(s.writes.map((b) => Buffer.from(b as unknown as Uint8Array))).toString('utf8')).toBe(`before é\n${expected}after\n`);
        expect(d.body).toBe(parsed); // put back
      }),
      { numRuns: 300 },
    );
  });

  it('stops writing once the reader is gone (EPIPE), says so once', () => {
    const s = stuckStream();
    const closed: string[] = [];
    const w = streamWriter(s as never, { onClosed: (e) => closed.push(e.code!) }, { batch: 0 });
    w.push('one\n');
    s.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    s.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    w.push('two\n');
    expect(s.writes.map(String)).toEqual(['one\n']);
    expect(closed).toEqual(['EPIPE']);
    expect(w.closed).toBe(true);
    // "two", and "one": handed to a stream that never passed it on before it broke.
    expect(w.dropped).toBe(2);
  });
});

describe('startListener (the library\'s listen)', () => {
  it('refuses an empty secret or API key (an unset variable) instead of checking deliveries against it', async () => {
    await expect(startListener({ secrets: ['s3cret', ''], providers: [] })).rejects.toThrow(/empty secret/);
    await expect(startListener({ apiKey: '', providers: [] })).rejects.toThrow(/empty API key/);
  });

  /** One request as written (header names exactly as given), answered before the next. */
  const send = (port: number, head: string) =>
    new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(`${head}Connection: close\r\nContent-Length: 2\r\n\r\n{}`));
      socket.on('data', () => {}).on('close', () => resolve()).on('error', reject);
    });

  it("reports the headers and query as sent, node's own header map taken or not (repeats, Set-Cookie, the same names again)", async () => {
    const reports: DeliveryReport[] = [];
    const listener = await startListener({ providers: [], explain: null }, { onDelivery: (r) => void reports.push(r) });
    try {
      const heads = [
        'POST /a HTTP/1.1\r\nHost: h\r\nX-Cg-Signature: s1\r\n',
        'POST /a HTTP/1.1\r\nHost: h\r\nX-Cg-Signature: s2\r\n', // the same names: node's map
        'POST /b HTTP/1.1\r\nHost: h\r\nSet-Cookie: c=1\r\n',
        'POST /b HTTP/1.1\r\nHost: h\r\nSet-Cookie: c=2\r\n', // node's would hold an array (masked: a credential)
        'POST /c?a=1&b=2&a=3 HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Type: application/json\r\n',
        'POST /c? HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Type: application/json\r\n', // node keeps the first
      ];
      for (const head of heads) await send(listener.port, head);
    } finally {
      await listener.close();
    }
    const seen = reports.map((r) => ({ path: r.path, query: r.query, headers: r.headers }));
    const tail = { connection: 'close', 'content-length': '2' };
    expect(seen).toEqual([
      { path: '/a', query: {}, headers: { host: 'h', 'x-cg-signature': 's1', ...tail } },
      { path: '/a', query: {}, headers: { host: 'h', 'x-cg-signature': 's2', ...tail } },
      { path: '/b', query: {}, headers: { host: 'h', 'set-cookie': '****(3 chars)', ...tail } },
      { path: '/b', query: {}, headers: { host: 'h', 'set-cookie': '****(3 chars)', ...tail } },
      { path: '/c', query: { a: ['1', '3'], b: '2' }, headers: { host: 'h', 'content-type': 'text/plain, application/json', ...tail } },
      { path: '/c', query: {}, headers: { host: 'h', 'content-type': 'text/plain, application/json', ...tail } },
    ]);
    for (const r of reports) expect(Object.keys(r.headers)).toEqual(['host', Object.keys(r.headers)[1], 'connection', 'content-length']);
  });
});
