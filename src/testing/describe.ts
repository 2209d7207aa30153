// The report in words, for a test failure: which cases failed, what came back, and the hint for each.
import type { ConformCaseReport, ConformReport } from './conform.js';
import { named } from './options.js';

const got = (c: ConformCaseReport) => (c.status !== null ? String(c.status) : (c.error?.code ?? 'no response'));
const expected = (c: ConformCaseReport) => (c.expected === 'raw-bytes' ? '2xx' : c.expected);
const line = (mark: string, c: ConformCaseReport) => `  ${mark} ${c.name}${c.required ? '' : ' (advisory)'}: expected ${expected(c)}, got ${got(c)}${c.hint ? `: ${named(c.hint)}` : ''}`;

/**
 * A few lines saying whether the receiver conforms and, when not, every failed case with its hint (warnings
 * after them, then what a served handler threw). Hints name the kit's options (`secret`) where the report's name
 * the command's flags (`--secret`). For `assert.ok(report.ok, describeReport(report))`.
 */
export function describeReport(report: ConformReport): string {
  const s = report.summary;
  const judged = s.passed + s.failed + s.warnings;
  const extra = [s.warnings ? `${s.warnings} warning${s.warnings === 1 ? '' : 's'}` : '', s.skipped ? `${s.skipped} skipped` : ''].filter(Boolean).join(', ');
  const head = report.ok
    ? `the ${report.provider} receiver conforms: ${s.passed} of ${judged} cases passed${extra ? ` (${extra})` : ''}`
    : !report.proven
      ? `nothing proven: ${report.unproven ?? 'no valid delivery was accepted'}${s.failed ? `; ${s.failed} of ${judged} cases failed` : ''}`
      : `the ${report.provider} receiver does not conform: ${s.failed} of ${judged} cases failed${extra ? ` (${extra})` : ''}`;
  const lines = [`${head} (${report.url})`];
  lines.push(...report.cases.filter((c) => c.verdict === 'fail').map((c) => line('✗', c)));
  const warnings = report.cases.filter((c) => c.verdict === 'warn');
  if (warnings.length > 0) lines.push('warnings:', ...warnings.map((c) => line('!', c)));
  if (report.thrown?.length) lines.push('thrown by the handler (answered 500):', ...report.thrown.map((t) => `  ${t.case}: ${t.error}`));
  return lines.join('\n');
}
