// Reads Artillery's JSON report (`artillery run --output report.json`) into cg-hooks' own summary.
import * as z from 'zod/mini';

const Numbers = z.record(z.string(), z.number());
// A counter counts: a negative or fractional one is no Artillery report (and would make the summary's sums lie).
const Counts = z.record(z.string(), z.int().check(z.nonnegative()));
const Report = z.object({
  aggregate: z.object({
    counters: Counts,
    rates: z.optional(Numbers),
    summaries: z.optional(z.record(z.string(), z.record(z.string(), z.nullable(z.number())))),
    firstCounterAt: z.optional(z.number()),
    lastCounterAt: z.optional(z.number()),
    firstMetricAt: z.optional(z.number()),
    lastMetricAt: z.optional(z.number()),
  }),
});

export interface LoadSummary {
  requests: number;
  responses: number;
  /** Seconds between the first and the last metric Artillery recorded; null when it did not say. */
  durationS: number | null;
  rps: number | null;
  /** Count per HTTP status answered. */
  statuses: Record<string, number>;
  /** Response times in ms (null when no response arrived). */
  latencyMs: { p50: number | null; p95: number | null; p99: number | null; max: number | null } | null;
  /** Count per error (network errors and `not acknowledged: HTTP n`). */
  errors: Record<string, number>;
  vusers: { created: number; completed: number; failed: number };
  /** Failed virtual users as a percentage of those created: what `ensure.maxErrorRate` checks. */
  errorRatePct: number | null;
  /** What the cg-hooks processor counted; null when the report is not from an exported test. */
  deliveries: { originals: number; duplicates: number; duplicateShare: number | null; byEvent: Record<string, number> } | null;
}

export type ReportResult = { ok: true; summary: LoadSummary } | { ok: false; reason: string };

function missingAt(raw: unknown, path: readonly PropertyKey[]): boolean {
  let node = raw;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return true;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node === undefined;
}

const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function prefixed(counters: Record<string, number>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(counters)) if (name.startsWith(prefix) && name.length > prefix.length) out[name.slice(prefix.length)] = value;
  return out;
}

/** The summary of a parsed report, or why it is not an Artillery report. */
export function summarizeReport(raw: unknown): ReportResult {
  const parsed = Report.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map(String).join('.');
    const missing = issue.code === 'invalid_type' && missingAt(raw, issue.path);
    const what = where === '' ? 'not a JSON object' : missing ? `no "${where}"` : `"${where}" is not what Artillery writes (${issue.code === 'invalid_type' ? `expected ${issue.expected === 'int' ? 'a whole number' : issue.expected}` : issue.code === 'too_small' ? 'a negative count' : issue.message.toLowerCase()})`;
    return { ok: false, reason: `not an Artillery JSON report: ${what}` };
  }
  const a = parsed.data.aggregate;
  const c = a.counters;
  const first = a.firstCounterAt ?? a.firstMetricAt;
  const last = a.lastCounterAt ?? a.lastMetricAt;
  const durationS = first !== undefined && last !== undefined && last > first ? (last - first) / 1000 : null;
  const requests = c['http.requests'] ?? 0;
  const times = a.summaries?.['http.response_time'];
  const created = c['vusers.created'] ?? 0;
  const failed = c['vusers.failed'] ?? 0;
  const originals = c['cg_hooks.originals_sent'];
  const duplicates = c['cg_hooks.duplicates_sent'];
  const ours = originals !== undefined || duplicates !== undefined;
  const sent = (originals ?? 0) + (duplicates ?? 0);
  return {
    ok: true,
    summary: {
      requests,
      responses: c['http.responses'] ?? 0,
      durationS,
      rps: durationS !== null ? requests / Math.max(durationS, 1) : (num(a.rates?.['http.request_rate']) ?? null),
      statuses: prefixed(c, 'http.codes.'),
      latencyMs: times ? { p50: num(times.p50 ?? times.median), p95: num(times.p95), p99: num(times.p99), max: num(times.max) } : null,
      errors: prefixed(c, 'errors.'),
      vusers: { created, completed: c['vusers.completed'] ?? 0, failed },
      errorRatePct: created > 0 ? (failed / created) * 100 : null,
      deliveries: ours
        ? { originals: originals ?? 0, duplicates: duplicates ?? 0, duplicateShare: sent > 0 ? (duplicates ?? 0) / sent : null, byEvent: prefixed(c, 'cg_hooks.event.') }
        : null,
    },
  };
}
