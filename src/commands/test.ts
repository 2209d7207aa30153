import type { Command } from 'commander';
import { hostname } from 'node:os';
import * as z from 'zod/mini';
import { formatDuration } from '../core/duration.js';
import { escapeTerminal } from '../core/redact.js';
import { listCases, planCases, type ConformanceCase, type Expected, type PlanOptions } from '../core/conformance.js';
import type { CaseResult, ConformanceReport } from '../http/conformance.js';
import { maskedUrl, parseHeader, parseTargetUrl } from '../http/request.js';
import { loadProvider } from '../providers/index.js';
import type { ProviderDef } from '../providers/types.js';
import { EXIT, NetworkError, UsageError } from '../output/errors.js';
import { junitXml, type JUnitCase } from '../output/junit.js';
import { err, mask, out, table, writeErr, writeOut } from '../output/style.js';
import { schemeFor } from '../signing/index.js';
import { readMappingOption } from './mapping-option.js';
import { credentialsFrom, customHmacFrom, parseScheme, SCHEME_IDS } from './signing-options.js';
import { spinner as spinnerFor, action, collect, DURATION_HELP, DURATIONS, durationOption, parseOptions } from './shared.js';
import { checkJUnitPath, writeJsonWithJUnit, writeJUnitFile } from './junit-file.js';
import { jsonText } from '../core/json-text.js';

const Options = z.object({
  provider: z.optional(z.string()),
  secret: z.optional(z.array(z.string())),
  apiKey: z.optional(z.string()),
  user: z.optional(z.string()),
  licenseCode: z.optional(z.string()),
  scheme: z.optional(z.string()),
  algorithm: z.optional(z.enum(['sha1', 'sha256', 'sha512', 'md5'])),
  signatureHeader: z.optional(z.string()),
  encoding: z.optional(z.enum(['hex', 'base64'])),
  prefix: z.optional(z.string()),
  header: z.optional(z.array(z.string())),
  only: z.optional(z.array(z.string())),
  skip: z.optional(z.array(z.string())),
  event: z.optional(z.array(z.string())),
  timeout: z.optional(z.string()),
  retiredSecret: z.optional(z.array(z.string())),
  overlap: z.optional(z.boolean()),
  insecure: z.optional(z.boolean()),
  junit: z.optional(z.string()),
  list: z.optional(z.boolean()),
  json: z.optional(z.boolean()),
  mapping: z.optional(z.string()),
  seed: z.optional(z.string()),
});
type TestOptions = z.infer<typeof Options>;

/** `--only a,b --only c` → [a, b, c]. */
function names(values: string[] | undefined): string[] | undefined {
  const list = values?.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  return list?.length ? list : undefined;
}

/** `raw-bytes` reads as 2xx: the case's description says what is special about its body. */
export function expectedLabel(e: Expected, required = true): string {
  return `${e === 'raw-bytes' ? '2xx' : e}${required ? '' : ' (advisory)'}`;
}

export function gotLabel(r: CaseResult): string {
  if (r.verdict === 'skip') return '-';
  if (r.status === null) return r.error?.code ?? 'no response';
  const ms = r.latencyMs === null ? '' : r.latencyMs < 10 ? ` ${r.latencyMs.toFixed(1)} ms` : ` ${Math.round(r.latencyMs)} ms`;
  return `${r.status}${ms}`;
}

const VERDICT = { pass: out.green('pass'), fail: out.red('FAIL'), warn: out.yellow('warn'), skip: out.dim('skip') } as const;

/** The report as a table: case, expected, got, verdict, hint. */
export function formatTable(report: ConformanceReport): string {
  const rows = report.cases.map((r) => {
    // A hint can quote the receiver (a redirect's Location): its control characters are shown, not obeyed.
    const hint = escapeTerminal(r.hint ?? '');
    return [r.name, expectedLabel(r.expected, r.required), gotLabel(r), VERDICT[r.verdict], r.verdict === 'skip' ? out.dim(hint) : hint];
  });
  return table(['case', 'expected', 'got', 'verdict', 'hint'], rows);
}

