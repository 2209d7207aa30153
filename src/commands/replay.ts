import type { Command } from 'commander';
import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { readCapture } from '../core/capture.js';
import { replayFiles, type ReplayOptions, type ReplayResult, type ReplaySummary } from '../http/replay.js';
import { parseTargetUrl } from '../http/request.js';
import { EXIT, UsageError } from '../output/errors.js';
import { formatBytes } from '../output/delivery.js';
import { err, out, writeErr, writeOut } from '../output/style.js';
import { action, DURATION_HELP, DURATIONS, durationOption, parseOptions } from './shared.js';
import { credentialsFrom } from './signing-options.js';
import { jsonText } from '../core/json-text.js';

const Options = z.object({
  to: z.optional(z.string()),
  resign: z.optional(z.boolean()),
  secret: z.optional(z.string()),
  apiKey: z.optional(z.string()),
  user: z.optional(z.string()),
  licenseCode: z.optional(z.string()),
  provider: z.optional(z.string()),
  timeout: z.optional(z.string()),
  insecure: z.optional(z.boolean()),
  json: z.optional(z.boolean()),
});

/** Capture files in replay order, kept as one name list per directory: a path is only joined when it is read. */
export class CaptureFileList {
  private readonly groups: Array<{ dir: string | null; names: string[] }> = [];
  length = 0;
  add(dir: string | null, names: string[]): void {
    this.groups.push({ dir, names });
    this.length += names.length;
  }
  at(index: number): string | undefined {
    for (const g of this.groups) {
      if (index < g.names.length) return g.dir === null ? g.names[index] : join(g.dir, g.names[index]!);
      index -= g.names.length;
    }
    return undefined;
  }
}

/**
 * Capture files named on the command line; a directory stands for its *.json files in name (= arrival) order.
 * The listing is streamed (a save directory can hold hundreds of thousands of captures): only names are kept,
 * about 50 bytes each.
 */
export async function captureFiles(args: string[]): Promise<CaptureFileList> {
  const files = new CaptureFileList();
  for (const arg of args) {
    let isDir = false;
    try {
      isDir = (await stat(arg)).isDirectory();
    } catch {
      throw new UsageError('unreadable_file', `cannot read capture ${arg}: no such file or directory`);
    }
    if (!isDir) {
      files.add(null, [arg]);
      continue;
    }
    const names: string[] = [];
    try {
      for await (const entry of await opendir(arg, { bufferSize: 256 })) if (entry.name.endsWith('.json') && !entry.isDirectory()) names.push(entry.name);
    } catch (e) {
      throw new UsageError('unreadable_file', `cannot read directory ${arg}: ${(e as Error).message}`);
    }
    if (names.length === 0) throw new UsageError('no_captures', `${arg} holds no capture files (*.json)`, 'save some with `cg-hooks listen --save <dir>`');
    files.add(arg, names.sort());
  }
  return files;
}

/** 0 all 2xx · 1 a non-2xx answer · 3 a network failure (it wins: nothing was checked). */
export function replayExitCode(results: ReplayResult[] | ReplaySummary): number {
  if (Array.isArray(results)) {
    if (results.some((r) => r.error)) return EXIT.network;
    return results.every((r) => r.ok) ? EXIT.ok : EXIT.checkFailed;
  }
  if (results.networkError) return EXIT.network;
  return results.ok === results.replayed ? EXIT.ok : EXIT.checkFailed;
}

export function formatResult(r: ReplayResult, index: number): string {
  const name = r.file ?? `capture ${index + 1}`;
  const what = `${r.provider ?? 'unknown'} ${r.event ?? '?'}${r.resigned ? ' (re-signed)' : ''}`;
  if (r.error) return `${out.red('✗')} ${name}  ${what}  ${out.red(r.error.message)}`;
  const status = r.ok ? out.green(String(r.status)) : out.red(String(r.status));
  return `${r.ok ? out.green('✓') : out.red('✗')} ${name}  ${what}  → ${status}  ${r.latencyMs} ms  ${out.dim(formatBytes(r.bytes))}`;
}

