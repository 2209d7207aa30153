import type * as z from 'zod/mini';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { UsageError } from '../output/errors.js';
import { err } from '../output/style.js';
import { formatPath } from '../core/field-path.js';
import { checkDuration, type DurationRule } from '../core/duration.js';

/** The exit code of the command that ran; cli.ts reads it after parsing. */
export const state = { exitCode: 0 };

/** Wraps a command's run function as a commander action that records its exit code. */
export function action<A extends unknown[]>(run: (...args: A) => Promise<number> | number) {
  return async (...args: A) => {
    state.exitCode = await run(...args);
  };
}

/** commander collector for repeatable options (`--set a=1 --set b=2`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Parses commander's options through a command's zod schema; field errors become one usage line. */
export function parseOptions<T extends z.ZodMiniType>(schema: T, options: unknown): z.infer<T> {
  const result = schema.safeParse(options);
  if (result.success) {
    checkUser((result.data as { user?: unknown }).user);
    warnSecretWhitespace(schema, result.data);
    return result.data;
  }
  const first = result.error.issues[0]!;
  const flag = `--${String(formatPath(first.path)).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  // An enum (--algorithm, --encoding): say what is valid.
  const values = (first as { values?: unknown[] }).values;
  if (first.code === 'invalid_value' && Array.isArray(values)) {
    const given = first.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k as PropertyKey], options);
    throw new UsageError('bad_option', `${flag}: "${String(given)}" is not one of ${values.map(String).join(', ')}`);
  }
  throw new UsageError('bad_option', `${flag}: ${first.message === 'Invalid input' ? 'invalid value' : first.message}`);
}

/**
 * `--user` is HTTP Basic's user:password wherever it is accepted (send, sign, verify, listen, replay, test,
 * scenario): without a colon the Authorization header would be invalid. The value is not echoed: it may be a password.
 */
function checkUser(user: unknown): void {
  if (typeof user === 'string' && !user.includes(':')) throw new UsageError('bad_option', '--user: expected user:password (a colon between them)', 'for example --user acme:pa55');
}

/** "a trailing newline", "leading spaces"…: what surrounds a secret, in words; undefined when nothing does. */
export function secretWhitespace(secret: string): string | undefined {
  const lead = /^\s+/.exec(secret)?.[0] ?? '';
  const trail = /\s+$/.exec(secret)?.[0] ?? '';
  if (lead === '' && trail === '') return undefined;
  const kind = (ws: string) => (/[\r\n]/.test(ws) ? 'newline' : /\t/.test(ws) ? 'tab' : 'space');
  if (lead === '') return `a trailing ${kind(trail)}`;
  if (trail === '') return `a leading ${kind(lead)}`;
  return 'whitespace at both ends';
}

/**
 * A secret read from a file (`--secret "$(cat key)"` is fine; `CG_HOOKS_SECRET=$(< key)` too, but an editor's or a
 * heredoc's newline is not) signs with that newline: the signatures then never match. Said, never "fixed": the
 * bytes of a secret are the user's. The value itself is never printed.
 */
function warnSecretWhitespace(schema: z.ZodMiniType, data: unknown): void {
  const shape = (schema as { _zod?: { def?: { shape?: Record<string, unknown> } } })._zod?.def?.shape;
  if (!shape || !('secret' in shape)) return;
  const given = (data as { secret?: string | string[] }).secret;
  const fromFlag = given === undefined ? [] : Array.isArray(given) ? given : [given];
  const env = process.env.CG_HOOKS_SECRET;
  const checked: Array<[string, string]> = fromFlag.length > 0 ? fromFlag.map((s, i) => [fromFlag.length > 1 ? `--secret #${i + 1}` : '--secret', s]) : env ? [['CG_HOOKS_SECRET', env]] : [];
  for (const [where, secret] of checked) {
    const ws = secretWhitespace(secret);
    if (ws) process.stderr.write(`${err.yellow(`warning: ${where} has ${ws}`)}: it is used as given, and a sender or receiver whose secret has none computes another signature; strip it if it came from a file or an editor\n`);
  }
}

/** The largest body read from a file or stdin: past it, one clear line instead of running out of memory. */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

