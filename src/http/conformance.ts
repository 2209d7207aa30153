import type { CaseKind, CaseRequest, ConformanceCase, ConformancePlan, Expected } from '../core/conformance-types.js';
import { judge, type Verdict } from '../core/judge.js';
import type { SchemeId } from '../providers/types.js';
import type { SendFailure } from './errors.js';
import { parseTargetUrl } from './request.js';
import { DEFAULT_TIMEOUT_MS, send, type Attempt } from './send.js';

export interface CaseResult {
  name: string;
  kind: CaseKind;
  description: string;
  expected: Expected;
  required: boolean;
  /** The receiver's status, or null when nothing came back (skipped, or a network failure). */
  status: number | null;
  latencyMs: number | null;
  /** How long the case's request took, answered or not (a timeout took the whole --timeout); null when skipped. */
  elapsedMs: number | null;
  verdict: Verdict;
  hint: string | null;
  error?: SendFailure;
}

export interface ConformanceSummary {
  passed: number;
  failed: number;
  warnings: number;
  skipped: number;
}

export interface ConformanceReport {
  url: string;
  provider: string;
  scheme: SchemeId;
  auth: string;
  notes: string[];
  cases: CaseResult[];
  summary: ConformanceSummary;
  /**
   * True when the receiver accepted (2xx) at least one genuine delivery. Without that, its 4xx answers to forged
   * deliveries prove nothing (it may refuse everything), and the run cannot conform.
   */
  proven: boolean;
  /** Why the run proves nothing, when it does not. */
  unproven?: string;
  /** The unjudged valid delivery sent first when no valid case was selected, and what it got. */
  control?: { name: string; status: number | null; accepted: boolean; error?: SendFailure };
  /** True when every required case passed (warnings allowed) and the run is proven. */
  ok: boolean;
  /** Set when the very first request could not reach the receiver; no case was judged. */
  unreachable?: SendFailure;
  /** 0 every required case passed · 1 one failed, or nothing was proven · 3 the receiver could not be reached. */
  exitCode: 0 | 1 | 3;
}

export interface RunOptions {
  /** Connect and response timeout per request (ms). */
  timeoutMs?: number;
  insecure?: boolean;
  signal?: AbortSignal;
}

export interface RunCallbacks {
  onCaseStart?(c: ConformanceCase, index: number, total: number): void;
  onCaseResult?(result: CaseResult, index: number, total: number): void;
}

/** Cases whose delivery is genuine (the receiver must accept it): a 2xx to one proves it accepts what it should. */
const isGenuine = (c: { expected: Expected }) => c.expected !== '4xx' && c.expected !== '401/403';
const accepted = (a: Attempt) => a.response !== undefined && a.response.status >= 200 && a.response.status < 300;

/** Failures that mean nothing is there at all (as opposed to a receiver that misbehaves). */
const UNREACHABLE = new Set(['connection_refused', 'dns', 'unreachable', 'connect_timeout', 'tls']);

function targetUrl(base: URL, query: Record<string, string>): string {
  const url = new URL(base.href);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.href;
}

function skipped(c: ConformanceCase): CaseResult {
  return { name: c.name, kind: c.kind, description: c.description, expected: c.expected, required: c.required, status: null, latencyMs: null, elapsedMs: null, verdict: 'skip', hint: c.skip ?? null };
}

export function summarize(cases: readonly CaseResult[]): ConformanceSummary {
  const count = (v: Verdict) => cases.filter((c) => c.verdict === v).length;
  return { passed: count('pass'), failed: count('fail'), warnings: count('warn'), skipped: count('skip') };
}

/** Why a run that reached the receiver proves nothing: what the genuine deliveries got. */
function unprovenReason(results: readonly CaseResult[], control: ConformanceReport['control']): string {
  const accepting = results.filter((r) => isGenuine(r) && r.verdict !== 'skip');
  const got = [...(control ? [{ name: `${control.name} (control)`, status: control.status, error: control.error }] : []), ...accepting]
    .map((r) => `${r.name} got ${r.status ?? r.error?.code ?? 'no answer'}`)
    .slice(0, 3)
    .join(', ');
  return `no valid delivery was accepted${got ? ` (${got})` : ''}: a receiver that refuses everything would answer the forged cases the same way, so their results prove nothing`;
}

/**
 * Sends every planned case to the receiver, one at a time and exactly once (no retries: a retry would hide
 * what the receiver answered), and judges each response. Never prints; never throws for HTTP or network trouble.
 */
