import type { Dispatcher } from 'undici';
import { classifyError, type SendFailure } from './errors.js';
import type { SendRequest } from './request.js';
import { isSuccess } from './retry.js';
import { createPool, DEFAULT_TIMEOUT_MS } from './send.js';
import { rate, summarizeLatencies, type LatencySummary } from './stats.js';

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
  /** Stopped early by options.signal (Ctrl-C): the counts cover what was sent. */
  interrupted: boolean;
  /** 0 all succeeded, 1 some got a non-success status, 3 some failed at the network level, 130 interrupted. */
  exitCode: 0 | 1 | 3 | 130;
}

/** Minimal dispatch handler: counts the status and drops the body, so a burst allocates almost nothing per request. */
class CountingHandler implements Dispatcher.DispatchHandler {
  status = 0;
  constructor(private readonly done: (status: number, error?: Error) => void) {}
  onRequestStart(): void {}
  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }
  onResponseData(): void {}
  onResponseEnd(): void {
    this.done(this.status);
  }
  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.done(0, error);
  }
}

/**
 * Sends the same delivery `count` times over `concurrency` connections (a de-duplication burst): the
 * same bytes, the same headers, no retries. The body Buffer and headers are built once and reused.
 */
export async function sendRepeated(request: SendRequest, options: RepeatOptions, callbacks: RepeatCallbacks = {}): Promise<RepeatSummary> {
  const url = new URL(request.url);
  const count = options.count;
  const concurrency = Math.max(1, Math.min(options.concurrency, count));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const success = options.success ?? '2xx';
  const pool = await createPool(url, { timeoutMs, connections: concurrency, ...(options.insecure ? { insecure: true } : {}) });
  const latencies = new Float64Array(count);
  const statuses = new Map<number, number>();
  const errors = new Map<string, number>();
  let firstError: SendFailure | undefined;
  let succeeded = 0;
  let issued = 0;
  let done = 0;
  const dispatchOptions: Dispatcher.DispatchOptions = {
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: (request.method ?? 'POST') as Dispatcher.HttpMethod,
    headers: request.headers,
    body: Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength),
    ...(options.signal ? { signal: options.signal } : {}),
  };

  const started = performance.now();
  await new Promise<void>((resolve) => {
    const next = (): void => {
      if (issued >= count) return;
      const index = issued++;
      const t0 = performance.now();
      pool.dispatch(
        dispatchOptions,
        new CountingHandler((status, error) => {
          latencies[index] = performance.now() - t0;
          if (error && options.signal?.aborted) {
            errors.set('aborted', (errors.get('aborted') ?? 0) + 1);
          } else if (error) {
            const failure = classifyError(error, url, timeoutMs);
            firstError ??= failure;
            errors.set(failure.code, (errors.get(failure.code) ?? 0) + 1);
          } else {
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            if (isSuccess(status, success)) succeeded++;
          }
          done++;
          callbacks.onProgress?.(done, count);
          if (done === count) resolve();
          else if (!(options.signal?.aborted ?? false)) next();
          else if (done === issued) resolve();
        }),
      );
    };
    for (let i = 0; i < concurrency; i++) next();
  });
  const durationMs = performance.now() - started;
  await pool.destroy();

  const failedNetwork = [...errors.values()].reduce((a, b) => a + b, 0);
  const summary: RepeatSummary = {
    count: done,
    concurrency,
    succeeded,
    failed: done - succeeded,
    byStatus: Object.fromEntries([...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => [String(s), n])),
    errors: Object.fromEntries(errors),
    latencyMs: summarizeLatencies(latencies.subarray(0, done)),
    durationMs: Math.round(durationMs * 10) / 10,
    requestsPerSecond: rate(done, durationMs),
    interrupted: options.signal?.aborted === true,
    exitCode: options.signal?.aborted ? 130 : failedNetwork > 0 ? 3 : succeeded < done ? 1 : 0,
  };
  if (firstError) summary.firstError = firstError;
  return summary;
}
