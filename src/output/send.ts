import { STATUS_CODES } from 'node:http';
import type { PreparedRequest, SendRequest } from '../http/request.js';
import { escapeTerminal, maskHeaders as maskedHeaders, maskHeaderValue, redactUrl as maskedUrl, withoutCredentials } from '../core/redact.js';
import type { Attempt, AttemptResponse, SendResult } from '../http/send.js';
import type { RepeatSummary } from '../http/repeat.js';
import { formatDelay, type RetrySchedule } from '../http/retry.js';
import { err, out } from './style.js';

/** How much of a response body the human output shows without --verbose. */
export const BODY_PREVIEW_CHARS = 1000;

/**
 * A response header as shown: a redirect's Location usually repeats the request's query (an http → https rule
 * keeps WebEngage's `secret=`, a `?token=`), so it is masked as the request URL is; a Set-Cookie as any credential.
 */
function shownHeader(name: string, value: string): string {
  return name.toLowerCase() === 'location' ? maskedUrl(value) : maskHeaderValue(name, value);
}

function shownHeaders(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    Object.defineProperty(out, name, { value: Array.isArray(value) ? value.map((v) => shownHeader(name, v)) : shownHeader(name, value), enumerable: true });
  }
  return out;
}

const ms = (x: number) => (x < 10 ? `${x.toFixed(1)} ms` : `${Math.round(x)} ms`);

export function formatSchedule(s: RetrySchedule): string {
  if (s.attempts <= 1) return s.source === 'none' ? 'no retries (none documented for this provider)' : 'no retries';
  const delays = s.delaysMs.map((d) => (d === 0 ? '0 s' : formatDelay(d))).join(', ');
  return `up to ${s.attempts} attempts, waiting ${delays}${s.source === 'provider' ? " (the provider's documented policy)" : ''}; success = ${s.success === '200' ? 'HTTP 200 only' : 'any 2xx'}`;
}

/** The body as text when it is UTF-8, else base64 (so --json never alters the bytes it reports). */
export function bodyJson(body: Uint8Array): { body: string } | { body: null; bodyBase64: string } {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? { body: text } : { body: null, bodyBase64: bytes.toString('base64') };
}

