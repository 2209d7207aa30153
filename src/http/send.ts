import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher, Pool } from 'undici';
import { classifyError, hostPort, type SendFailure } from './errors.js';
import type { SendRequest } from './request.js';
import { isSuccess, nextDelay, parseRetryAfter, RETRY_AFTER_CAP_MS, retrySchedule, type RetrySchedule } from './retry.js';

export type { SendFailure } from './errors.js';

/** Default connect and response timeout. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** How much of a response body is kept for display unless told otherwise. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

export interface SendOptions {
  /** Bounds each whole attempt (ms): connecting, the response headers and the whole response body. */
  timeoutMs?: number;
  /** Accept self-signed or otherwise invalid TLS certificates. */
  insecure?: boolean;
  /** Attempts, delays and success rule. Default: one attempt, any 2xx. */
  retry?: RetrySchedule;
  /** Retry-After longer than this is capped (default 60 s). */
  retryAfterCapMs?: number;
  /** Response body bytes kept per attempt (the rest is read and counted, not kept). */
  maxResponseBytes?: number;
  signal?: AbortSignal;
}

export interface SendCallbacks {
  /** Before each attempt (after its wait). */
  onAttemptStart?(info: { attempt: number; of: number }): void;
  onAttempt?(attempt: Attempt): void;
  /** Before waiting for the next attempt. `requestedMs` is set when Retry-After asked for more than the cap. */
  onWait?(info: { nextAttempt: number; of: number; delayMs: number; reason: 'schedule' | 'retry-after'; requestedMs?: number }): void;
}

export interface AttemptResponse {
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

export interface Attempt {
  /** 1-based. */
  attempt: number;
  startedAt: string;
  /** The wait before this attempt. */
  waitedMs: number;
  /** From sending the request to the end of the response body. */
  latencyMs: number;
  ok: boolean;
  response?: AttemptResponse;
  error?: SendFailure;
  /** The server's Retry-After in ms, when it sent one. */
  retryAfterMs?: number;
}

export type SendOutcome = 'success' | 'http-error' | 'network-error' | 'interrupted';

export interface SendResult {
  ok: boolean;
  outcome: SendOutcome;
  attempts: Attempt[];
  final: Attempt;
  schedule: RetrySchedule;
  /** 0 success, 1 non-success status after retries, 3 network failure, 130 interrupted (options.signal). */
  exitCode: 0 | 1 | 3 | 130;
}

export interface PoolOptions {
  timeoutMs?: number;
  insecure?: boolean;
  connections?: number;
}

/** undici client options: one request in flight per connection, our timeouts, TLS strictness. */
export function clientOptions(o: PoolOptions = {}) {
  const timeout = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    pipelining: 1,
    connect: { timeout, rejectUnauthorized: !o.insecure },
    headersTimeout: timeout,
    bodyTimeout: timeout,
  };
}

/** One undici Pool for the URL's origin; undici is imported only when something is really sent. */
export async function createPool(url: URL, o: PoolOptions = {}): Promise<Pool> {
  const { Pool } = await import('undici');
  return new Pool(url.origin, { ...clientOptions(o), connections: o.connections ?? 1 });
}

