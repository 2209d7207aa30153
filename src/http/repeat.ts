import type { Dispatcher } from 'undici';
import { loadClient } from './undici.js';
import { UsageError } from '../errors.js';
import { MAX_CONCURRENCY, MAX_REPEAT } from './limits.js';
import { classifyError, type SendFailure } from './errors.js';
import type { SendRequest } from './request.js';
import { isSuccess } from './retry.js';
import { clientOptions, DEFAULT_TIMEOUT_MS, timeoutError } from './client.js';
import { rate, summarizeLatencies, type LatencySummary } from './stats.js';

export { MAX_CONCURRENCY, MAX_REPEAT } from './limits.js';

export interface RepeatOptions {
  /** How many times the same delivery is sent. */
  count: number;
  /** Requests in flight at once (one connection each). */
  concurrency: number;
  timeoutMs?: number;
  insecure?: boolean;
  success?: '2xx' | '200';
  signal?: AbortSignal;
}

export interface RepeatCallbacks {
  /** Called after each request; cheap, but throttle any printing. */
  onProgress?(done: number, total: number): void;
}

export interface RepeatSummary {
  /** Copies asked for. */
  requested: number;
  /** Copies sent (fewer than requested when interrupted or stopped by a fatal failure). */
  count: number;
  concurrency: number;
  /** Requests that got a success status. */
  succeeded: number;
  failed: number;
  /** Responses by status code ("200": 198); network failures are under `errors`. */
  byStatus: Record<string, number>;
  /** Network failures by code ("connection_refused": 2). */
  errors: Record<string, number>;
  /** The first network failure, explained. */
  firstError?: SendFailure;
  latencyMs: LatencySummary;
  durationMs: number;
  requestsPerSecond: number;
  /** Set when a failure no retry can fix (connection refused, DNS, TLS) stopped the burst early. */
  stoppedBy?: string;
  /** Stopped early by options.signal (Ctrl-C): the counts cover what was sent. */
  interrupted: boolean;
  /** 0 all succeeded, 1 some got a non-success status, 3 some failed at the network level, 130 interrupted. */
  exitCode: 0 | 1 | 3 | 130;
}

/**
 * Minimal dispatch handler: counts the status and drops the body, so a burst allocates almost nothing per request.
 * One timer bounds the whole exchange (undici's body timeout restarts on every chunk: a receiver trickling its
 * answer a byte a second would hold the lane forever).
 */
class CountingHandler implements Dispatcher.DispatchHandler {
  status = 0;
  private controller: Dispatcher.DispatchController | undefined;
  private readonly timer: NodeJS.Timeout;
  private settled = false;
  constructor(
    timeoutMs: number,
    private readonly done: (status: number, error?: Error) => void,
  ) {
    this.timer = setTimeout(() => this.expire(), timeoutMs);
  }
  private expire(): void {
    const error = timeoutError(this.status !== 0 ? 'UND_ERR_BODY_TIMEOUT' : 'UND_ERR_HEADERS_TIMEOUT');
    if (this.controller) this.controller.abort(error);
    else this.finish(0, error);
  }
  private finish(status: number, error?: Error): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.done(status, error);
  }
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }
  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }
  onResponseData(): void {}
  onResponseEnd(): void {
    this.finish(this.status);
  }
  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.finish(0, error);
  }
}

/** Failures that the next copy cannot escape: the burst stops instead of repeating them thousands of times. */
const FATAL = new Set(['connection_refused', 'dns', 'tls', 'unreachable']);

/**
 * Sends the same delivery `count` times over `concurrency` connections (a de-duplication burst): the
 * same bytes, the same headers, no retries. The body Buffer and headers are built once and reused;
 * each connection is its own undici Client that sends its next copy as soon as the previous answer
 * ends (no pool queue, no per-request abort listener: Ctrl-C closes the clients instead).
 */
