import type { Command } from 'commander';
import { closeSync, openSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod/mini';
import { bodyCompilerFor, prepareGenerator, type GenerateOptions, type PreparedGenerator } from '../core/generate.js';
import { writtenInPlace } from '../core/write-whole.js';
import { CHUNK, fromWorkerError, makeChunk, type ChunkState } from '../core/generate-chunks.js';
import { parseJson } from '../core/json.js';
import type { FieldIssue } from '../core/validate.js';
import { parseAssignment } from '../core/paths.js';
import { isObject } from '../providers/helpers.js';
import { loadProvider } from '../providers/index.js';
import { EXIT, UsageError } from '../output/errors.js';
import { stdoutSink, writeAll } from '../output/stdout.js';
import { err, writeErr } from '../output/style.js';
import { isTerminal } from '../output/terminal.js';
import { readMappingOption } from './mapping-option.js';
import { action, collect, parseOptions, parseTime, positiveInteger, readInput } from './shared.js';

/** Options shared by every command that builds a payload (`generate`, `send`). */
export const PayloadOptions = z.object({
  set: z.optional(z.array(z.string())),
  unset: z.optional(z.array(z.string())),
  data: z.optional(z.string()),
  variant: z.optional(z.string()),
  seed: z.optional(z.string()),
  now: z.optional(z.string()),
  validate: z.optional(z.boolean()),
  ascii: z.optional(z.boolean()),
  mapping: z.optional(z.string()),
});

const Options = z.extend(PayloadOptions, {
  count: z.optional(z.string()),
  pretty: z.optional(z.boolean()),
  output: z.optional(z.string()),
  json: z.optional(z.boolean()),
  threads: z.optional(z.string()),
});

/**
 * `--count` from here on may use worker threads when `--threads` is not given (src/core/generate-parallel.ts decides:
 * idle CPUs, and a run long enough): below it, starting one (50-100 ms of CPU) cannot pay.
 */
export const THREADS_FROM = 20_000;
const MAX_THREADS = 64;

/** Turns the shared payload flags into library options (reads --data, parses --set). */
export async function payloadOptions(o: z.infer<typeof PayloadOptions>): Promise<GenerateOptions> {
  const options: GenerateOptions = { validate: o.validate !== false };
  if (o.variant !== undefined) options.variant = o.variant;
  if (o.seed !== undefined) options.seed = /^-?\d+$/.test(o.seed) ? Number(o.seed) : o.seed;
  if (o.now !== undefined) options.now = parseTime(o.now, '--now');
  if (o.set) options.set = o.set.map(parseAssignment);
  if (o.unset) options.unset = o.unset;
  if (o.ascii) options.ascii = true;
  if (o.mapping !== undefined) options.mapping = await readMappingOption(o.mapping);
  if (o.data !== undefined) {
    const data = parseJson((await readInput(o.data, '--data file')).toString('utf8'), o.data);
    if (!isObject(data)) throw new UsageError('bad_data', `--data ${o.data} must hold a JSON object, got ${Array.isArray(data) ? 'an array' : typeof data}`);
    options.data = data;
  }
  return options;
}

/** Warns (stderr) about --set paths the event's schema does not know: a typo is said, an extra key still goes. */
export async function warnUnknownSetPaths(gen: PreparedGenerator, options: GenerateOptions): Promise<void> {
  if (gen.mapping || !options.set?.length) return; // a tenant mapping has its own shape
  const { unknownSetPathWarnings } = await import('./set-paths.js');
  for (const w of await unknownSetPathWarnings(gen.provider, gen.event, options.set.map((s) => s.path))) writeErr(err.yellow(`warning: ${w}`));
}

/** "is a directory", "no such directory", "permission denied": why a file cannot be written, in a few words. */
function reason(e: unknown, path: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') return 'is a directory';
  if (code === 'ENOENT' || code === 'ENOTDIR') return `directory ${dirname(path)} does not exist`;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOSPC') return 'no space left on the device';
  return (e as Error).message;
}

interface Output {
  write(bytes: Buffer): void | Promise<void>;
  close(): void;
  /** The run failed or was interrupted: nothing is kept (-o: the temp file removed; stdout: what was written stays). */
  discard(): void;
  holds(): boolean;
  gone(): boolean;
}

/**
 * Writes to a temp file and renames, so a run that fails or is interrupted (Ctrl-C) leaves neither half a file
 * under the real name nor the temp file.
 */
function openOutput(path: string | undefined): Output {
  // stdout may still hold a written buffer: a pipe or terminal that could not take it at once queues it (its
  // writableLength counts it until the write completes). A file write (-o, or stdout redirected to a file) is
  // synchronous and leaves nothing queued.
  if (path === undefined) return { ...stdoutSink(), close: () => {}, discard: () => {} };
  const unwritable = (e: unknown) => new UsageError('unwritable_file', `-o ${path}: cannot write: ${reason(e, path)}`, 'give a file name, e.g. -o deliveries.ndjson');
  // An empty -o (an unset "$OUT") said "directory . does not exist".
  if (path.trim() === '') throw new UsageError('missing_option', '-o: give a file name', 'e.g. -o deliveries.ndjson');
  // Checked before anything is generated or created: the rename at the end would fail, leaving the temp file behind.
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw unwritable(e);
  }
  // A device, a pipe or /dev/stdout is written to, never renamed over (as root that replaced /dev/null with a file).
  const inPlace = writtenInPlace(path);
  // Aside under a name no one can guess and opened exclusively ('wx'): a link planted under a predictable name would
  // have been followed and written through (Math.random, not node:crypto, which loads Node's streams at start).
  const tmp = inPlace !== undefined ? path : `${path}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`;
  let fd = -1;
  const discard = () => {
    process.off('SIGINT', interrupted);
    try {
      closeSync(fd);
    } catch {
      // already closed, or never opened
    }
    try {
      if (inPlace === undefined) unlinkSync(tmp);
    } catch {
      // already gone
    }
  };
  // Node's default for Ctrl-C ends the process where it stands: the temp file goes first, then the same exit. Set
  // before the file is made: a Ctrl-C between the two (a loaded machine deschedules a process anywhere) ended the
  // process by Node's default and left the file behind.
  const interrupted = () => {
    discard();
    process.kill(process.pid, 'SIGINT');
  };
  process.once('SIGINT', interrupted);
  try {
    fd = openSync(tmp, inPlace ?? 'wx');
  } catch (e) {
    process.off('SIGINT', interrupted);
    throw unwritable(e);
  }
  const abandon = (e: unknown): never => {
    discard();
    throw unwritable(e);
  };
  return {
    holds: () => false,
    gone: () => false,
    discard,
    write: (t) => {
      try {
        // Every byte: a write the disk cut short returns fewer, and the rest would be lost from a file renamed whole.
        writeAll(fd, t);
      } catch (e) {
        abandon(e);
      }
      // A turn of the event loop per batch (64 KB): the writes are synchronous, and without it Ctrl-C's handler
      // above would only run once the whole run was written.
      return new Promise<void>((resolve) => setImmediate(resolve));
    },
    close: () => {
      process.off('SIGINT', interrupted);
      try {
        closeSync(fd);
        if (inPlace === undefined) renameSync(tmp, path);
      } catch (e) {
        abandon(e);
      }
    },
  };
}