/** The request as JSON (for --json): credentials masked unless `showSecrets`, body as text. */
export function requestJson(request: PreparedRequest, extra: Record<string, unknown> = {}, showSecrets = false) {
  return {
    method: request.method,
    url: showSecrets ? request.url : maskedUrl(request.url),
    headers: showSecrets ? request.headers : maskedHeaders(request.headers),
    ...bodyJson(request.body),
    bodyBytes: request.body.byteLength,
    ...extra,
    ...(request.notes.length ? { notes: request.notes } : {}),
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** `hidden`: the credentials the request carried (sentCredentials), masked where an echoing receiver repeats them. */
export function attemptJson(a: Attempt, hidden: readonly string[] = []) {
  const r = a.response;
  return {
    attempt: a.attempt,
    startedAt: a.startedAt,
    waitedMs: a.waitedMs,
    latencyMs: round1(a.latencyMs),
    ok: a.ok,
    ...(r
      ? {
          status: r.status,
          statusText: r.statusText,
          headers: shownHeaders(r.headers),
          body: withoutCredentials(r.body.toString('utf8'), hidden),
          bodyBytes: r.bodyBytes,
          truncated: r.truncated,
          ...(r.location !== undefined ? { location: maskedUrl(r.location) } : {}),
        }
      : {}),
    ...(a.retryAfterMs !== undefined ? { retryAfterMs: a.retryAfterMs } : {}),
    ...(a.error ? { error: a.error } : {}),
  };
}

export function outcomeJson(result: SendResult) {
  const f = result.final;
  return {
    ok: result.ok,
    result: result.outcome,
    attempts: result.attempts.length,
    ...(f.response ? { status: f.response.status } : {}),
    ...(f.error ? { error: f.error } : {}),
    message: verdictText(result),
    exitCode: result.exitCode,
  };
}

function statusText(r: AttemptResponse): string {
  return `${r.status}${r.statusText ? ` ${escapeTerminal(r.statusText)}` : ''}`;
}

/** One line per attempt: "attempt 2/4  503 Service Unavailable  12 ms". */
export function attemptLine(a: Attempt, of: number): string {
  const head = err.dim(`attempt ${a.attempt}/${of}`);
  if (a.error) return `${head}  ${err.red(`✖ ${a.error.message}`)}  ${err.dim(ms(a.latencyMs))}`;
  const r = a.response!;
  const colour = a.ok ? err.green : r.status >= 300 && r.status < 400 ? err.yellow : err.red;
  const redirect = r.location !== undefined ? err.yellow(` → ${escapeTerminal(maskedUrl(r.location))} (not followed)`) : '';
  const retryAfter = a.retryAfterMs !== undefined ? err.dim(` Retry-After ${formatDelay(a.retryAfterMs)}`) : '';
  return `${head}  ${colour(statusText(r))}  ${err.dim(ms(a.latencyMs))}${redirect}${retryAfter}`;
}

export function waitLine(info: { nextAttempt: number; delayMs: number; reason: 'schedule' | 'retry-after'; requestedMs?: number }): string {
  const why = info.reason === 'retry-after' ? ' (the server sent Retry-After)' : '';
  const capped = info.requestedMs !== undefined ? `; it asked for ${formatDelay(info.requestedMs)}, capped at ${formatDelay(info.delayMs)}` : '';
  return err.dim(`  waiting ${formatDelay(info.delayMs)} before attempt ${info.nextAttempt}${why}${capped}`);
}

function decodeBody(body: Buffer): string {
  return body.toString('utf8');
}

/** The response as a user reads it: status, headers, then the body (its start unless verbose). */
export function formatResponse(r: AttemptResponse, verbose: boolean, hidden: readonly string[] = []): string {
  const lines = [out.bold(`HTTP ${statusText(r)}`)];
  for (const [name, value] of Object.entries(r.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${out.dim(`${name}:`)} ${escapeTerminal(shownHeader(name, v))}`);
  }
  let text = withoutCredentials(decodeBody(r.body), hidden);
  let more = r.bodyBytes - r.body.length;
  if (!verbose && text.length > BODY_PREVIEW_CHARS) {
    more += Buffer.byteLength(text.slice(BODY_PREVIEW_CHARS));
    text = text.slice(0, BODY_PREVIEW_CHARS);
  }
  lines.push('');
  if (r.bodyBytes === 0) lines.push(out.dim('(empty body)'));
  else {
    // The receiver's bytes reach a terminal: escape sequences in them are shown, not obeyed.
    lines.push(escapeTerminal(text, { multiline: true }));
    if (more > 0) lines.push(out.dim(`… ${more} more bytes${verbose ? '' : ' (--verbose shows all)'}`));
  }
  return lines.join('\n');
}

export function verdictText(result: SendResult): string {
  const f = result.final;
  const n = result.attempts.length;
  const tries = n === 1 ? '' : ` after ${n} attempts`;
  if (f.error) return `${f.error.message}${tries}`;
  const r = f.response!;
  if (result.ok) return `delivered: ${statusText(r)}${n > 1 ? ` on attempt ${n}` : ''} (${ms(f.latencyMs)})`;
  if (r.location !== undefined) return `not delivered: ${statusText(r)} redirect to ${escapeTerminal(maskedUrl(r.location))}${tries}; redirects are reported, not followed (providers post to the URL as configured)`;
  if (result.schedule.success === '200' && r.status >= 200 && r.status < 300) return `not delivered: ${statusText(r)}${tries}; this provider counts only HTTP 200 as success`;
  return `not delivered: ${statusText(r)}${tries}`;
}

export function verdictLine(result: SendResult): string {
  const text = verdictText(result);
  if (result.outcome === 'interrupted') return err.yellow(`interrupted after ${result.attempts.length} attempt${result.attempts.length === 1 ? '' : 's'}`);
  if (result.ok) return err.green(`✔ ${text}`);
  return err.red(`✖ ${text}`);
}

/** The request line shown before sending. */
export function requestLine(request: PreparedRequest, label: string): string {
  const signed = request.signedHeaders.length ? ` · signed: ${request.signedHeaders.join(', ')}` : '';
  const query = Object.keys(request.query).length ? ` · query: ${Object.keys(request.query).join(', ')}` : '';
  return `${err.bold(request.method)} ${maskedUrl(request.url)} ${err.dim(`· ${label} · ${request.body.byteLength} bytes${signed}${query}`)}`;
}

export function headerLines(request: SendRequest, showSecrets = false): string[] {
  const headers = showSecrets ? request.headers : maskedHeaders(request.headers);
  return Object.entries(headers).map(([k, v]) => `  ${err.dim(`${k}:`)} ${v}`);
}

/** The `--repeat` summary: counts by status, latency percentiles, throughput. */
export function formatRepeatSummary(s: RepeatSummary): string {
  const lines: string[] = [];
  for (const [status, n] of Object.entries(s.byStatus)) {
    const code = Number(status);
    const colour = code >= 200 && code < 300 ? out.green : out.red;
    lines.push(`${String(n).padStart(7)} × ${colour(`${status} ${STATUS_CODES[code] ?? ''}`.trimEnd())}`);
  }
  for (const [code, n] of Object.entries(s.errors)) lines.push(`${String(n).padStart(7)} × ${out.red(code)}`);
  // Latency and throughput describe answers: with none (a refused connection, a DNS failure), there are none to show.
  const answered = Object.values(s.byStatus).reduce((a, b) => a + b, 0);
  const l = s.latencyMs;
  if (answered > 0) lines.push(`latency  p50 ${ms(l.p50)} · p95 ${ms(l.p95)} · p99 ${ms(l.p99)} ${out.dim(`(min ${ms(l.min)}, max ${ms(l.max)}, mean ${ms(l.mean)})`)}`);
  if (s.stoppedBy) lines.push(out.yellow(`stopped after ${s.count} of ${s.requested}: ${s.stoppedBy.replace(/_/g, ' ')} (the next copies would fail the same way)`));
  if (answered > 0) lines.push(`${s.count} requests in ${(s.durationMs / 1000).toFixed(2)} s over ${s.concurrency} connection${s.concurrency === 1 ? '' : 's'}: ${s.requestsPerSecond} requests/s`);
  else lines.push(`${s.count} ${s.count === 1 ? 'request' : 'requests'} sent, none answered`);
  return lines.join('\n');
}

export function repeatVerdict(s: RepeatSummary): string {
  // Copies cut short by Ctrl-C were sent all the same (the receiver may have acted on them): count them as sent.
  const answered = Object.values(s.byStatus).reduce((a, b) => a + b, 0);
  if (s.interrupted) return err.yellow(`interrupted: ${s.count} sent, ${answered} answered, ${s.succeeded} accepted`);
  if (s.exitCode === 0) return err.green(`✔ all ${s.count} deliveries were accepted`);
  const parts = [];
  if (s.failed - Object.values(s.errors).reduce((a, b) => a + b, 0) > 0) parts.push('some got a non-success status');
  if (s.firstError) parts.push(`network failure: ${s.firstError.message}`);
  return err.red(`✖ ${s.succeeded} of ${s.count} accepted; ${parts.join('; ')}`);
}