export function reportJson(report: ConformanceReport) {
  return {
    url: maskedUrl(report.url),
    provider: report.provider,
    scheme: report.scheme,
    cases: report.cases.map((r) => ({
      name: r.name,
      expected: r.expected,
      status: r.status,
      latencyMs: r.latencyMs,
      verdict: r.verdict,
      hint: r.hint,
      required: r.required,
      description: r.description,
      ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
    })),
    summary: report.summary,
    notes: report.notes,
    proven: report.proven,
    ...(report.unproven ? { unproven: report.unproven } : {}),
    ...(report.control ? { control: { name: report.control.name, status: report.control.status, accepted: report.control.accepted } } : {}),
    ok: report.ok,
  };
}

/** The JUnit report: failures are <failure>, skipped cases <skipped/>, warnings pass with a <system-out> note. */
export function reportJUnit(report: ConformanceReport, startedAt: Date): string {
  const classname = `cg-hooks.${report.provider}`;
  const cases: JUnitCase[] = report.unreachable
    ? [{ name: 'receiver reachable', classname, status: 'error', message: report.unreachable.message, detail: [report.unreachable.message, report.unreachable.hint].filter(Boolean).join('\n') }]
    : report.cases.map((r) => {
        const c: JUnitCase = { name: r.name, classname, status: r.verdict, ...((r.elapsedMs ?? r.latencyMs) !== null ? { time: (r.elapsedMs ?? r.latencyMs)! / 1000 } : {}) };
        if (r.hint) c.message = r.hint;
        if (r.verdict === 'fail') c.detail = `${r.description}: expected ${expectedLabel(r.expected)}, got ${gotLabel(r)}\n${r.hint ?? ''}`;
        else if (r.verdict === 'pass' && r.hint) c.output = r.hint;
        return c;
      });
  // A run that proves nothing must not read as a green suite in CI.
  if (!report.unreachable && report.unproven) {
    cases.push({ name: 'a valid delivery is accepted', classname, status: 'fail', message: report.unproven, detail: report.unproven });
  }
  return junitXml({
    name: `cg-hooks test ${report.provider}`,
    timestamp: startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    hostname: hostname(),
    properties: { url: maskedUrl(report.url), provider: report.provider, scheme: report.scheme },
    cases,
  });
}


function planOptions(o: TestOptions, provider: ProviderDef): PlanOptions {
  const credentials = credentialsFrom(o);
  const p: PlanOptions = { secrets: credentials.secrets };
  if (o.scheme !== undefined) p.scheme = parseScheme(o.scheme);
  if (credentials.apiKey !== undefined) p.apiKey = credentials.apiKey;
  if (credentials.user !== undefined) p.user = credentials.user;
  if (credentials.licenseCode !== undefined) p.licenseCode = credentials.licenseCode;
  const custom = customHmacFrom(schemeFor(provider.signing, p.scheme)!.scheme, o);
  if (custom) p.custom = custom;
  if (o.retiredSecret?.length) p.retiredSecrets = o.retiredSecret;
  if (o.overlap) {
    if (!o.retiredSecret?.length) throw new UsageError('bad_option', '--overlap describes a rotation drill: use it with --retired-secret <old key>');
    p.overlap = true;
  }
  if (o.header) p.headers = o.header.map(parseHeader);
  const only = names(o.only);
  const skip = names(o.skip);
  const events = names(o.event);
  if (only) p.only = only;
  if (skip) p.skip = skip;
  if (events) p.events = events;
  return p;
}

function printList(provider: ProviderDef, cases: ConformanceCase[], o: TestOptions, scheme: string): number {
  if (o.json) {
    writeOut(
      jsonText({
        provider: provider.id,
        scheme,
        cases: cases.map((c) => ({ name: c.name, expected: c.expected, required: c.required, description: c.description, ...(c.skip ? { skip: c.skip } : {}) })),
      }),
    );
    return EXIT.ok;
  }
  const rows = cases.map((c) => [c.name, expectedLabel(c.expected, true), c.required ? 'required' : 'advisory', c.skip ? out.dim(`${c.description} (skipped: ${c.skip})`) : c.description]);
  writeOut(table(['case', 'expected', 'kind', 'what is sent'], rows));
  writeErr(err.dim('select with --only name,… or --skip name,…; a prefix such as "valid" selects every valid:<event> case'));
  return EXIT.ok;
}

function credentialsLine(p: PlanOptions): string {
  const parts: string[] = [];
  if (p.secrets?.length) parts.push(`secret ${p.secrets.map(mask).join(', ')}`);
  if (p.apiKey !== undefined) parts.push(`api key ${mask(p.apiKey)}`);
  if (p.user !== undefined) parts.push(`user ${p.user.slice(0, p.user.indexOf(':'))}:${mask(p.user.slice(p.user.indexOf(':') + 1))}`);
  if (p.licenseCode !== undefined) parts.push(`license code ${p.licenseCode}`);
  return parts.length ? `; ${parts.join(', ')}` : '';
}

