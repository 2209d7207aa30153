// The listener's per-delivery bookkeeping, each fast path against the plain form it replaced: the duplicate
// memory's open-addressing index against a Map in insertion order, headerMap's remembered names against the
// lower-casing loop, the report's headers (credential names remembered) against maskHeaders itself, and the
// checks that skip work.
import { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { maskHeaders } from '../src/core/redact.js';
import { DedupTracker, FIRST_CAPACITY } from '../src/http/dedup.js';
import { inspectDelivery } from '../src/http/inspect.js';
import { buildReport, headerMap, isoNow, requestHeaders } from '../src/http/listen-report.js';
import { loadProvider } from '../src/providers/index.js';
import { MapTracker } from './helpers/map-tracker.js';
import { stubProvider } from './helpers/stub-provider.js';

/** Every key in one of `buckets` places of the index: long runs, wrapped runs, and tags that match other keys. */
const colliding = (buckets: number) =>
  class extends DedupTracker {
    protected override hash(key: string): number {
      let n = 0;
      for (let i = 0; i < key.length; i++) n += key.charCodeAt(i);
      // Low bits (the place) from few values; the same upper bits (the tag) for every key.
      return (n % buckets) | 0x7ff00000;
    }
  };

/** A ring that starts at 16 slots and doubles (the default limit's starts whole): its growth under every test. */
const growing = (Base: typeof DedupTracker) =>
  class extends Base {
    protected override firstCapacity(): number {
      return 16;
    }
  };

type Tracker = Pick<DedupTracker, 'claim' | 'release' | 'remember' | 'firstSeq' | 'size'>;

/** Runs the same operations on a tracker and the oracle; every answer and the size must agree. */
function agrees(t: Tracker, limit: number, ops: Array<{ kind: string; key: number }>, keys: number): void {
  const oracle = new MapTracker(limit);
  const lastSeq = new Map<string, number>();
  let seq = 0;
  for (const { kind, key: k } of ops) {
    const key = `customerglu:${k}`;
    if (kind === 'claim') {
      const first = oracle.claim(key, ++seq);
      const got = t.claim(key, seq);
      if (got !== first) expect(got).toBe(first);
      if (first === undefined) lastSeq.set(key, seq);
    } else if (kind === 'remember') {
      oracle.remember(key, ++seq);
      t.remember(key, seq);
    } else if (kind === 'release') {
      const s = lastSeq.get(key) ?? 0;
      oracle.release(key, s);
      t.release(key, s);
    } else if (t.firstSeq(key) !== oracle.seen.get(key)) expect(t.firstSeq(key)).toBe(oracle.seen.get(key));
    if (t.size !== oracle.seen.size) expect(t.size).toBe(oracle.seen.size);
  }
  for (let k = 0; k < keys; k++) expect(t.firstSeq(`customerglu:${k}`)).toBe(oracle.seen.get(`customerglu:${k}`));
}

const opsOf = (keys: number, maxLength: number) =>
  fc.array(fc.record({ kind: fc.constantFrom('claim', 'claim', 'claim', 'claim', 'release', 'release', 'remember', 'first'), key: fc.integer({ min: 0, max: keys - 1 }) }), { minLength: 50, maxLength, size: 'max' });

describe('DedupTracker (ring and open-addressing index)', () => {
  it('answers as a Map in insertion order would, through growth, wrap-around, compaction and eviction', () => {
    for (const Tracker of [DedupTracker, growing(DedupTracker)]) {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 120 }), opsOf(200, 2000), (limit, ops) => agrees(new Tracker(limit), limit, ops, 200)),
        { numRuns: 40 },
      );
    }
  });

  it('answers the same when keys collide in the index (long runs, shifted back on deletion, tags that match other keys)', () => {
    for (const buckets of [1, 3, 17]) {
      for (const Colliding of [colliding(buckets), growing(colliding(buckets))]) {
        fc.assert(
          fc.property(fc.integer({ min: 1, max: 40 }), opsOf(80, 600), (limit, ops) => agrees(new Colliding(limit), limit, ops, 80)),
          { numRuns: 25 },
        );
      }
    }
  });

  it('makes the default limit\'s whole ring at the start (never grown), and grows a larger limit\'s from there', () => {
    // A quarter of the limit free when full: 104,857 fits FIRST_CAPACITY, one more needs twice that.
    expect(new DedupTracker().slots).toBe(FIRST_CAPACITY);
    expect(new DedupTracker(104_857).slots).toBe(FIRST_CAPACITY);
    expect(new DedupTracker(1000).slots).toBe(2048);
    expect(new DedupTracker(1).slots).toBe(16);
    // Bounded up front whatever the limit: the largest starts at FIRST_CAPACITY, not at its 2^25 slots.
    expect(new DedupTracker(2 ** 24).slots).toBe(FIRST_CAPACITY);
    const t = new DedupTracker();
    for (let seq = 1; seq <= 120_000; seq++) t.claim(`customerglu:${seq}`, seq);
    expect(t.slots).toBe(FIRST_CAPACITY);
    expect(t.size).toBe(100_000);
  });

  it('grows past FIRST_CAPACITY as a Map would answer: keys released before and across the doubling, then eviction', () => {
    const limit = 104_858; // the smallest limit whose ring must grow
    const t = new DedupTracker(limit);
    const oracle = new MapTracker(limit);
    let seq = 0;
    const claim = (key: string) => {
      const s = ++seq;
      const want = oracle.claim(key, s);
      const got = t.claim(key, s);
      if (got !== want) expect(got).toBe(want);
    };
    const release = (key: string, s: number) => {
      oracle.release(key, s);
      t.release(key, s);
    };
    const agreeOn = (key: string) => {
      if (t.firstSeq(key) !== oracle.seen.get(key)) expect(t.firstSeq(key)).toBe(oracle.seen.get(key));
    };
    // Fill the ring to the last slot, releasing every 5th key (holes the doubling must squeeze out)...
    for (let k = 0; k < FIRST_CAPACITY; k++) {
      claim(`k${k}`);
      if (k % 5 === 0) release(`k${k}`, seq);
    }
    expect(t.slots).toBe(FIRST_CAPACITY);
    // ...then one more key: the keys held are over half the ring, so it doubles instead of compacting.
    claim(`k${FIRST_CAPACITY}`);
    expect(t.slots).toBe(2 * FIRST_CAPACITY);
    // Every key from before the doubling is found (or not) with its first seq; releasing one still matches it.
    for (let k = 0; k <= FIRST_CAPACITY; k += 7) agreeOn(`k${k}`);
    for (let k = 3; k < FIRST_CAPACITY; k += 1000) {
      const first = oracle.seen.get(`k${k}`);
      if (first !== undefined) release(`k${k}`, first);
    }
    claim('k1003'); // released just now, after the doubling: new again
    claim('k5'); // released before it: new again
    claim('k2'); // held across it: a duplicate of its first seq
    expect(t.claim('k2', 0)).toBe(3);
    // Past the limit: the oldest held key forgotten for each new one, in the Map's order.
    for (let k = FIRST_CAPACITY + 1; k < limit + 30_000; k++) claim(`k${k}`);
    expect(t.size).toBe(limit);
    expect(t.size).toBe(oracle.seen.size);
    expect(t.slots).toBe(2 * FIRST_CAPACITY);
    for (let k = 0; k < limit + 30_000; k += 13) agreeOn(`k${k}`);
    agreeOn('k1003');
    agreeOn('k5');
  });

  it('holds the limit over a long run of new keys, the oldest forgotten first, with releases between', () => {
    const limit = 1000;
    const t = new DedupTracker(limit);
    const oracle = new MapTracker(limit);
    let x = 12345;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    for (let seq = 1; seq <= 60_000; seq++) {
      const key = `sha256:${next().toString(16)}${next() % 4000}`;
      expect(t.claim(key, seq)).toBe(oracle.claim(key, seq));
      if (next() % 5 === 0) {
        t.release(key, seq);
        oracle.release(key, seq);
      }
    }
    expect(t.size).toBe(oracle.seen.size);
    for (const [key, first] of oracle.seen) expect(t.firstSeq(key)).toBe(first);
  });

  it('refuses a limit it cannot index, and takes the largest it can', () => {
    expect(() => new DedupTracker(0)).toThrow(/limit 1 to 16777216, got 0/);
    expect(() => new DedupTracker(2 ** 24 + 1)).toThrow(RangeError);
    const largest = new DedupTracker(2 ** 24);
    expect(largest.claim('k', 1)).toBeUndefined();
    expect(largest.claim('k', 2)).toBe(1);
  });

  it('a delivery without a key (not JSON, no key reader answer) is never a duplicate and changes nothing', () => {
    const t = new DedupTracker(4);
    t.claim('a', 1);
    expect(t.claim(undefined, 2)).toBeUndefined();
    expect(t.claim(undefined, 3)).toBeUndefined();
    t.remember(undefined, 4);
    t.release(undefined, 2);
    expect(t.firstSeq(undefined)).toBeUndefined();
    expect(t.size).toBe(1);
    expect(t.firstSeq('a')).toBe(1);
  });
});

