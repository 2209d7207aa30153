import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../src/signing/index.js';
import type { ListenProcess } from './helpers/listener.js';

// A bounded, seeded fuzz of the listener over localhost with raw sockets: hostile methods, headers, bodies
// and framing, slow and vanishing clients. The listener must answer every complete request, never exit,
// keep its NDJSON clean, and still accept a valid delivery afterwards. FUZZ_SEED and FUZZ_CASES reproduce
// or widen a run.

const SEED = Number(process.env.FUZZ_SEED ?? 20260101);
const CASES = Number(process.env.FUZZ_CASES ?? 300);
const CONCURRENCY = 12;

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(256))),
  };
}
type Rng = ReturnType<typeof prng>;

interface Case {
  id: number;
  label: string;
  /** Pieces written in order, with a pause (ms) before each. */
  pieces: Array<{ bytes: Buffer; pauseMs: number }>;
  /** A complete request (or one the parser can reject outright) must get an answer. */
  expectAnswer: boolean;
  /** Destroy the socket after writing (a client that vanishes). */
  abort: boolean;
  /**
   * A body past --max-body: the listener may answer 413 and close before the client has written it all. The client's
   * next write then fails (EPIPE/ECONNRESET) and the kernel drops the unread answer with the socket, so that outcome
   * is a refusal too, not a missing answer.
   */
  mayBeCutOff: boolean;
}

const METHODS = ['POST', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'TRACE', 'FOO', 'post', 'M-SEARCH', 'PROPFIND'];
const PATHS = ['/', '/webhook', '/a/b/c?x=1&y=2', '/?__proto__=1&constructor=2', '/%zz%00%ff', '/?secret=x&licenseCode=y&eventType=z', '*', 'http://example.test/absolute', '//double//slash', `/${'p'.repeat(9000)}`, '/caf\u00e9'];

function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function body(rng: Rng): { label: string; bytes: Buffer } {
  switch (rng.int(12)) {
    case 0:
      return { label: 'random bytes', bytes: rng.bytes(rng.int(3000)) };
    case 1:
      return { label: 'deep array', bytes: Buffer.from(deepJson(10_000, 'array')) };
    case 2:
      return { label: 'deep object', bytes: Buffer.from(deepJson(10_000, 'object')) };
    case 3:
      return { label: 'huge numbers', bytes: Buffer.from(`{"amount":1e999999,"id":${'9'.repeat(5000)},"neg":-1e-999999}`) };
    case 4:
      return { label: 'invalid utf-8', bytes: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}')]) };
    case 5:
      return { label: 'empty', bytes: Buffer.alloc(0) };
    case 6:
      return { label: 'proto keys', bytes: Buffer.from('{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}},"rewardId":"r","userId":"u"}') };
    case 7:
      return { label: 'customerglu-like', bytes: Buffer.from(JSON.stringify({ rewardId: 'r1', userId: 'u1', campaignId: 'c', status: 'redeemable-unseen', rewardAmount: rng.int(1e6) })) };
    case 8:
      return { label: 'over max-body', bytes: Buffer.alloc(1024 * 1024 + 10 + rng.int(1000), 0x61) };
    case 9:
      return { label: 'BOM + json', bytes: Buffer.from('\ufeff{"a":1}') };
    case 10:
      return { label: 'form', bytes: Buffer.from('a=1&b=%zz&__proto__=x') };
    default:
      return { label: 'nul bytes', bytes: Buffer.alloc(rng.int(500)) };
  }
}

