import type { Command } from 'commander';
import * as z from 'zod/mini';
import { statSync } from 'node:fs';
import { lastValues, parseCapture, readCapture, type Capture } from '../core/capture.js';
import { EXIT, UsageError } from '../output/errors.js';
import { escapeTerminal, MASKED_VALUE } from '../core/redact.js';
import { err, out, writeErr, writeOut } from '../output/style.js';
import { explain, verifyRequest, type Credentials, type Explanation, type Finding } from '../signing/index.js';
import { timestampHeader } from '../signing/schemes/hmac-scheme.js';
import { readStripeHeader } from '../signing/schemes/stripe-header.js';
import type { CredentialName } from '../signing/schemes/types.js';
import type { RequestParts, VerifyOptions, VerifyResult } from '../signing/types.js';
import { action, DURATION_HELP, durationOption, parseOptions, readInput } from './shared.js';
import { addSigningFlags, checkSecrets, requireCredentials, resolveSigning, secretsFrom, SigningFlags, unixSeconds, verifyOptionsFrom, type Signing } from './signing-options.js';
import { jsonText } from '../core/json-text.js';

const Options = z.extend(SigningFlags, {
  body: z.optional(z.string()),
  signature: z.optional(z.string()),
  capture: z.optional(z.string()),
  tolerance: z.optional(z.string()),
  now: z.optional(z.string()),
  explain: z.optional(z.boolean()),
  json: z.optional(z.boolean()),
});
type VerifyFlags = z.infer<typeof Options>;

const VERDICT: Record<Verdict['status'], string> = {
  masked: 'cannot be verified',
  valid: 'valid',
  unsigned: 'nothing to verify',
  invalid: 'invalid',
  missing: 'missing signature',
  malformed: 'malformed signature',
  expired: 'expired',
  'no-secret': 'not checked',
};

const ALGO: Record<string, string> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

// Reasons and findings quote what the user passed (--signature, --timestamp) and what the network sent (a capture's
// headers and body): every such text is shown escaped, never obeyed by the terminal. Escaping twice is harmless (an
// escaped text holds no control character), so text the explain report escaped already goes through as it is.
const safe = (text: string) => escapeTerminal(text);

function formatFinding(f: Finding, first: boolean): string[] {
  const lines = [`${first ? out.bold('Why: ') : out.bold('Also: ')}${safe(f.title)}`];
  for (const d of f.detail) lines.push(`  ${safe(d)}`);
  if (f.excerpt) {
    lines.push(`    you have: ${safe(f.excerpt.given)}`);
    lines.push(`    signed:   ${safe(f.excerpt.signed)}`);
  }
  if (f.fix) lines.push(`  ${out.green('Fix:')} ${safe(f.fix)}`);
  return lines;
}

export function formatExplanation(x: Explanation): string {
  const lines: string[] = [];
  if (x.verdict === 'valid') {
    lines.push(out.bold(safe(x.summary)));
    if (x.findings.length > 0) {
      lines.push('Receivers that do not hash the raw bytes would still reject it:');
      for (const f of x.findings) {
        lines.push(`  - ${safe(f.title)}`);
        if (f.offset !== undefined) lines.push(`    first difference at byte ${f.offset}: you have ${safe(f.excerpt!.given)}  vs  ${safe(f.excerpt!.signed)}`);
      }
      lines.push(`  ${out.green('Fix:')} hash the raw request body (express.raw({ type: "application/json" })) and compare in constant time`);
    }
    return lines.join('\n');
  }
  x.findings.forEach((f, i) => lines.push(...formatFinding(f, i === 0)));
  if (x.match) {
    const m = x.match;
    lines.push(
      out.dim(safe(`Matched: body "${m.body}", ${m.secret}, HMAC-${ALGO[m.algorithm] ?? m.algorithm}, ${m.encoding}${m.prefix ? ` with "${m.prefix}"` : ''}, signed content ${m.template}, header ${m.header}`)),
    );
  }
  if (x.tried.hmacs > 0) {
    const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
    // An ed25519 (v1a) search checks signatures with public keys: no HMAC is computed, so none is claimed.
    const ed25519 = x.tried.algorithms.length === 1 && x.tried.algorithms[0] === 'ed25519';
    lines.push(
      out.dim(
        ed25519
          ? `Searched: ${n(x.tried.bodies, 'body form')} × ${n(x.tried.secrets, 'public key')} × ${n(x.tried.signatures, 'v1a signature')}; ${n(x.tried.hmacs, 'ed25519 verification')}`
          : `Searched: ${n(x.tried.bodies, 'body form')} × ${n(x.tried.secrets, 'secret form')} × ${n(x.tried.templates, 'signed-content template')} × ${x.tried.algorithms.join('/') || '-'}; ${n(x.tried.hmacs, 'HMAC')} computed`,
      ),
    );
  }
  return lines.join('\n');
}

