// Runs a plan: reads the balances (with --probe), sends every planned copy in order with its wait and the
// retry schedule, judges each answer against the step's `expect:`, then reads the balances again and checks
// the ledger. Never prints: progress goes through callbacks, the result is a value.
import { setTimeout as sleep } from 'node:timers/promises';
import { closeClientConnections } from '../http/client.js';
import type { SendFailure } from '../http/errors.js';
import { isSuccess } from '../http/retry.js';
import type { Attempt } from '../http/send.js';
import { CliError, EXIT } from '../output/errors.js';
import { expectedByUser, mismatchMessage, tally, type DeliveryTally, type UserLedger } from './ledger.js';
import type { Expect } from './model.js';
import type { Plan, PlannedSend } from './plan.js';
import { readBalance, type ProbeConfig } from './probe.js';

export type Verdict = 'pass' | 'fail' | 'error' | 'skip';

export interface SendRecord {
  send: PlannedSend;
  /** refused: cg-hooks did not send the payload (schema); skipped: the run stopped before it. */
  state: 'sent' | 'refused' | 'skipped';
  attempts: Attempt[];
  verdict: Verdict;
  /** Why it failed (or what was refused), one line. */
  reason?: string;
  hint?: string;
}

export interface LedgerOutcome {
  users: UserLedger[];
  ok: boolean;
  /** The first mismatch, or why the check could not be made. */
  message?: string;
  /** The balances could not be read after the run: `ok` is false, `users` empty, `message` says why. */
  unchecked?: true;
  notes: string[];
}

export interface RunReport {
  plan: Plan;
  records: SendRecord[];
  ledger?: LedgerOutcome;
  startedAt: Date;
  durationMs: number;
  interrupted: boolean;
  /** Set when the receiver could not be reached at all (the rest of the run was skipped). */
  unreachable?: SendFailure;
  exitCode: number;
}

export interface RunOptions {
  timeoutMs: number;
  insecure?: boolean;
  signal?: AbortSignal;
  probe?: ProbeConfig;
  /** Wait before the balances are read again (for receivers that credit asynchronously), ms. */
  probeWaitMs?: number;
}

export interface RunCallbacks {
  onProbe?(phase: 'before' | 'after', user: string): void;
  onSendStart?(send: PlannedSend, of: number): void;
  onAttempt?(send: PlannedSend, attempt: Attempt, of: number): void;
  onRecord?(record: SendRecord): void;
}

/** Answers are judged by status only: keep a little of each body, so 2000 sends × 6 attempts stay small. */
const RESPONSE_BYTES_KEPT = 1024;

/** Failures that mean nothing is there to answer: the rest of the run would fail the same way. */
const UNREACHABLE = new Set(['connection_refused', 'dns', 'unreachable', 'tls', 'connect_timeout']);

export function expectLabel(e: Expect, success: '2xx' | '200'): string {
  if (e.kind === 'refused') return 'refused';
  if (e.implicit) return success;
  return [...e.classes.map((c) => `${c}xx`), ...e.statuses.map(String)].join('|');
}

export function matches(e: Expect, status: number, success: '2xx' | '200'): boolean {
  if (e.kind === 'refused') return false;
  if (e.implicit) return isSuccess(status, success);
  return e.classes.includes(Math.floor(status / 100)) || e.statuses.includes(status);
}

function judge(plan: Plan, send: PlannedSend, attempts: Attempt[]): SendRecord {
  const final = attempts[attempts.length - 1];
  const success = plan.schedule.success;
  if (!final) return { send, state: 'skipped', attempts, verdict: 'skip', reason: 'not sent' };
  if (final.error) {
    if (final.error.code === 'aborted') return { send, state: 'sent', attempts, verdict: 'skip', reason: 'interrupted' };
    return { send, state: 'sent', attempts, verdict: 'error', reason: final.error.message, ...(final.error.hint ? { hint: final.error.hint } : {}) };
  }
  const status = final.response!.status;
  if (matches(send.expect, status, success)) return { send, state: 'sent', attempts, verdict: 'pass' };
  const what = send.copy === 'original' ? '' : send.copy === 'duplicate' ? ' to a duplicate (same bytes)' : ` to a repeat of ${send.delivery.key} (same bytes)`;
  const record: SendRecord = { send, state: 'sent', attempts, verdict: 'fail', reason: `expected ${expectLabel(send.expect, success)}${what}, got ${status}` };
  if (send.copy !== 'original' && status >= 400 && status < 500) record.hint = 'a provider re-sends a delivery when it is unsure it arrived: acknowledge a duplicate with 2xx and do not credit it again';
  return record;
}

function refusedRecord(send: PlannedSend): SendRecord {
  const issues = send.delivery.issues;
  if (issues.length > 0) return { send, state: 'refused', attempts: [], verdict: 'pass', reason: `refused locally: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}` };
  return { send, state: 'refused', attempts: [], verdict: 'fail', reason: 'the step expects cg-hooks to refuse the payload, but it matches its schema', hint: 'unset a required field (unset: [user_id]) or set a wrong type' };
}