/** Extra headers, some harmless, some hostile. Values are latin1 bytes so invalid encodings go out as is. */
function headers(rng: Rng): { label: string; lines: string[]; expectAnswer: boolean } {
  const lines: string[] = [];
  const labels: string[] = [];
  if (rng.chance(0.6)) lines.push(`Content-Type: ${rng.pick(['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', '', 'multipart/form-data; boundary=x'])}`);
  if (rng.chance(0.3)) lines.push(`X-CG-SIGNATURE: ${rng.pick(['', 'zz', 'f'.repeat(40), 'ab'.repeat(1000), '\u00ff\u00fe'])}`);
  if (rng.chance(0.15)) {
    labels.push('duplicated signature');
    lines.push('X-CG-SIGNATURE: aa', 'x-cg-signature: bb', 'X-Webhook-Signature: cc', 'X-Webhook-Signature: dd');
  }
  if (rng.chance(0.1)) {
    labels.push('proto header names');
    lines.push('__proto__: x', 'constructor: y', 'toString: z', 'hasOwnProperty: w');
  }
  if (rng.chance(0.1)) {
    labels.push('many headers');
    for (let i = 0; i < 300; i++) lines.push(`X-H-${i}: ${i}`);
  }
  if (rng.chance(0.1)) {
    labels.push('high-bit bytes');
    lines.push(`X-Name: caf\u00e9 \u00ff\u0080`);
  }
  if (rng.chance(0.05)) {
    labels.push('huge header');
    lines.push(`X-Huge: ${'h'.repeat(20_000 + rng.int(20_000))}`); // over Node's 16 KB: 431
  }
  let expectAnswer = true;
  if (rng.chance(0.05)) {
    labels.push('invalid header');
    lines.push(rng.pick(['X-Bad\u0000Name: v', 'X-Ctl: a\u0000b', 'No colon here', 'X Space: v', ' leading-space: obs-fold']));
  }
  if (rng.chance(0.05)) {
    labels.push('upgrade');
    lines.push('Connection: Upgrade', `Upgrade: ${rng.pick(['websocket', 'h2c', 'x'])}`);
  }
  if (rng.chance(0.05)) {
    labels.push('expect 100-continue');
    lines.push('Expect: 100-continue');
  }
  if (rng.chance(0.03)) {
    labels.push('expect unknown');
    lines.push('Expect: teapot');
  }
  return { label: labels.join('+'), lines, expectAnswer };
}

function makeCase(id: number, rng: Rng): Case {
  const method = rng.chance(0.03) ? 'CONNECT' : rng.pick(METHODS);
  const path = method === 'CONNECT' ? '127.0.0.1:1' : rng.pick(PATHS);
  const version = rng.pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTPS/1.1']);
  const b = body(rng);
  const h = headers(rng);
  const framing = rng.pick(['length', 'length', 'length', 'chunked', 'chunked-truncated', 'length-short', 'length-long', 'length-twice', 'bad-chunk', 'none']);
  const close = rng.chance(0.5);
  const head = [`${method} ${path} ${version}`, 'Host: 127.0.0.1', ...h.lines];
  if (close) head.push('Connection: close');
  let bodyBytes = b.bytes;
  let expectAnswer = h.expectAnswer;
  switch (framing) {
    case 'length':
      head.push(`Content-Length: ${bodyBytes.length}`);
      break;
    case 'length-short': // the rest reads as a second (garbage) request
      head.push(`Content-Length: ${Math.max(0, bodyBytes.length - 3)}`);
      break;
    case 'length-long': // waits for bytes that never come: incomplete
      head.push(`Content-Length: ${bodyBytes.length + 10}`);
      expectAnswer = false;
      break;
    case 'length-twice':
      head.push(`Content-Length: ${bodyBytes.length}`, `Content-Length: ${bodyBytes.length + 1}`);
      break;
    case 'chunked':
    case 'chunked-truncated':
    case 'bad-chunk': {
      head.push('Transfer-Encoding: chunked');
      const chunks: Buffer[] = [];
      for (let at = 0; at < bodyBytes.length; ) {
        const n = 1 + rng.int(4096);
        const part = bodyBytes.subarray(at, at + n);
        chunks.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
        at += n;
      }
      if (framing === 'bad-chunk') chunks.push(Buffer.from('zz\r\nxx\r\n'));
      chunks.push(Buffer.from('0\r\n\r\n'));
      bodyBytes = Buffer.concat(chunks);
      if (framing === 'chunked-truncated') {
        bodyBytes = bodyBytes.subarray(0, Math.max(0, bodyBytes.length - 5 - rng.int(Math.max(1, bodyBytes.length - 5))));
        expectAnswer = false;
      }
      break;
    }
    default: // no framing: an empty body as far as HTTP/1.1 is concerned
      break;
  }
  if (method === 'CONNECT') expectAnswer = true; // even a tunnel request gets refused properly
  const request = Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), bodyBytes]);
  const style = rng.pick(['whole', 'whole', 'whole', 'slow', 'abort', 'byte-drip']);
  const pieces: Case['pieces'] = [];
  if (style === 'slow') {
    // A few bytes, a pause, the rest: a slow client must not block anyone else.
    const cut = 1 + rng.int(Math.min(request.length - 1, 200));
    pieces.push({ bytes: request.subarray(0, cut), pauseMs: 0 }, { bytes: request.subarray(cut), pauseMs: 200 + rng.int(800) });
  } else if (style === 'byte-drip') {
    const cut = Math.min(request.length, 40);
    for (let i = 0; i < cut; i++) pieces.push({ bytes: request.subarray(i, i + 1), pauseMs: 10 });
    pieces.push({ bytes: request.subarray(cut), pauseMs: 10 });
  } else if (style === 'abort') {
    pieces.push({ bytes: request.subarray(0, rng.int(request.length)), pauseMs: 0 });
  } else {
    pieces.push({ bytes: request, pauseMs: 0 });
  }
  const abort = style === 'abort';
  return {
    id,
    label: [method, version, framing, style, b.label, h.label].filter(Boolean).join(' '),
    pieces,
    expectAnswer: expectAnswer && !abort,
    abort,
    mayBeCutOff: b.label === 'over max-body',
  };
}

