import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import * as z from 'zod/mini';
import { buildSendRequest, parseHeader, parseTargetUrl } from '../http/request.js';
import { loadProvider, PROVIDER_IDS } from '../providers/index.js';
import { escapeTerminal } from '../core/redact.js';
import { EXIT, UsageError } from '../output/errors.js';
import { err, out, table, writeErr, writeOut } from '../output/style.js';
import { randomSeed } from '../templates/random.js';
import { spinner as spinnerFor, action, collect, DURATION_HELP, DURATIONS, durationOption, parseOptions, parseTime, readInput } from './shared.js';
import { addSigningFlags, checkKeyRing, checkSecrets, resolveSigning, secretsFrom, SigningFlags, signOptionsFrom } from './signing-options.js';
import { jsonText } from '../core/json-text.js';

const RunOptions = z.extend(SigningFlags, {
  to: z.optional(z.string()),
  header: z.optional(z.array(z.string())),
  seed: z.optional(z.string()),
  now: z.optional(z.string()),
  chaos: z.optional(z.array(z.string())),
  timeScale: z.optional(z.string()),
  timeout: z.optional(z.string()),
  probe: z.optional(z.string()),
  probePath: z.optional(z.string()),
  probeHeader: z.optional(z.array(z.string())),
  probeWait: z.optional(z.string()),
  insecure: z.optional(z.boolean()),
  junit: z.optional(z.string()),
  json: z.optional(z.boolean()),
  mapping: z.optional(z.string()),
});
type RunOptionsRaw = z.infer<typeof RunOptions>;

function parseSeed(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) > 0xffffffff) throw new UsageError('bad_option', `--seed: expected a whole number from 0 to 4294967295, got "${text}"`);
  return Number(text);
}

function parseTimeScale(text: string): number {
  const f = Number(text);
  if (text.trim() === '' || !Number.isFinite(f) || f < 0 || f > 10) throw new UsageError('bad_option', `--time-scale: expected a factor from 0 to 10 (0.01 makes the provider's 25 s retry wait 250 ms), got "${text}"`);
  return f;
}

/**
 * A name, or something to read: "-" (stdin), anything with a slash (a pipe such as <(…) is /dev/fd/63) or a
 * .yaml/.yml/.json ending, or an existing file.
 */
function isFile(arg: string): boolean {
  return arg === '-' || /[/\\]/.test(arg) || /\.(ya?ml|json)$/i.test(arg) || (existsSync(arg) && statSync(arg).isFile());
}

/**
 * A built-in scenario, or a file, a pipe or stdin read by readInput (bounded to the format's 1 MiB while reading).
 * A scenario names no other file, so one from stdin needs no directory of its own: every path of the command line
 * (--junit, --mapping) is relative to the current directory, as always.
 */
async function loadScenario(arg: string) {
  const { parseScenario } = await import('../scenarios/parse.js');
  const { loadBuiltin } = await import('../scenarios/builtin.js');
  if (!isFile(arg)) return loadBuiltin(arg);
  const { LIMITS } = await import('../scenarios/model.js');
  let bytes: Buffer;
  try {
    bytes = await readInput(arg, 'scenario file', LIMITS.fileBytes);
  } catch (e) {
    // readInput's hint for an empty stdin is about payloads: this one says how to pipe a scenario.
    if (e instanceof UsageError && e.code === 'empty_input') throw new UsageError(e.code, 'scenario -: stdin was empty; a scenario needs name:, provider: and steps:', 'pipe one in, e.g. cg-hooks scenario show mgpass-points | cg-hooks scenario run - --to <url>');
    throw e;
  }
  return parseScenario(bytes.toString('utf8'), arg === '-' ? '(stdin)' : arg);
}

async function listCommand(rawOptions: unknown): Promise<number> {
  const o = parseOptions(z.object({ provider: z.optional(z.string()), json: z.optional(z.boolean()) }), rawOptions);
  if (o.provider !== undefined) await loadProvider(o.provider);
  const { loadAllBuiltins } = await import('../scenarios/builtin.js');
  const all = loadAllBuiltins().filter((s) => o.provider === undefined || s.provider === o.provider.toLowerCase());
  const sends = (s: (typeof all)[number]) => s.steps.reduce((n, st) => n + (st.kind === 'event' ? st.count : (s.steps.find((x) => x.id === st.repeat) as { count: number }).count), 0);
  if (o.json) {
    writeOut(jsonText(all.map((s) => ({ name: s.name, provider: s.provider, description: s.description ?? '', steps: s.steps.length, sends: sends(s), ledger: s.ledger !== undefined }))));
    return EXIT.ok;
  }
  writeOut(table(['SCENARIO', 'PROVIDER', 'STEPS', 'LEDGER', 'DESCRIPTION'], all.map((s) => [s.name, s.provider, String(s.steps.length), s.ledger ? 'yes' : '-', s.description ?? ''])));
  writeErr(err.dim('\nRun `cg-hooks scenario show <name>` to read one, `cg-hooks scenario run <name> --to <url>` to run it.'));
  return EXIT.ok;
}

