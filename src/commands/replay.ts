import type { Command } from 'commander';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { readCapture } from '../core/capture.js';
import { replayCaptures, type ReplayItem, type ReplayOptions, type ReplayResult } from '../http/replay.js';
import { EXIT, UsageError } from '../output/errors.js';
import { formatBytes } from '../output/delivery.js';
import { err, out, writeErr, writeOut } from '../output/style.js';
import { action, parseOptions, positiveInteger } from './shared.js';

const Options = z.object({
  to: z.optional(z.string()),
  resign: z.optional(z.boolean()),
  secret: z.optional(z.string()),
  apiKey: z.optional(z.string()),
  user: z.optional(z.string()),
  licenseCode: z.optional(z.string()),
  provider: z.optional(z.string()),
  timeout: z.optional(z.string()),
  json: z.optional(z.boolean()),
});

/** Capture files named on the command line; a directory stands for its *.json files in name (= arrival) order. */
export function captureFiles(args: string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    let isDir = false;
    try {
      isDir = statSync(arg).isDirectory();
    } catch {
      throw new UsageError('unreadable_file', `cannot read capture ${arg}: no such file or directory`);
    }
    if (!isDir) files.push(arg);
    else {
      const found = readdirSync(arg).filter((name) => name.endsWith('.json')).sort().map((name) => join(arg, name));
      if (found.length === 0) throw new UsageError('no_captures', `${arg} holds no capture files (*.json)`, 'save some with `cg-hooks listen --save <dir>`');
      files.push(...found);
    }
  }
  return files;
}

/** 0 all 2xx · 1 a non-2xx answer · 3 a network failure (it wins: nothing was checked). */
export function replayExitCode(results: ReplayResult[]): number {
  if (results.some((r) => r.error)) return EXIT.network;
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.checkFailed;
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
  try {
    const url = new URL(o.to);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new UsageError('bad_url', `--to: "${o.to}" is not an http(s) URL`);
  }
  if (args.length === 0) throw new UsageError('missing_argument', 'name at least one capture file or directory');
  const secret = o.secret ?? process.env.CG_HOOKS_SECRET;
  if (o.user !== undefined && !o.user.includes(':')) throw new UsageError('bad_option', '--user: expected user:password');
  const items: ReplayItem[] = captureFiles(args).map((file) => ({ file, capture: readCapture(file) }));
  const options: ReplayOptions = { to: o.to, resign: o.resign === true };
  if (secret !== undefined) options.secret = secret;
  if (o.apiKey !== undefined) options.apiKey = o.apiKey;
  if (o.user !== undefined) options.user = o.user;
  if (o.licenseCode !== undefined) options.licenseCode = o.licenseCode;
  if (o.provider !== undefined) options.provider = o.provider;
  if (o.timeout !== undefined) options.timeoutMs = positiveInteger(o.timeout, '--timeout');

  const json = o.json === true;
  let index = 0;
  const results = await replayCaptures(items, options, {
    onResult: (r) => {
      if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else writeOut(formatResult(r, index));
      index++;
    },
  });
  const code = replayExitCode(results);
  const ok = results.filter((r) => r.ok).length;
  const skipped = items.length - results.length;
  if (json) process.stdout.write(`${JSON.stringify({ type: 'summary', replayed: results.length, ok, failed: results.length - ok, skipped, exitCode: code })}\n`);
  else {
    const rest = skipped > 0 ? `; ${skipped} not sent after the network failure` : '';
    writeErr(err.dim(`replayed ${results.length} ${results.length === 1 ? 'capture' : 'captures'}: ${ok} answered 2xx, ${results.length - ok} did not${rest}`));
    const dropped = [...new Set(results.filter((r) => !r.ok).flatMap((r) => r.droppedHeaders))];
    if (dropped.length > 0) {
      writeErr(err.dim(`hint: captures keep credentials masked, so ${dropped.join(', ')} was not sent; add it back with --resign --user <user:password> or --api-key <key>`));
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
    .option('--timeout <ms>', 'per-request timeout in ms (default 10000)')
    .option('--json', 'NDJSON: one line per capture, then a summary')
    .addHelpText(
      'after',
      `
Sends the original method, body bytes and end-to-end headers (Host, Content-Length, Connection and other
hop-by-hop headers are recomputed). Exit: 0 all 2xx · 1 a non-2xx · 2 bad capture file · 3 network failure.

Examples:
  $ cg-hooks replay captures/ --to http://127.0.0.1:3000/webhook
  $ cg-hooks replay captures/20260101T000000.000Z-000001-customerglu-reward.json --to http://127.0.0.1:3000/webhook
  $ cg-hooks replay captures/ --to https://staging.example.com/webhook --resign --secret "$NEW_SECRET" --json`,
    )
    .action(action(run));
}
