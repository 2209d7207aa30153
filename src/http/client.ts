// The one HTTP client of cg-hooks: send, test, scenario, replay, `listen --forward-to` and the scenario probe all
// go through `exchange`, so that they share the timeouts (one deadline for the whole exchange), `--insecure`,
// and one vocabulary of network failures (errors.ts: codes, messages and hints). undici's dispatcher API rather
// than fetch: fetch would add headers of its own (accept, accept-encoding, user-agent, sec-fetch-mode).
import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import type { Dispatcher, Pool } from 'undici';
import { loadPool } from './undici.js';
import { NetworkError } from '../errors.js';
import { classifyError, hostPort, within, type SendFailure } from './errors.js';

/** Default bound of a whole exchange: connecting, the response headers and the whole response body. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Connection-level headers that a relay must not copy (RFC 9110 §7.6.1), plus those it recomputes. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'expect',
]);

/** The end-to-end headers of a request: hop-by-hop ones and any named in its Connection header removed. */
export function endToEndHeaders(headers: Record<string, string>): Record<string, string> {
  const named = new Set((headers.connection ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP.has(lower) && !named.has(lower)) out[lower] = value;
  }
  return out;
}

export interface ClientOptions {
  timeoutMs?: number;
  /** Accept self-signed or otherwise invalid TLS certificates. */
  insecure?: boolean;
  connections?: number;
}

/** undici client options: one request in flight per connection, our timeouts, TLS strictness. */
export function clientOptions(o: ClientOptions = {}) {
  const timeout = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    pipelining: 1,
    connect: { timeout, rejectUnauthorized: !o.insecure },
    headersTimeout: timeout,
    bodyTimeout: timeout,
  };
}

export type TimeoutCode = 'UND_ERR_CONNECT_TIMEOUT' | 'UND_ERR_HEADERS_TIMEOUT' | 'UND_ERR_BODY_TIMEOUT';

/** A timeout error shaped like undici's, so classifyError explains it the same way. */
export function timeoutError(code: TimeoutCode): Error {
  const what = { UND_ERR_CONNECT_TIMEOUT: 'connect timeout', UND_ERR_HEADERS_TIMEOUT: 'headers timeout', UND_ERR_BODY_TIMEOUT: 'body timeout' }[code];
  return Object.assign(new Error(what), { code });
}

/** One origin's connections, and whether one is open (a timeout before it is a connect timeout). */
export interface Origin {
  pool: Pool;
  link: { connected: boolean };
}

/** One undici Pool for the URL's origin; undici is imported only when something is really sent. */
export async function openOrigin(url: URL, o: ClientOptions = {}): Promise<Origin> {
  const Pool = await loadPool();
  const pool = new Pool(url.origin, { ...clientOptions(o), connections: o.connections ?? 1 });
  const link = { connected: false };
  pool.on('connect', () => (link.connected = true)).on('disconnect', () => (link.connected = false));
  return { pool, link };
}

export interface ExchangeRequest {
  url: URL;
  method?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface ExchangeResponse {
  status: number;
  statusText: string;
  /** Lower-cased names, as received. */
  headers: Record<string, string | string[]>;
  /** The start of the body (up to maxResponseBytes). */
  body: Buffer;
  /** Total body size. */
  bodyBytes: number;
  truncated: boolean;
  /** Location of a redirect (not followed). */
  location?: string;
}

export interface ExchangeOptions {
  timeoutMs?: number;
  /** Response body bytes kept (the rest is read and counted, not kept). */
  maxResponseBytes?: number;
  signal?: AbortSignal;
}

/** What came back: a response, or a failure explained (never both); `interrupted` when options.signal fired. */
export interface Exchange {
  latencyMs: number;
  response?: ExchangeResponse;
  error?: SendFailure;
  /** A status line that did arrive although the exchange failed (a body cut off, an impossible status such as 099). */
  status?: number;
  interrupted?: boolean;
}

async function readBody(body: Dispatcher.ResponseData['body'], max: number): Promise<{ body: Buffer; bodyBytes: number }> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (kept < max) {
      const part = chunk.length <= max - kept ? chunk : chunk.subarray(0, max - kept);
      chunks.push(part);
      kept += part.length;
    }
  }
  return { body: Buffer.concat(chunks), bodyBytes: total };
}

/**
 * One request and its whole response. Never throws for HTTP or network trouble: it is in the result.
 * One deadline bounds the whole exchange: connect, headers and the body to its last byte. undici's own timers tick
 * about once a second and its body timeout restarts on every chunk, so a receiver trickling a byte a second would
 * hold the request forever; this one makes `--timeout 300ms` mean 300 ms in all.
 */