export async function sendRepeated(request: SendRequest, options: RepeatOptions, callbacks: RepeatCallbacks = {}): Promise<RepeatSummary> {
  const url = new URL(request.url);
  const count = options.count;
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_REPEAT) throw new UsageError('bad_option', `repeat count: a whole number from 1 to ${MAX_REPEAT}, got ${count}`);
  if (!Number.isSafeInteger(options.concurrency) || options.concurrency < 1 || options.concurrency > MAX_CONCURRENCY) {
    throw new UsageError('bad_option', `concurrency: a whole number from 1 to ${MAX_CONCURRENCY}, got ${options.concurrency}`);
  }
  const concurrency = Math.max(1, Math.min(options.concurrency, count));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const success = options.success ?? '2xx';
  const Client = await loadClient();
  const config = clientOptions({ timeoutMs, ...(options.insecure ? { insecure: true } : {}) });
  const clients = Array.from({ length: concurrency }, () => new Client(url.origin, config));
  const latencies = new Float64Array(count);
  const statuses = new Map<number, number>();
  const errors = new Map<string, number>();
  const onProgress = callbacks.onProgress;
  const signal = options.signal;
  let firstError: SendFailure | undefined;
  let stoppedBy: string | undefined;
  let succeeded = 0;
  let issued = 0;
  let done = 0;
  const dispatchOptions: Dispatcher.DispatchOptions = {
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: (request.method ?? 'POST') as Dispatcher.HttpMethod,
    headers: request.headers,
    body: Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength),
  };

  const started = performance.now();
  await new Promise<void>((resolve) => {
    const stop = (reason: string) => {
      stoppedBy ??= reason;
      if (done === issued) resolve();
    };
    const onAbort = () => {
      stop('interrupted');
      for (const c of clients) void c.destroy().catch(() => undefined);
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });

    const lane = (client: Dispatcher): void => {
      if (issued >= count || stoppedBy !== undefined) {
        if (done === issued) resolve();
        return;
      }
      const index = issued++;
      const t0 = performance.now();
      client.dispatch(
        dispatchOptions,
        new CountingHandler(timeoutMs, (status, error) => {
          latencies[index] = performance.now() - t0;
          done++;
          if (error) {
            const failure: SendFailure = signal?.aborted ? { code: 'aborted', message: 'interrupted' } : classifyError(error, url, timeoutMs);
            firstError ??= failure;
            errors.set(failure.code, (errors.get(failure.code) ?? 0) + 1);
            if (FATAL.has(failure.code)) stop(failure.code);
          } else {
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            if (isSuccess(status, success)) succeeded++;
          }
          onProgress?.(done, count);
          // After an error undici is still unwinding this client's queue: send the next copy on the next turn.
          if (error) setImmediate(lane, client);
          else lane(client);
        }),
      );
    };
    for (const client of clients) lane(client);
  });
  const durationMs = performance.now() - started;
  await Promise.all(clients.map((c) => c.destroy().catch(() => undefined)));

  const interrupted = stoppedBy === 'interrupted';
  const failedNetwork = [...errors.entries()].reduce((a, [code, n]) => (code === 'aborted' ? a : a + n), 0);
  const summary: RepeatSummary = {
    requested: count,
    count: done,
    concurrency,
    succeeded,
    failed: done - succeeded,
    byStatus: Object.fromEntries([...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => [String(s), n])),
    errors: Object.fromEntries(errors),
    latencyMs: summarizeLatencies(latencies.subarray(0, done)),
    durationMs: Math.round(durationMs * 10) / 10,
    requestsPerSecond: rate(done, durationMs),
    interrupted,
    exitCode: interrupted ? 130 : failedNetwork > 0 ? 3 : succeeded < done ? 1 : 0,
  };
  if (stoppedBy !== undefined && !interrupted) summary.stoppedBy = stoppedBy;
  if (firstError && !(interrupted && firstError.code === 'aborted')) summary.firstError = firstError;
  return summary;
}
