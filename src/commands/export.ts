import type { Command } from 'commander';
import * as z from 'zod/mini';
import { resolveMapping } from '../core/generate.js';
import { applyMapping } from '../core/mapping.js';
import { isCredentialQuery } from '../core/redact.js';
import { parseTargetUrl } from '../http/request.js';
import type { MapPayload } from '../load/artillery/corpus.js';
import { existingExportFiles, exportArtillery, type ArtilleryExport, type ExportResult } from '../load/artillery/export.js';
import { ARTILLERY_VERSION, FILES } from '../load/artillery/files.js';
import { processorSigningOf, SigningConfigError, type ProcessorSigning } from '../load/artillery/signing-config.js';
import { findEvent, loadProvider } from '../providers/index.js';
import type { ProviderDef } from '../providers/types.js';
import { CliError, EXIT, InterruptedError, UsageError } from '../output/errors.js';
import { err, out, writeErr, writeOut } from '../output/style.js';
import { VERSION } from '../version.js';
import { readMappingOption } from './mapping-option.js';
import { action, DURATION_HELP, DURATIONS, durationOption, parseOptions, positiveInteger } from './shared.js';
import { schemeById } from '../signing/index.js';
import { parseScheme } from './signing-options.js';
import { jsonText } from '../core/json-text.js';

const Options = z.object({
  to: z.optional(z.string()),
  output: z.optional(z.string()),
  secretEnv: z.optional(z.string()),
  rate: z.optional(z.string()),
  duration: z.optional(z.string()),
  ramp: z.optional(z.string()),
  dupRatio: z.optional(z.string()),
  seed: z.optional(z.string()),
  mapping: z.optional(z.string()),
  corpus: z.optional(z.string()),
  p95: z.optional(z.string()),
  p99: z.optional(z.string()),
  maxErrorRate: z.optional(z.string()),
  scheme: z.optional(z.string()),
  licenseCode: z.optional(z.string()),
  force: z.optional(z.boolean()),
  json: z.optional(z.boolean()),
});
type ExportOptions = z.infer<typeof Options>;

const MAX_CORPUS = 100_000;

/** "60", "60s", "2m", "1h" → whole seconds (Artillery's phases count in seconds). */
export function parseSeconds(text: string, flag: string, min: number): number {
  const ms = durationOption(text, flag, { minMs: min * 1000, maxMs: 7 * 86_400_000 });
  if (ms % 1000 !== 0) throw new UsageError('bad_option', `${flag}: Artillery counts in whole seconds, got "${text}"`);
  return ms / 1000;
}

/** "50", "50/s" → deliveries per second (per load generator). */
export function parseRate(text: string): number {
  const m = /^\s*(\d+)\s*(\/\s*s(ec)?)?\s*$/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 1 && n <= 100_000)) throw new UsageError('bad_option', `--rate: expected deliveries per second from 1 to 100000, such as 50 or 50/s, got "${text}"`);
  return n;
}

/** "0.05" or "5%" → 0.05; at most 0.9 (a run of nothing but duplicates proves nothing). */
export function parseRatio(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%)?\s*$/.exec(text);
  const n = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
  if (!(n >= 0 && n <= 0.9)) throw new UsageError('bad_option', `--dup-ratio: expected a share from 0 to 0.9 such as 0.05 or 5%, got "${text}"`);
  return n;
}

function parseMs(text: string, flag: string): number {
  return durationOption(text, flag, DURATIONS.latency);
}

function parsePercent(text: string): number {
  const n = Number(text.replace(/\s*%$/, ''));
  if (!/^\s*\d+(\.\d+)?\s*%?\s*$/.test(text) || n > 100) throw new UsageError('bad_option', `--max-error-rate: expected a percentage from 0 to 100, got "${text}"`);
  return n;
}