export async function run(providerId: string, eventName: string, rawOptions: unknown): Promise<number> {
  const o = parseOptions(Options, rawOptions);
  const count = o.count === undefined ? 1 : positiveInteger(o.count, '--count');
  const threads = o.threads === undefined ? undefined : positiveInteger(o.threads, '--threads');
  if (threads !== undefined && o.count === undefined) throw new UsageError('bad_option', '--threads applies to --count: one delivery is made in one thread', 'add --count <n>, or drop --threads');
  if (threads !== undefined && threads > MAX_THREADS) throw new UsageError('bad_option', `--threads: at most ${MAX_THREADS}, got ${threads}`, 'leave --threads out: the number of CPUs is used');
  if (o.pretty && o.count !== undefined) {
    throw new UsageError('bad_option', '--pretty cannot be combined with --count: NDJSON is one compact delivery per line');
  }
  const provider = await loadProvider(providerId);
  const options = await payloadOptions(o);
  const runOptions = { ...options, pretty: o.pretty === true };
  const gen = prepareGenerator(provider, eventName, runOptions, undefined, await bodyCompilerFor(provider, count, runOptions));
  await warnUnknownSetPaths(gen, options);
  const sink = openOutput(o.output);
  try {
    await produce(gen, o, options, count, threads, sink);
  } catch (e) {
    sink.discard();
    throw e;
  }
  return finish(sink, o.output, count);
}

/** Makes the run's deliveries into `sink`: on worker threads when they pay, else here. */
async function produce(gen: PreparedGenerator, o: z.infer<typeof Options>, options: GenerateOptions, count: number, threads: number | undefined, sink: Output): Promise<void> {
  // One delivery is written as exactly its body bytes, so `generate > body.json` (or -o) can be signed and sent
  // as is; the newline is only for a terminal. NDJSON (--count) ends every line with one.
  const lineEnd = o.count !== undefined || (o.output === undefined && isTerminal(1));
  const warning = (issues: FieldIssue[]) =>
    writeErr(err.yellow(`warning: output does not match the ${gen.event.name} schema (--no-validate): ${issues.map((x) => `${x.path}: ${x.message}`).join('; ')}`));
  if (o.count === undefined) {
    const one = gen.makeText(0);
    if (one.issues.length > 0) warning(one.issues);
    const full = sink.write(Buffer.from(lineEnd ? `${one.text}\n` : one.text, 'utf8'));
    if (full) await full;
    return;
  }
  if (threads !== 1 && (threads !== undefined || count >= THREADS_FROM) && (await inThreads(gen, options, count, threads, sink, warning))) return;
  // In this thread, the chunks the workers would make, one after the other (src/core/generate-chunks.ts): one write
  // per chunk of a few hundred deliveries is what makes 100,000 a second possible, and a chunk's buffer is made
  // again only while the output still holds the last one (fresh memory is page faults and garbage).
  const state: ChunkState = { perDelivery: 1024, reported: false };
  let spare: ArrayBuffer | undefined;
  for (let from = 0; from < count && !sink.gone(); from += CHUNK) {
    const done = makeChunk(gen, { c: 0, from, to: Math.min(count, from + CHUNK), ...(spare ? { buffer: spare } : {}) }, state);
    if (done.issues) warning(done.issues);
    // Every delivery before one that failed is written, then the error is said (as with threads).
    if (done.length > 0) {
      const full = sink.write(Buffer.from(done.bytes, 0, done.length));
      if (full) await full;
    }
    if (done.error) throw fromWorkerError(done.error);
    spare = sink.holds() ? undefined : done.bytes;
  }
}