/** What the command concludes: the library's result, or a verdict it reaches before verifying (masked, unsigned). */
interface Verdict {
  /** The library's status, or "masked" when the capture's credential was masked when it was saved. */
  status: VerifyResult['status'] | 'masked';
  valid: boolean;
  reason: string;
  header?: string;
  secretIndex?: number;
}

/** The header or query parameter a scheme reads its signature or credential from, as a capture holds it. */
function credentialValue(req: RequestParts, name: string): string | undefined {
  return req.headers[name.toLowerCase()] ?? req.query?.[name];
}

/**
 * A capture whose credential was masked when it was saved (listen never writes credentials to disk) cannot be
 * verified by anyone: say exactly that, before asking for credentials that could not help. The scheme itself says
 * which header or parameter it reads: it is asked with stand-in credentials.
 */
function maskedVerdict(signing: Signing, req: RequestParts): Verdict | undefined {
  const stand = {
    apiKey: 'cg-hooks-probe',
    user: 'cg-hooks:probe',
    licenseCode: req.query?.licenseCode ?? 'cg-hooks-probe',
    ...(signing.override ? { scheme: signing.override } : {}),
    ...(signing.custom ? { custom: signing.custom } : {}),
  };
  // A scheme with two credentials (Segment: X-Signature with a secret, else X-API-KEY) reads the one it is given:
  // ask without a secret first, then with one.
  let probe: VerifyResult | undefined;
  let value: string | undefined;
  for (const secrets of [[], ['cg-hooks-probe']]) {
    const r = verifyRequest(signing.spec, req, { ...stand, secrets });
    const v = r.header === undefined ? undefined : credentialValue(req, r.header);
    if (v !== undefined && MASKED_VALUE.test(v.trim())) {
      probe = r;
      value = v;
      break;
    }
  }
  if (probe?.header === undefined || value === undefined) return undefined;
  const what = req.headers[probe.header.toLowerCase()] !== undefined ? `${probe.header} header` : `${probe.header} query parameter`;
  return {
    status: 'masked',
    valid: false,
    header: probe.header,
    reason: `the ${what} in this capture was masked when it was saved (cg-hooks never writes credentials to disk)`,
  };
}

/** Timestamped schemes sign a time (and Standard Webhooks an id) that --body mode has no headers to carry. */
function requireSignedParts(signing: Signing, o: VerifyFlags): void {
  const p = signing.def.profile?.(signing.own, signing.custom);
  if (!p || p.content === 'body') return;
  if (p.list !== 'stripe' && o.timestamp === undefined) {
    throw new UsageError('missing_timestamp', `${p.label} signs a timestamp: with --body, pass the ${p.timestampHeader ?? 'timestamp'} value as --timestamp`, describeExpected(signing));
  }
  if (p.idHeader && o.id === undefined) {
    throw new UsageError('missing_id', `${p.label} signs the message id: with --body, pass the ${p.idHeader} value as --id`, describeExpected(signing));
  }
}

/**
 * --timestamp stands in for a timestamp the delivery does not carry (--body mode). Given beside one it does carry
 * (Stripe's `t=` in the signature, a capture's timestamp header), the MAC was checked over the given time, not the
 * one sent, and a delivery every receiver refuses was called valid: refused unless the two agree.
 */
function refuseTimestampOverride(signing: Signing, o: VerifyFlags, req: RequestParts): void {
  if (o.timestamp === undefined) return;
  const p = signing.def.profile?.(signing.own, signing.custom);
  if (!p || p.content === 'body') return;
  let carried: string | undefined;
  let where = '';
  if (p.list === 'stripe') {
    const read = readStripeHeader(o.signature ?? req.headers[p.header.toLowerCase()] ?? '');
    if (read.hasT) carried = read.tText ?? '';
    where = `t= in ${p.header}`;
  } else {
    const found = timestampHeader(p, req.headers);
    if (found !== undefined) [carried, where] = [found.value, `its ${found.name.toLowerCase()} header`];
  }
  // Compared as unix seconds: `--timestamp` may be ISO-8601 for the same second.
  if (carried === undefined || carried.trim() === o.timestamp.trim() || carried.trim() === String(unixSeconds(o.timestamp, '--timestamp'))) return;
  throw new UsageError(
    'conflicting_timestamp',
    `--timestamp ${o.timestamp} differs from the timestamp the delivery carries (${where}: "${carried}"), which is what was signed`,
    'leave --timestamp out: it only stands in for a timestamp the delivery does not carry (--body with a bare signature)',
  );
}

