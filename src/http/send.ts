import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'undici';
import { DEFAULT_TIMEOUT_MS, exchange, openOrigin, type ClientOptions, type ExchangeResponse, type Origin } from './client.js';
import type { SendFailure } from './errors.js';
import type { SendRequest } from './request.js';
import { isSuccess, nextDelay, parseRetryAfter, RETRY_AFTER_CAP_MS, retrySchedule, type RetrySchedule } from './retry.js';

export type { SendFailure } from './errors.js';

export { DEFAULT_TIMEOUT_MS } from './client.js';
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

export type AttemptResponse = ExchangeResponse;

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

export type { ClientOptions as PoolOptions, TimeoutCode } from './client.js';
export { clientOptions, timeoutError } from './client.js';

/** One undici Pool for the URL's origin; undici is imported only when something is really sent. */
export async function createPool(url: URL, o: ClientOptions = {}): Promise<Pool> {
  return (await openOrigin(url, o)).pool;
}

const INTERRUPTED: SendFailure = { code: 'aborted', message: 'interrupted' };

async function attemptOnce(origin: Origin, url: URL, request: SendRequest, n: number, waitedMs: number, o: SendOptions, success: '2xx' | '200'): Promise<Attempt> {
  const startedAt = new Date().toISOString();
  const r = await exchange(origin, { url, method: request.method ?? 'POST', headers: request.headers, body: request.body }, {
    timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxResponseBytes: o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (r.error) return { attempt: n, startedAt, waitedMs, latencyMs: r.latencyMs, ok: false, error: r.interrupted ? INTERRUPTED : r.error };
  const response = r.response!;
  const attempt: Attempt = { attempt: n, startedAt, waitedMs, latencyMs: r.latencyMs, ok: isSuccess(response.status, success), response };
  const retryAfter = parseRetryAfter(response.headers['retry-after']);
  if (retryAfter !== undefined) attempt.retryAfterMs = retryAfter;
  return attempt;
}

/**
 * Sends one delivery, retrying as the schedule says. Every attempt re-sends the same bytes and headers
 * (same ids: a provider's retry is the same delivery). Never throws for HTTP or network failures:
 * they are in the result.
 */
export async function send(request: SendRequest, options: SendOptions = {}, callbacks: SendCallbacks = {}): Promise<SendResult> {
  const url = new URL(request.url);
  const schedule = options.retry ?? retrySchedule({ attempts: 1, delaysMs: [0], success: '2xx' });
  const origin = await openOrigin(url, options);
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
      const attempt = await attemptOnce(origin, url, request, n, wait, options, schedule.success);
      attempts.push(attempt);
      callbacks.onAttempt?.(attempt);
      if (attempt.ok || n === schedule.attempts || attempt.error?.code === 'aborted') break;
      const next = nextDelay(schedule.delaysMs[n] ?? 0, attempt.retryAfterMs, options.retryAfterCapMs ?? RETRY_AFTER_CAP_MS);
      wait = next.delayMs;
      callbacks.onWait?.({ nextAttempt: n + 1, of: schedule.attempts, delayMs: wait, reason: next.reason, ...(next.requestedMs !== undefined ? { requestedMs: next.requestedMs } : {}) });
    }
  } finally {
    await origin.pool.destroy();
  }
  const final = attempts[attempts.length - 1]!;
  if (options.signal?.aborted && !final.ok) return { ok: false, outcome: 'interrupted', attempts, final, schedule, exitCode: 130 };
  const outcome: SendOutcome = final.ok ? 'success' : final.error ? 'network-error' : 'http-error';
  return { ok: final.ok, outcome, attempts, final, schedule, exitCode: final.ok ? 0 : final.error ? 3 : 1 };
}
