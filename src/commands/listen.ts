import type { Command } from 'commander';
import * as z from 'zod/mini';
import { startListener, type DeliveryReport, type ListenOptions, type ListenSummary } from '../http/listen.js';
import { MAX_BODY_LIMIT } from '../http/limits.js';
import { parseTargetUrl } from '../http/request.js';
import { loadProvider } from '../providers/index.js';
import { EXIT, UsageError } from '../output/errors.js';
import { escapeTerminal, redactUrl } from '../core/redact.js';
import { deliveryJsonParts, formatDelivery, formatSummary, streamWriter, type OutputLine } from '../output/delivery.js';
import { err, mask, out, writeErr } from '../output/style.js';
import { formatDuration } from '../core/duration.js';
import type { FixedScheme } from '../http/inspect.js';
import { schemeById } from '../signing/index.js';
import { action, collect, DURATION_HELP, DURATIONS, durationOption, parseOptions, positiveInteger } from './shared.js';
import { readMappingOption } from './mapping-option.js';
import { capYoungGeneration } from './young-generation.js';
import { checkSchemeKeys, credentialsFrom, customHmacFrom, parseScheme, SCHEME_IDS } from './signing-options.js';
import { jsonText } from '../core/json-text.js';

const Options = z.object({
  port: z.optional(z.string()),
  host: z.optional(z.string()),
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
  save: z.optional(z.string()),
  forwardTo: z.optional(z.string()),
  insecure: z.optional(z.boolean()),
  expect: z.optional(z.string()),
  timeout: z.optional(z.string()),
  maxBody: z.optional(z.string()),
  respond: z.optional(z.string()),
  failFirst: z.optional(z.string()),
  requestTimeout: z.optional(z.string()),
  full: z.optional(z.boolean()),
  json: z.optional(z.boolean()),
  mapping: z.optional(z.string()),
});

