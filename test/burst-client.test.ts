// The lean lanes of `send --repeat` (src/http/burst-client.ts) against undici, the client they stand in for: over a
// raw TCP receiver on 127.0.0.1 that answers with scripted bytes (every framing: content-length, chunked with
// extensions and trailers, until-close; interim 1xx answers first; HTTP/1.0 and 1.1; keep-alive and close; cut into
// arbitrary pieces), both must put the same request bytes on the wire and come back with the same summary
// (counts by status, errors with their code, message, hint and cause, exit code).
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leanRequestBytes } from '../src/http/burst-client.js';
import { sendRepeated, type RepeatSummary } from '../src/http/repeat.js';
import type { SendRequest } from '../src/http/request.js';
import { selfSigned } from './helpers/tls.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);

/** One scripted answer: its bytes in pieces, and whether the receiver closes the connection after it. */
interface Script {
  pieces: Buffer[];
  close: boolean;
  /** Waits this long before answering. */
  delayMs?: number;
}

/** A receiver that reads each request whole, keeps its bytes, and answers the n-th request with scripts[n % k]. */
async function scripted(scripts: Script[]): Promise<{ port: number; requests: Buffer[]; connections(): number; reset(): void; close(): Promise<void> }> {
  const requests: Buffer[] = [];
  let n = 0;
  let connections = 0;
  const reset = () => {
    n = 0;
    connections = 0;
    requests.length = 0;
    server.closeAllConnections?.();
  };
  const server: net.Server & { closeAllConnections?: () => void } = net.createServer((socket) => {
    connections++;
    let buf = Buffer.alloc(0);
    let busy = false;
    socket.on('error', () => undefined);
    const next = async (): Promise<void> => {
      if (busy) return;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(buf.toString('latin1', 0, end))?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      requests.push(buf.subarray(0, end + 4 + length));
      buf = buf.subarray(end + 4 + length);
      const script = scripts[n++ % scripts.length]!;
      busy = true;
      if (script.delayMs) await sleep(script.delayMs);
      for (const piece of script.pieces) {
        if (socket.destroyed) return;
        socket.write(piece);
        await sleep(0);
      }
      busy = false;
      if (script.close) socket.end();
      else void next();
    };
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      void next();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => (sockets.add(socket), socket.on('close', () => sockets.delete(socket))));
  server.closeAllConnections = () => sockets.forEach((socket) => socket.destroy());
  return { port: (server.address() as AddressInfo).port, requests, connections: () => connections, reset, close: () => new Promise<void>((r) => (server.close(() => r()), sockets.forEach((socket) => socket.destroy()))) };
}

/** What must not depend on the client: everything but the clock. */
function comparable(s: RepeatSummary, concurrency: number): Omit<RepeatSummary, 'latencyMs' | 'durationMs' | 'requestsPerSecond'> & { firstErrorCode?: string[] } {
  const { latencyMs: _l, durationMs: _d, requestsPerSecond: _r, firstError, ...rest } = s;
  // Which failure comes first is a race between lanes once there are several.
  return concurrency === 1 ? { ...rest, firstError } : { ...rest, firstErrorCode: firstError ? Object.keys(s.errors) : undefined };
}

async function both(scripts: Script[], request: Omit<SendRequest, 'url'>, count: number, concurrency: number, timeoutMs = 5000) {
  // One receiver for both, so that the port (in Host and in messages) is the same.
  const out: Array<{ summary: ReturnType<typeof comparable>; requests: string[]; connections: number }> = [];
  const server = await scripted(scripts);
  try {
    for (const client of ['undici', 'auto'] as const) {
      server.reset();
      const summary = await sendRepeated({ ...request, url: `http://127.0.0.1:${server.port}/hook?x=1` }, { count, concurrency, timeoutMs, client });
      out.push({ summary: comparable(summary, concurrency), requests: server.requests.map((b) => b.toString('latin1')), connections: server.connections() });
    }
  } finally {
    await server.close();
  }
  return out;
}

const CRLF = '\r\n';
const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,11}$/).filter((n) => !/^(content-length|transfer-encoding|connection|keep-alive|upgrade)$/i.test(n));
const fieldValue = fc.stringMatching(/^[!-~]([ -~]{0,20}[!-~])?$/);
const body = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b));