/** `--count` on worker threads (src/core/generate-parallel.ts): false when it was not done there (one CPU; a run from the sources without --threads). */
async function inThreads(gen: PreparedGenerator, options: GenerateOptions, count: number, threads: number | undefined, sink: Output, warning: (issues: FieldIssue[]) => void): Promise<boolean> {
  // Loaded only now: a short run loads neither the module nor node:worker_threads.
  const parallel = await import('../core/generate-parallel.js');
  const n = threads ?? parallel.automaticThreads();
  if (n < 2) return false;
  const { mapping: _resolvedAbove, ...rest } = options; // gen.mapping, resolved, travels as its parts
  const job = { provider: gen.provider.id, event: gen.event.name, options: rest, ...(gen.mapping ? { mapping: { source: gen.mapping.source, root: gen.mapping.root } } : {}), base: gen.base, count };
  // CG_HOOKS_TEST_WORKERS_ONLY=1 (tests): this thread writes but makes nothing, so that every chunk of a small run
  // is a worker's.
  return parallel.generateParallel(gen, job, count, n, sink, warning, { asked: threads !== undefined, workersOnly: process.env.CG_HOOKS_TEST_WORKERS_ONLY === '1' });
}

function finish(sink: { close(): void }, output: string | undefined, count: number): number {
  sink.close();
  if (output !== undefined) writeErr(err.dim(`wrote ${count} ${count === 1 ? 'delivery' : 'deliveries'} to ${output}`));
  return EXIT.ok;
}

export function addPayloadOptions(cmd: Command): Command {
  return cmd
    .option('--set <path=value>', 'set a field (dotted path, [n] for arrays; JSON values where they parse); repeatable', collect)
    .option('--unset <path>', 'remove a field; repeatable', collect)
    .option('--data <file>', 'deep-merge a JSON object file into the payload')
    .option('--variant <name>', 'a documented form of the event (see `cg-hooks providers <provider>`)')
    .option('--seed <n>', 'same seed → byte-identical output (the clock is pinned to 2026-01-01T00:00:00Z unless --now)')
    .option('--now <time>', 'the delivery time: ISO-8601 (UTC unless it gives a zone) or unix seconds (default: now)')
    .option('--no-validate', 'do not check the result against the event schema (to test how a receiver rejects bad payloads)')
    .option('--ascii', 'only ASCII in generated text (default: names, products, reward and nudge copy carry accents, ₹/€/£ and emoji, as real data does)')
    .option('--mapping <file>', "a tenant's own payload shape (CustomerGlu reward): output keys → \"$defaultKey\", static values, nested objects (docs/mappings.md)");
}

export function register(program: Command): void {
  const cmd = program
    .command('generate')
    .description('print a realistic payload for a provider event (compact JSON; NDJSON with --count)')
    .argument('<provider>', 'provider id (see `cg-hooks providers`)')
    .argument('<event>', 'event name');
  addPayloadOptions(cmd)
    .option('--count <n>', 'print n deliveries as NDJSON, each with its own ids')
    .option('--pretty', 'indent the JSON (note: providers send compact JSON)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--threads <n>', 'with --count: make deliveries in n threads (1: this one only); the same bytes whatever n (default: idle CPUs, for a run of a second or more)')
    .option('--json', 'errors as JSON on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ cg-hooks generate customerglu reward --pretty
  $ cg-hooks generate customerglu reward --variant referral --set rewardAmount=250 --set details.currency=INR
  $ cg-hooks generate rehook customer.rewarded --variant webhook-reward --seed 42
  $ cg-hooks generate mgpass rewards.points_awarded --count 1000 -o deliveries.ndjson
  $ cg-hooks generate rehook customer.rewarded --count 100000 --seed 1 --threads 2 -o load.ndjson
  $ cg-hooks generate reward trigger_event.created --unset data.user --no-validate
  $ cg-hooks generate mgpass user.login.success --seed 7 --ascii
  $ cg-hooks generate customerglu reward --mapping fixtures/customerglu/mappings/flat-wallet.json --pretty`,
    )
    .action(action(run));
}