/** "1048576", "512kb", "1mb", "2MiB" → bytes. */
export function parseSize(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib)?\s*$/i.exec(text);
  if (!m) throw new UsageError('bad_option', `${flag}: expected a size like 1048576, 512kb or 1mb, got "${text}"`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1;
  const bytes = Math.floor(Number(m[1]) * factor);
  if (bytes < 1) throw new UsageError('bad_option', `${flag}: must be at least 1 byte`);
  return bytes;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** --max-body: at most MAX_BODY_LIMIT, so that one sender cannot make the listener hold gigabytes. */
function parseMaxBody(text: string): number {
  const bytes = parseSize(text, '--max-body');
  if (bytes > MAX_BODY_LIMIT) throw new UsageError('bad_option', `--max-body: at most ${MAX_BODY_LIMIT / 1024 / 1024}mb (a body is held whole while it is checked), got "${text}"`);
  return bytes;
}

function parsePort(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new UsageError('bad_option', `--port: expected 0..65535 (0 = any free port), got "${text}"`);
  return Number(text);
}

function parseStatus(text: string, flag: string): number {
  if (!/^\d{3}$/.test(text) || Number(text) < 200 || Number(text) > 599) throw new UsageError('bad_option', `${flag}: expected an HTTP status 200..599, got "${text}"`);
  return Number(text);
}

/** The same URL checks (and words) as send's --to: http(s) only, a port in range, credentials never echoed. */
function parseUrl(text: string, flag: string): string {
  return parseTargetUrl(text, flag).href;
}

const isLoopback = (host: string) => /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || host === 'localhost';

/** The address really bound (0.0.0.0 is every interface, not 127.0.0.1), and whether others can reach it. */
export function boundAddress(host: string, port: number): { url: string; exposed: boolean } {
  const shown = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shown}:${port}`, exposed: !isLoopback(host.replace(/^\[|\]$/g, '')) };
}

export type StopReason = 'expect' | 'timeout' | 'interrupt';

/**
 * 0 when every delivery was valid (and, with --save, saved); 1 when one was not, or --timeout came before
 * --expect; 130 on Ctrl-C.
 */
export function exitCodeFor(reason: StopReason, summary: ListenSummary, expect: number | undefined): number {
  if (reason === 'interrupt') return EXIT.interrupted;
  if (reason === 'timeout' && expect !== undefined && summary.deliveries < expect) return EXIT.checkFailed;
  return summary.invalid === 0 && summary.notSaved === 0 ? EXIT.ok : EXIT.checkFailed;
}

/** `--scheme <id>` (with the custom HMAC's flags for `--scheme hmac`), its keys checked before listening. */
function listenScheme(o: z.infer<typeof Options>, secrets: string[]): FixedScheme | undefined {
  if (o.scheme === undefined) {
    if ((o.algorithm ?? o.signatureHeader ?? o.encoding ?? o.prefix) !== undefined) throw new UsageError('bad_option', '--algorithm, --signature-header, --encoding and --prefix describe a custom HMAC: use them with --scheme hmac');
    return undefined;
  }
  const id = parseScheme(o.scheme);
  const def = schemeById(id)!;
  checkSchemeKeys(def, secrets, 'verify');
  const custom = customHmacFrom(def, o);
  return { id, ...(custom ? { custom } : {}) };
}

export async function run(rawOptions: unknown): Promise<number> {
  const o = parseOptions(Options, rawOptions);
  // `--secret "$UNSET"` would make the empty string the key: deliveries signed with it shown valid, answered 200.
  for (const [flag, given] of [['--secret', o.secret ?? []], ['--api-key', o.apiKey === undefined ? [] : [o.apiKey]]] as const) {
    if (given.includes('')) throw new UsageError('bad_option', `${flag} is empty (an unset shell variable?): an empty key would be checked as one`, `give the value, or leave ${flag} out (then nothing is checked against it)`);
  }
  const credentials = credentialsFrom(o);
  const secrets = credentials.secrets;
  if (o.provider !== undefined && o.provider !== 'auto') await loadProvider(o.provider); // unknown ids: exit 2 with the list
  const scheme = listenScheme(o, secrets);
  const expect = o.expect === undefined ? undefined : positiveInteger(o.expect, '--expect');
  const timeoutMs = o.timeout === undefined ? undefined : durationOption(o.timeout, '--timeout', DURATIONS.run);
  const options: ListenOptions = {
    host: o.host ?? '127.0.0.1',
    port: o.port === undefined ? 0 : parsePort(o.port),
    provider: o.provider ?? 'auto',
    secrets,
    maxBody: o.maxBody === undefined ? undefined : parseMaxBody(o.maxBody),
  };
  if (scheme) options.scheme = scheme;
  if (o.apiKey !== undefined) options.apiKey = o.apiKey;
  if (o.user !== undefined) options.user = o.user;
  if (o.licenseCode !== undefined) options.licenseCode = o.licenseCode;
  if (o.save !== undefined) {
    // An empty --save (an unset "$DIR") saved into the current directory, and the ready line read "saving to ;".
    if (o.save.trim() === '') throw new UsageError('missing_option', '--save: give a directory', 'e.g. --save ./captures');
    options.saveDir = o.save;
  }
  if (o.forwardTo !== undefined) options.forwardTo = parseUrl(o.forwardTo, '--forward-to');
  if (o.insecure) {
    if (o.forwardTo === undefined) throw new UsageError('bad_option', '--insecure applies to --forward-to <https url>: the listener itself serves plain HTTP');
    options.forwardInsecure = true;
  }
  const mapping = o.mapping === undefined ? undefined : await readMappingOption(o.mapping);
  if (mapping) options.mapping = mapping;
  if (o.respond !== undefined) options.respond = parseStatus(o.respond, '--respond');
  if (o.failFirst !== undefined) options.failFirst = positiveInteger(o.failFirst, '--fail-first');
  if (o.requestTimeout !== undefined) {
    const ms = durationOption(o.requestTimeout, '--request-timeout', { ...DURATIONS.request, bareMaxMs: DURATIONS.request.maxMs });
    options.requestTimeoutMs = ms;
    options.headersTimeoutMs = Math.min(ms, 10_000);
  }

  const json = o.json === true;
  const terminal = process.stdout.isTTY === true;
  const format = { full: o.full === true || !terminal, maxBodyLines: 20, style: out };
  let stop!: (reason: StopReason) => void;
  const stopped = new Promise<StopReason>((resolve) => (stop = resolve));
  let count = 0;

  // Bounded output: a reader that does not keep up loses lines (counted, said on stderr), never the
  // deliveries; a reader that goes away (EPIPE) is said once, and the listener keeps receiving and saving.
  // cli.ts ends the process quietly on EPIPE (right for `generate | head`): not here, so its handler steps aside.
  const inherited = process.stdout.listeners('error') as Array<(e: Error) => void>;
  const still = options.saveDir !== undefined ? 'still receiving, answering and saving deliveries' : 'still receiving and answering deliveries';
  const stdout = streamWriter(process.stdout, {
    onBackedUp: () => writeErr(err.yellow(`warning: stdout is not being read fast enough: delivery lines are dropped (and counted) until it catches up; ${still}`)),
    // The notice is not itself a line that was lost: pushed uncounted, so that the counts are of deliveries (and warnings).
    onResumed: (count) => stdout.push(json ? `${jsonText({ type: 'dropped', count, message: `${count} lines were not written: stdout was not read fast enough` })}\n` : `… ${plural(count, 'delivery', 'deliveries')} not shown: stdout was not read fast enough\n`, false),
    onClosed: (e) => writeErr(err.yellow(`warning: stdout was closed (${e.code ?? e.message}): deliveries are no longer printed; ${still}`)),
  });
  const stderr = streamWriter(process.stderr, {}, { batch: 0, maxBuffered: 1024 * 1024 });
  const onDelivery = (report: DeliveryReport, raw: { body: Buffer }) => {
    let text: OutputLine;
    try {
      text = json ? deliveryJsonParts(report, raw) : `${formatDelivery(report, format)}\n`;
    } catch (e) {
      // The delivery is still shown, without what could not be formatted.
      const { seq, receivedAt, method, path, size, sha256, provider, event, verdict, problems, status, statusReason } = report;
      const brief = { type: 'delivery', seq, receivedAt, method, path, size, sha256, provider, event, verdict, problems, status, statusReason, body: null, formatError: (e as Error).message };
      text = json ? `${jsonText(brief)}\n` : `#${seq} ${escapeTerminal(method)} ${escapeTerminal(path)} → ${status} (${verdict}; not shown: ${(e as Error).message})\n`;
    }
    stdout.push(text);
    count++;
    if (expect !== undefined && count >= expect) stop('expect');
  };
  const onWarning = (message: string) => {
    if (json) stdout.push(`${jsonText({ type: 'warning', message })}\n`);
    else stderr.push(`${err.yellow(`warning: ${escapeTerminal(message)}`)}\n`);
  };

  // --ui: the web inspector (docs/inspector.md), imported only when asked for.
  const wantsUi = ['ui', 'uiPort', 'uiKeep'].some((k) => (rawOptions as Record<string, unknown>)[k] !== undefined);
  const ui = wantsUi ? await (await import('../ui/index.js')).startInspectorFor(rawOptions, options, onWarning) : undefined;
  const listener = ui ? ui.attach(await startListener(options, ui.wrap({ onDelivery, onWarning }))) : await startListener(options, { onDelivery, onWarning });
  for (const l of inherited) process.stdout.off('error', l);
  const notes = [
    `provider ${options.provider}`,
    scheme ? `scheme ${scheme.id}` : '',
    secrets.length > 0 ? `secret ${secrets.map(mask).join(', ')}` : 'no --secret: signatures not checked',
    options.apiKey !== undefined ? `api key ${mask(options.apiKey)}` : '',
    options.user !== undefined ? `basic auth ${options.user.split(':')[0]}:****` : '',
    options.saveDir !== undefined ? `saving to ${options.saveDir}` : '',
    options.forwardTo !== undefined ? `forwarding to ${redactUrl(options.forwardTo)}` : '',
    mapping ? `customerglu reward mapped by ${escapeTerminal(mapping.source)}` : '',
    expect !== undefined ? `expecting ${expect}` : '',
  ].filter(Boolean);
  const bound = boundAddress(options.host ?? '127.0.0.1', listener.port);
  const where = bound.url === listener.url ? err.bold(listener.url) : `${err.bold(bound.url)} ${err.dim(`(from this machine: ${listener.url})`)}`;
  writeErr(`${err.green('cg-hooks listen: ready on')} ${where}  ${err.dim(`(${notes.join(', ')}; Ctrl-C to stop)`)}`);
  if (bound.exposed) writeErr(err.yellow(`warning: --host ${options.host} is reachable from the network: anyone who can reach this machine on port ${listener.port} can send deliveries${options.saveDir !== undefined ? ' (and fill --save)' : ''}; use --host 127.0.0.1 to keep it local`));
  if (ui) writeErr(`${err.green('inspector:')} ${err.bold(ui.url)}`);
  if (json) process.stdout.write(`${jsonText({ type: 'ready', url: listener.url, port: listener.port, bind: bound.url, exposed: bound.exposed, ...(ui ? { inspector: ui.url } : {}) })}
`);

  const uncap = capYoungGeneration();
  const onSignal = () => stop('interrupt');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), timeoutMs);
  const reason = await stopped;
  if (timer) clearTimeout(timer);
  const summary = await listener.close();
  uncap();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);

  stdout.finish();
  // Bounded: a stdout nobody reads must not keep the process alive; what it never took is counted as dropped.
  await stdout.settle(2000);
  const notWritten = stdout.dropped + stdout.unflushed;
  for (const l of inherited) process.stdout.on('error', l);
  const code = exitCodeFor(reason, summary, expect);
  if (json && !stdout.closed) process.stdout.write(`${jsonText({ type: 'summary', reason, exitCode: code, ...summary, linesDropped: stdout.dropped })}\n`);
  {
    // On stderr in both modes: with --json, stdout is often a file or /dev/null.
    const why = reason === 'timeout' && expect !== undefined && summary.deliveries < expect
      ? err.red(`timed out after ${formatDuration(timeoutMs!)} with ${summary.deliveries} of ${expect} expected deliveries`)
      : reason === 'interrupt' ? 'stopped' : reason === 'timeout' ? `stopped after ${formatDuration(timeoutMs!)}` : `received ${summary.deliveries} of ${expect} expected`;
    // In human mode only deliveries go to stdout (warnings go to stderr): what was lost is that many deliveries.
    const lost = notWritten === 0 ? '' : err.yellow(json ? `; ${notWritten} output lines dropped (stdout not read)` : `; ${plural(notWritten, 'delivery', 'deliveries')} not shown (stdout not read)`);
    writeErr(`${why}: ${formatSummary(summary, err)}${lost}`);
  }
  return code;
}