export async function runConformance(url: string, plan: ConformancePlan, callbacks: RunCallbacks = {}, options: RunOptions = {}): Promise<ConformanceReport> {
  const base = parseTargetUrl(url, '<url>');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const sendOptions = { timeoutMs, ...(options.insecure ? { insecure: true } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  const results: CaseResult[] = [];
  const sent = new Set<string>();
  let reached = false;
  // Genuine deliveries sent so far, and how many of them the receiver accepted.
  const genuine = { sent: 0, accepted: 0 };
  let control: ConformanceReport['control'];
  const report = (unreachable?: SendFailure): ConformanceReport => {
    const summary = summarize(results);
    const ran = results.some((r) => r.verdict !== 'skip');
    const proven = genuine.accepted > 0;
    const unproven = unreachable || proven ? undefined : !ran ? 'no case was run: nothing was tested' : unprovenReason(results, control);
    const ok = !unreachable && proven && !results.some((r) => r.verdict === 'fail' && r.required);
    return {
      url: base.href,
      provider: plan.provider,
      scheme: plan.scheme,
      auth: plan.auth,
      notes: plan.notes,
      cases: results,
      summary,
      proven,
      ...(unproven ? { unproven } : {}),
      ...(control ? { control } : {}),
      ok,
      ...(unreachable ? { unreachable } : {}),
      exitCode: unreachable ? 3 : ok ? 0 : 1,
    };
  };
  const deliver = async (request: CaseRequest, isGenuine = false): Promise<Attempt> => {
    const result = await send({ method: 'POST', url: targetUrl(base, request.query), headers: request.headers, body: request.body }, sendOptions);
    if (isGenuine) {
      genuine.sent++;
      if (accepted(result.final)) genuine.accepted++;
    }
    return result.final;
  };

  // No valid case selected (`--only wrong-secret`): a genuine delivery goes first, unjudged, so that the forged
  // cases' 4xx answers can be told apart from a receiver that refuses everything.
  const runnable = plan.cases.filter((c) => c.request);
  if (plan.control && runnable.length > 0 && !runnable.some((c) => c.kind === 'valid')) {
    const attempt = await deliver(plan.control.request, true);
    if (attempt.error && UNREACHABLE.has(attempt.error.code)) return report(attempt.error);
    reached = true;
    sent.add(plan.control.name);
    control = { name: plan.control.name, status: attempt.response?.status ?? null, accepted: accepted(attempt), ...(attempt.error ? { error: attempt.error } : {}) };
  }

  const total = plan.cases.length;
  for (const [i, c] of plan.cases.entries()) {
    if (!c.request) {
      const r = skipped(c);
      results.push(r);
      callbacks.onCaseResult?.(r, i, total);
      continue;
    }
    callbacks.onCaseStart?.(c, i, total);
    // A duplicate is only a duplicate if the original went first: send it (unjudged) when it was not selected.
    // The duplicate's request is the original's, byte for byte, so it serves as the original too.
    if (c.repeats !== undefined && !sent.has(c.repeats)) {
      const primed = await deliver(c.request, true);
      if (!reached && primed.error && UNREACHABLE.has(primed.error.code)) return report(primed.error);
      reached = true;
      sent.add(c.repeats);
    }
    const validAccepted = genuine.sent > 0 ? genuine.accepted > 0 : undefined;
    const attempt = await deliver(c.request, isGenuine(c));
    sent.add(c.name);
    if (!reached && attempt.error && UNREACHABLE.has(attempt.error.code)) return report(attempt.error);
    reached = true;
    const response = attempt.response;
    const j = judge(c, {
      ...(response ? { status: response.status, latencyMs: attempt.latencyMs } : {}),
      ...(response?.location !== undefined ? { location: response.location } : {}),
      ...(attempt.error ? { error: attempt.error } : {}),
      ...(validAccepted !== undefined ? { validAccepted } : {}),
      timeoutMs,
    });
    const r: CaseResult = {
      name: c.name,
      kind: c.kind,
      description: c.description,
      expected: c.expected,
      required: c.required,
      status: response?.status ?? null,
      latencyMs: response ? Math.round(attempt.latencyMs * 10) / 10 : null,
      elapsedMs: Math.round(attempt.latencyMs * 10) / 10,
      verdict: j.verdict,
      hint: j.hint ?? null,
      ...(attempt.error ? { error: attempt.error } : {}),
    };
    results.push(r);
    callbacks.onCaseResult?.(r, i, total);
  }
  return report();
}