/** A well-formed answer in any framing, with its interim answers. */
const answer = fc
  .record({
    interim: fc.array(fc.constantFrom(100, 102, 103, 103), { maxLength: 2 }),
    status: fc.oneof(fc.integer({ min: 200, max: 599 }), fc.constantFrom(200, 204, 301, 304, 404, 500)),
    minor: fc.constantFrom('1', '1', '0'),
    reason: fc.constantFrom('', ' OK', ' Whatever it is', ' '),
    headers: fc.array(fc.tuple(token, fieldValue), { maxLength: 4 }),
    keepAlive: fc.constantFrom(undefined, undefined, 'timeout=5', 'timeout=1, max=100'),
    framing: fc.constantFrom('length', 'chunked', 'close'),
    connection: fc.constantFrom(undefined, 'keep-alive', 'close', 'Keep-Alive, foo'),
    body,
    chunks: fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 5 }),
    extension: fc.boolean(),
    trailers: fc.array(fc.tuple(token, fieldValue), { maxLength: 2 }),
    cuts: fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 6 }),
  })
  .map((a): Script => {
    let text = '';
    for (const s of a.interim) text += `HTTP/1.1 ${s} Interim${CRLF}x-interim: 1${CRLF}${CRLF}`;
    let head = `HTTP/1.${a.minor} ${a.status}${a.reason}${CRLF}`;
    for (const [n, v] of a.headers) head += `${n}: ${v}${CRLF}`;
    if (a.connection) head += `connection: ${a.connection}${CRLF}`;
    if (a.keepAlive) head += `Keep-Alive: ${a.keepAlive}${CRLF}`;
    const noBody = a.status === 204 || a.status === 304;
    let payload = Buffer.alloc(0);
    let closes = a.connection === 'close' || (a.minor === '0' && !a.connection?.toLowerCase().includes('keep-alive'));
    if (noBody) {
      // nothing follows the head
    } else if (a.framing === 'length') {
      head += `content-length: ${a.body.length}${CRLF}`;
      payload = a.body;
    } else if (a.framing === 'chunked' && a.minor === '1') {
      head += `transfer-encoding: chunked${CRLF}`;
      const parts: Buffer[] = [];
      let at = 0;
      for (const size of a.chunks) {
        const piece = a.body.subarray(at, at + size);
        at += piece.length;
        if (piece.length === 0) break;
        parts.push(Buffer.from(`${piece.length.toString(16)}${a.extension ? ';ext=1' : ''}${CRLF}`), piece, Buffer.from(CRLF));
      }
      parts.push(Buffer.from(`0${CRLF}${a.trailers.map(([n, v]) => `${n}: ${v}${CRLF}`).join('')}${CRLF}`));
      payload = Buffer.concat(parts);
    } else {
      payload = a.body;
      closes = true;
    }
    const bytes = Buffer.concat([Buffer.from(`${text}${head}${CRLF}`, 'latin1'), payload]);
    const pieces: Buffer[] = [];
    let from = 0;
    for (const cut of [...a.cuts].sort((x, y) => x - y)) {
      if (cut > from && cut < bytes.length) pieces.push(bytes.subarray(from, cut)), (from = cut);
    }
    pieces.push(bytes.subarray(from));
    return { pieces, close: closes };
  });

const request = (headers: Record<string, string>, bytes: Buffer): Omit<SendRequest, 'url'> => ({ method: 'POST', headers, body: bytes });
const SIGNED = { 'User-Agent': 'cg-hooks/0.1.0', 'Content-Type': 'application/json', 'X-CG-SIGNATURE': 'ab'.repeat(20) };