async function readAll(probe: ProbeConfig, users: string[], phase: 'before' | 'after', cb: RunCallbacks) {
  const out = new Map<string, { value: number; unknownUser: boolean }>();
  for (const user of users) {
    cb.onProbe?.(phase, user);
    out.set(user, await readBalance(probe, user, phase));
  }
  return out;
}

export async function runPlan(plan: Plan, o: RunOptions, cb: RunCallbacks = {}): Promise<RunReport> {
  const startedAt = new Date();
  const t0 = performance.now();
  const users = [...new Set(plan.deliveries.flatMap((d) => (d.credit ? [d.credit.user] : [])))];
  try {
    // Before anything is sent: a wrong probe URL or path stops here, with nothing on the receiver's books.
    const before = o.probe ? await readAll(o.probe, users, 'before', cb) : undefined;
    const { send } = await import('../http/send.js');
    const records: SendRecord[] = [];
    let unreachable: SendFailure | undefined;
    const stopped = () => o.signal?.aborted === true || unreachable !== undefined;
    for (const s of plan.sends) {
      if (stopped()) {
        records.push({ send: s, state: 'skipped', attempts: [], verdict: 'skip', reason: unreachable ? 'not sent: the receiver is unreachable' : 'not sent: interrupted' });
        continue;
      }
      if (s.waitMs > 0) await sleep(s.waitMs, undefined, o.signal ? { signal: o.signal } : undefined).catch(() => undefined);
      let record: SendRecord;
      if (!s.delivery.request) record = refusedRecord(s);
      else if (o.signal?.aborted) record = { send: s, state: 'skipped', attempts: [], verdict: 'skip', reason: 'not sent: interrupted' };
      else {
        cb.onSendStart?.(s, plan.sends.length);
        const result = await send(
          s.delivery.request,
          { timeoutMs: o.timeoutMs, retry: plan.schedule, retryAfterCapMs: Math.round(60_000 * plan.timeScale), maxResponseBytes: RESPONSE_BYTES_KEPT, ...(o.signal ? { signal: o.signal } : {}), ...(o.insecure ? { insecure: true } : {}) },
          { onAttempt: (a) => cb.onAttempt?.(s, a, plan.schedule.attempts) },
        );
        record = judge(plan, s, result.attempts);
        const error = result.final.error;
        if (error && UNREACHABLE.has(error.code)) unreachable = error;
      }
      records.push(record);
      cb.onRecord?.(record);
    }
    const interrupted = o.signal?.aborted === true;
    const success = (status: number) => isSuccess(status, plan.schedule.success);
    const tallies = tally(plan.deliveries, records.map((r) => ({ delivery: r.send.delivery, copy: r.send.copy, stepId: r.send.step.id, attempts: r.attempts })), success);
    let ledger: LedgerOutcome | undefined;
    let probeFailedExit: number | undefined;
    if (before && o.probe && !interrupted && !unreachable) {
      if (o.probeWaitMs) await sleep(o.probeWaitMs);
      try {
        const after = await readAll(o.probe, users, 'after', cb);
        ledger = checkLedger(plan, tallies, before, after);
      } catch (e) {
        // Every delivery was sent and answered: a balance endpoint failing now must not swallow their report.
        if (!(e instanceof CliError)) throw e;
        ledger = { users: [], ok: false, unchecked: true, message: `not checked: ${e.message}`, notes: [] };
        probeFailedExit = e.exitCode;
      }
    }
    const verdicts = new Set(records.map((r) => r.verdict));
    const exitCode = interrupted ? EXIT.interrupted : unreachable || verdicts.has('error') || probeFailedExit === EXIT.network ? EXIT.network : verdicts.has('fail') || ledger?.ok === false ? EXIT.checkFailed : EXIT.ok;
    return { plan, records, ...(ledger ? { ledger } : {}), startedAt, durationMs: performance.now() - t0, interrupted, ...(unreachable ? { unreachable } : {}), exitCode };
  } finally {
    closeClientConnections();
  }
}

function checkLedger(plan: Plan, tallies: DeliveryTally[], before: Map<string, { value: number; unknownUser: boolean }>, after: Map<string, { value: number; unknownUser: boolean }>): LedgerOutcome {
  const expected = expectedByUser(tallies);
  const notes: string[] = [];
  const users: UserLedger[] = [...expected.entries()].map(([user, exp]) => {
    const b = before.get(user)!;
    const a = after.get(user)!;
    const credited = a.value - b.value;
    const ok = Math.abs(credited - exp) < 1e-9 * Math.max(1, Math.abs(exp));
    const u: UserLedger = { user, expected: exp, before: b.value, after: a.value, credited, ok };
    if (!ok) u.explanation = mismatchMessage({ user, expected: exp, credited }, tallies, plan.scenario);
    if (b.unknownUser) notes.push(`${user}: the probe answered 404 before the run (counted as 0)`);
    return u;
  });
  const bad = users.find((u) => !u.ok);
  return { users, ok: !bad, ...(bad ? { message: bad.explanation! } : {}), notes };
}
