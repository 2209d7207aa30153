// The lean lane of `send --repeat`: one kept-alive connection that sends the same prebuilt request bytes again and
// again and reads only what a burst reports (the final status, where each answer ends). Measured against undici on
// the same burst (docs/performance.md, "send --repeat"): undici builds a Request per copy, validates its headers,
// writes head and body as two chunks (one writev), runs its WASM parser through a dozen callbacks and a timer per
// copy; this writes one Buffer and scans the answer in place, for less than half the CPU per copy. It is used only
// where it sends exactly the bytes undici would (repeat.ts falls back to undici otherwise), and its failures are the
// same errors (Node's socket and TLS errors, undici's codes for a closed socket and timeouts), so classifyError
// explains them in the same words. test/burst-client.test.ts holds the two to the same results.
import net from 'node:net';
import tls from 'node:tls';
import { maxHeaderSize } from 'node:http';
import { timeoutError, type RawRequest } from './client.js';

/** What a lane needs to send one copy (the same request a single send makes); `body` is sent byte for byte. */
export type BurstTarget = RawRequest;

/** One connection sending one copy at a time: `send` calls back once per copy, `destroy` ends it. */
export interface Lane {
  send(done: (status: number, error?: Error) => void): void;
  destroy(): void | Promise<void>;
}

const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Headers undici treats specially (computes, refuses or acts on): with one of them the burst goes through undici. */
const SPECIAL = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'upgrade', 'expect']);

/**
 * The request exactly as undici's HTTP/1.1 client writes it (client-h1.js writeH1: request line, host, connection,
 * the headers in order, content-length), or undefined when undici would write something else or refuse it.
 */