/** The receiver's URL, refused when it carries a credential: it would be written into the exported script. */
function parseReceiver(text: string | undefined): URL {
  if (text === undefined) throw new UsageError('missing_option', '--to <url> is required: the receiver to load', 'e.g. --to https://staging.example.com/webhooks/customerglu');
  const url = parseTargetUrl(text);
  const named = [...url.searchParams.keys()].find(isCredentialQuery);
  if (url.username !== '' || url.password !== '' || named !== undefined) {
    throw new UsageError(
      'credential_in_url',
      `--to: the URL carries a credential (${named !== undefined ? `query parameter ${named}` : 'user:password@'}), which would be written into ${FILES.script}`,
      'give the receiver a URL without it; the processor sends the provider\'s credential from the environment variable',
    );
  }
  return url;
}

/**
 * A CustomerGlu tenant mapping applied to every delivery of the corpus. Every selected event must take one (only
 * events with a tenant payload do): checked here, once, so a bad file is exit 2 before anything is written.
 */
async function loadMapping(file: string, provider: ProviderDef, events: string[]): Promise<MapPayload> {
  const spec = await readMappingOption(file);
  const byEvent = new Map(events.map((name) => [name, resolveMapping(provider, findEvent(provider, name), spec)]));
  return (payload, event) => applyMapping(byEvent.get(event)!, payload as Record<string, unknown>);
}

function signingOf(provider: ProviderDef, o: ExportOptions): ProcessorSigning {
  const scheme = o.scheme !== undefined ? parseScheme(o.scheme) : undefined;
  if (scheme !== undefined && schemeById(scheme)?.configurable) throw new UsageError('bad_option', `--scheme ${scheme} (a custom HMAC) cannot be exported: pick a named scheme`);
  try {
    return processorSigningOf({ spec: provider.signing, ...(scheme !== undefined ? { scheme } : {}), ...(o.licenseCode !== undefined ? { licenseCode: o.licenseCode } : {}) });
  } catch (e) {
    if (e instanceof SigningConfigError) throw new UsageError('bad_option', e.message);
    throw e;
  }
}

