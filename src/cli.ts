import { readFileSync } from 'node:fs';
import { Command, CommanderError, Help, Option } from 'commander';
import { jsonRequested, state } from './commands/shared.js';
import { jsonText } from './core/json-text.js';
import { escapeTerminal } from './core/redact.js';
import { didYouMean } from './core/suggest.js';
import { CliError, EXIT, UsageError } from './output/errors.js';
import { onStdoutMade, stdoutFailure, stdoutMade, unwritableStdout, writeWholeToFile } from './output/stdout.js';
import { err } from './output/style.js';

import { VERSION } from './version.js';

type Register = (program: Command) => void;

// Each command is its own chunk: a run of `generate` loads generate's code, not the listener's or the
// signature diagnosis. Only help and mistyped commands load them all (for the list and "did you mean").
const COMMANDS: Record<string, () => Promise<{ register: Register }>> = {
  providers: () => import('./commands/providers.js'),
  generate: () => import('./commands/generate.js'),
  sign: () => import('./commands/sign.js'),
  verify: () => import('./commands/verify.js'),
  keygen: () => import('./commands/keygen.js'),
  send: () => import('./commands/send.js'),
  listen: () => import('./commands/listen.js'),
  replay: () => import('./commands/replay.js'),
  test: () => import('./commands/test.js'),
  demo: () => import('./commands/demo.js'),
  scenario: () => import('./commands/scenario.js'),
  schema: () => import('./commands/schema.js'),
  export: () => import('./commands/export.js'),
  import: () => import('./commands/import.js'),
};

/** The command named on the command line, skipping the global flags that may stand before it. */
export function commandName(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

/**
 * What the top-level help shows of a command. The build writes every command's (dist/commands.json, from
 * `describeCommands`), so that `cg-hooks --help` lists the commands without loading them all: that was most of its
 * start-up. A run from the sources has no such file and loads the commands instead.
 */
export interface CommandSummary {
  name: string;
  /** The command's term in the list, as commander writes it ("generate [options] <provider> <event>"). */
  term: string;
  description: string;
  aliases: string[];
  hidden: boolean;
  group: string | undefined;
}

function readSummaries(): CommandSummary[] | undefined {
  try {
    return JSON.parse(readFileSync(new URL('./commands.json', import.meta.url), 'utf8')) as CommandSummary[];
  } catch {
    return undefined;
  }
}

/** Stand-ins with each command's name, term and description, for the list of commands (help, "did you mean"). */
function registerSummaries(program: Command, summaries: readonly CommandSummary[]): void {
  const terms = new Map<Command, string>();
  for (const s of summaries) {
    const cmd = program.command(s.name, { hidden: s.hidden }).description(s.description);
    for (const alias of s.aliases) cmd.alias(alias);
    if (s.group !== undefined) cmd.helpGroup(s.group);
    terms.set(cmd, s.term);
  }
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd) ?? Help.prototype.subcommandTerm.call(program.createHelp(), cmd) });
}

/** Every command's summary, from the commands themselves (scripts/command-summaries.mjs writes dist/commands.json). */
export async function describeCommands(): Promise<CommandSummary[]> {
  const program = await buildProgram(['node', 'cg-hooks'], { summaries: false });
  const help = program.createHelp();
  return program.commands.map((cmd) => ({
    name: cmd.name(),
    term: help.subcommandTerm(cmd),
    description: help.subcommandDescription(cmd),
    aliases: cmd.aliases(),
    hidden: (cmd as unknown as { _hidden: boolean })._hidden,
    group: (cmd as unknown as { _helpGroupHeading?: string })._helpGroupHeading,
  }));
}

