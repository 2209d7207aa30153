import type { Command } from 'commander';
import * as z from 'zod/mini';
import { prepareGenerator } from '../core/generate.js';
import { nestedPast } from '../core/json.js';
import { MAX_DEPTH } from '../core/paths.js';
import { sentCredentials } from '../core/redact.js';
import { curlCommand, rawRequestHead } from '../http/curl.js';
import { buildSendRequest, hasSecrets, maskedHeaders, maskedUrl, parseHeader, parseTargetUrl, type PreparedRequest, type SendRequest } from '../http/request.js';
import { formatDelay, retrySchedule, type RetryOverrides } from '../http/retry.js';
import type { ProviderDef } from '../providers/types.js';
import { loadProvider, PROVIDER_IDS } from '../providers/index.js';
import { EXIT, InterruptedError, UsageError } from '../output/errors.js';
import * as fmt from '../output/send.js';
import { err, writeErr, writeOut } from '../output/style.js';
import { addPayloadOptions, PayloadOptions, payloadOptions, warnUnknownSetPaths } from './generate.js';
import { MAX_CONCURRENCY, MAX_REPEAT } from '../http/limits.js';
import { spinner as spinnerFor, action, boundedInteger, collect, DURATION_HELP, DURATIONS, durationList, durationOption, parseOptions, positiveInteger, readInput } from './shared.js';
import { addSigningFlags, checkKeyRing, checkSecrets, resolveSigning, secretsFrom, SigningFlags, signOptionsFrom } from './signing-options.js';
import { equivalentCommand, promptSecret, resolveTarget } from './send-prompts.js';
import { jsonText } from '../core/json-text.js';

export { equivalentCommand } from './send-prompts.js';

// Payload flags come from generate, signing flags from sign/verify: one spelling and meaning everywhere.
const Options = z.extend(z.extend(PayloadOptions, SigningFlags.shape), {
  to: z.optional(z.string()),
  body: z.optional(z.string()),
  header: z.optional(z.array(z.string())),
  eventType: z.optional(z.string()),
  timeout: z.optional(z.string()),
  retries: z.optional(z.string()),
  retryDelays: z.optional(z.string()),
  retry: z.optional(z.boolean()),
  repeat: z.optional(z.string()),
  concurrency: z.optional(z.string()),
  insecure: z.optional(z.boolean()),
  dryRun: z.optional(z.boolean()),
  showSecrets: z.optional(z.boolean()),
  verbose: z.optional(z.boolean()),
  json: z.optional(z.boolean()),
});
type SendOptionsRaw = z.infer<typeof Options>;

const PAYLOAD_FLAGS: Array<[keyof SendOptionsRaw, string]> = [
  ['set', '--set'],
  ['unset', '--unset'],
  ['data', '--data'],
  ['variant', '--variant'],
  ['seed', '--seed'],
  ['now', '--now'],
  ['ascii', '--ascii'],
  ['mapping', '--mapping'],
];

export function parseDelays(text: string): number[] {
  return durationList(text, '--retry-delays', DURATIONS.wait);
}

export function retryOverrides(o: SendOptionsRaw): RetryOverrides {
  const r: RetryOverrides = {};
  if (o.retry === false) r.noRetry = true;
  if (o.retries !== undefined) r.retries = positiveInteger(o.retries, '--retries', 0);
  if (o.retryDelays !== undefined) r.retryDelays = parseDelays(o.retryDelays);
  return r;
}

async function readBody(o: SendOptionsRaw): Promise<Buffer> {
  const given = PAYLOAD_FLAGS.filter(([k]) => o[k] !== undefined).map(([, flag]) => flag);
  if (o.validate === false) given.push('--no-validate');
  if (given.length) throw new UsageError('bad_option', `${given.join(', ')} cannot be combined with --body: the body is sent byte for byte`, 'edit the file, or drop --body to generate the payload');
  return readInput(o.body!, '--body file');
}

/** Warns when a signed body would not survive a receiver that re-serializes it (the providers' sample code does). */
function compactWarning(body: Buffer, request: PreparedRequest): string | undefined {
  if (request.signedHeaders.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'the body is not JSON';
  }
  // JSON.stringify recurses: a body nested thousands deep is sent as is, never re-serialized here.
  if (nestedPast(body.toString('utf8'), MAX_DEPTH) >= 0) return `the body is JSON nested more than ${MAX_DEPTH} levels deep (not checked for the compact form)`;
  if (Buffer.from(JSON.stringify(parsed), 'utf8').equals(body)) return undefined;
  return 'the body is not compact JSON: receivers that verify JSON.stringify(req.body) (as the providers\' samples do) will compute a different signature';
}