/** The command line that made the export (no secret can be in it), for the directory's README. */
function commandLine(s: ArtilleryExport, o: ExportOptions): string {
  const parts = ['cg-hooks export artillery', s.provider, ...s.events, '--to', s.to.href, '--rate', String(s.rate), '--duration', `${s.durationS}s`, '--ramp', `${s.rampS}s`, '--dup-ratio', String(s.dupRatio)];
  if (o.secretEnv !== undefined) parts.push('--secret-env', s.secretEnv);
  if (o.scheme !== undefined) parts.push('--scheme', o.scheme);
  if (o.licenseCode !== undefined) parts.push('--license-code', o.licenseCode);
  if (s.seed !== undefined) parts.push('--seed', String(s.seed));
  if (o.corpus !== undefined) parts.push('--corpus', String(s.corpusSize));
  parts.push('-o', s.dir);
  return parts.map((p) => (/^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`)).join(' ');
}

export async function run(providerId: string, eventNames: string[], rawOptions: unknown): Promise<number> {
  const o = parseOptions(Options, rawOptions);
  const provider = await loadProvider(providerId);
  const events = [...new Set((eventNames.length > 0 ? eventNames : provider.events.map((e) => e.name)).map((n) => findEvent(provider, n).name))];
  const to = parseReceiver(o.to);
  // An empty -o (an unset "$DIR") is not the current directory: it is a mistake, said before anything is written.
  if (o.output === undefined || o.output.trim() === '') throw new UsageError('missing_option', '-o <dir> is required: the directory to write the test into', 'e.g. -o load/customerglu');
  const secretEnv = o.secretEnv ?? 'CG_HOOKS_SECRET';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(secretEnv)) throw new UsageError('bad_option', `--secret-env: "${secretEnv}" is not an environment variable name (letters, digits, _)`);
  const durationS = parseSeconds(o.duration ?? '60s', '--duration', 1);
  const rampS = o.ramp === undefined ? Math.min(10, Math.floor(durationS / 6)) : parseSeconds(o.ramp, '--ramp', 0);
  if (rampS >= durationS) throw new UsageError('bad_option', `--ramp (${rampS} s) must be shorter than --duration (${durationS} s): the ramp is part of the duration`);
  const p95Ms = parseMs(o.p95 ?? '500ms', '--p95');
  const p99Ms = parseMs(o.p99 ?? '1500ms', '--p99');
  const existing = existingExportFiles(o.output);
  if (existing.length > 0 && o.force !== true) {
    throw new UsageError('exists', `${o.output} already holds an export (${existing.join(', ')})`, 'pass --force to overwrite it, or choose another -o directory');
  }
  const settings: ArtilleryExport = {
    madeBy: `cg-hooks ${VERSION}`,
    provider: provider.id,
    providerDef: provider,
    events,
    to,
    rate: parseRate(o.rate ?? '50'),
    durationS,
    rampS,
    dupRatio: parseRatio(o.dupRatio ?? '0.05'),
    timeoutS: Math.ceil((provider.timeoutMs ?? 10_000) / 1000),
    thresholds: { p95Ms, p99Ms, maxErrorRatePct: parsePercent(o.maxErrorRate ?? '1') },
    secretEnv,
    signing: signingOf(provider, o),
    headers: { 'User-Agent': `cg-hooks/${VERSION}`, ...provider.headers },
    success: provider.retry.success,
    corpusSize: o.corpus === undefined ? 1000 : positiveInteger(o.corpus, '--corpus'),
    dir: o.output,
    command: '',
  };
  if (settings.corpusSize > MAX_CORPUS) throw new UsageError('bad_option', `--corpus: at most ${MAX_CORPUS} deliveries (ids and times are fresh on every request anyway)`);
  if (o.seed !== undefined) settings.seed = /^-?\d+$/.test(o.seed) ? Number(o.seed) : o.seed;
  if (o.mapping !== undefined) settings.mapPayload = await loadMapping(o.mapping, provider, events);
  settings.command = commandLine(settings, o);

  const json = o.json === true;
  // A terminal of zero columns (some pseudo-terminals) would send ora's line arithmetic into a loop.
  const spinner = !json && process.stderr.isTTY === true && (process.stderr.columns ?? 0) > 0 ? (await import('ora')).default({ stream: process.stderr, discardStdin: false }) : undefined;
  spinner?.start(`writing the corpus: 0/${settings.corpusSize}`);
  let result: ExportResult;
  // Ctrl-C while the files are written aside removes them (an earlier export stays as it was), then exits 130.
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    result = await exportArtillery(settings, { onCorpusProgress: (done, total) => spinner && (spinner.text = `writing the corpus: ${done}/${total}`) }, interrupt.signal);
  } catch (e) {
    if (interrupt.signal.aborted) throw new InterruptedError();
    // File-system failures (no such parent, permission, a file in the way) are the user's to fix: exit 2.
    if (e instanceof CliError || typeof (e as NodeJS.ErrnoException).code !== 'string') throw e;
    throw new UsageError('unwritable_dir', `cannot write to ${o.output}: ${(e as Error).message}`);
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    spinner?.stop();
  }
  report(settings, result, json);
  return EXIT.ok;
}

function report(s: ArtilleryExport, r: ExportResult, json: boolean): void {
  if (json) {
    const { providerDef: _p, mapPayload: _m, to, ...rest } = s;
    writeOut(jsonText({ type: 'export', target: 'artillery', artillery: ARTILLERY_VERSION, ...rest, to: to.href, files: r.files, corpus: r.corpus }));
    return;
  }
  const kb = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(0)} KB`);
  const how = s.signing.kind === 'hmac' ? `signed with ${s.signing.header} (secret from $${s.secretEnv})` : s.signing.kind === 'none' ? 'unsigned (the provider does not sign)' : `credential from $${s.secretEnv}`;
  writeOut(`${out.green('✓')} wrote ${s.dir} for Artillery ${ARTILLERY_VERSION}: ${r.files.map((f) => (f.name === FILES.corpus ? `${f.name} (${r.corpus.entries} deliveries, ${kb(f.bytes)})` : f.name)).join(', ')}`);
  writeOut(`  ${s.provider} ${s.events.join(', ')} · ${s.rate}/s for ${s.durationS} s${s.rampS > 0 ? ` (ramp ${s.rampS} s)` : ''} · ${(s.dupRatio * 100).toFixed(1)}% duplicates · ${how}`);
  writeOut(`  checks: p95 < ${s.thresholds.p95Ms} ms, p99 < ${s.thresholds.p99Ms} ms, errors <= ${s.thresholds.maxErrorRatePct}%`);
  writeOut('\nNext:');
  if (s.signing.credential !== 'none') writeOut(`  export ${s.secretEnv}=…   # ${s.signing.holds}`);
  writeOut(`  npx artillery@${ARTILLERY_VERSION} run --output report.json ${s.dir.replace(/\/$/, '')}/${FILES.script}`);
  writeOut('  cg-hooks import artillery report.json');
  if (s.signing.credential === 'required' && process.env[s.secretEnv] === undefined) {
    writeErr(err.yellow(`note: ${s.secretEnv} is not set in this shell; the processor refuses to start without it`));
  }
}

export function register(program: Command): void {
  const exportCmd = program
    .command('export')
    .description('hand load past one machine to Artillery: a test that signs every request itself')
    .argument('[target]')
    .action((target?: string) => {
      throw new UsageError('bad_target', target === undefined ? 'export to what? the target so far is artillery' : `cannot export to "${target}": the target so far is artillery`, 'cg-hooks export artillery <provider> --to <url> -o <dir>');
    });
  exportCmd
    .command('artillery')
    .description(`write a self-contained Artillery ${ARTILLERY_VERSION} test: realistic deliveries, fresh ids, signed per request, exact duplicates`)
    .argument('<provider>', 'provider id (see `cg-hooks providers`)')
    .argument('[events...]', 'events to send, mixed evenly (default: all of the provider\'s events)')
    .option('--to <url>', 'the receiver to load (the origin becomes the target; --target at run time overrides it)')
    .option('-o, --output <dir>', 'directory to write (created if needed)')
    .option('--secret-env <name>', 'environment variable the processor reads the secret from (default CG_HOOKS_SECRET)')
    .option('--rate <n/s>', 'deliveries per second, per load generator', '50')
    .option('--duration <duration>', `length of the test, ramp included (${DURATION_HELP}; whole seconds)`, '60s')
    .option('--ramp <duration>', `ramp from 1/s up to --rate first, within --duration (${DURATION_HELP}; default: a sixth of it, at most 10s; 0 for none)`)
    .option('--dup-ratio <share>', 'share of requests that are exact duplicates of earlier deliveries', '0.05')
    .option('--seed <n>', 'make the corpus reproducible (ids and times are fresh on every request anyway)')
    .option('--corpus <n>', 'generated deliveries to ship, for variety of bodies (default 1000)')
    .option('--mapping <file>', 'a CustomerGlu tenant payload mapping applied to every delivery')
    .option('--scheme <id>', 'sign with another scheme than the provider\'s (e.g. standard-webhooks, stripe)')
    .option('--license-code <code>', 'WebEngage license code (public: it travels in the URL)')
    .option('--p95 <duration>', `ensure: 95th percentile response time under this (${DURATION_HELP})`, '500ms')
    .option('--p99 <duration>', `ensure: 99th percentile response time under this (${DURATION_HELP})`, '1500ms')
    .option('--max-error-rate <pct>', 'ensure: at most this % of requests unanswered or not acknowledged', '1')
    .option('--force', 'replace an earlier export in the same directory (all its files together, or none)')
    .option('--json', 'print what was written as JSON')
    .addHelpText(
      'after',
      `
The secret is never written: the processor reads it from the environment variable when Artillery runs.
Artillery is not needed to export; the directory's README.md says how to run it, locally and on AWS Fargate.
The files are written aside first and then renamed into place together: a failure (a full disk, a directory
in the way, Ctrl-C) leaves an earlier export as it was (docs/load.md says what could still mix them).

Examples:
  $ cg-hooks export artillery customerglu reward --to http://127.0.0.1:3000/webhook -o load/cg
  $ cg-hooks export artillery mgpass --to https://staging.example.com/hooks/mgpass --rate 200 --duration 5m --dup-ratio 0.1 -o load/mgpass
  $ cg-hooks export artillery reward trigger_event.created --to http://127.0.0.1:3000/reward --rate 20 --duration 10s -o load/reward`,
    )
    .action(action(run));
}