export async function run(args: string[], rawOptions: unknown): Promise<number> {
  const o = parseOptions(Options, rawOptions);
  if (o.to === undefined) throw new UsageError('missing_option', 'replay needs --to <url>: where to resend the captures');
  parseTargetUrl(o.to, '--to');
  if (args.length === 0) throw new UsageError('missing_argument', 'name at least one capture file or directory');
  // Re-signing uses one key: CG_HOOKS_SECRET (empty = unset) when --secret is not given.
  const [secret] = credentialsFrom(o).secrets;
  const files = await captureFiles(args);
  const options: ReplayOptions = { to: o.to, resign: o.resign === true };
  if (secret !== undefined) options.secret = secret;
  if (o.apiKey !== undefined) options.apiKey = o.apiKey;
  if (o.user !== undefined) options.user = o.user;
  if (o.licenseCode !== undefined) options.licenseCode = o.licenseCode;
  if (o.provider !== undefined) options.provider = o.provider;
  if (o.insecure) options.insecure = true;
  if (o.timeout !== undefined) options.timeoutMs = durationOption(o.timeout, '--timeout', DURATIONS.request);

  const json = o.json === true;
  const progress = !json && process.stderr.isTTY === true && files.length > 1000;
  let index = 0;
  let lastProgress = 0;
  let networkHint: string | undefined;
  const summary = await replayFiles(files, readCapture, options, {
    onChecked: progress
      ? (done, total) => {
          if (done !== total && done - lastProgress < 5000) return;
          lastProgress = done;
          process.stderr.write(`\rchecking captures: ${done}/${total}${done === total ? '\n' : ''}`);
        }
      : undefined,
    onResult: (r) => {
      networkHint ??= r.error?.hint;
      if (json) writeOut(jsonText(r));
      else writeOut(formatResult(r, index));
      index++;
    },
  });
  const code = replayExitCode(summary);
  const skipped = files.length - summary.replayed;
  const failed = summary.replayed - summary.ok;
  if (json) writeOut(jsonText({ type: 'summary', replayed: summary.replayed, ok: summary.ok, failed, skipped, exitCode: code }));
  else {
    const rest = skipped > 0 ? `; ${skipped} not sent after the network failure` : '';
    writeErr(err.dim(`replayed ${summary.replayed} ${summary.replayed === 1 ? 'capture' : 'captures'}: ${summary.ok} answered 2xx, ${failed} did not${rest}`));
    if (networkHint) writeErr(err.dim(`hint: ${networkHint}`));
    if (summary.droppedHeaders.length > 0) {
      writeErr(
        err.dim(
          `hint: captures keep credentials masked, so ${summary.droppedHeaders.join(', ')} was not sent; add it back with --resign and --user <user:password>, --api-key <key>, or (WebEngage) --license-code <code> --secret <key>`,
        ),
      );
    }
  }
  return code;
}

export function register(program: Command): void {
  program
    .command('replay')
    .description('resend saved captures byte for byte (or re-signed) to a URL')
    .argument('<capture...>', 'capture files from `listen --save`, or directories of them')
    .option('--to <url>', 'where to send (the capture\'s query parameters are added)')
    .option('--resign', 'replace the signature with a fresh one for the same bytes (needs --secret for signing providers)')
    .option('--secret <s>', 'secret to re-sign with (env CG_HOOKS_SECRET)')
    .option('--api-key <key>', 'X-API-KEY to re-sign with')
    .option('--user <user:password>', 'basic auth to re-sign with')
    .option('--license-code <code>', 'WebEngage license code to re-sign with')
    .option('--provider <id>', 'sign as this provider (for captures whose provider was not recognised)')
    .option('--timeout <duration>', `bounds each whole request, response body included (${DURATION_HELP}; default 10s)`)
    .option('--insecure', 'accept self-signed HTTPS certificates')
    .option('--json', 'NDJSON: one line per capture, then a summary')
    .addHelpText(
      'after',
      `
Sends the original method, body bytes and end-to-end headers (Host, Content-Length, Connection and other
hop-by-hop headers are recomputed). Every capture is checked before the first is sent: a damaged or edited one
(bad JSON, a damaged bodyBase64, a header with a line break or outside Latin-1, a bad method) is exit 2 naming
the file, and nothing is sent. Credentials masked in a capture are never sent; --resign adds fresh ones.
Exit: 0 all 2xx · 1 a non-2xx · 2 bad capture file · 3 network failure.

Examples:
  $ cg-hooks replay captures/ --to http://127.0.0.1:3000/webhook
  $ cg-hooks replay captures/20260101T120000.123Z-000001-customerglu-reward.json --to http://127.0.0.1:3000/webhook
  $ cg-hooks replay captures/ --to https://staging.example.com/webhook --resign --secret "$NEW_SECRET" --json`,
    )
    .action(action(run));
}