export async function run(urlArg: string | undefined, rawOptions: unknown): Promise<number> {
  const o = parseOptions(Options, rawOptions);
  if (o.provider === undefined) {
    throw new UsageError('missing_argument', 'missing --provider <id>', 'for example: cg-hooks test http://127.0.0.1:3000/webhook --provider customerglu --secret "$SECRET"');
  }
  const provider = await loadProvider(o.provider);
  const p = planOptions(o, provider);
  if (o.mapping !== undefined) p.mapping = await readMappingOption(o.mapping);
  if (o.seed !== undefined) p.seed = /^-?\d+$/.test(o.seed) ? Number(o.seed) : o.seed;
  if (o.list) {
    const cases = listCases(provider, { ...(p.scheme ? { scheme: p.scheme } : {}), ...(p.custom ? { custom: p.custom } : {}), ...(p.events ? { events: p.events } : {}), ...(p.retiredSecrets ? { retiredSecrets: p.retiredSecrets } : {}), ...(p.overlap ? { overlap: true } : {}), ...(p.mapping ? { mapping: p.mapping } : {}) });
    return printList(provider, cases, o, p.scheme ?? provider.signing.scheme);
  }
  if (urlArg === undefined) throw new UsageError('missing_argument', 'missing <url>: the receiver to test', 'for example: cg-hooks test http://127.0.0.1:3000/webhook --provider customerglu --secret "$SECRET"');
  parseTargetUrl(urlArg, '<url>');
  const timeoutMs = o.timeout !== undefined ? durationOption(o.timeout, '--timeout', DURATIONS.request) : (provider.timeoutMs ?? 10_000);

  if (o.junit !== undefined) checkJUnitPath(o.junit, 'conformance.xml');
  const plan = planCases(provider, p);
  const human = !o.json;
  const runnable = plan.cases.filter((c) => c.request).length;
  if (human) {
    writeErr(`${err.bold('testing')} ${maskedUrl(urlArg)} as ${provider.id} (${plan.auth}${credentialsLine(p)}): ${runnable} case${runnable === 1 ? '' : 's'}, no retries, ${formatDuration(timeoutMs)} timeout`);
    for (const note of plan.notes) writeErr(err.dim(`note: ${note}`));
  }

  const spinner = await spinnerFor(human);
  const startedAt = new Date();
  const { runConformance } = await import('../http/conformance.js');
  const report = await runConformance(
    urlArg,
    plan,
    {
      onCaseStart: (c, i, total) => spinner?.start(`${i + 1}/${total} ${c.name}`),
      onCaseResult: () => spinner?.stop(),
    },
    { timeoutMs, ...(o.insecure ? { insecure: true } : {}) },
  );
  spinner?.stop();

  if (report.unreachable) {
    if (o.junit !== undefined) writeJUnitFile(o.junit, reportJUnit(report, startedAt));
    const u = report.unreachable;
    throw new NetworkError(u.code, `cannot reach the receiver: ${u.message}`, u.hint);
  }
  if (o.json) return writeJsonWithJUnit(reportJson(report), report.exitCode, o.junit === undefined ? undefined : async () => writeJUnitFile(o.junit!, reportJUnit(report, startedAt)));
  else {
    writeOut(formatTable(report));
    const s = report.summary;
    const judged = s.passed + s.failed + s.warnings;
    const extra = [s.warnings ? `${s.warnings} warning${s.warnings === 1 ? '' : 's'}` : '', s.skipped ? `${s.skipped} skipped` : ''].filter(Boolean).join(', ');
    if (report.control) {
      const c = report.control;
      writeErr(err.dim(`control: ${c.name} was sent first, unjudged, so the forged cases can be told from a receiver that refuses everything: ${c.status ?? c.error?.code ?? 'no answer'}`));
    }
    writeErr(
      report.ok
        ? err.green(`✓ ${provider.id} receiver conforms: ${s.passed} of ${judged} cases passed${extra ? ` (${extra})` : ''}`)
        : !report.proven
          ? err.red(`✗ nothing proven: ${report.unproven}${s.failed ? `; ${s.failed} of ${judged} cases failed` : ''}`)
          : err.red(`✗ ${s.failed} of ${judged} cases failed${extra ? ` (${extra})` : ''}: the receiver does not conform`),
    );
  }
  // After the report: a JUnit file that cannot be written (a full disk) must not hide what the run found.
  if (o.junit !== undefined) writeJUnitFile(o.junit, reportJUnit(report, startedAt));
  if (o.junit !== undefined && human) writeErr(err.dim(`JUnit report written to ${o.junit}`));
  return report.exitCode;
}