export async function buildProgram(argv: readonly string[] = process.argv, options: { summaries?: false } = {}): Promise<Command> {
  const name = commandName(argv);
  // `cg-hooks help generate` shows generate's own help: that command, loaded.
  const topic = name === 'help' ? argv.slice(2).filter((a) => !a.startsWith('-'))[1] : undefined;
  const one = name !== undefined && name in COMMANDS ? name : topic !== undefined && topic in COMMANDS ? topic : undefined;
  const summaries = one === undefined && options.summaries !== false ? readSummaries() : undefined;
  const wanted = one !== undefined ? [one] : summaries ? [] : Object.keys(COMMANDS);
  const registers = (await Promise.all(wanted.map((n) => COMMANDS[n]!()))).map((m) => m.register);
  const program = new Command('cg-hooks')
    .description('Generate, sign, send, verify and receive rewards & loyalty webhooks')
    .version(VERSION, '-V, --version', 'print the version')
    .addOption(new Option('--no-color', 'disable colours (also NO_COLOR=1)'))
    .addOption(new Option('--debug', 'show stack traces for unexpected errors'))
    .showSuggestionAfterError(true)
    .enablePositionalOptions(false)
    .exitOverride()
    .configureOutput({
      // With --json, commander's own error text would corrupt stdout's JSON: the handler below prints it.
      outputError: (text, write) => {
        // What was typed comes back in the message (an unknown option, a value): shown, never obeyed by the terminal.
        if (!jsonRequested(process.argv)) write(err.red(escapeTerminal(text, { multiline: true })));
      },
    })
    .addHelpText(
      'after',
      `
Examples:
  $ npx cg-hooks demo                                   # the whole loop, offline, in seconds
  $ cg-hooks providers                                  # what cg-hooks knows
  $ cg-hooks generate customerglu reward --pretty       # a realistic payload
  $ cg-hooks send mgpass rewards.points_awarded --to http://127.0.0.1:3000/webhook --secret s3cret
  $ cg-hooks verify customerglu --secret s3cret --body body.json --signature 9f2c...  --explain
  $ cg-hooks listen --port 3000 --secret s3cret --save captures/

Exit codes: 0 ok · 1 check failed · 2 bad usage or input · 3 network failure · 130 interrupted`,
    );
  for (const register of registers) register(program);
  if (summaries) registerSummaries(program, summaries);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** commander's `commander.unknownOption` in the spelling of every other code: `unknown_option`. */
export function snakeCode(code: string): string {
  return code.replace(/^commander\./, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * The one JSON shape of an error on stdout: `{"error":{"code","message","hint"}}`. False when stdout could not take
 * it (a full disk): the caller says it on stderr instead.
 */
function writeJsonError(code: string, message: string, hint?: string): boolean {
  process.stdout.write(`${jsonText({ error: { code, message, ...(hint ? { hint } : {}) } })}\n`);
  return stdoutFailure() === undefined;
}

/** commander's message split in two: its first line, and "(Did you mean --timeout?)" or the help to read. */
function commanderParts(error: CommanderError, argv: readonly string[]): { message: string; hint: string; help: string } {
  const [first = '', ...rest] = error.message.replace(/^error: /, '').split('\n');
  const guess = /\(Did you mean (.+)\?\)/.exec(rest.join(' '))?.[1];
  const name = commandName(argv);
  const help = `see \`${name !== undefined && name in COMMANDS ? `cg-hooks ${name} --help` : 'cg-hooks --help'}\``;
  return { message: first.trim(), hint: guess ? `did you mean ${guess}? (${help})` : help, help };
}

/** Maps any error to an exit code and prints it: JSON on stdout with --json, one line on stderr otherwise. */
export function reportError(error: unknown, argv: readonly string[]): number {
  // A JSON error goes to stdout, except when stdout is what failed (a full disk): then the one line goes to stderr.
  const json = jsonRequested(argv) && !(error instanceof CliError && error.code === 'unwritable_output') && stdoutFailure() === undefined;
  if (error instanceof CommanderError) {
    if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) return EXIT.ok;
    const { message, hint, help } = commanderParts(error, argv);
    // Without --json commander has printed its own lines (outputError above, "Did you mean" included): the help follows.
    if (json && writeJsonError(snakeCode(error.code), message, hint)) return EXIT.usage;
    // Under --json commander printed nothing: the message goes with its hint.
    if (jsonRequested(argv)) process.stderr.write(`${err.red('error:')} ${escapeTerminal(message)}\n${err.dim(`hint: ${escapeTerminal(hint)}`)}\n`);
    else process.stderr.write(`${err.dim(`hint: ${help}`)}\n`);
    return EXIT.usage;
  }
  if (error instanceof CliError) {
    if (!json || !writeJsonError(error.code, error.message, error.hint)) {
      // A message often quotes what was given (a value, a file's text): control characters in it are shown escaped.
      process.stderr.write(`${err.red('error:')} ${escapeTerminal(error.message)}\n`);
      if (error.hint) process.stderr.write(`${err.dim(`hint: ${escapeTerminal(error.hint)}`)}\n`);
    }
    if (argv.includes('--debug')) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EPIPE') return EXIT.ok; // the reader went away (`| head`): not our failure
  if (!json || !writeJsonError('internal', String(e?.message ?? e), 'run again with --debug for the stack trace, and please report it')) {
    process.stderr.write(`${err.red('internal error:')} ${escapeTerminal(String(e?.message ?? e))}\n`);
    process.stderr.write(argv.includes('--debug') ? `${e?.stack}\n` : err.dim('hint: run again with --debug for the stack trace, and please report it\n'));
  }
  return EXIT.checkFailed;
}

/** How long the process waits at exit for a pipe that takes nothing of what is queued for it. */
export const EXIT_DRAIN_MS = 2000;

/**
 * process.exit can cut off output still queued for a pipe: wait for stdout to drain first. A slow reader gets
 * everything (the wait goes on while it reads); one that takes nothing for EXIT_DRAIN_MS is given up on, said on
 * stderr, so that a process whose stdout is never read still ends.
 */
async function flushAndExit(code: number): Promise<never> {
  // Nothing can be queued in a stream nobody made (`generate` writes to the descriptor itself): making it here
  // would only load the stream modules to find it empty.
  if (!stdoutMade()) process.exit(code);
  const stdout = process.stdout;
  let left = stdout.writableLength;
  // Not `writableNeedDrain`: a short last line (a summary) queued behind a pipe the reader has not emptied leaves
  // it false, and 'drain' never comes. An empty write's callback runs once everything before it is written.
  while (stdout.writableLength > 0 && !stdout.destroyed) {
    const flushed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), EXIT_DRAIN_MS);
      stdout.write('', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (flushed) break;
    if (stdout.writableLength >= left) {
      process.stderr.write(`${err.yellow('warning:')} stdout took nothing for ${EXIT_DRAIN_MS / 1000} s: exiting with ${stdout.writableLength} bytes of output not written\n`);
      break;
    }
    left = stdout.writableLength;
  }
  process.exit(code);
}

/** `cg-hooks help nope`: commander would print the general help and exit 0; an unknown command is exit 2. */
function checkHelpTopic(argv: readonly string[]): void {
  const args = argv.slice(2).filter((a) => !a.startsWith('-'));
  if (args[0] !== 'help' || args[1] === undefined || args[1] in COMMANDS) return;
  const guess = didYouMean(args[1], Object.keys(COMMANDS));
  throw new UsageError('unknown_command', `unknown command '${args[1]}'`, `${guess ? `did you mean ${guess}? ` : ''}run \`cg-hooks --help\` for the commands`);
}

export async function main(argv: string[]): Promise<void> {
  onStdoutMade((stdout) => {
    writeWholeToFile(stdout);
    // Other errors (a full disk) are kept by output/stdout.ts and said below.
    stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(EXIT.ok);
    });
  });
  let code: number;
  let reported: unknown;
  try {
    checkHelpTopic(argv);
    await (await buildProgram(argv)).parseAsync(argv);
    code = state.exitCode;
  } catch (error) {
    reported = error;
    code = reportError(error, argv);
  }
  // Output that did not reach a file (a full disk) is never a success, whoever wrote it (commander's help too).
  // A synchronous stream's error (stdout on /dev/full) is only emitted on a later tick: read it off the stream.
  const errored = stdoutMade() ? (process.stdout.errored as NodeJS.ErrnoException | null) : null;
  if (errored && errored.code !== 'EPIPE') unwritableStdout(errored);
  const lost = stdoutFailure();
  if (lost !== undefined && lost !== reported) {
    const lostCode = reportError(lost, argv);
    if (code === EXIT.ok) code = lostCode;
  }
  await flushAndExit(code);
}