async function showCommand(name: string): Promise<number> {
  const scenario = await loadScenario(name);
  process.stdout.write(scenario.text.endsWith('\n') ? scenario.text : `${scenario.text}\n`);
  return EXIT.ok;
}

/** The signed request for a body, with the credentials flags resolved exactly as `send` resolves them. */
async function signer(providerId: string, to: string, o: RunOptionsRaw) {
  const provider = await loadProvider(providerId);
  const signing = await resolveSigning(provider.id, o, 'scenario run');
  const secrets = secretsFrom(o);
  checkKeyRing(signing, secrets, 'a scenario');
  checkSecrets(signing, secrets);
  const headers = (o.header ?? []).map(parseHeader);
  const options = signOptionsFrom(signing, o, secrets);
  return (body: Buffer, event: string) => buildSendRequest({ provider, url: to, body, event, headers, ...options });
}

/** `--mapping`: event → the tenant's mapping, checked against the scenario's provider (exit 2 when it takes none). */
async function scenarioMappings(path: string, provider: import('../providers/types.js').ProviderDef) {
  const { readMappingOption } = await import('./mapping-option.js');
  const { mappingsFor, MAPPABLE } = await import('../core/mapped-provider.js');
  if (!provider.events.some((e) => e.tenantMapping !== undefined)) {
    throw new UsageError('bad_option', `--mapping: this scenario sends ${provider.name} (${provider.id}) deliveries, which have a fixed shape; tenant payload mappings apply to ${MAPPABLE} only`, 'drop --mapping, or run a customerglu scenario (cg-hooks scenario list --provider customerglu)');
  }
  return mappingsFor(provider, await readMappingOption(path));
}

function onInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = () => controller.abort();
  process.once('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}

async function runCommand(arg: string, rawOptions: unknown): Promise<number> {
  const o = parseOptions(RunOptions, rawOptions);
  if (o.to === undefined) throw new UsageError('missing_argument', 'missing --to <url>', 'usage: cg-hooks scenario run <name|file> --to <url> (see `cg-hooks scenario run --help`)');
  parseTargetUrl(o.to);
  const { parseChaos } = await import('../scenarios/chaos.js');
  const chaos = parseChaos(o.chaos);
  const seed = o.seed !== undefined ? parseSeed(o.seed) : randomSeed();
  const timeScale = o.timeScale !== undefined ? parseTimeScale(o.timeScale) : 1;
  const timeoutMs = o.timeout !== undefined ? durationOption(o.timeout, '--timeout', DURATIONS.request) : undefined;
  const probeWaitMs = o.probeWait !== undefined ? durationOption(o.probeWait, '--probe-wait', DURATIONS.wait) : undefined;
  const nowMs = o.now !== undefined ? parseTime(o.now, '--now') : Date.now();
  if (o.junit !== undefined) (await import('./junit-file.js')).checkJUnitPath(o.junit, 'scenario.xml');
  if (o.probe === undefined && (o.probePath ?? o.probeHeader ?? o.probeWait) !== undefined) throw new UsageError('bad_option', '--probe-path, --probe-header and --probe-wait go with --probe <url>');
  // stdin can be read once: the second reader would find it ended and say it was empty.
  if (arg === '-' && o.mapping === '-') throw new UsageError('bad_option', 'the scenario and --mapping cannot both be read from stdin ("-")', 'save one of them to a file, or pass the mapping as a pipe: --mapping <(cat flat-wallet.json)');

  const scenario = await loadScenario(arg);
  const provider = await loadProvider(scenario.provider);
  const { buildPlan } = await import('../scenarios/plan.js');
  const mappings = o.mapping === undefined ? undefined : await scenarioMappings(o.mapping, provider);
  const plan = await buildPlan(scenario, provider, { seed, nowMs, chaos, timeScale, sign: await signer(provider.id, o.to, o), ...(mappings ? { mappings } : {}) });
  for (const [event, m] of mappings ?? []) plan.notes.push(`${provider.id} ${event} deliveries are sent in the shape of ${m.source}`);

  let probe: import('../scenarios/probe.js').ProbeConfig | undefined;
  if (o.probe !== undefined) {
    if (!scenario.ledger) throw new UsageError('bad_option', `--probe: scenario ${scenario.name} declares no ledger, so there is nothing to check`, 'add `ledger: { user: …, amount: … }` to the scenario file (see docs/scenario.md)');
    const { checkProbe } = await import('../scenarios/probe.js');
    const users = new Set(plan.deliveries.flatMap((d) => (d.credit ? [d.credit.user] : [])));
    checkProbe(o.probe, o.probePath, users.size);
    probe = { url: o.probe, headers: Object.fromEntries((o.probeHeader ?? []).map(parseProbeHeader)), timeoutMs: timeoutMs ?? 10_000, ...(o.probePath !== undefined ? { path: o.probePath } : {}), ...(o.insecure ? { insecure: true } : {}) };
  }

  const report = await import('../scenarios/report.js');
  const human = !o.json;
  if (human) {
    writeErr(report.headerLine({ plan }, o.to));
    for (const note of plan.notes) writeErr(err.dim(`note: ${note}`));
    if (!probe && scenario.ledger) writeErr(err.dim('note: statuses only; pass --probe <url with {user}> --probe-path <path> to check the ledger'));
  }
  const spinner = await spinnerFor(human);
  const interrupt = onInterrupt();
  const { runPlan } = await import('../scenarios/runner.js');
  const result = await runPlan(
    plan,
    { timeoutMs: timeoutMs ?? provider.timeoutMs ?? 10_000, signal: interrupt.signal, ...(o.insecure ? { insecure: true } : {}), ...(probe ? { probe } : {}), ...(probeWaitMs !== undefined ? { probeWaitMs } : {}) },
    {
      onProbe: (phase, user) => spinner?.start(`reading the balance of ${user} (${phase} the run)`),
      onSendStart: (s, of) => spinner?.start(`${s.seq}/${of} ${report.stepLabel(s)}`),
      onAttempt: (s, a, of) => {
        if (spinner && !a.ok && a.attempt < of) spinner.text = `${s.seq}/${plan.sends.length} ${report.stepLabel(s)}: attempt ${a.attempt} failed, retrying`;
      },
    },
  ).finally(() => {
    spinner?.stop();
    interrupt.dispose();
  });

  // After the report: a JUnit file that cannot be written (a full disk) must not hide what was sent.
  const writeJUnit = async () => {
    if (o.junit === undefined) return;
    const { junitXml } = await import('../output/junit.js');
    const xml = junitXml({ name: `cg-hooks scenario ${scenario.name}`, timestamp: result.startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'), hostname: hostname(), properties: { scenario: scenario.name, provider: provider.id, seed: String(seed), chaos: (await import('../scenarios/chaos.js')).formatChaos(chaos) }, cases: report.junitCases(result, probe !== undefined) });
    (await import('./junit-file.js')).writeJUnitFile(o.junit, xml);
  };
  if (o.json) {
    const { writeJsonWithJUnit } = await import('./junit-file.js');
    return writeJsonWithJUnit(report.reportJson(result, o.to), result.exitCode, o.junit === undefined ? undefined : writeJUnit);
  }
  writeOut(report.formatTable(result));
  for (const line of report.ledgerLines(result)) writeOut(line.startsWith('✖') ? out.red(line) : line);
  for (const note of result.ledger?.notes ?? []) writeErr(err.dim(`note: ${note}`));
  const verdict = report.verdictLine(result);
  writeErr(result.exitCode === 0 ? err.green(verdict) : err.red(verdict));
  if (result.ledger?.message) writeErr(err.red(`ledger: ${escapeTerminal(result.ledger.message)}`));
  if (o.seed !== undefined && result.ledger?.users.some((u) => (u.credited ?? 0) < u.expected)) {
    writeErr(err.dim('hint: the same --seed sends the same ids again: a receiver that remembers them rightly credits nothing the second time; run without --seed to test afresh'));
  }
  const hint = result.unreachable?.hint ?? result.records.find((r) => r.hint && r.verdict !== 'pass')?.hint;
  if (hint) writeErr(err.dim(`hint: ${hint}`));
  if (result.exitCode !== 0) writeErr(err.dim(`re-run this exact run with --seed ${seed}${o.now === undefined ? ` --now ${new Date(nowMs).toISOString()}` : ''}`));
  await writeJUnit();
  return result.exitCode;
}

/** parseHeader's errors name `-H`; a mistake in a --probe-header is said to be there. */
function parseProbeHeader(text: string): [string, string] {
  try {
    return parseHeader(text);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    throw new UsageError(e.code, e.message.replace(/^-H\b/, '--probe-header'), 'for example --probe-header "Authorization: Bearer <token>"');
  }
}

export function register(program: Command): void {
  const scenario = program
    .command('scenario')
    .description('multi-event flows with shared ids, duplicates, reordering, delays and provider retries; a ledger check proves each delivery is credited once')
    .addHelpText(
      'after',
      `
Examples:
  $ cg-hooks scenario list
  $ cg-hooks scenario show mgpass-points > my-flow.yaml
  $ cg-hooks scenario run my-flow.yaml --to http://127.0.0.1:3000/webhook --secret s3cret --chaos duplicate=0.5,reorder`,
    );
  scenario
    .command('list')
    .description('the built-in scenarios')
    .option('--provider <id>', `only this provider's (${PROVIDER_IDS.join(', ')})`)
    .option('--json', 'a JSON array')
    .addHelpText('after', '\nExamples:\n  $ cg-hooks scenario list\n  $ cg-hooks scenario list --provider mgpass --json')
    .action(action((opts: unknown) => listCommand(opts)));
  scenario
    .command('show')
    .description('print a scenario file (a built-in one, to learn the format)')
    .argument('<name|file>', 'a built-in scenario name, or a path to a .yaml/.json file ("-": stdin)')
    .addHelpText('after', '\nExamples:\n  $ cg-hooks scenario show mgpass-points\n  $ cg-hooks scenario show rehook-referral > my-referral.yaml')
    .action(action((name: string) => showCommand(name)));
  const run = scenario
    .command('run')
    .description('send a scenario to a receiver and judge every answer (and, with --probe, the ledger)')
    .argument('<name|file>', 'a built-in scenario name, a path to a .yaml/.json file, or "-" to read it from stdin (or a pipe: <(…))');
  addSigningFlags(run)
    .option('--to <url>', 'the receiver URL (http or https)')
    .option('-H, --header <"Name: value">', 'extra header on every delivery; repeatable', collect)
    .option('--seed <n>', 'reproduce a run: the same ids, order and chaos (default: random, printed)')
    .option('--now <time>', 'the clock of the last delivery (ISO-8601, UTC unless it gives a zone, or unix seconds); with --seed, byte-identical bodies')
    .option('--chaos <knobs>', 'duplicate=p, reorder, delay=a-b, fail-retry (comma-separated; repeatable)', collect)
    .option('--time-scale <f>', 'multiply every wait (delay:, jitter, retry schedule) by f, e.g. 0.01 (default 1)')
    .option('--timeout <duration>', `bounds each whole attempt, response body included (${DURATION_HELP}; default: the provider's, else 10s)`)
    .option('--probe <url>', 'GET this before and after the run to read a balance; {user} is replaced by the user id')
    .option('--probe-path <path>', 'where the number is in the probe answer, e.g. data.points (default: the answer is the number)')
    .option('--probe-header <"Name: value">', 'header on probe requests (e.g. an API key); repeatable', collect)
    .option('--probe-wait <duration>', `wait before reading balances again, for receivers that credit asynchronously (${DURATION_HELP})`)
    .option('--insecure', 'accept self-signed HTTPS certificates')
    .option('--mapping <file>', "send CustomerGlu reward deliveries in this tenant payload mapping's shape (the scenario file stays in CustomerGlu's own; docs/mappings.md)")
    .option('--junit <file>', 'write a JUnit report: one case per step, one for the ledger')
    .option('--json', 'one JSON document: every send, every attempt, the ledger, the verdict')
    .addHelpText(
      'after',
      `
Examples:
  $ cg-hooks scenario run mgpass-points --to http://127.0.0.1:3000/webhook --secret s3cret
  $ cg-hooks scenario run mgpass-points --to http://127.0.0.1:3000/webhook --secret s3cret \\
      --chaos duplicate=1,reorder,fail-retry --time-scale 0.01 \\
      --probe "http://127.0.0.1:3000/balance/{user}" --probe-path points
  $ cg-hooks scenario run rehook-referral --to http://127.0.0.1:3000/rehook --user acme:pa55 --seed 42 --junit scenario.xml
  $ cg-hooks scenario run customerglu-reward-retry --to http://127.0.0.1:3000/webhook --secret s3cret \\
      --mapping fixtures/customerglu/mappings/flat-wallet.json
  $ cg-hooks scenario show segment-burst | sed 's/count: 10/count: 50/' | cg-hooks scenario run - --to http://127.0.0.1:3000/webhook

A scenario from stdin ("-") or a pipe is read to its end (at most 1 MiB) before anything is sent; errors
point at (stdin):line:col. A scenario names no other file; every path on the command line (--junit,
--mapping) is relative to the current directory, whether the scenario came from a file or from stdin.

Exit codes: 0 every step and the ledger passed · 1 a step or the ledger failed · 2 bad scenario or usage · 3 network failure`,
    )
    .action(action((arg: string, opts: unknown) => runCommand(arg, opts)));
}