export async function exchange(origin: Origin, req: ExchangeRequest, o: ExchangeOptions = {}): Promise<Exchange> {
  const t0 = performance.now();
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = new AbortController();
  let phase: 'request' | 'body' = 'request';
  const timer = setTimeout(() => deadline.abort(timeoutError(phase === 'body' ? 'UND_ERR_BODY_TIMEOUT' : origin.link.connected ? 'UND_ERR_HEADERS_TIMEOUT' : 'UND_ERR_CONNECT_TIMEOUT')), timeoutMs);
  const signal = o.signal ? AbortSignal.any([o.signal, deadline.signal]) : deadline.signal;
  let status: number | undefined;
  // undici takes any status below 200 for an interim one and waits for the final answer: one below 100 never is.
  let impossible: number | undefined;
  try {
    const res = await origin.pool.request({
      path: `${req.url.pathname}${req.url.search}`,
      method: (req.method ?? 'POST') as Dispatcher.HttpMethod,
      headers: req.headers,
      body: Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength),
      signal,
      onInfo: ({ statusCode }) => {
        // A 101 upgrades to a protocol nobody asked for (undici then fails an internal assertion): not an answer either.
        if (statusCode < 100 || statusCode === 101) impossible ??= statusCode;
      },
    });
    phase = 'body';
    status = res.statusCode;
    // HTTP status codes end at 599 (RFC 9110 §15): a 600 is no more an answer than a 099.
    if (res.statusCode > 599) {
      impossible = res.statusCode;
      res.body.on('error', () => undefined).destroy();
      throw new Error('not a final status');
    }
    const { body, bodyBytes } = await readBody(res.body, o.maxResponseBytes ?? 64 * 1024);
    clearTimeout(timer);
    const headers = res.headers as Record<string, string | string[]>;
    const response: ExchangeResponse = { status: res.statusCode, statusText: STATUS_CODES[res.statusCode] ?? '', headers, body, bodyBytes, truncated: bodyBytes > body.length };
    const location = headers.location;
    if (res.statusCode >= 300 && res.statusCode < 400 && location !== undefined) response.location = Array.isArray(location) ? location[0]! : location;
    return { latencyMs: performance.now() - t0, response };
  } catch (error) {
    clearTimeout(timer);
    const latencyMs = performance.now() - t0;
    if (o.signal?.aborted) return { latencyMs, error: { code: 'aborted', message: 'interrupted' }, interrupted: true };
    if (impossible !== undefined) {
      return { latencyMs, status: impossible, error: { code: 'bad_response', message: `${hostPort(req.url)} answered ${String(impossible).padStart(3, '0')}, which is not a final HTTP status`, hint: 'a receiver must answer with a status from 200 to 599' } };
    }
    const failure = classifyError(deadline.signal.aborted ? deadline.signal.reason : error, req.url, timeoutMs);
    // The status line did arrive: say so, so that a slow body is not mistaken for no answer at all.
    if (status !== undefined && failure.code === 'timeout') failure.message = `${hostPort(req.url)} answered ${status} but did not finish its response body${within(timeoutMs)}`;
    return { latencyMs, error: failure, ...(status !== undefined ? { status } : {}) };
  }
}

// Relays (replay, --forward-to, the probe) send many requests to one origin: its connections are kept open
// between them, one Pool per origin and TLS setting, until closeClientConnections().
const origins = new Map<string, Promise<Origin>>();

export interface RawRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
  insecure?: boolean;
}

export interface RawResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** At most `maxResponseBytes` of the response body. */
  body: Buffer;
  latencyMs: number;
}

/** Sends exactly these bytes with exactly these headers (plus Host and Content-Length) over kept-open connections. */
export async function exchangeRaw(req: RawRequest, maxResponseBytes = 1024 * 1024): Promise<Exchange> {
  const key = `${req.url.origin} ${req.insecure ? 'insecure' : 'strict'} ${req.timeoutMs}`;
  let origin = origins.get(key);
  if (!origin) {
    origin = openOrigin(req.url, { timeoutMs: req.timeoutMs, ...(req.insecure ? { insecure: true } : {}), connections: 8 });
    origins.set(key, origin);
  }
  return exchange(await origin, req, { timeoutMs: req.timeoutMs, maxResponseBytes });
}

/** `exchangeRaw`, with a network failure thrown as a NetworkError (exit 3): the code, message and hint `send` gives. */
export async function sendRaw(req: RawRequest, maxResponseBytes = 1024 * 1024): Promise<RawResponse> {
  const r = await exchangeRaw(req, maxResponseBytes);
  if (r.error) throw new NetworkError(r.error.code, r.error.message, r.error.hint);
  const res = r.response!;
  return { status: res.status, statusText: res.statusText, headers: res.headers as IncomingHttpHeaders, body: res.body, latencyMs: Math.round(r.latencyMs * 10) / 10 };
}

/** Lets the process exit: keep-alive sockets would otherwise hold it open. */
export function closeClientConnections(): void {
  const open = [...origins.values()];
  origins.clear();
  for (const o of open) void o.then((x) => x.pool.destroy()).catch(() => undefined);
}