const tooLarge = (what: string, path: string, max: number) => {
  const given = path === '-' ? 'that the right file is piped in' : 'that the right file is given';
  return new UsageError('input_too_large', `${what} ${path === '-' ? '(stdin)' : path} is larger than ${max % (1024 * 1024) === 0 ? `${max / 1024 / 1024} MiB` : `${max} bytes`}`, max === MAX_INPUT_BYTES ? `webhook bodies are small: check ${given}` : `check ${given}`);
};

/**
 * Reads stdin to its end, asynchronously. A synchronous read (readFileSync(0)) fails with EAGAIN when stdin is a
 * non-blocking pipe or a terminal, which it often is by the time a command runs (`generate … | sign --body -`).
 */
export async function readStdin(what = 'stdin', stdin: NodeJS.ReadableStream = process.stdin, path = '-', max = MAX_INPUT_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stdin) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
      size += buffer.length;
      if (size > max) {
        (stdin as Partial<Readable>).destroy?.();
        throw tooLarge(what, path, max);
      }
      chunks.push(buffer);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError('unreadable_file', `cannot read ${what} ${path === '-' ? 'from stdin' : path}: ${(e as Error).message}`);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Reads a file (or stdin for "-") as bytes, with a usage error that names the file; stdin must not be empty. `max`:
 * a caller whose files are small (a scenario, a mapping: 1 MiB) stops reading a device or a pipe there.
 */
