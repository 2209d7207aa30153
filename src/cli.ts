import { Command, CommanderError, Option } from 'commander';
import { register as demo } from './commands/demo.js';
import { register as generate } from './commands/generate.js';
import { register as listen } from './commands/listen.js';
import { register as providers } from './commands/providers.js';
import { register as replay } from './commands/replay.js';
import { register as send } from './commands/send.js';
import { jsonRequested, state } from './commands/shared.js';
import { register as sign } from './commands/sign.js';
import { register as test } from './commands/test.js';
import { register as verify } from './commands/verify.js';
import { CliError, EXIT } from './output/errors.js';
import { err } from './output/style.js';

declare const __CG_HOOKS_VERSION__: string;
export const VERSION = typeof __CG_HOOKS_VERSION__ === 'string' ? __CG_HOOKS_VERSION__ : '0.0.0-dev';

export function buildProgram(): Command {
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
        if (!jsonRequested(process.argv)) write(err.red(text));
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
  for (const register of [providers, generate, sign, verify, send, listen, replay, test, demo]) register(program);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Maps any error to an exit code and prints it: JSON on stdout with --json, one line on stderr otherwise. */
export function reportError(error: unknown, argv: readonly string[]): number {
  const json = jsonRequested(argv);
  if (error instanceof CommanderError) {
    if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) return EXIT.ok;
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: error.code.replace('commander.', ''), message: error.message.replace(/^error: /, '') } })}\n`);
    return EXIT.usage;
  }
  if (error instanceof CliError) {
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
    else {
      process.stderr.write(`${err.red('error:')} ${error.message}\n`);
      if (error.hint) process.stderr.write(`${err.dim(`hint: ${error.hint}`)}\n`);
    }
    if (argv.includes('--debug')) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EPIPE') return EXIT.ok; // the reader went away (`| head`): not our failure
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: 'internal', message: String(e?.message ?? e) } })}\n`);
  else {
    process.stderr.write(`${err.red('internal error:')} ${e?.message ?? String(e)}\n`);
    process.stderr.write(argv.includes('--debug') ? `${e?.stack}\n` : err.dim('hint: run again with --debug for the stack trace, and please report it\n'));
  }
  return EXIT.checkFailed;
}

async function flushAndExit(code: number): Promise<never> {
  // process.exit can cut off output still queued for a pipe; wait for stdout to drain first.
  if (process.stdout.writableNeedDrain) await new Promise((resolve) => process.stdout.once('drain', resolve));
  process.exit(code);
}

export async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT.ok);
  });
  let code: number;
  try {
    await buildProgram().parseAsync(argv);
    code = state.exitCode;
  } catch (error) {
    code = reportError(error, argv);
  }
  await flushAndExit(code);
}
