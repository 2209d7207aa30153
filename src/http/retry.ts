import type { RetryPolicy } from '../providers/types.js';

/** What `send` will do: how many attempts, the wait before each, and what counts as success. */
export interface RetrySchedule {
  /** Total attempts including the first (1 = no retry). */
  attempts: number;
  /** Wait before each attempt in ms; delaysMs[0] is the first attempt (normally 0). Length = attempts. */
  delaysMs: number[];
  success: '2xx' | '200';
  /** Where the schedule came from, for the output. */
  source: 'provider' | 'flags' | 'none';
}

export interface RetryOverrides {
  /** `--retries n`: n retries after the first attempt. */
  retries?: number;
  /** `--retry-delays 0,1000,…`: the wait before each attempt. */
  retryDelays?: number[];
  /** `--no-retry`. */
  noRetry?: boolean;
}

/** A server asking for more than this in Retry-After is capped (and the user told), so a run never hangs for hours. */
export const RETRY_AFTER_CAP_MS = 60_000;

/**
 * The provider's documented policy with the user's overrides applied. Delays the user did not give
 * continue the last one doubled (exponential backoff, 1 s when there is none), as providers do.
 */
export function retrySchedule(policy: Pick<RetryPolicy, 'attempts' | 'delaysMs' | 'success'>, o: RetryOverrides = {}): RetrySchedule {
  const flags = o.retries !== undefined || o.retryDelays !== undefined;
  if (o.noRetry) return { attempts: 1, delaysMs: [0], success: policy.success, source: 'flags' };
  const attempts = Math.max(1, o.retries !== undefined ? o.retries + 1 : o.retryDelays !== undefined ? o.retryDelays.length : policy.attempts);
  const base = o.retryDelays ?? policy.delaysMs;
  const delaysMs: number[] = [];
  for (let i = 0; i < attempts; i++) {
    const given = base[i];
    if (given !== undefined) delaysMs.push(given);
    else if (i === 0) delaysMs.push(0);
    else {
      const last = delaysMs[i - 1]!;
      delaysMs.push(last > 0 ? last * 2 : 1000);
    }
  }
  return { attempts, delaysMs, success: policy.success, source: flags ? 'flags' : attempts > 1 ? 'provider' : 'none' };
}

export function isSuccess(status: number, success: '2xx' | '200'): boolean {
  return success === '200' ? status === 200 : status >= 200 && status < 300;
}

/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns ms from `nowMs`, or undefined
 * when absent or unparseable (then the schedule's own delay applies).
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only real dates: Date.parse accepts too much ("1", "soon 2020").
  if (!/[A-Za-z]{3}.*\d{2}:\d{2}:\d{2}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export interface NextDelay {
  delayMs: number;
  reason: 'schedule' | 'retry-after';
  /** Set when the server asked for more than the cap. */
  requestedMs?: number;
}

/** The wait before the next attempt: the server's Retry-After when it sent one (capped), else the schedule's. */
export function nextDelay(scheduledMs: number, retryAfterMs: number | undefined, capMs = RETRY_AFTER_CAP_MS): NextDelay {
  if (retryAfterMs === undefined) return { delayMs: scheduledMs, reason: 'schedule' };
  if (retryAfterMs > capMs) return { delayMs: capMs, reason: 'retry-after', requestedMs: retryAfterMs };
  return { delayMs: retryAfterMs, reason: 'retry-after' };
}

/** "1.5 s", "250 ms", "1 min": short human form of a delay. */
export function formatDelay(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
  return `${+(ms / 60_000).toFixed(1)} min`;
}
