// A run's report as text: the step table, the verdict lines, the one JSON document, the JUnit cases.
// Returns strings; the command decides where they go.
import { maskedUrl } from '../http/request.js';
import { formatDelay } from '../http/retry.js';
import type { JUnitCase } from '../output/junit.js';
import { escapeTerminal } from '../core/redact.js';
import { out, table } from '../output/style.js';
import { formatChaos } from './chaos.js';
import { fmtNumber } from './ledger.js';
import type { Scenario } from './model.js';
import type { PlannedSend } from './plan.js';
import { expectLabel, type RunReport, type SendRecord, type Verdict } from './runner.js';

const VERDICT: Record<Verdict, string> = { pass: out.green('pass'), fail: out.red('FAIL'), error: out.red('ERROR'), skip: out.dim('skip') };

export function stepLabel(s: PlannedSend): string {
  if (s.copy === 'duplicate') return `${s.delivery.key} (duplicate)`;
  if (s.copy === 'repeat') return `${s.step.id} (repeat of ${s.delivery.key})`;
  return s.delivery.key;
}

function statusText(r: SendRecord): string {
  if (r.state === 'refused') return 'refused';
  if (r.state === 'skipped') return '-';
  // Runs of the same answer are folded: "timeout×6", "503×3→200".
  const runs: Array<[string, number]> = [];
  for (const a of r.attempts) {
    const text = a.response ? String(a.response.status) : (a.error?.code ?? 'error');
    const last = runs[runs.length - 1];
    if (last && last[0] === text) last[1]++;
    else runs.push([text, 1]);
  }
  return runs.map(([text, n]) => (n > 1 ? `${text}×${n}` : text)).join('→');
}

function latencyText(r: SendRecord): string {
  const last = r.attempts[r.attempts.length - 1];
  if (!last || last.latencyMs === undefined) return '';
  return last.latencyMs < 10 ? `${last.latencyMs.toFixed(1)} ms` : `${Math.round(last.latencyMs)} ms`;
}

function attemptText(r: SendRecord, of: number): string {
  if (r.attempts.length === 0) return '-';
  return of > 1 ? `${r.attempts.length}/${of}` : String(r.attempts.length);
}

export function formatTable(report: RunReport): string {
  const of = report.plan.schedule.attempts;
  const rows = report.records.map((r) => [
    String(r.send.seq),
    escapeTerminal(stepLabel(r.send)),
    r.send.delivery.step.variant ? `${r.send.delivery.event} (${r.send.delivery.step.variant})` : r.send.delivery.event,
    attemptText(r, of),
    statusText(r),
    latencyText(r),
    VERDICT[r.verdict],
    escapeTerminal(r.reason ?? ''),
  ]);
  return table(['#', 'step', 'event', 'attempt', 'status', 'latency', 'verdict', 'note'], rows);
}

export function summaryCounts(report: RunReport) {
  const count = (v: Verdict) => report.records.filter((r) => r.verdict === v).length;
  return { sends: report.records.length, passed: count('pass'), failed: count('fail'), errors: count('error'), skipped: count('skip'), refused: report.records.filter((r) => r.state === 'refused').length };
}

/** The ledger's lines: one per user, then the mismatch explanation. */
export function ledgerLines(report: RunReport): string[] {
  const l = report.ledger;
  if (!l) return [];
  const unit = report.plan.scenario.ledger?.unit ?? 'points';
  const signed = (n: number) => (n >= 0 ? `+${fmtNumber(n)}` : `-${fmtNumber(-n)}`);
  return l.users.map((u) => `${u.ok ? '✔' : '✖'} ledger ${escapeTerminal(u.user)}: expected ${signed(u.expected)} ${unit}, credited ${signed(u.credited ?? 0)} (${fmtNumber(u.before ?? 0)} → ${fmtNumber(u.after ?? 0)})`);
}