export function leanRequestBytes(t: Pick<BurstTarget, 'url' | 'method' | 'headers' | 'body'>): Buffer | undefined {
  if (t.method !== 'POST' && t.method !== 'PUT' && t.method !== 'PATCH') return undefined;
  let head = `${t.method} ${t.url.pathname}${t.url.search} HTTP/1.1\r\nhost: ${t.url.host}\r\nconnection: keep-alive\r\n`;
  for (const [name, value] of Object.entries(t.headers)) {
    if (!TOKEN.test(name) || SPECIAL.has(name.toLowerCase()) || typeof value !== 'string' || !FIELD_VALUE.test(value)) return undefined;
    head += `${name}: ${value}\r\n`;
  }
  head += `content-length: ${t.body.byteLength}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), t.body]);
}

const socketClosed = (why = 'other side closed') => Object.assign(new Error(why), { code: 'UND_ERR_SOCKET' });
/** A malformed answer, in the words of undici's HTTPParserError (llhttp's reason, no code). */
const protocolError = (reason: string) => new Error(`Response does not match the HTTP/1.1 protocol (${reason})`);
/** What undici says of a content-length it cannot hold the body to (two of them, or beside chunked). */
const lengthMismatch = () => Object.assign(new Error('Response body length does not match content-length header'), { code: 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' });
const headersOverflow = () => Object.assign(new Error('Headers Overflow Error'), { code: 'UND_ERR_HEADERS_OVERFLOW' });
const aborted = () => Object.assign(new Error('The client is destroyed'), { code: 'UND_ERR_DESTROYED' });
/** A status line below 100, which undici takes for an interim answer and then fails an assertion on. */
export class ImpossibleStatusError extends Error {
  constructor(readonly status: number) {
    super(`impossible status ${status}`);
  }
}

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
/** Past this, a chunk-size line or the trailers are not an answer worth reading to the end. */
const MAX_LINE = 16 * 1024;

/** Where a head ends and what it says about the body that follows. */
interface Head {
  status: number;
  keepAlive: boolean;
  state: State;
  length: number;
}

/** What llhttp says of a status line it refuses, checked in the order it reads one; undefined when it is fine. */
function statusLineError(line: string): string | undefined {
  if (!line.startsWith('HTTP/')) return 'Expected HTTP/, RTSP/ or ICE/';
  if (!/^HTTP\/\d\./.test(line)) return 'Expected dot';
  if (!/^HTTP\/1\.[01] /.test(line)) return 'Invalid HTTP version';
  if (!/^\d{3}/.test(line.slice(9))) return 'Invalid status code';
  if (line.length > 12 && line[12] !== ' ') return 'Invalid response status';
  return undefined;
}

function parseHead(text: string): Head | Error {
  const lines = text.split('\r\n');
  const first = lines[0]!;
  const refused = statusLineError(first);
  if (refused) return protocolError(refused);
  const status = Number(first.slice(9, 12));
  let length = -1;
  let chunked = false;
  let encoded = false;
  let connection = '';
  let keepAliveHeader = '';
  let size = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line[0] === ' ' || line[0] === '\t') return protocolError(i === 1 ? 'Unexpected space after start line' : 'Unexpected whitespace after header value');
    const colon = line.indexOf(':');
    if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) return protocolError('Invalid header token');
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    size += colon + value.length;
    if (size >= maxHeaderSize) return headersOverflow();
    if (!FIELD_VALUE.test(value)) return protocolError('Invalid header value char');
    if (name === 'content-length') {
      if (!/^\d/.test(value)) return protocolError('Invalid character in Content-Length');
      if (length !== -1 || !/^\d{1,15}$/.test(value)) return lengthMismatch();
      length = Number(value);
    } else if (name === 'transfer-encoding') {
      encoded = true;
      chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
    } else if (name === 'connection') {
      connection += `,${value.toLowerCase()}`;
    } else if (name === 'keep-alive') {
      keepAliveHeader += value;
    }
  }
  if (encoded && length !== -1) return lengthMismatch();
  const tokens = connection.split(',').map((s) => s.trim());
  // As undici: a server that will close an idle connection within its 2 s threshold (Keep-Alive: timeout=2) is not
  // sent another request on it.
  const closesSoon = Number(/timeout=(\d+)/.exec(keepAliveHeader)?.[1] ?? Infinity) * 1000 - 2000 <= 0;
  const keepAlive = !closesSoon && (first[7] === '1' ? !tokens.includes('close') : tokens.includes('keep-alive'));
  // RFC 9112 §6.3: no body after 1xx, 204 and 304; else chunked, a length, or everything until the connection closes.
  if ((status >= 100 && status < 200) || status === 204 || status === 304) return { status, keepAlive, state: State.Head, length: 0 };
  if (chunked) return { status, keepAlive, state: State.ChunkSize, length: 0 };
  if (encoded || length === -1) return { status, keepAlive: false, state: State.UntilClose, length: 0 };
  return { status, keepAlive, state: length === 0 ? State.Head : State.Length, length };
}

/** Opens lanes to one origin; TLS sessions are reused across reconnections as undici does. */
export function leanLanes(target: BurstTarget, wire: Buffer): () => Lane {
  const { url, timeoutMs } = target;
  const secure = url.protocol === 'https:';
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = Number(url.port) || (secure ? 443 : 80);
  const servername = net.isIP(host) ? undefined : host;
  let session: Buffer | undefined;
  const connect = (): net.Socket => {
    const socket = secure
      ? tls.connect({ host, port, ...(servername ? { servername } : {}), ...(session ? { session } : {}), rejectUnauthorized: !target.insecure, ALPNProtocols: ['http/1.1'] })
      : net.connect({ host, port });
    if (secure) socket.on('session', (s: Buffer) => (session = s));
    return socket.setNoDelay(true).setKeepAlive(true, 60_000);
  };
  return () => new LeanLane(connect, wire, timeoutMs, secure);
}

class LeanLane implements Lane {
  private socket: net.Socket | undefined;
  private connected = false;
  private done: ((status: number, error?: Error) => void) | undefined;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private state = State.Head;
  private status = 0;
  private keepAlive = true;
  private remaining = 0;
  /** Bytes of a head, chunk-size line or trailers not complete yet. */
  private pending: Buffer | undefined;

  constructor(
    private readonly connect: () => net.Socket,
    private readonly wire: Buffer,
    private readonly timeoutMs: number,
    private readonly secure: boolean,
  ) {}

  send(done: (status: number, error?: Error) => void): void {
    this.done = done;
    this.startedAt = performance.now();
    this.state = State.Head;
    this.status = 0;
    this.pending = undefined;
    // One timer per lane, not per copy: it wakes once per timeout and re-arms for the copy then in flight.
    this.timer ??= setTimeout(this.check, this.timeoutMs);
    try {
      if (!this.socket) this.open();
      this.socket!.write(this.wire);
    } catch (error) {
      // net/tls refusing their options synchronously: a failed copy like any other, not a crashed burst.
      this.fail(error as Error);
    }
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.drop();
    this.finish(0, aborted());
  }

  private readonly check = (): void => {
    this.timer = undefined;
    if (!this.done) return;
    const left = this.startedAt + this.timeoutMs - performance.now();
    if (left >= 1) {
      this.timer = setTimeout(this.check, Math.ceil(left));
      return;
    }
    const code = !this.connected ? 'UND_ERR_CONNECT_TIMEOUT' : this.status >= 200 ? 'UND_ERR_BODY_TIMEOUT' : 'UND_ERR_HEADERS_TIMEOUT';
    this.drop();
    this.finish(0, timeoutError(code));
  };

  private open(): void {
    const socket = this.connect();
    this.socket = socket;
    this.connected = false;
    this.keepAlive = true;
    socket.once(this.secure ? 'secureConnect' : 'connect', () => {
      if (socket === this.socket) this.connected = true;
    });
    socket.on('data', (chunk: Buffer) => {
      if (socket === this.socket) this.read(chunk);
    });
    socket.on('end', () => {
      if (socket !== this.socket) return;
      if (this.done && this.state === State.UntilClose) this.complete();
      else this.fail(socketClosed());
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (socket !== this.socket) return;
      // As undici: a reset after a body delimited by the connection's end still ends that body.
      if (this.done && this.state === State.UntilClose && error.code === 'ECONNRESET') this.complete();
      else this.fail(error);
    });
    socket.on('close', () => {
      if (socket === this.socket) this.fail(socketClosed());
    });
  }

  /** Forgets the current connection (its late events are ignored); the next copy opens a new one. */
  private drop(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }

  private fail(error: Error): void {
    this.drop();
    this.finish(0, error);
  }

  private complete(): void {
    if (!this.keepAlive) this.drop();
    this.finish(this.status);
  }

  private finish(status: number, error?: Error): void {
    const done = this.done;
    if (!done) return;
    this.done = undefined;
    done(status, error);
  }

  private read(chunk: Buffer): void {
    if (!this.done) {
      // An answer nobody asked for: the connection is out of step, start a fresh one for the next copy.
      this.drop();
      return;
    }
    let buf = chunk;
    let at = 0;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    while (at < buf.length && this.done) {
      switch (this.state) {
        case State.Head: {
          const lf = buf.indexOf(10, at);
          if (lf > at && buf[lf - 1] !== 13) return this.fail(protocolError('Missing expected CR after response line'));
          const end = buf.indexOf(CRLFCRLF, at);
          if (end < 0) return this.keep(buf, at, 2 * maxHeaderSize);
          const head = parseHead(buf.toString('latin1', at, end));
          at = end + 4;
          if (head instanceof Error) return this.fail(head);
          if (head.status < 100 || head.status > 599) return this.fail(new ImpossibleStatusError(head.status));
          // undici sends no Expect: 100-continue, so it refuses a 100; a 101 upgrades to what it never asked for.
          if (head.status === 100) return this.fail(socketClosed('bad response'));
          if (head.status === 101) return this.fail(new ImpossibleStatusError(101));
          if (head.status < 200) continue; // an interim answer (100 Continue, 103 Early Hints): the final one follows
          this.status = head.status;
          this.keepAlive = head.keepAlive;
          this.state = head.state;
          this.remaining = head.length;
          if (head.state === State.Head) return this.complete();
          break;
        }
        case State.Length: {
          const take = Math.min(this.remaining, buf.length - at);
          this.remaining -= take;
          at += take;
          if (this.remaining === 0) return this.complete();
          break;
        }
        case State.ChunkSize: {
          const end = buf.indexOf('\r\n', at, 'latin1');
          if (end < 0) return this.keep(buf, at, MAX_LINE);
          const m = /^([0-9a-fA-F]{1,12})(?:[ \t]*;[^\r\n]*)?$/.exec(buf.toString('latin1', at, end));
          if (!m) return this.fail(protocolError('Invalid character in chunk size'));
          at = end + 2;
          this.remaining = Number.parseInt(m[1]!, 16);
          this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, buf.length - at);
          this.remaining -= take;
          at += take;
          if (this.remaining === 0) this.state = State.ChunkEnd;
          break;
        }
        case State.ChunkEnd: {
          if (buf.length - at < 2) return this.keep(buf, at, 2);
          if (buf[at] !== 13 || buf[at + 1] !== 10) return this.fail(protocolError('Expected LF after chunk data'));
          at += 2;
          this.state = State.ChunkSize;
          break;
        }
        case State.Trailers: {
          const end = buf.indexOf('\r\n', at, 'latin1');
          if (end < 0) return this.keep(buf, at, MAX_LINE);
          const empty = end === at;
          at = end + 2;
          if (empty) return this.complete();
          break;
        }
        case State.UntilClose:
          return;
      }
    }
  }

  /** Keeps an incomplete line or head for the next chunk, within a bound (past it the answer is refused). */
  private keep(buf: Buffer, at: number, max: number): void {
    if (buf.length - at > max) {
      this.fail(this.state === State.Head ? headersOverflow() : protocolError('Invalid character in chunk size'));
      return;
    }
    this.pending = Buffer.from(buf.subarray(at));
  }
}