/** headerMap as it was: every name lower-cased, repeats joined, "__proto__" as data. */
function plainHeaderMap(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const joined = Object.hasOwn(out, name) ? `${out[name]}, ${raw[i + 1]!}` : raw[i + 1]!;
    Object.defineProperty(out, name, { value: joined, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const NAMES = ['Host', 'host', 'Content-Type', 'X-Cg-Signature', 'x-cg-signature', '__proto__', 'constructor', '123', 'Authorization', 'X-Api-Key'];
const rawHeaders = fc.array(fc.tuple(fc.constantFrom(...NAMES), fc.string({ maxLength: 4 })), { maxLength: 5 }).map((pairs) => pairs.flat());
/** Requests as senders send them: often the same names as the one before, sometimes not. */
const requestsOf = (headers: fc.Arbitrary<string[]>) =>
  fc.array(fc.tuple(headers, fc.boolean(), fc.array(fc.string({ maxLength: 3 }), { minLength: 5, maxLength: 5 })), { minLength: 1, maxLength: 30 }).map((list) => {
    const out: string[][] = [];
    for (const [raw, again, values] of list) {
      const previous = out[out.length - 1];
      // The same names again (fresh strings, as node makes them), with other values.
      out.push(again && previous ? previous.map((v, i) => (i % 2 === 0 ? `${v} `.slice(0, -1) : values[(i >> 1) % 5]!)) : raw);
    }
    return out;
  });
const requests = requestsOf(rawHeaders);

describe('headerMap with the names of the request before', () => {
  it('makes the same map as lower-casing every name, key order and "__proto__" included', () => {
    fc.assert(
      fc.property(requests, (list) => {
        for (const raw of list) {
          const got = headerMap(raw);
          const want = plainHeaderMap(raw);
          expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
          expect(Object.entries(got)).toEqual(Object.entries(want));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('takes the remembered names only for the same names in the same order', () => {
    expect(headerMap(['Host', 'a', 'X-One', '1'])).toEqual({ host: 'a', 'x-one': '1' });
    expect(headerMap(['Host', 'b', 'X-One', '2'])).toEqual({ host: 'b', 'x-one': '2' });
    expect(headerMap(['Host', 'c', 'X-Two', '3'])).toEqual({ host: 'c', 'x-two': '3' });
    expect(headerMap(['X-Two', '4', 'Host', 'd'])).toEqual({ 'x-two': '4', host: 'd' });
    expect(Object.keys(headerMap(['X-Two', '4', 'Host', 'd']))).toEqual(['x-two', 'host']);
    expect(headerMap(['X-A', '1', 'x-a', '2'])).toEqual({ 'x-a': '1, 2' });
    expect(headerMap(['X-A', '3', 'x-a', '4'])).toEqual({ 'x-a': '3, 4' });
    const proto = headerMap(['__proto__', 'p']);
    expect(Object.getPrototypeOf(headerMap(['__proto__', 'q']))).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__']);
  });
});

/** A request as node's server hands it over: its own req.headers map made from the same rawHeaders. */
function nodeRequest(raw: string[]): IncomingMessage {
  const req = new IncomingMessage(null as never);
  (req as unknown as { _addHeaderLines(raw: string[], n: number): void })._addHeaderLines(raw, raw.length);
  return req;
}

// Names node treats apart: known fields whose repeats it drops, Cookie it joins with "; ", Set-Cookie as an array.
const NODE_NAMES = [...NAMES, 'Set-Cookie', 'set-cookie', 'Cookie', 'cookie', 'Content-Length', 'CONTENT-LENGTH', 'User-Agent', 'toString', 'hasOwnProperty'];
const nodeRequests = requestsOf(fc.array(fc.tuple(fc.constantFrom(...NODE_NAMES), fc.string({ maxLength: 4 })), { maxLength: 5 }).map((pairs) => pairs.flat()));

describe("requestHeaders: node's req.headers when it is headerMap's map", () => {
  it('gives the map headerMap gives, whatever the names (repeats, Set-Cookie, "__proto__", Object.prototype names)', () => {
    fc.assert(
      fc.property(nodeRequests, (list) => {
        for (const raw of list) {
          const got = requestHeaders(nodeRequest(raw));
          expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
          expect(Object.entries(got)).toEqual(Object.entries(plainHeaderMap(raw)));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("takes node's map once the names are remembered, and only when node's would be the same", () => {
    const plain = ['Host', 'a', 'Content-Type', 'application/json', 'X-Cg-Signature', 's'];
    requestHeaders(nodeRequest(plain));
    const again = nodeRequest(plain.map((v) => `${v} `.slice(0, -1)));
    expect(requestHeaders(again)).toBe(again.headers);
    // Set-Cookie is an array in node's map: never taken, even with the names remembered.
    const cookie = ['Host', 'a', 'Set-Cookie', 'c=1'];
    expect(requestHeaders(nodeRequest(cookie))).toEqual({ host: 'a', 'set-cookie': 'c=1' });
    const cookieAgain = nodeRequest(cookie);
    expect(requestHeaders(cookieAgain)).not.toBe(cookieAgain.headers);
    expect(requestHeaders(cookieAgain)).toEqual({ host: 'a', 'set-cookie': 'c=1' });
  });
});

describe("the report's headers after other reports' headers", () => {
  const req = { method: 'POST', socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
  const body = Buffer.from('{}');

  function reportHeaders(headers: Record<string, string>): Record<string, string> {
    const input = { method: 'POST', path: '/', query: {}, headers, body };
    const analysis = inspectDelivery(input, { providers: [], credentials: { secrets: [] } });
    return buildReport(req, 1, { receivedAt: '', path: '/', query: {}, headers, size: body.length }, body, analysis, undefined, false).headers;
  }

  it('masks every credential, whatever the headers before it carried', () => {
    const names = ['host', 'content-type', 'authorization', 'x-api-key', 'x-cg-signature', 'cookie', 'x-session-id', '123'];
    const maps = fc.array(fc.array(fc.tuple(fc.constantFrom(...names), fc.string({ minLength: 1, maxLength: 6 })), { maxLength: 4 }).map((pairs) => headerMap(pairs.flat())), { minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(maps, (list) => {
        for (const headers of list) expect(reportHeaders(headers)).toEqual(maskHeaders(headers, { keepScheme: false }));
      }),
      { numRuns: 300 },
    );
  });

  it("masks every credential, each report made right after its request's map (node's, headerMap's, remembered names or not)", () => {
    const names = ['Host', 'Content-Type', 'Authorization', 'authorization', 'X-Api-Key', 'X-Cg-Signature', 'Cookie', 'X-Session-Id', 'Set-Cookie', '__proto__'];
    const list = requestsOf(fc.array(fc.tuple(fc.constantFrom(...names), fc.string({ minLength: 1, maxLength: 6 })), { maxLength: 4 }).map((pairs) => pairs.flat()));
    fc.assert(
      fc.property(list, fc.boolean(), (raws, viaNode) => {
        for (const raw of raws) {
          const headers = viaNode ? requestHeaders(nodeRequest(raw)) : headerMap(raw);
          expect(reportHeaders(headers)).toEqual(maskHeaders(plainHeaderMap(raw), { keepScheme: false }));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('masks a credential that comes after the same names without one', () => {
    expect(reportHeaders({ host: 'h', 'x-cg-signature': 's' })).toEqual({ host: 'h', 'x-cg-signature': 's' });
    expect(reportHeaders({ host: 'h', 'x-cg-signature': 's', authorization: 'Bearer secret' })).toEqual({ host: 'h', 'x-cg-signature': 's', authorization: '****(13 chars)' });
    expect(reportHeaders({ host: 'h', 'x-cg-signature': 's' })).toEqual({ host: 'h', 'x-cg-signature': 's' });
    expect(reportHeaders({ host: 'h', authorization: 'Basic abc' })).toEqual({ host: 'h', authorization: '****(9 chars)' });
    expect(reportHeaders({})).toEqual({});
    expect(reportHeaders({ 'x-api-key': 'k3y' })).toEqual({ 'x-api-key': '****(3 chars)' });
  });
});

describe('the checks that skip work', () => {
  it("segment: a User-Agent that is not Segment's does not make a delivery Segment's", async () => {
    const segment = await loadProvider('segment');
    const body = { type: 'track', event: 'Order Completed', userId: 'u1' };
    const req = (headers: Record<string, string>) => ({ method: 'POST', path: '/', query: {}, headers, body: Buffer.from(JSON.stringify(body)) });
    expect(segment.detect(req({ 'user-agent': 'Segment.io/1.0' }), body)).toBe(0.97);
    expect(segment.detect(req({ 'user-agent': 'curl/8.5.0' }), body)).toBe(0.6);
    expect(segment.detect(req({}), body)).toBe(0.6);
    expect(segment.detect(req({ 'user-agent': '' }), body)).toBe(0.6);
  });

  it('the duplicate key: the provider id, a colon and its key, whatever the key reader gives back', () => {
    const keyed = (key: unknown, own = true): string | undefined => {
      const provider = stubProvider('kp', { detect: () => 1, ...(own ? { dedupKey: () => key as string } : {}) });
      return inspectDelivery({ method: 'POST', path: '/', query: {}, headers: {}, body: Buffer.from('{"a":1}') }, { providers: [provider], credentials: { secrets: [] } }).dedupKey;
    };
    expect(keyed('r-1')).toBe('kp:r-1');
    expect(keyed('')).toBe('kp:');
    expect(keyed(null)).toBe('kp:null');
    expect(keyed(7)).toBe('kp:7');
    expect(keyed(undefined)).toBeUndefined();
    expect(keyed(undefined, false)).toBe('sha256:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
    // Made anew for each delivery: nothing of one key is left in the next.
    expect([keyed('a'), keyed('bb'), keyed('a')]).toEqual(['kp:a', 'kp:bb', 'kp:a']);
  });

  it("an event named by two definitions (one's name, the other's alias) is checked against the first", () => {
    const provider = stubProvider('two', {
      events: [
        { name: 'first', description: '', origin: 'DOC', schema: z.object({ a: z.string() }) },
        { name: 'second', aliases: ['first'], description: '', origin: 'DOC', schema: z.object({ b: z.string() }) },
      ],
      eventOf: () => 'first',
      detect: () => 1,
    });

    const check = (json: string) => inspectDelivery({ method: 'POST', path: '/', query: {}, headers: {}, body: Buffer.from(json) }, { providers: [provider], credentials: { secrets: [] } }).schema.status;
    expect(check('{"a":"x"}')).toBe('valid');
    expect(check('{"b":"x"}')).toBe('invalid');
  });
});

describe('isoNow given the monotonic time', () => {
  it('stamps what the wall clock shows: between a reading before and one after, every time', () => {
    let outside = 0;
    for (let i = 0; i < 300_000; i++) {
      const before = Date.now();
      const stamp = Date.parse(isoNow(performance.now()));
      const after = Date.now();
      if (stamp < before || stamp > after) outside++;
    }
    expect(outside).toBe(0);
  });

  it('reads the wall clock again only past 0.9 ms after the reading before its last turn, and always without the monotonic time', () => {
    const now = vi.spyOn(Date, 'now');
    try {
      const iso = (ms: number) => new Date(ms).toISOString();
      now.mockReturnValue(5_000);
      isoNow(); // no monotonic time: when the next millisecond began is unknown
      expect(isoNow(100)).toBe(iso(5_000));
      expect(isoNow(100.5)).toBe(iso(5_000));
      now.mockReturnValue(5_001); // began after 100.5
      expect(isoNow(100.7)).toBe(iso(5_001));
      const reads = now.mock.calls.length;
      now.mockReturnValue(5_002); // (a clock that could not turn so soon: it is not read)
      expect(isoNow(101.39)).toBe(iso(5_001));
      expect(now.mock.calls.length).toBe(reads);
      expect(isoNow(101.41)).toBe(iso(5_002));
      expect(now.mock.calls.length).toBe(reads + 1);
      now.mockReturnValue(5_003);
      expect(isoNow()).toBe(iso(5_003)); // read, without the monotonic time
      now.mockReturnValue(5_004);
      expect(isoNow(101.5)).toBe(iso(5_003)); // 5,003 began after 101.41: not read
      expect(isoNow(102.4)).toBe(iso(5_004)); // 0.99 after: read
      // 5,004 began after the reading without the monotonic time, at an unknown time: read again, each time.
      const before = now.mock.calls.length;
      expect(isoNow(102.5)).toBe(iso(5_004));
      expect(isoNow(102.6)).toBe(iso(5_004));
      expect(now.mock.calls.length).toBe(before + 2);
    } finally {
      now.mockRestore();
    }
  });
});