export function verdictLine(report: RunReport): string {
  const c = summaryCounts(report);
  if (report.interrupted) return `✖ interrupted after ${c.sends - c.skipped} of ${c.sends} sends`;
  if (report.unreachable) return `✖ ${report.unreachable.message}: ${c.skipped} sends skipped`;
  const sendsOk = c.failed === 0 && c.errors === 0;
  const ledgerWords = report.ledger?.unchecked ? 'the ledger could not be checked' : 'the ledger does not add up';
  const ledger = report.ledger ? (report.ledger.ok ? '; ledger ok' : `; ${ledgerWords}`) : '';
  const what = `${c.sends - c.refused} sends${c.refused ? `, ${c.refused} refused locally` : ''}`;
  if (sendsOk && report.ledger?.ok !== false) return `✔ scenario ${report.plan.scenario.name} passed: ${what}${ledger}`;
  if (sendsOk) return `✖ scenario ${report.plan.scenario.name} failed: every answer was as expected, but ${ledgerWords}`;
  const bad = [c.failed ? `${c.failed} of ${c.sends} sends failed` : '', c.errors ? `${c.errors} network error${c.errors === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
  return `✖ scenario ${report.plan.scenario.name} failed: ${bad}${ledger}`;
}

function recordJson(r: SendRecord, success: '2xx' | '200') {
  const last = r.attempts[r.attempts.length - 1];
  return {
    seq: r.send.seq,
    step: r.send.step.id,
    delivery: r.send.delivery.key,
    copy: r.send.copy,
    event: r.send.delivery.event,
    expect: expectLabel(r.send.expect, success),
    waitMs: r.send.waitMs,
    state: r.state,
    attempts: r.attempts.map((a) => ({ attempt: a.attempt, waitedMs: a.waitedMs, status: a.response?.status ?? null, latencyMs: Math.round(a.latencyMs * 10) / 10, ...(a.error ? { error: { code: a.error.code, message: a.error.message } } : {}) })),
    status: last?.response?.status ?? null,
    verdict: r.verdict,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.hint ? { hint: r.hint } : {}),
  };
}

export function reportJson(report: RunReport, url: string) {
  const p = report.plan;
  const c = summaryCounts(report);
  return {
    scenario: { name: p.scenario.name, provider: p.scenario.provider, source: p.scenario.source, ...(p.scenario.description ? { description: p.scenario.description } : {}) },
    url: maskedUrl(url),
    seed: p.seed,
    chaos: formatChaos(p.chaos),
    timeScale: p.timeScale,
    retry: p.schedule,
    sends: report.records.map((r) => recordJson(r, p.schedule.success)),
    ledger: report.ledger ? { unit: p.scenario.ledger?.unit ?? 'points', ...report.ledger } : null,
    notes: p.notes,
    summary: c,
    ...(report.unreachable ? { unreachable: { code: report.unreachable.code, message: report.unreachable.message } } : {}),
    interrupted: report.interrupted,
    durationMs: Math.round(report.durationMs),
    ok: report.exitCode === 0,
    exitCode: report.exitCode,
  };
}

/** One JUnit case per step of the file (its copies folded in), plus one for the ledger. */
export function junitCases(report: RunReport, probed: boolean): JUnitCase[] {
  const s: Scenario = report.plan.scenario;
  const classname = `cg-hooks.scenario.${s.name}`;
  const cases: JUnitCase[] = s.steps.map((step) => {
    const records = report.records.filter((r) => r.send.step.id === step.id);
    const time = records.reduce((t, r) => t + r.attempts.reduce((x, a) => x + a.latencyMs, 0), 0) / 1000;
    const name = step.kind === 'repeat' ? `${step.id} (repeat of ${step.repeat})` : `${step.id} (${step.event})`;
    const failed = records.find((r) => r.verdict === 'fail') ?? records.find((r) => r.verdict === 'error');
    const lines = records.map((r) => `${stepLabel(r.send)}: ${statusText(r)} ${r.verdict}${r.reason ? ` (${r.reason})` : ''}`).join('\n');
    if (failed) return { name, classname, time, status: failed.verdict === 'fail' ? 'fail' : 'error', message: `${stepLabel(failed.send)}: ${failed.reason ?? failed.verdict}`, detail: [lines, failed.hint].filter(Boolean).join('\n') };
    if (records.length === 0 || records.every((r) => r.verdict === 'skip')) return { name, classname, time, status: 'skip', message: records[0]?.reason ?? 'nothing to send' };
    return { name, classname, time, status: 'pass', output: lines };
  });
  if (s.ledger) {
    const l = report.ledger;
    const name = 'ledger (each distinct delivery credited once)';
    if (!l) cases.push({ name, classname, status: 'skip', message: probed ? 'not checked: the run did not finish' : 'not checked: pass --probe (and --probe-path) to read balances' });
    else if (l.ok) cases.push({ name, classname, status: 'pass', output: ledgerLines(report).join('\n') });
    else cases.push({ name, classname, status: 'fail', message: l.message ?? 'the ledger does not add up', detail: [...ledgerLines(report), l.message ?? ''].join('\n') });
  }
  return cases;
}

export function headerLine(report: Pick<RunReport, 'plan'>, url: string): string {
  const p = report.plan;
  const parts = [`scenario ${p.scenario.name} (${p.provider.id}, ${p.sends.length} sends) → ${maskedUrl(url)}`, `seed ${p.seed}`];
  if (formatChaos(p.chaos) !== 'none') parts.push(`chaos ${formatChaos(p.chaos)}`);
  if (p.timeScale !== 1) parts.push(`time-scale ${p.timeScale}`);
  if (p.chaos.failRetry && p.schedule.attempts > 1) parts.push(`retries ${p.schedule.delaysMs.slice(1).map(formatDelay).join(', ')}`);
  return parts.join(' · ');
}
