import type { Command } from 'commander';
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import * as z from 'zod/mini';
import { escapeTerminal } from '../core/redact.js';
import { summarizeReport, type LoadSummary } from '../load/artillery/report.js';
import { EXIT, UsageError } from '../output/errors.js';
import { out, writeOut } from '../output/style.js';
import { action, parseOptions } from './shared.js';
import { jsonText } from '../core/json-text.js';

const Options = z.object({ json: z.optional(z.boolean()) });

/** Reports of hours-long runs are a few MB; past this it is not a report (and would not fit in memory safely). */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;

const tooLarge = (path: string, size: string) =>
  new UsageError('report_too_large', `${path} is ${size}: larger than any Artillery report (at most ${MAX_REPORT_BYTES / 1024 / 1024} MB read)`);

/**
 * Stdin ("-") or a pipe (`<(gunzip -c report.json.gz)`): no size to check first, and a size of 0 that is not its
 * length (read as a file, a pipe was "not JSON (Unexpected end of JSON input)"). Read to its end, bounded.
 */
async function readStream(stream: NodeJS.ReadableStream, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > MAX_REPORT_BYTES) {
      (stream as Partial<NodeJS.ReadStream>).destroy?.();
      throw tooLarge(path, `more than ${MAX_REPORT_BYTES / 1024 / 1024} MB`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, size);
}

async function readReport(path: string): Promise<Buffer> {
  if (path === '-') return readStream(process.stdin, '(stdin)');
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UsageError('unreadable_file', `cannot read report ${path}: ${reason}`, 'make one with `artillery run --output report.json <script>`');
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UsageError('unreadable_file', `cannot read report ${path}: is a directory`);
    if (!st.isFile()) return await readStream(createReadStream(path, { fd, autoClose: false }), path);
    if (st.size > MAX_REPORT_BYTES) throw tooLarge(path, `${Math.round(st.size / 1024 / 1024)} MB`);
    const buf = Buffer.alloc(st.size);
    let at = 0;
    while (at < st.size) {
      const n = readSync(fd, buf, at, st.size - at, null);
      if (n === 0) break;
      at += n;
    }
    return buf.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

export function parseReport(bytes: Buffer, path: string): LoadSummary {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new UsageError('bad_report', `${path} is not JSON (${(e as Error).message})`, 'pass the file written by `artillery run --output report.json`');
  }
  const result = summarizeReport(raw);
  if (!result.ok) throw new UsageError('bad_report', `${path} is ${result.reason}`, 'pass the file written by `artillery run --output report.json`');
  return result.summary;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number | null) => (n === null ? '–' : `${+n.toFixed(1)} ms`);
const counts = (m: Record<string, number>) =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${escapeTerminal(k)} ×${int(v)}`)
    .join(' · ');

export function formatSummary(path: string, s: LoadSummary): string {
  const lines = [out.bold(`Artillery run ${escapeTerminal(path)}${s.durationS !== null ? ` (${+s.durationS.toFixed(1)} s)` : ''}`)];
  lines.push(`  requests    ${int(s.requests)}${s.rps !== null ? ` (${+s.rps.toFixed(1)}/s)` : ''}, ${int(s.responses)} answered`);
  lines.push(`  statuses    ${counts(s.statuses) || 'none'}`);
  lines.push(`  latency     ${s.latencyMs ? `p50 ${ms(s.latencyMs.p50)} · p95 ${ms(s.latencyMs.p95)} · p99 ${ms(s.latencyMs.p99)} · max ${ms(s.latencyMs.max)}` : 'no response'}`);
  const errorTotal = Object.values(s.errors).reduce((a, b) => a + b, 0);
  const rate = s.errorRatePct !== null ? ` (${+s.errorRatePct.toFixed(2)}% of virtual users failed)` : '';
  // No error counted is not "none" while requests went unanswered (a run stopped with requests in flight).
  const unanswered = s.requests - s.responses;
  const noErrors = unanswered > 0 ? out.red(`none counted, but ${int(unanswered)} request${unanswered === 1 ? '' : 's'} got no answer`) : out.green('none');
  lines.push(`  errors      ${errorTotal === 0 ? noErrors : out.red(`${int(errorTotal)}${rate}: ${counts(s.errors)}`)}`);
  if (s.deliveries) {
    const d = s.deliveries;
    const share = d.duplicateShare !== null ? ` (${(d.duplicateShare * 100).toFixed(1)}%)` : '';
    lines.push(`  deliveries  ${int(d.originals)} new + ${int(d.duplicates)} exact duplicates${share}${Object.keys(d.byEvent).length > 0 ? ` · ${counts(d.byEvent)}` : ''}`);
  } else {
    lines.push(`  deliveries  ${out.dim('no cg-hooks counters: not a test made by `cg-hooks export artillery`')}`);
  }
  return lines.join('\n');
}

export async function run(path: string, rawOptions: unknown): Promise<number> {
  const o = parseOptions(Options, rawOptions);
  const summary = parseReport(await readReport(path), path);
  writeOut(o.json ? jsonText({ type: 'artillery-report', report: path, ...summary }) : formatSummary(path, summary));
  return EXIT.ok;
}

export function register(program: Command): void {
  const importCmd = program
    .command('import')
    .description('read a load test\'s results back: Artillery\'s JSON report as cg-hooks\' summary')
    .argument('[tool]')
    .action((tool?: string) => {
      throw new UsageError('bad_tool', tool === undefined ? 'import from what? cg-hooks reads Artillery reports' : `cannot import "${tool}": cg-hooks reads Artillery reports`, 'cg-hooks import artillery <report.json>');
    });
  importCmd
    .command('artillery')
    .description('summarise an Artillery JSON report: requests, rps, statuses, p50/p95/p99, errors, duplicates sent')
    .argument('<report>', 'the file written by `artillery run --output report.json` (- for stdin)')
    .option('--json', 'the summary as one JSON object')
    .addHelpText(
      'after',
      `
Prints requests, rate, status counts, p50/p95/p99, errors (no answer, or not acknowledged) and the duplicates
the exported processor sent. A file that is not an Artillery JSON report is exit 2.

Examples:
  $ npx artillery@2 run --output report.json load/cg/load-test.yml
  $ cg-hooks import artillery report.json
  $ cg-hooks import artillery report.json --json | jq .deliveries`,
    )
    .action(action(run));
}