export function register(program: Command): void {
  program
    .command('test')
    .description('receiver conformance: valid deliveries must get 2xx, forged ones 4xx, duplicates 2xx; a JUnit report for CI')
    .argument('[url]', 'the receiver to test (http or https)')
    .option('--provider <id>', 'the provider whose deliveries to send (see `cg-hooks providers`)')
    .option('--secret <s>', "the receiver's signing secret (default: $CG_HOOKS_SECRET); repeatable: the first signs", collect)
    .option('--retired-secret <s>', 'rotation drill: a key the sender used before --secret; adds rotation:new-key, rotation:retired-key, rotation:both-keys', collect)
    .option('--overlap', 'rotation drill: the receiver still accepts the retired key (signed with it → 2xx instead of 4xx)')
    .option('--api-key <key>', 'the X-API-KEY the receiver expects (CustomerGlu Events API, Segment, sources)')
    .option('--user <user:password>', 'the HTTP Basic credentials the receiver expects (Rehook)')
    .option('--license-code <code>', 'WebEngage license code (with --secret)')
    .option('--scheme <scheme>', `sign with another scheme: ${SCHEME_IDS.join(', ')}`)
    .option('--algorithm <a>', '--scheme hmac: sha1, sha256 (default), sha512 or md5')
    .option('--signature-header <name>', '--scheme hmac: the header (default X-Signature)')
    .option('--encoding <e>', '--scheme hmac: hex (default) or base64')
    .option('--prefix <text>', '--scheme hmac: text before the digest, e.g. "sha256="')
    .option('-H, --header <"Name: value">', 'extra header on every request (e.g. Rehook custom headers); repeatable', collect)
    .option('--only <names>', 'run only these cases (comma-separated; a prefix such as "valid" selects a group)', collect)
    .option('--skip <names>', 'skip these cases (comma-separated)', collect)
    .option('--event <name>', 'test only this event in the valid cases (default: every event); repeatable', collect)
    .option('--seed <n>', 'same seed, same payloads (ids, names, amounts; times are now): a failing run can be repeated')
    .option('--mapping <file>', "send CustomerGlu reward deliveries in a tenant's own payload shape (docs/mappings.md)")
    .option('--timeout <duration>', `bounds each whole request, response body included (${DURATION_HELP}; default: the provider's documented one, else 10s)`)
    .option('--insecure', 'accept self-signed HTTPS certificates')
    .option('--junit <file>', 'also write a JUnit XML report (warnings are passing tests with a <system-out> note)')
    .option('--list', 'print the case names for the provider and exit')
    .option('--json', 'the report as one JSON object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ cg-hooks test http://127.0.0.1:3000/webhook --provider customerglu --secret "$CG_TOKEN"
  $ cg-hooks test http://127.0.0.1:3000/hooks --provider mgpass --secret s3cret --junit report.xml
  $ cg-hooks test http://127.0.0.1:3000/rehook --provider rehook --user acme:pa55
  $ cg-hooks test http://127.0.0.1:3000/events --provider customerglu-events --api-key "$CG_KEY" --json
  $ cg-hooks test http://127.0.0.1:3000/webhook --provider customerglu --scheme standard-webhooks --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
  $ cg-hooks test http://127.0.0.1:3000/webhook --provider customerglu --secret s --only valid,duplicate
  $ cg-hooks test http://127.0.0.1:3000/webhook --provider customerglu --secret s --mapping fixtures/customerglu/mappings/flat-wallet.json
  $ cg-hooks test http://127.0.0.1:3000/webhook --provider mgpass --secret "$NEW_SECRET" --retired-secret "$OLD_SECRET"
  $ cg-hooks test --list --provider customerglu

Exit codes: 0 every required case passed (warnings allowed) and a valid delivery was accepted · 1 a case failed,
or no valid delivery was accepted (nothing proven) · 2 bad usage · 3 receiver unreachable`,
    )
    .action(action(run));
}