function print(v: Verdict, o: VerifyFlags, secrets: string[], explanation?: Explanation): void {
  if (o.json) {
    const { result: _omit, ...rest } = explanation ?? { result: undefined };
    writeOut(
      jsonText({
        valid: v.valid,
        status: v.status,
        reason: v.reason,
        header: v.header ?? null,
        ...(v.secretIndex !== undefined ? { secretIndex: v.secretIndex } : {}),
        ...(explanation ? { explain: rest } : {}),
      }),
    );
    return;
  }
  const mark = v.status === 'unsigned' ? out.dim('–') : v.valid ? out.green('✓') : out.red('✗');
  const which = v.secretIndex !== undefined && secrets.length > 1 ? ` (secret #${v.secretIndex + 1})` : '';
  writeOut(`${mark} ${VERDICT[v.status]}: ${safe(v.reason)}${which}`);
  if (explanation) writeOut(`\n${formatExplanation(explanation)}`);
}

/** A capture file; from a FIFO or a device (`--capture <(…)`, /dev/zero), read as a bounded stream like --body. */
async function loadCapture(path: string): Promise<Capture> {
  let special = false;
  try {
    const stat = statSync(path);
    special = !stat.isFile() && !stat.isDirectory();
  } catch {
    // readCapture says what is wrong with the path.
  }
  return special ? parseCapture((await readInput(path, '--capture file')).toString('utf8'), path) : readCapture(path);
}

export async function run(providerId: string | undefined, rawOptions: unknown): Promise<number> {
  const o = parseOptions(Options, rawOptions);
  if (o.capture !== undefined && o.body !== undefined) throw new UsageError('bad_option', 'use either --capture <file> or --body <file> --signature <sig>, not both');
  if (o.capture === undefined && o.body === undefined) {
    throw new UsageError('missing_body', 'verify needs a delivery: --capture <file> (from `cg-hooks listen --save`), or --body <file|-> with --signature <header value>');
  }
  const capture = o.capture !== undefined ? await loadCapture(o.capture) : undefined;
  const signing = await resolveSigning(providerId ?? capture?.provider ?? undefined, o, 'verify');
  if (o.body !== undefined && o.signature === undefined && signing.def.kind !== 'none') {
    throw new UsageError('missing_signature', '--body needs --signature <the signature header value> (or use --capture, which has the headers)');
  }
  // `--signature "$SIG"` with SIG unset: nothing was given to check, which is not a signature that failed (exit 1).
  if (o.signature !== undefined && o.signature.trim() === '') {
    throw new UsageError('missing_signature', '--signature is empty (an unset shell variable?)', 'pass the signature header value as it arrived, or verify a saved delivery with --capture <file>');
  }
  if (!capture) requireSignedParts(signing, o);
  const req: RequestParts = capture ? { headers: capture.headers, query: lastValues(capture.query), body: capture.body } : { headers: {}, query: {}, body: await readInput(o.body!, '--body file') };
  const secrets = secretsFrom(o);

  // Verdicts that need no credentials: a masked credential, or a provider that does not sign and a delivery that
  // carries nothing to check. Neither is a "missing signature".
  const masked = capture && o.signature === undefined ? maskedVerdict(signing, req) : undefined;
  if (masked) {
    print(masked, o, secrets);
    if (!o.json) writeErr(err.dim('hint: verify deliveries as they arrive instead: `cg-hooks listen` with the same credentials checks them before saving'));
    return EXIT.checkFailed;
  }
  const given = { secrets, ...(o.apiKey !== undefined ? { apiKey: o.apiKey } : {}), ...(o.user !== undefined ? { user: o.user } : {}), ...(o.licenseCode !== undefined ? { licenseCode: o.licenseCode } : {}) };
  const nothing = nothingToCheck(signing, given, req, o);
  if (nothing) {
    print({ status: 'unsigned', valid: true, reason: nothing }, o, secrets);
    return EXIT.ok;
  }
  requireCredentials(signing, given, 'verify', req);
  checkSecrets(signing, secrets, 'verify');

  // A saved delivery is judged at the time it arrived, so that checking it later does not make it "expired".
  let now: number | undefined;
  if (o.now !== undefined) now = unixSeconds(o.now, '--now');
  else if (capture?.receivedAt && !Number.isNaN(Date.parse(capture.receivedAt))) now = Math.floor(Date.parse(capture.receivedAt) / 1000);

  const options: VerifyOptions = verifyOptionsFrom(signing, o, secrets, {
    ...(o.tolerance !== undefined ? { tolerance: durationOption(o.tolerance, '--tolerance', { maxMs: 7 * 86_400_000 }) / 1000 } : {}),
    ...(now !== undefined ? { now } : {}),
    ...(o.signature !== undefined ? { signature: o.signature } : {}),
  });

  refuseTimestampOverride(signing, o, req);
  const explanation = o.explain ? explain(signing.spec, req, options) : undefined;
  const result = explanation?.result ?? verifyRequest(signing.spec, req, options);
  const verdict: Verdict = { status: result.status, valid: result.valid, reason: result.reason, ...(result.header !== undefined ? { header: result.header } : {}), ...(result.secretIndex !== undefined ? { secretIndex: result.secretIndex } : {}) };
  if (signing.def.kind === 'none') verdict.reason = `${signing.name} does not sign deliveries`;
  print(verdict, o, secrets, explanation);
  // A signature that is there but cannot be read is a failed check like any other (exit 1), with what a good one looks like.
  if (result.status === 'malformed' && !o.json && !explanation) writeErr(err.dim(`hint: ${safe(describeExpected(signing))}; add --explain to see what the value looks like`));
  return result.valid ? EXIT.ok : EXIT.checkFailed;
}