export async function readInput(path: string, what = 'file', max = MAX_INPUT_BYTES): Promise<Buffer> {
  if (path === '-') {
    if (process.stdin.isTTY) process.stderr.write(`reading ${what.replace(/ file$/, '')} from the terminal: end it with Ctrl-D\n`);
    const bytes = await readStdin(what, process.stdin, '-', max);
    if (bytes.length === 0) throw new UsageError('empty_input', `${what.replace(/ file$/, '')} -: stdin was empty`, 'pipe the bytes in, e.g. cg-hooks generate customerglu reward | cg-hooks sign customerglu --body -');
    return bytes;
  }
  try {
    const stat = statSync(path);
    // A device or a FIFO (/dev/zero, `--body <(…)`) has no size to check first: read it as a stream, bounded.
    if (!stat.isFile() && !stat.isDirectory()) return await readStdin(what, createReadStream(path), path, max);
    if (stat.size > max) throw tooLarge(what, path, max);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    // Inline JSON where a file is expected is the most common slip: say how to pass bytes instead.
    if (code === 'ENOENT' && /^\s*[[{"]/.test(path)) {
      const flag = what.replace(/ file$/, '');
      const shown = path.length > 40 ? `${path.slice(0, 37)}…` : path;
      throw new UsageError('unreadable_file', `${flag} takes a file name, and ${shown} looks like the JSON itself`, `save the bytes to a file, or pipe them in with "-": printf '%s' '<json>' | cg-hooks … ${flag} -`);
    }
    throw new UsageError('unreadable_file', `cannot read ${what} ${path}: ${reason}`);
  }
}

/** ISO-8601 as people write it: a date, and maybe a time and a zone. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Parses a time given as ISO-8601 (without a zone: UTC), unix seconds or unix milliseconds into ms. */
export function parseTime(given: string, flag: string): number {
  const text = given.trim();
  // The unit is told by the digits that count: leading zeros would make seconds look like milliseconds.
  const digits = text.replace(/^0+(?=\d)/, '');
  if (/^\d{1,11}$/.test(digits)) return inSignableRange(Number(digits) * 1000, text, flag);
  if (/^\d{12,}$/.test(digits)) return inSignableRange(Number(digits), text, flag);
  // Only ISO-8601 reaches Date.parse: its fallback reads "-5", "1.5" or "Jan 1" as days of 2001, a silent wrong time.
  // A time of day without a zone is UTC, as a date alone is: Date.parse reads it in the machine's zone, so the same
  // command signed another t= on a laptop in Kolkata than in CI.
  const utc = /[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/i.test(text) ? `${text}Z` : text;
  const ms = ISO_TIME.test(text) && dayExists(text) ? Date.parse(utc) : Number.NaN;
  if (Number.isNaN(ms)) throw new UsageError('bad_option', `${flag}: "${text}" is not a time (use ISO-8601 like 2026-01-01T00:00:00Z, or unix seconds)`);
  return inSignableRange(ms, text, flag);
}

/** Whether an ISO date's day is in its month: V8 reads 2026-02-30 as 2 March. */
function dayExists(iso: string): boolean {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number) as [number, number, number];
  return d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** After this, a time is a typo (14 digits read as milliseconds, 11 as seconds: years past 5000), not a test case. */
const LAST_TIME_MS = Date.UTC(2200, 0, 1);

// (Before 1970 is left to what reads the time: an ISO date of 1969 signs a negative t=, a receiver's test case, and
// `generate --now` stops at the first payload its schema refuses, exit 2.)
function inSignableRange(ms: number, text: string, flag: string): number {
  if (ms < LAST_TIME_MS) return ms;
  throw new UsageError('bad_option', `${flag}: "${text}" is in the year ${new Date(ms).getUTCFullYear()}: expected a time before 2200 (unix seconds have 10 digits, milliseconds 13)`);
}

/**
 * A spinner for long work, on a terminal only. A terminal that reports zero columns (some pseudo-terminals, `script`)
 * would send ora's line arithmetic into a loop of cursor-up sequences: no spinner there.
 */
export async function spinner(enabled: boolean) {
  if (!enabled || process.stderr.isTTY !== true || (process.stderr.columns ?? 0) <= 0) return undefined;
  const { default: ora } = await import('ora');
  return ora({ stream: process.stderr, discardStdin: false });
}

export const jsonRequested = (argv: readonly string[]) => argv.includes('--json');

/** A whole number in [min, max] from a flag's text, or a usage error naming the flag and both bounds. */
export function boundedInteger(text: string, flag: string, min: number, max: number, why = ''): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
  const range = `a whole number from ${min} to ${max.toLocaleString('en-US')}`;
  if (Number.isFinite(Number(text)) && Number(text) > max) throw new UsageError('bad_option', `${flag}: at most ${max.toLocaleString('en-US')}${why ? ` (${why})` : ''}, got ${text}`);
  throw new UsageError('bad_option', `${flag}: expected ${range}, got "${text}"`);
}

/** A whole number >= min from a flag's text, or a usage error naming the flag. */
export function positiveInteger(text: string, flag: string, min = 1): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError('bad_option', `${flag}: expected a whole number >= ${min}, got "${text}"`);
  }
  return Number(text);
}

/** The duration rules of the flags: one grammar (`500ms`, `30s`, `2m`; a bare number is seconds), bounds per use. */
export const DURATIONS = {
  /** A whole request (send, test, replay, scenario, --forward-to): > 0, at most 10 min; bare up to 2 min. */
  request: { positive: true, maxMs: 600_000, bareMaxMs: 120_000 },
  /** A wait between attempts or before reading again: at most 1 h; bare up to 2 min. */
  wait: { maxMs: 3_600_000, bareMaxMs: 120_000 },
  /** A latency threshold (export --p95/--p99): > 0, at most 10 min; bare up to 1 min. */
  latency: { positive: true, maxMs: 600_000, bareMaxMs: 60_000 },
  /** How long a listener runs: > 0, at most 7 days (a timer's limit is 24 days). */
  run: { positive: true, maxMs: 7 * 86_400_000 },
} satisfies Record<string, DurationRule>;

/** Help text for a duration flag's value, said the same way everywhere. */
export const DURATION_HELP = '500ms, 30s, 2m; a bare number is seconds';

/** A duration flag's value in ms, or a usage error naming the flag, the grammar and the bounds. */
export function durationOption(text: string, flag: string, rule: DurationRule): number {
  const r = checkDuration(text, rule);
  if ('problem' in r) throw new UsageError('bad_option', `${flag}: ${r.problem}`);
  return r.ms;
}

/** `--retry-delays 0,1s,5s`: a comma-separated list of durations. */
export function durationList(text: string, flag: string, rule: DurationRule): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new UsageError('bad_option', `${flag}: expected a comma-separated list such as 0,1s,5s, got "${text}"`);
  return parts.map((p) => durationOption(p, flag, rule));
}