/** Plays one case on a raw socket; resolves with the final status code of the first answer (or null). */
function play(port: number, c: Case, timeoutMs: number): Promise<{ status: number | null; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (status: number | null, error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(error === undefined ? { status } : { status, error });
    };
    const timer = setTimeout(() => finish(null, 'timeout'), timeoutMs);
    socket.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
      // Skip interim 1xx answers (100 Continue); the first final status line is the answer.
      for (;;) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(received.subarray(0, end).toString('latin1'));
        if (!m) return finish(null, `not an HTTP answer: ${JSON.stringify(received.subarray(0, 80).toString('latin1'))}`);
        const status = Number(m[1]);
        if (status >= 200) return finish(status);
        received = received.subarray(end + 4);
      }
    });
    socket.on('error', (e) => finish(null, e.message));
    socket.on('close', () => finish(null, 'closed without an answer'));
    socket.on('connect', async () => {
      for (const piece of c.pieces) {
        if (piece.pauseMs > 0) await new Promise((r) => setTimeout(r, piece.pauseMs));
        if (settled || socket.destroyed) return;
        socket.write(piece.bytes);
      }
      if (c.abort) finish(null, 'aborted');
      else if (!c.expectAnswer) setTimeout(() => finish(null, 'incomplete'), 300);
    });
  });
}

describe('listener fuzz', () => {
  let listener: ListenProcess;
  beforeAll(async () => {
    const { startListen } = await import('./helpers/listener.js');
    // A --timeout past the test's own deadline: the helper kills a listener only after its --timeout, and on a
    // loaded machine this run takes longer than the helper's usual 25 s.
    listener = await startListen(['--port', '0', '--secret', 's', '--provider', 'auto', '--timeout', '60']);
  });
  afterAll(async () => {
    await listener?.stop('SIGKILL');
  });

  it(`answers ${CASES} hostile requests (seed ${SEED}), never exits, then accepts a valid delivery`, async () => {
    const port = Number(new URL(listener.url).port);
    const rng = prng(SEED);
    const cases = Array.from({ length: CASES }, (_, i) => makeCase(i, rng));
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const r = await play(port, c, 8000);
        const cutOff = c.mayBeCutOff && /EPIPE|ECONNRESET/.test(r.error ?? '');
        if (c.expectAnswer && r.status === null && !cutOff) failures.push(`#${c.id} ${c.label}: ${r.error}`);
        if (r.status !== null && (r.status < 200 || r.status > 599)) failures.push(`#${c.id} ${c.label}: status ${r.status}`);
        if (r.status === 500) failures.push(`#${c.id} ${c.label}: 500 from the listener itself`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(listener.child.exitCode, 'the listener exited').toBeNull();

    // Still a working receiver: a valid signed delivery is accepted and reported as valid.
    const body = Buffer.from(JSON.stringify({ rewardId: 'after-fuzz', userId: 'u1', campaignId: 'c1', status: 'redeemable-unseen' }));
    const signed = signRequest({ scheme: 'customerglu', secretRequired: false, description: '' }, body, { secret: 's' });
    const before = listener.deliveries().length;
    const res = await fetch(`${listener.url}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...signed.headers }, body });
    expect(res.status).toBe(200);
    const reports = await listener.waitForDeliveries(before + 1);
    const last = reports.find((d) => (d.body as { rewardId?: string } | null)?.rewardId === 'after-fuzz');
    expect(last?.signature).toMatchObject({ status: 'valid' });

    const result = await listener.stop('SIGINT');
    expect(result.code).toBe(130);
    // NDJSON stays machine-readable whatever arrived; no stack traces on stderr.
    for (const line of result.stdout.split('\n').filter(Boolean)) expect(() => JSON.parse(line), line.slice(0, 200)).not.toThrow();
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    // Every delivery that was answered was also reported: none lost to a report that could not be written.
    const lost = listener.events.filter((e) => e.type === 'warning' && /callback failed|failed inside the listener/.test(String(e.message)));
    expect(lost.map((e) => e.message)).toEqual([]);
    const summary = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ type: 'summary' });
  }, 60_000);
});