function describeExpected(signing: Signing): string {
  return signing.def.looksLike?.(signing.own, signing.custom) ?? `${signing.name} expects its documented credential`;
}

/**
 * A scheme whose credential is optional for the sender (HTTP Basic auth for Rehook), none configured and none in
 * the request: nothing to verify, and not a missing signature. The reason, or undefined.
 */
function nothingToCheck(signing: Signing, given: Credentials, req: RequestParts, o: VerifyFlags): string | undefined {
  const needs = signing.def.needs;
  const names = Object.keys(needs).filter((k) => k !== 'oneOf') as CredentialName[];
  if (signing.def.kind !== 'credential' || names.length === 0 || needs.oneOf || names.some((n) => needs[n] !== 'optional')) return undefined;
  const configured = names.some((n) => (n === 'secret' ? given.secrets.length > 0 : given[n] !== undefined));
  const reads = signing.def.reads(signing.own, signing.custom);
  if (configured || o.signature !== undefined || reads.some((h) => req.headers[h] !== undefined)) return undefined;
  return `${signing.name} does not sign deliveries, and this one carries no ${reads.map(headerName).join(' or ')} header`;
}

const headerName = (lower: string) => lower.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => `${dash}${c.toUpperCase()}`);

export function register(program: Command): void {
  const cmd = program
    .command('verify')
    .description('check a signature; --explain says which transformation of body, secret, algorithm or encoding would have matched')
    .argument('[provider]', 'provider id (optional with --scheme, or when the capture names it)')
    .option('--body <file>', 'the body exactly as received: a file, or - for stdin (with --signature)')
    .option('--signature <sig>', 'the signature header value as received (Stripe: the whole t=…,v1=… value)')
    .option('--capture <file>', 'a delivery saved by `cg-hooks listen --save` (headers, query and raw body)');
  addSigningFlags(cmd)
    .option('--tolerance <duration>', `clock skew allowed both ways for timestamped schemes (${DURATION_HELP})`, '5m')
    .option('--now <time>', 'judge timestamps at this time (default: the capture\'s receivedAt, else now)')
    .option('--explain', 'diagnose a failing signature: which body, secret, algorithm, encoding or header would match, and the fix')
    .option('--json', 'print {valid, status, reason, header, secretIndex?, explain?}')
    .addHelpText(
      'after',
      `
Exit codes: 0 valid, or nothing to verify (the provider does not sign: said as "nothing to verify") · 1 the check
failed: invalid, malformed (any signature that is there but does not verify, whatever its length or prefix),
missing, expired, or a capture whose credential was masked when it was saved (status "masked") · 2 bad usage or
input (no secret, unreadable body or capture, empty stdin, --body without --timestamp/--id for timestamped schemes).
--secret is repeatable during key rotation: valid when any one matches (the JSON says which: secretIndex).

Examples:
  $ cg-hooks verify customerglu --secret "$CG_TOKEN" --body body.json --signature f2719895b483fbf3f98e1936bc88271cbe74f138
  $ cg-hooks verify --capture captures/0001.json --secret old --secret new
  $ cg-hooks verify mgpass --capture captures/0001.json --secret s3cret --explain
  $ cg-hooks verify --scheme github --secret "It's a Secret to Everybody" --body body.txt \\
      --signature sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17
  $ cg-hooks verify --scheme standard-webhooks --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --body standard.json \\
      --id msg_p5jXN8AQM9LWM0D4loKWxJek --timestamp 1614265330 --signature "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" --now 1614265330
  $ cg-hooks verify customerglu --secret s3cret --body body.json --signature 9f2c… --explain --json | jq .explain.findings[0]`,
    )
    .action(action(run));
}
