// conform: the whole `cg-hooks test` suite in-process, against a URL, a handler or a server, with the same report.
import { NetworkError, planCases, runConformance, UsageError, type ConformanceSummary, type Expected, type SchemeId, type Verdict } from '../index.js';
// The `--json` report is made by the command itself, so conform() returns that very shape (ConformReport checks it).
import { reportJson } from '../commands/test.js';
import { libraryErrors, planOptions, resolveProvider, type CaseOptions } from './options.js';
import { serve, type ConformTarget, type ServeOptions } from './serve.js';

export interface ConformOptions extends CaseOptions, Omit<ServeOptions, 'onThrown'> {
  /** Bounds each whole request (ms). Default: the provider's documented timeout, else 10 s (as `cg-hooks test`). */
  timeoutMs?: number;
  /** Accept self-signed certificates (an https URL target). */
  insecure?: boolean;
  signal?: AbortSignal;
}

/** One case of the report, as `cg-hooks test --json` prints it. */
export interface ConformCaseReport {
  name: string;
  expected: Expected;
  /** The receiver's status; null when skipped or nothing came back. */
  status: number | null;
  latencyMs: number | null;
  verdict: Verdict;
  /** Why, and what to do: set for every failure and warning (and why a case was skipped). */
  hint: string | null;
  required: boolean;
  description: string;
  error?: { code: string; message: string };
}

/** The report of `cg-hooks test --json`, plus what an in-process handler threw. */
export interface ConformReport {
  url: string;
  provider: string;
  scheme: SchemeId;
  cases: ConformCaseReport[];
  summary: ConformanceSummary;
  notes: string[];
  /** True when at least one genuine delivery was accepted: without that, 4xx answers to forged ones prove nothing. */
  proven: boolean;
  unproven?: string;
  control?: { name: string; status: number | null; accepted: boolean };
  /** Every required case passed (warnings allowed) and the run is proven. */
  ok: boolean;
  /** What a handler or listener served by conform() threw (answered 500), by the case being sent: for debugging. */
  thrown?: Array<{ case: string; error: string }>;
}

/**
 * Every option conform() reads (typed against ConformOptions: a key added there must be added here). Another key is a
 * slip from JavaScript, where nothing checks it (`timeout: '1s'` for `timeoutMs`): said, not silently ignored.
 */
const KNOWN_OPTIONS: Record<keyof ConformOptions, true> = {
  provider: true, secret: true, apiKey: true, user: true, licenseCode: true, scheme: true, custom: true, headers: true,
  events: true, only: true, skip: true, seed: true, now: true, mapping: true, path: true, as: true, timeoutMs: true,
  insecure: true, signal: true,
};

function checkOptionNames(fn: string, options: object): void {
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(KNOWN_OPTIONS, key)) continue;
    const near = Object.hasOwn(KNOWN_OPTIONS, `${key}Ms`) ? `${key}Ms` : Object.keys(KNOWN_OPTIONS).find((k) => k.toLowerCase() === key.toLowerCase());
    throw new UsageError('bad_option', `${fn}: unknown option \`${key}\``, near ? `did you mean \`${near}\`?` : `the options are ${Object.keys(KNOWN_OPTIONS).join(', ')}`);
  }
}

const MAX_THROWN = 20;
const MAX_THROWN_CHARS = 500;

function describeThrown(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.length > MAX_THROWN_CHARS ? `${text.slice(0, MAX_THROWN_CHARS)}…` : text;
}

/**
 * Runs the conformance suite of `cg-hooks test` against `target` and returns its report (`report.ok` says whether
 * the receiver conforms). A handler or listener is served on an ephemeral 127.0.0.1 port for the run and always
 * closed afterwards. Throws a UsageError for bad options and a NetworkError when a URL target cannot be reached.
 */
export async function conform(target: ConformTarget, options: ConformOptions): Promise<ConformReport> {
  const fn = 'conform';
  if (options === null || typeof options !== 'object') throw new TypeError(`${fn}: pass options, e.g. conform(app, { provider: 'mgpass', secret })`);
  checkOptionNames(fn, options);
  const provider = await resolveProvider(options.provider, fn);
  // Planned before anything is started: a bad option costs no server.
  const plan = await libraryErrors(fn, () => planCases(provider, planOptions(options)));
  const timeoutMs = options.timeoutMs ?? provider.timeoutMs ?? 10_000;
  let current = plan.control ? `${plan.control.name} (control)` : 'before the first case';
  const thrown: NonNullable<ConformReport['thrown']> = [];
  const served = await libraryErrors(fn, () =>
    serve(target, {
      ...(options.path !== undefined ? { path: options.path } : {}),
      ...(options.as !== undefined ? { as: options.as } : {}),
      onThrown: (e) => {
        if (thrown.length < MAX_THROWN) thrown.push({ case: current, error: describeThrown(e) });
      },
    }),
  );
  let report;
  try {
    report = await libraryErrors(fn, () =>
      runConformance(
        served.url,
        plan,
        { onCaseStart: (c) => (current = c.name) },
        { timeoutMs, ...(options.insecure ? { insecure: true } : {}), ...(options.signal ? { signal: options.signal } : {}) },
      ),
    );
  } finally {
    await served.close();
  }
  if (report.unreachable) {
    const u = report.unreachable;
    throw new NetworkError(u.code, `${fn}: cannot reach the receiver: ${u.message}`, u.hint);
  }
  const json: ConformReport = reportJson(report);
  return thrown.length > 0 ? { ...json, thrown } : json;
}