function requestPath(url: URL): string {
  return `${url.pathname}${url.search}`;
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

const INTERRUPTED: SendFailure = { code: 'aborted', message: 'interrupted' };

export type TimeoutCode = 'UND_ERR_CONNECT_TIMEOUT' | 'UND_ERR_HEADERS_TIMEOUT' | 'UND_ERR_BODY_TIMEOUT';

/** A timeout error shaped like undici's, so classifyError explains it the same way. */
export function timeoutError(code: TimeoutCode): Error {
  const what = { UND_ERR_CONNECT_TIMEOUT: 'connect timeout', UND_ERR_HEADERS_TIMEOUT: 'headers timeout', UND_ERR_BODY_TIMEOUT: 'body timeout' }[code];
  return Object.assign(new Error(what), { code });
}

async function attemptOnce(pool: Pool, link: { connected: boolean }, url: URL, request: SendRequest, n: number, waitedMs: number, o: SendOptions, success: '2xx' | '200'): Promise<Attempt> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // One deadline for the whole exchange: connect, headers and the body to its last byte. undici's own timers tick
  // about once a second and its body timeout restarts on every chunk, so a receiver trickling a byte a second would
  // hold the attempt forever; this one makes `--timeout 300` mean 300 ms in all.
  const deadline = new AbortController();
  let phase: 'request' | 'body' = 'request';
  const timer = setTimeout(() => deadline.abort(timeoutError(phase === 'body' ? 'UND_ERR_BODY_TIMEOUT' : link.connected ? 'UND_ERR_HEADERS_TIMEOUT' : 'UND_ERR_CONNECT_TIMEOUT')), timeoutMs);
  const signal = o.signal ? AbortSignal.any([o.signal, deadline.signal]) : deadline.signal;
  let status: number | undefined;
  try {
    const res = await pool.request({
      path: requestPath(url),
      method: (request.method ?? 'POST') as Dispatcher.HttpMethod,
      headers: request.headers,
      body: request.body,
      signal,
    });
    phase = 'body';
    status = res.statusCode;
    const { body, bodyBytes } = await readBody(res.body, o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    clearTimeout(timer);
    const latencyMs = performance.now() - t0;
    const headers = res.headers as Record<string, string | string[]>;
    const response: AttemptResponse = {
      status: res.statusCode,
      statusText: STATUS_CODES[res.statusCode] ?? '',
      headers,
      body,
      bodyBytes,
      truncated: bodyBytes > body.length,
    };
    const location = headers.location;
    if (res.statusCode >= 300 && res.statusCode < 400 && location !== undefined) response.location = Array.isArray(location) ? location[0]! : location;
    const attempt: Attempt = { attempt: n, startedAt, waitedMs, latencyMs, ok: isSuccess(res.statusCode, success), response };
    const retryAfter = parseRetryAfter(headers['retry-after']);
    if (retryAfter !== undefined) attempt.retryAfterMs = retryAfter;
    return attempt;
  } catch (error) {
    clearTimeout(timer);
    if (o.signal?.aborted) return { attempt: n, startedAt, waitedMs, latencyMs: performance.now() - t0, ok: false, error: INTERRUPTED };
    const failure = classifyError(deadline.signal.aborted ? deadline.signal.reason : error, url, timeoutMs);
    // The status line did arrive: say so, so that a slow body is not mistaken for no answer at all.
    if (status !== undefined && failure.code === 'timeout') failure.message = `${hostPort(url)} answered ${status} but did not finish its response body within ${timeoutMs} ms`;
    return { attempt: n, startedAt, waitedMs, latencyMs: performance.now() - t0, ok: false, error: failure };
  }
}

/**
 * Sends one delivery, retrying as the schedule says. Every attempt re-sends the same bytes and headers
 * (same ids: a provider's retry is the same delivery). Never throws for HTTP or network failures:
 * they are in the result.
 */
export async function send(request: SendRequest, options: SendOptions = {}, callbacks: SendCallbacks = {}): Promise<SendResult> {
  const url = new URL(request.url);
  const schedule = options.retry ?? retrySchedule({ attempts: 1, delaysMs: [0], success: '2xx' });
  const pool = await createPool(url, options);
  const link = { connected: false };
  pool.on('connect', () => (link.connected = true)).on('disconnect', () => (link.connected = false));
  const attempts: Attempt[] = [];
  try {
    let wait = schedule.delaysMs[0] ?? 0;
    for (let n = 1; n <= schedule.attempts; n++) {
      if (wait > 0) await sleep(wait, undefined, options.signal ? { signal: options.signal } : undefined).catch(() => undefined);
      if (options.signal?.aborted) {
        if (attempts.length === 0) attempts.push({ attempt: n, startedAt: new Date().toISOString(), waitedMs: wait, latencyMs: 0, ok: false, error: INTERRUPTED });
        break;
      }
      callbacks.onAttemptStart?.({ attempt: n, of: schedule.attempts });
      const attempt = await attemptOnce(pool, link, url, request, n, wait, options, schedule.success);
      attempts.push(attempt);
      callbacks.onAttempt?.(attempt);
      if (attempt.ok || n === schedule.attempts || attempt.error?.code === 'aborted') break;
      const next = nextDelay(schedule.delaysMs[n] ?? 0, attempt.retryAfterMs, options.retryAfterCapMs ?? RETRY_AFTER_CAP_MS);
      wait = next.delayMs;
      callbacks.onWait?.({ nextAttempt: n + 1, of: schedule.attempts, delayMs: wait, reason: next.reason, ...(next.requestedMs !== undefined ? { requestedMs: next.requestedMs } : {}) });
    }
  } finally {
    await pool.destroy();
  }
  const final = attempts[attempts.length - 1]!;
  if (options.signal?.aborted && !final.ok) return { ok: false, outcome: 'interrupted', attempts, final, schedule, exitCode: 130 };
  const outcome: SendOutcome = final.ok ? 'success' : final.error ? 'network-error' : 'http-error';
  return { ok: final.ok, outcome, attempts, final, schedule, exitCode: final.ok ? 0 : final.error ? 3 : 1 };
}
