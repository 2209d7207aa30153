import type { Dispatcher } from 'undici';
import { loadClient } from './undici.js';
import { UsageError } from '../errors.js';
import { MAX_CONCURRENCY, MAX_REPEAT } from './limits.js';
import { classifyError, hostPort, type SendFailure } from './errors.js';
import type { SendRequest } from './request.js';
import { isSuccess } from './retry.js';
import { clientOptions, DEFAULT_TIMEOUT_MS, timeoutError } from './client.js';
import { ImpossibleStatusError, leanLanes, leanRequestBytes, type BurstTarget, type Lane } from './burst-client.js';
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
  /**
   * Which HTTP/1.1 client sends the copies: by default the lean lanes of burst-client.ts wherever they send the
   * bytes undici would, else undici. 'undici' forces undici (the reference the tests hold the lean lanes to).
   */
  client?: 'auto' | 'undici';
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
  /** Time to an answer, over the copies that got one (all zero when none did). */
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
  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
    // HTTP status codes end at 599: a 600 is no answer, as the lean lanes and `send` say.
    if (statusCode > 599) controller.abort(new ImpossibleStatusError(statusCode));
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

/** Lanes of undici Clients (one connection each) sending the same dispatch options. */
async function undiciLanes(target: BurstTarget): Promise<() => Lane> {
  const Client = await loadClient();
  const config = clientOptions({ timeoutMs: target.timeoutMs, ...(target.insecure ? { insecure: true } : {}) });
  const options: Dispatcher.DispatchOptions = {
    origin: target.url.origin,
    path: `${target.url.pathname}${target.url.search}`,
    method: target.method as Dispatcher.HttpMethod,
    headers: target.headers,
    body: target.body,
  };
  return () => {
    const client = new Client(target.url.origin, config);
    return {
      send: (done) => void client.dispatch(options, new CountingHandler(target.timeoutMs, done)),
      destroy: () => client.destroy().catch(() => undefined),
    };
  };
}

/**
 * Sends the same delivery `count` times over `concurrency` connections (a de-duplication burst): the
 * same bytes, the same headers, no retries. The request is built once and reused; each connection is a
 * lane that sends its next copy as soon as the previous answer ends (no pool queue, no per-request abort
 * listener: Ctrl-C closes the lanes instead).
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
  const target: BurstTarget = {
    url,
    method: request.method ?? 'POST',
    headers: request.headers,
    body: Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength),
    timeoutMs,
    ...(options.insecure ? { insecure: true } : {}),
  };
  const wire = options.client === 'undici' ? undefined : leanRequestBytes(target);
  const newLane = wire ? leanLanes(target, wire) : await undiciLanes(target);
  const lanes = Array.from({ length: concurrency }, newLane);
  const latencies = new Float64Array(count);
  const statuses = new Map<number, number>();
  const errors = new Map<string, number>();
  const onProgress = callbacks.onProgress;
  const signal = options.signal;
  let firstError: SendFailure | undefined;
  let stoppedBy: string | undefined;
  let succeeded = 0;
  // Latency is the time to an answer: a copy that got none (timeout, reset, Ctrl-C) has no latency to report.
  let answered = 0;
  let issued = 0;
  let done = 0;

  const started = performance.now();
  await new Promise<void>((resolve) => {
    const stop = (reason: string) => {
      stoppedBy ??= reason;
      if (done === issued) resolve();
    };
    const onAbort = () => {
      stop('interrupted');
      for (const l of lanes) void l.destroy();
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });

    const run = (lane: Lane): void => {
      if (issued >= count || stoppedBy !== undefined) {
        if (done === issued) resolve();
        return;
      }
      issued++;
      const t0 = performance.now();
      lane.send((status, error) => {
        if (!error) latencies[answered++] = performance.now() - t0;
        done++;
        if (error) {
          const failure = signal?.aborted ? { code: 'aborted', message: 'interrupted' } : explain(error, url, timeoutMs);
          firstError ??= failure;
          errors.set(failure.code, (errors.get(failure.code) ?? 0) + 1);
          if (FATAL.has(failure.code)) stop(failure.code);
        } else {
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (isSuccess(status, success)) succeeded++;
        }
        onProgress?.(done, count);
        // After an error undici is still unwinding this client's queue: send the next copy on the next turn.
        if (error) setImmediate(run, lane);
        else run(lane);
      });
    };
    for (const lane of lanes) run(lane);
  });
  const durationMs = performance.now() - started;
  await Promise.all(lanes.map((lane) => lane.destroy()));

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
    latencyMs: summarizeLatencies(latencies.subarray(0, answered)),
    durationMs: Math.round(durationMs * 10) / 10,
    requestsPerSecond: rate(done, durationMs),
    interrupted,
    exitCode: interrupted ? 130 : failedNetwork > 0 ? 3 : succeeded < done ? 1 : 0,
  };
  if (stoppedBy !== undefined && !interrupted) summary.stoppedBy = stoppedBy;
  if (firstError && !(interrupted && firstError.code === 'aborted')) summary.firstError = firstError;
  return summary;
}

/** A failed copy in the words `send` uses: a status line below 100 is the same bad_response as in exchange(). */
function explain(error: Error, url: URL, timeoutMs: number): SendFailure {
  if (!(error instanceof ImpossibleStatusError)) return classifyError(error, url, timeoutMs);
  return { code: 'bad_response', message: `${hostPort(url)} answered ${String(error.status).padStart(3, '0')}, which is not a final HTTP status`, hint: 'a receiver must answer with a status from 200 to 599' };
}