describe('lean lanes and undici: the same requests, the same summary', () => {
  it('for any well-formed answers in any framing, cut anywhere, on 1 to 3 lanes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(answer, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }), body, async (scripts, count, concurrency, payload) => {
        const [viaUndici, lean] = await both(scripts, request(SIGNED, payload), count, concurrency);
        expect(lean!.summary).toEqual(viaUndici!.summary);
        expect(lean!.requests).toEqual(viaUndici!.requests);
        // Connections are kept and dropped at the same answers (Connection: close, HTTP/1.0, Keep-Alive: timeout=1);
        // on several lanes, whether the lane that lost one has a copy left to send is a race.
        if (concurrency === 1) expect(lean!.connections).toBe(viaUndici!.connections);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);

  const raw = (text: string): Script => ({ pieces: [Buffer.from(text, 'latin1')], close: true });
  it.each([
    ['HTTP/2', 'HTTP/2 200 OK\r\n\r\n'],
    ['garbage', 'hello\r\n\r\n'],
    ['HTTP/1.2', 'HTTP/1.2 200 OK\r\ncontent-length: 0\r\n\r\n'],
    ['HTTP/11', 'HTTP/11 200 OK\r\n\r\n'],
    ['a status of four digits', 'HTTP/1.1 2000 OK\r\ncontent-length: 0\r\n\r\n'],
    ['a status of two digits', 'HTTP/1.1 20 OK\r\ncontent-length: 0\r\n\r\n'],
    ['a status glued to its reason', 'HTTP/1.1 200OK\r\ncontent-length: 0\r\n\r\n'],
    ['a status in letters', 'HTTP/1.1 abc OK\r\n\r\n'],
    ['bare LFs', 'HTTP/1.1 200 OK\n\n'],
    ['two content-lengths', 'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab'],
    ['a content-length with a letter', 'HTTP/1.1 200 OK\r\ncontent-length: 1x\r\n\r\nab'],
    ['a content-length with a sign', 'HTTP/1.1 200 OK\r\ncontent-length: +3\r\n\r\nabc'],
    ['a content-length beside chunked', 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n'],
    ['a chunk longer than its size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n'],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nno colon here\r\ncontent-length: 0\r\n\r\n'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\nx : y\r\ncontent-length: 0\r\n\r\n'],
    ['a control character in a value', 'HTTP/1.1 200 OK\r\nx: a\x01b\r\ncontent-length: 0\r\n\r\n'],
    ['a folded first header', 'HTTP/1.1 200 OK\r\n folded: x\r\ncontent-length: 0\r\n\r\n'],
    ['a folded value', 'HTTP/1.1 200 OK\r\nx: y\r\n folded\r\ncontent-length: 0\r\n\r\n'],
    ['a connection closed in the middle of the body', 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc'],
    ['a connection closed before any answer', ''],
    ['a gzip transfer-encoding (the body runs to the end)', 'HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\nabc'],
    ['a 20 kB header', `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(20_000)}\r\ncontent-length: 0\r\n\r\n`],
    ['a 40 kB header', `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(40_000)}\r\ncontent-length: 0\r\n\r\n`],
    ['a 100 Continue nobody asked for', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'],
  ])('%s: the same failure, in the same words', async (_name, text) => {
    const [viaUndici, lean] = await both([raw(text)], request(SIGNED, Buffer.from('{}')), 2, 1);
    expect(lean!.summary).toEqual(viaUndici!.summary);
  });

  it.each([
    ['no answer at all', []],
    ['a status line and half the headers', ['HTTP/1.1 200 OK\r\nx-a: 1\r\n']],
    ['half the body', ['HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n', 'abc']],
    ['a chunked body without its last chunk', ['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n']],
  ])('%s: the same timeout, in the same words', async (_name, pieces) => {
    const script = { pieces: pieces.map((p) => Buffer.from(p)), close: false };
    const [viaUndici, lean] = await both([script], request(SIGNED, Buffer.from('{}')), 2, 2, 300);
    expect(lean!.summary).toEqual(viaUndici!.summary);
    expect(lean!.summary.errors).toEqual({ timeout: 2 });
  });

  it('bounds each copy from its own start, not from the lane\'s first copy (one timer per lane, re-armed)', async () => {
    // The lane's timer first fires 1.5 s after copy 1 starts, while copy 2 (started at ~0.9 s) is 0.6 s old.
    const slow = { pieces: [Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n')], close: false, delayMs: 900 };
    const server = await scripted([slow]);
    try {
      const summary = await sendRepeated({ ...request(SIGNED, Buffer.from('{}')), url: `http://127.0.0.1:${server.port}/` }, { count: 3, concurrency: 1, timeoutMs: 1500 });
      expect(summary.byStatus).toEqual({ 200: 3 });
    } finally {
      await server.close();
    }
  });

  // One copy: a receiver that closes after each answer without saying so races the next copy in both clients.
  it('more body than its content-length: the extra bytes are dropped', async () => {
    const [viaUndici, lean] = await both([raw('HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabcdef')], request(SIGNED, Buffer.from('{}')), 1, 1);
    expect(lean!.summary).toEqual(viaUndici!.summary);
  });

  it('a status line below 100: a bad_response, as `send` says it (undici fails an assertion)', async () => {
    const [, lean] = await both([raw('HTTP/1.1 099 X\r\ncontent-length: 0\r\n\r\n')], request(SIGNED, Buffer.from('{}')), 1, 1);
    expect(lean!.summary.firstError).toMatchObject({ code: 'bad_response', message: expect.stringMatching(/answered 099, which is not a final HTTP status$/) });
  });

  it('a 101 nobody asked for: a bad_response, as `send` says it (undici fails an assertion)', async () => {
    const [, lean] = await both([raw('HTTP/1.1 101 Switching Protocols\r\nupgrade: x\r\nconnection: upgrade\r\n\r\n')], request(SIGNED, Buffer.from('{}')), 1, 1);
    expect(lean!.summary.firstError).toMatchObject({ code: 'bad_response', message: expect.stringMatching(/answered 101, which is not a final HTTP status$/) });
  });

  it('a status above 599: a bad_response in both clients, not a status counted as an answer', async () => {
    const [viaUndici, lean] = await both([raw('HTTP/1.1 600 X\r\ncontent-length: 0\r\n\r\n')], request(SIGNED, Buffer.from('{}')), 1, 1);
    expect(lean!.summary).toEqual(viaUndici!.summary);
    expect(lean!.summary.firstError).toMatchObject({ code: 'bad_response', message: expect.stringMatching(/answered 600, which is not a final HTTP status$/) });
    expect(lean!.summary.byStatus).toEqual({});
  });
});

describe('leanRequestBytes: only where undici writes the same bytes', () => {
  const url = new URL('http://127.0.0.1:8080/a?b=1');
  it('writes the request line, host, connection, the headers in order and the length', () => {
    const bytes = leanRequestBytes({ url, method: 'POST', headers: { 'X-A': '1', 'content-type': 'text/plain' }, body: Buffer.from('hé') });
    expect(bytes?.toString('latin1')).toBe(`POST /a?b=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nconnection: keep-alive\r\nX-A: 1\r\ncontent-type: text/plain\r\ncontent-length: 3\r\n\r\nh\u00c3\u00a9`);
  });
  it.each([
    ['Host', 'example.test'],
    ['Content-Length', '3'],
    ['Connection', 'close'],
    ['Transfer-Encoding', 'chunked'],
    ['Expect', '100-continue'],
    ['bad name', 'x'],
    ['X-Bad', 'a\r\nb'],
    ['X-Wide', '\u20ac'],
  ])('leaves a request with %s: %s to undici', (name, value) => {
    expect(leanRequestBytes({ url, method: 'POST', headers: { [name]: value }, body: Buffer.alloc(0) })).toBeUndefined();
  });
  it('leaves a GET to undici', () => {
    expect(leanRequestBytes({ url, method: 'GET', headers: {}, body: Buffer.alloc(0) })).toBeUndefined();
  });
});

describe('lean lanes over TLS', () => {
  let dir: string;
  beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'cg-burst-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('refuse a self-signed certificate as undici does, and accept it with insecure', async (ctx) => {
    const tls = selfSigned(dir);
    if ('missing' in tls) return ctx.skip(tls.missing);
    const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => req.resume().on('end', () => res.end('ok')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const results = [];
      for (const client of ['undici', 'auto'] as const) {
        const strict = await sendRepeated({ url, ...request(SIGNED, Buffer.from('{}')) }, { count: 3, concurrency: 1, client });
        const loose = await sendRepeated({ url, ...request(SIGNED, Buffer.from('{}')) }, { count: 5, concurrency: 2, client, insecure: true });
        results.push([comparable(strict, 1), comparable(loose, 2)]);
      }
      expect(results[1]).toEqual(results[0]);
      expect(results[1]![0]!.firstError).toMatchObject({ code: 'tls' });
      expect(results[1]![1]!.byStatus).toEqual({ 200: 5 });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