async function buildRequest(provider: ProviderDef, event: string | undefined, to: string, body: Buffer, o: SendOptionsRaw): Promise<PreparedRequest> {
  const signing = await resolveSigning(provider.id, o, 'send');
  const secrets = secretsFrom(o);
  checkKeyRing(signing, secrets, 'send');
  checkSecrets(signing, secrets);
  return buildSendRequest({
    provider,
    url: to,
    body,
    ...(event !== undefined ? { event } : {}),
    ...signOptionsFrom(signing, o, secrets),
    headers: (o.header ?? []).map(parseHeader),
  });
}

/** The first Ctrl-C stops sending and still reports what happened (exit 130); a second one kills at once. */
function onInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = () => controller.abort();
  process.once('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}

export async function run(providerArg: string | undefined, eventArg: string | undefined, rawOptions: unknown, command?: Command): Promise<number> {
  const o = parseOptions(Options, rawOptions);
  // Cheap checks first, so a bad flag never waits behind a prompt.
  if (o.to !== undefined) parseTargetUrl(o.to);
  const timeoutMs = o.timeout !== undefined ? durationOption(o.timeout, '--timeout', DURATIONS.request) : undefined;
  // Bounded, so that a typo (an extra zero, 1e15) is one clear line instead of running out of memory or sockets.
  const repeat = o.repeat !== undefined ? boundedInteger(o.repeat, '--repeat', 1, MAX_REPEAT, 'one latency sample is kept per copy; run several bursts for more') : undefined;
  const concurrency = o.concurrency !== undefined ? boundedInteger(o.concurrency, '--concurrency', 1, MAX_CONCURRENCY, 'one connection each') : 1;
  if (o.concurrency !== undefined && repeat === undefined) throw new UsageError('bad_option', '--concurrency only applies with --repeat n');
  const overrides = retryOverrides(o);

  const positionals = command?.args ?? [providerArg, eventArg].filter((x): x is string => x !== undefined);
  const target = await resolveTarget(providerArg, eventArg, o, positionals);
  const provider = await loadProvider(target.provider);
  const typedSecret = await promptSecret(provider, o);
  if (target.prompted || typedSecret) {
    writeErr(`${err.dim('equivalent command:')} ${equivalentCommand(target.provider, target.event, target.to, process.argv, positionals, typedSecret)}`);
    if (typedSecret || o.secret !== undefined) writeErr(err.dim('  (with the secret in CG_HOOKS_SECRET: export CG_HOOKS_SECRET=… first; it is never printed)'));
  }
  let body: Buffer;
  let label: string;
  if (o.body !== undefined) {
    body = await readBody(o);
    label = `${provider.id}${target.event ? ` ${target.event}` : ''} (--body ${o.body === '-' ? 'stdin' : o.body})`;
  } else {
    const options = await payloadOptions(o);
    const gen = prepareGenerator(provider, target.event!, options);
    await warnUnknownSetPaths(gen, options);
    const delivery = gen.make(0);
    if (delivery.issues.length > 0) writeErr(err.yellow(`warning: the payload does not match the ${gen.event.name} schema (--no-validate): ${delivery.issues.map((x) => `${x.path}: ${x.message}`).join('; ')}`));
    body = delivery.body;
    label = `${provider.id} ${gen.event.name}${gen.variant ? ` (${gen.variant})` : ''}`;
  }
  const request = await buildRequest(provider, target.event, target.to, body, o);
  const schedule = retrySchedule(provider.retry, overrides);
  const effectiveTimeout = timeoutMs ?? provider.timeoutMs ?? 10_000;
  const human = !o.json;
  if (human && o.body !== undefined) {
    const warning = compactWarning(body, request);
    if (warning) writeErr(err.yellow(`warning: ${warning}`));
  }

  if (o.dryRun) return dryRun(request, o, label, effectiveTimeout);

  const { send } = await import('../http/send.js');
  if (repeat !== undefined) return runRepeat(request, o, label, repeat, concurrency, effectiveTimeout, schedule.success, overrides);

  if (human) {
    writeErr(fmt.requestLine(request, label));
    for (const note of request.notes) writeErr(err.dim(`  note: ${note}`));
    if (o.verbose) for (const line of fmt.headerLines(request, o.showSecrets)) writeErr(line);
    writeErr(err.dim(`  retries: ${fmt.formatSchedule(schedule)}`));
  }
  const spinner = await spinnerFor(human);
  const host = new URL(request.url).host;
  const interrupt = onInterrupt();
  const result = await send(
    request,
    { timeoutMs: effectiveTimeout, retry: schedule, maxResponseBytes: o.verbose ? 16 * 1024 * 1024 : 64 * 1024, signal: interrupt.signal, ...(o.insecure ? { insecure: true } : {}) },
    {
      onAttemptStart: ({ attempt, of }) => spinner?.start(`attempt ${attempt}/${of}: waiting for ${host}…`),
      onAttempt: (a) => {
        spinner?.stop();
        if (human) writeErr(fmt.attemptLine(a, schedule.attempts));
      },
      onWait: (info) => {
        if (!human) return;
        writeErr(fmt.waitLine(info));
        spinner?.start(`waiting ${formatDelay(info.delayMs)} before attempt ${info.nextAttempt}/${info.of} (Ctrl-C to stop)`);
      },
    },
  );
  spinner?.stop();
  interrupt.dispose();
  // What the request carried is masked in the answer too, unless asked for: an echoing receiver repeats it.
  const hidden = o.showSecrets ? [] : sentCredentials(request.url, request.headers);
  if (o.json) {
    writeOut(
      jsonText({
        request: fmt.requestJson(request, { provider: provider.id, ...(target.event ? { event: target.event } : {}) }, o.showSecrets),
        retry: schedule,
        timeoutMs: effectiveTimeout,
        attempts: result.attempts.map((a) => fmt.attemptJson(a, hidden)),
        outcome: fmt.outcomeJson(result),
      }),
    );
    return result.exitCode;
  }
  if (result.final.response) writeOut(fmt.formatResponse(result.final.response, o.verbose === true, hidden));
  writeErr(fmt.verdictLine(result));
  if (result.final.error?.hint) writeErr(err.dim(`hint: ${result.final.error.hint}`));
  return result.exitCode;
}

function dryRun(request: PreparedRequest, o: SendOptionsRaw, label: string, timeoutMs: number): number {
  const shown: SendRequest = o.showSecrets ? request : { ...request, url: maskedUrl(request.url), headers: maskedHeaders(request.headers) };
  const curl = curlCommand(shown, { ...(o.insecure ? { insecure: true } : {}), timeoutMs });
  const masked = !o.showSecrets && hasSecrets(request);
  if (o.json) {
    writeOut(jsonText({ dryRun: true, request: fmt.requestJson(request, {}, o.showSecrets), curl: curl ?? null, secretsMasked: masked }));
    return EXIT.ok;
  }
  writeErr(err.dim(`dry run: ${label}; nothing is sent`));
  for (const note of request.notes) writeErr(err.dim(`note: ${note}`));
  process.stdout.write(rawRequestHead(shown));
  process.stdout.write(request.body);
  process.stdout.write('\n\n');
  writeOut(curl ?? '# the body contains NUL bytes: save it to a file and use curl --data-binary @file');
  if (masked) writeErr(err.yellow('credentials are masked (****) above; pass --show-secrets to print them'));
  return EXIT.ok;
}

async function runRepeat(request: PreparedRequest, o: SendOptionsRaw, label: string, count: number, concurrency: number, timeoutMs: number, success: '2xx' | '200', overrides: RetryOverrides): Promise<number> {
  const { sendRepeated } = await import('../http/repeat.js');
  const human = !o.json;
  if (human) {
    writeErr(fmt.requestLine(request, label));
    writeErr(err.dim(`  the same delivery ${count} times, ${Math.min(concurrency, count)} at a time, no retries`));
    if (overrides.retries !== undefined || overrides.retryDelays !== undefined) writeErr(err.yellow('warning: --retries/--retry-delays do not apply to --repeat (each copy is sent once)'));
  }
  const spinner = await spinnerFor(human);
  spinner?.start(`0/${count}`);
  let last = 0;
  const interrupt = onInterrupt();
  const summary = await sendRepeated(
    request,
    { count, concurrency, timeoutMs, success, signal: interrupt.signal, ...(o.insecure ? { insecure: true } : {}) },
    {
      onProgress: spinner
        ? (done, total) => {
            const now = Date.now();
            if (now - last < 100 && done < total) return;
            last = now;
            spinner.text = `${done}/${total}`;
          }
        : undefined,
    },
  );
  spinner?.stop();
  interrupt.dispose();
  if (o.json) {
    writeOut(
      jsonText({
        request: fmt.requestJson(request, {}, o.showSecrets),
        repeat: { count, concurrency: summary.concurrency },
        summary,
        outcome: { ok: summary.exitCode === 0, exitCode: summary.exitCode },
      }),
    );
    return summary.exitCode;
  }
  writeOut(fmt.formatRepeatSummary(summary));
  writeErr(fmt.repeatVerdict(summary));
  if (summary.firstError?.hint) writeErr(err.dim(`hint: ${summary.firstError.hint}`));
  return summary.exitCode;
}

/**
 * 1000000 → "1,000,000", as toLocaleString('en-US') writes it: the first toLocaleString of a process loads ICU's
 * number formatting (25–60 ms of CPU), which every `send` paid for two lines of --help it does not print.
 */
const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

export function register(program: Command): void {
  const cmd = program
    .command('send')
    .description("build (or read), sign and POST one delivery with the provider's headers, auth and retry policy")
    .argument('[provider]', 'provider id (see `cg-hooks providers`); prompted for on a terminal')
    .argument('[event]', 'event name (not needed with --body); prompted for on a terminal');
  addSigningFlags(addPayloadOptions(cmd))
    .option('--to <url>', 'the receiver URL (http or https)')
    .option('--body <file>', 'send this file (or - for stdin) byte for byte instead of generating a payload')
    .option('-H, --header <"Name: value">', 'extra request header; repeatable; wins over every other header', collect)
    .option('--event-type <type>', 'WebEngage eventType query parameter (default: the event name)')
    .option('--timeout <duration>', `bounds each whole attempt: connect, headers and response body (${DURATION_HELP}; default: the provider's, else 10s)`)
    .option('--retries <n>', "retries after the first attempt (default: the provider's documented policy)")
    .option('--retry-delays <list>', `wait before each attempt, e.g. 0,1s,5s,25s (${DURATION_HELP})`)
    .option('--no-retry', 'one attempt, whatever the provider does')
    .option('--repeat <n>', `send the same delivery n times (same ids, same bytes) to test de-duplication; at most ${thousands(MAX_REPEAT)}`)
    .option('--concurrency <c>', `with --repeat: requests in flight at once (default 1, at most ${thousands(MAX_CONCURRENCY)})`)
    .option('--insecure', 'accept self-signed HTTPS certificates')
    .option('--dry-run', 'print the exact request and an equivalent curl command; send nothing')
    .option('--show-secrets', 'print credentials unmasked (in --dry-run, so the curl line works as is)')
    .option('--verbose', 'show the request headers and the whole response body')
    .option('--json', 'one JSON object: the request (secrets masked), every attempt, the outcome')
    .addHelpText(
      'after',
      `
Examples:
  $ cg-hooks send customerglu reward --to http://127.0.0.1:3000/webhook --secret s3cret
  $ cg-hooks send mgpass rewards.points_awarded --to http://127.0.0.1:3000/hooks --secret s3cret --retry-delays 0,200ms,500ms,1s
  $ cg-hooks send rehook customer.rewarded --to https://example.test/rehook --user acme:pa55 -H "X-Tenant: acme"
  $ cg-hooks send customerglu reward --to http://127.0.0.1:3000/webhook --repeat 200 --concurrency 20
  $ cg-hooks send customerglu --body captured.json --to http://127.0.0.1:3000/webhook --secret s3cret --dry-run
  $ cg-hooks send webengage event --to http://127.0.0.1:3000/we --license-code ~2024c5d1 --secret whsec_demo
  $ cg-hooks send                                        # on a terminal: asks for provider, event and URL

Exit codes: 0 final 2xx · 1 non-2xx after retries · 2 bad input (URL, provider, flag) · 3 network failure`,
    )
    .action(action(run));
}