export function register(program: Command): void {
  program
    .command('listen')
    .description('run a receiver: print, validate, save and relay incoming webhooks')
    .option('-p, --port <n>', 'port to listen on (0 = any free port)', '0')
    .option('--host <address>', 'address to bind (default 127.0.0.1: not reachable from the network)')
    .option('--provider <id>', 'auto-detect the provider of each delivery (auto) or fix one', 'auto')
    .option('--scheme <id>', `check every delivery with this signing scheme (default: the provider's, or the one its headers name): ${SCHEME_IDS.join(', ')}`)
    .option('--secret <s>', 'secret to verify signatures with (whsec_, whpk_ for v1a…); repeat for rotation (env CG_HOOKS_SECRET)', collect)
    .option('--api-key <key>', 'expected X-API-KEY (CustomerGlu Events API and sources)')
    .option('--user <user:password>', 'expected basic auth (Rehook)')
    .option('--license-code <code>', 'WebEngage license code (with --secret: checks the secret query parameter)')
    .option('--algorithm <a>', '--scheme hmac: sha1, sha256 (default), sha512 or md5')
    .option('--signature-header <name>', '--scheme hmac: the header (default X-Signature)')
    .option('--encoding <e>', '--scheme hmac: hex (default) or base64')
    .option('--prefix <text>', '--scheme hmac: text before the digest, e.g. "sha256="')
    .option('--save <dir>', 'save every delivery byte for byte (one JSON capture file each) before answering 2xx')
    .option('--mapping <file>', "CustomerGlu reward deliveries follow this tenant payload mapping: checked, and de-duplicated, by the mapped shape (docs/mappings.md)")
    .option('--forward-to <url>', 'relay each delivery (same bytes, end-to-end headers) and answer with its status')
    .option('--insecure', "with --forward-to: accept the target's self-signed HTTPS certificate")
    .option('--expect <n>', 'exit after n deliveries: 0 when all were valid (and saved), 1 otherwise')
    .option('--timeout <duration>', `stop after this long (${DURATION_HELP}); with --expect: exit 1 if they did not all arrive`)
    .option('--max-body <size>', 'larger bodies are answered 413 (e.g. 512kb, 2mb; at most 64mb)', '1mb')
    .option('--respond <code>', 'answer every delivery (or the first --fail-first n) with this status')
    .option('--fail-first <n>', 'answer the first n deliveries with --respond (default 500), then normally')
    .option('--request-timeout <duration>', `cut off clients that take longer to send a request (${DURATION_HELP}; default 30s)`)
    .option('--full', 'print whole bodies (on a terminal they are cut to 20 lines)')
    .option('--json', 'NDJSON on stdout: a ready line, one line per delivery, a summary')
    .option('--ui', 'serve a web inspector on 127.0.0.1 (live list, explain, diff, edit → re-sign → resend)')
    .option('--ui-port <n>', 'port for the inspector (default: any free port); implies --ui')
    .option('--ui-keep <n>', 'deliveries the inspector keeps in memory (default 10000, at most 64 MB); implies --ui')
    .addHelpText(
      'after',
      `
Answers: 200 accepted (duplicates too, flagged) · 401 bad or missing signature/credential when one is
configured · 400 body not JSON · 413 over --max-body · 503 not saved (--save: disk full, read-only…) ·
502/508 --forward-to failed or looped. Unsigned providers (Reward) are accepted. Credentials are masked
in output and captures; stdout that is not read loses lines (counted), never deliveries. Text from the
network is printed escaped (--json too: bidi and C1 controls as \\u202e, \\u0085; the values unchanged).

Examples:
  $ cg-hooks listen --port 3000 --secret s3cret
  $ cg-hooks listen --provider mgpass --secret s3cret --save captures/
  $ cg-hooks listen --scheme standard-webhooks --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
  $ cg-hooks listen --secret "$NEW_SECRET" --secret "$OLD_SECRET"    # rotation: either key is valid
  $ cg-hooks listen --provider customerglu --mapping fixtures/customerglu/mappings/flat-wallet.json
  $ cg-hooks listen --forward-to http://127.0.0.1:8080/webhook --secret s3cret
  $ cg-hooks listen --fail-first 2 --respond 503        # watch the sender retry
  $ cg-hooks listen --secret s3cret --ui                # and open the inspector URL it prints
  $ cg-hooks listen --expect 3 --timeout 30 --json | jq -c 'select(.type=="delivery") | [.provider,.event,.verdict]'`,
    )
    .action(action(run));
}
