// Every example a user can copy runs as written: the `$ …` lines of every --help, and the cg-hooks lines of the
// sh blocks in README.md and docs/*.md. Each runs in bash in a fresh directory holding the files the examples
// name (body.json, captures/, my-flow.yaml…); 127.0.0.1:3000 and :8080 are a local receiver that accepts
// everything, listeners stop after 1 s. Lines that need a remote host, another program or a terminal are skipped,
// each with its reason, and counted.
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeCapture } from '../src/core/capture.js';
import { BIN } from './helpers/cli.js';

const ROOT = join(import.meta.dirname, '..');

export interface Example {
  /** Where it was found: "send --help", "docs/send.md". */
  source: string;
  command: string;
}

/** `$ …` lines of a help text, with `\` continuations joined; the trailing `# comment` dropped. */
export function helpExamples(help: string, source: string): Example[] {
  const out: Example[] = [];
  const lines = help.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*\$ (.*)$/.exec(lines[i]!);
    if (!m) continue;
    let command = m[1]!;
    while (/\\\s*$/.test(command) && i + 1 < lines.length) command = `${command.replace(/\s*\\\s*$/, '')} ${lines[++i]!.trim()}`;
    // Another tool's line (`npx artillery run …`) shows where cg-hooks fits; it is not cg-hooks' to run.
    if (/^(npx )?cg-hooks\b/.test(command)) out.push({ source, command: stripComment(command) });
  }
  return out;
}

/** The cg-hooks lines of the ```sh blocks of a Markdown file (others: npm, curl, export, belong to other tools). */
export function markdownExamples(markdown: string, source: string): Example[] {
  const out: Example[] = [];
  let inBlock = false;
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^```/.test(line)) {
      inBlock = !inBlock && /^```(sh|bash|shell|console)\s*$/.test(line);
      continue;
    }
    if (!inBlock) continue;
    let command = line.replace(/^\$ /, '');
    if (!/^(npx )?cg-hooks /.test(command)) continue;
    while (/\\\s*$/.test(command) && i + 1 < lines.length) command = `${command.replace(/\s*\\\s*$/, '')} ${lines[++i]!.trim()}`;
    out.push({ source, command: stripComment(command) });
  }
  return out;
}

/** Drops a trailing `  # comment` (two spaces or more before the #, outside quotes: the way the examples write them). */
function stripComment(command: string): string {
  return command.replace(/\s{2,}#[^'"]*$/, '').replace(/\s+# [^'"]*$/, '').trim();
}

/** Why an example cannot run here, or undefined. */
export function skipReason(e: Example): string | undefined {
  const sends = /cg-hooks (send|test|replay|scenario run|listen)\b/.test(e.command);
  const hosts = [...e.command.matchAll(/https?:\/\/([^/:\s"']+)/g)].map((m) => m[1]!);
  if (sends && hosts.some((h) => h !== '127.0.0.1' && h !== 'localhost')) return 'needs a remote receiver';
  if (/^(npx )?cg-hooks send\s*$/.test(e.command)) return 'needs a terminal (prompts)';
  // A line of a longer script (docs/ci.md's recipe, run whole by package.e2e.test.ts) uses the script's variables.
  const unknown = [...e.command.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!).filter((v) => !KNOWN_VARIABLES.has(v));
  if (unknown.length > 0) return `part of a script (uses $${unknown[0]})`;
  return undefined;
}

/** What the example may exit with: checks (verify, test, listen --expect, scenario) can fail on purpose. */
function allowedCodes(command: string): number[] {
  // A verify with a real vector (CustomerGlu's, GitHub's, Standard Webhooks') must pass; one with a placeholder
  // signature ("9f2c…") or the wrong secrets shows what a failure looks like.
  if (/cg-hooks verify /.test(command)) return /…|\.\.\.|--secret old/.test(command) ? [0, 1] : [0];
  // test and scenario against a receiver that accepts everything: forged deliveries are accepted, so exit 1.
  if (/cg-hooks (test|scenario run) /.test(command) && !/--list\b/.test(command)) return [0, 1];
  if (/cg-hooks listen .*--expect/.test(command)) return [0, 1];
  return [0];
}

/** The variables the examples use for secrets; the test sets them. */
const KNOWN_VARIABLES = new Set(['CG_TOKEN', 'SECRET', 'NEW_SECRET', 'CG_KEY', 'CG_HOOKS_SECRET']);

const HELP_PATHS = [[], ['providers'], ['generate'], ['sign'], ['verify'], ['send'], ['listen'], ['replay'], ['test'], ['demo'], ['scenario'], ['scenario', 'list'], ['scenario', 'show'], ['scenario', 'run'], ['schema'], ['export', 'artillery'], ['import', 'artillery']];

let work: string;
let template: string;
let receiver: Server;
let port: number;

function collect(): Example[] {
  const all: Example[] = [];
  for (const path of HELP_PATHS) {
    const r = spawnSync(process.execPath, [BIN, ...path, '--help'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    all.push(...helpExamples(r.stdout, `cg-hooks ${[...path, '--help'].join(' ')}`));
  }
  const docs = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  for (const file of docs) all.push(...markdownExamples(readFileSync(join(ROOT, file), 'utf8'), file));
  return all;
}

/** The files the examples name, in a directory copied for each example (they write files too). */
function makeTemplate(dir: string): void {
  const gen = spawnSync(process.execPath, [BIN, 'generate', 'customerglu', 'reward', '--seed', '1'], { encoding: 'buffer' });
  // CustomerGlu's documented delivery: the examples verify its documented signature with $CG_TOKEN.
  const documented = JSON.parse(readFileSync(join(ROOT, 'fixtures/vectors/customerglu.json'), 'utf8')).vectors[0];
  writeFileSync(join(dir, 'body.json'), documented.body);
  writeFileSync(join(dir, 'captured.json'), gen.stdout);
  writeFileSync(join(dir, 'hello.txt'), 'Hello, World!');
  writeFileSync(join(dir, 'body.txt'), 'Hello, World!');
  writeFileSync(join(dir, 'standard.json'), '{"test": 2432232314}');
  // The v1a key pair the keygen examples write and the next lines read.
  writeFileSync(join(dir, 'keys.json'), spawnSync(process.execPath, [BIN, 'keygen', '--scheme', 'standard-webhooks', '--asymmetric', '--json'], { encoding: 'utf8' }).stdout);
  writeFileSync(join(dir, 'my-flow.yaml'), spawnSync(process.execPath, [BIN, 'scenario', 'show', 'mgpass-points'], { encoding: 'utf8' }).stdout);
  cpSync(join(ROOT, 'fixtures/customerglu/mappings/flat-wallet.json'), join(dir, 'tenant.json'));
  cpSync(join(ROOT, 'test/fixtures/artillery/report-2.0.34.json'), join(dir, 'report.json'));
  symlinkSync(join(ROOT, 'fixtures'), join(dir, 'fixtures'));
  mkdirSync(join(dir, 'captures'));
  const mgpass = spawnSync(process.execPath, [BIN, 'generate', 'mgpass', 'rewards.points_awarded', '--seed', '2'], { encoding: 'buffer' }).stdout;
  const sig = JSON.parse(spawnSync(process.execPath, [BIN, 'sign', 'mgpass', '--body', '-', '--secret', 's3cret', '--json'], { input: mgpass, encoding: 'utf8' }).stdout).headers['X-Webhook-Signature'];
  writeFileSync(join(dir, 'captures', '0001.json'), serializeCapture({ method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json', 'x-webhook-signature': sig }, body: mgpass, provider: 'mgpass', event: 'rewards.points_awarded' }));
  writeFileSync(join(dir, 'captures', '20260101T120000.123Z-000001-customerglu-reward.json'), serializeCapture({ method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json' }, body: gen.stdout, provider: 'customerglu', event: 'reward' }));
}

const PRELUDE = `
set -o pipefail
cg-hooks() { if [ "$1" = listen ]; then "$NODE_BIN" "$CG_BIN" "$@" --timeout 1s; else "$NODE_BIN" "$CG_BIN" "$@"; fi; }
npx() { if [ "$1" = cg-hooks ]; then shift; cg-hooks "$@"; else echo "npx $1: not run by this test" >&2; return 127; fi; }
`;

/** The example as this test runs it: the local receiver for 127.0.0.1:3000/:8080, any free port for listen. */
function localize(command: string): string {
  return command
    .replace(/(127\.0\.0\.1|localhost):(3000|8080)\b/g, `127.0.0.1:${port}`)
    .replace(/--port 3000\b/g, '--port 0')
    .replace(/<token>|<secret>/g, 's3cret');
}

function runExample(command: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      '/bin/bash',
      ['-c', `${PRELUDE}\n${command}`],
      {
        cwd,
        timeout: 90_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, NODE_BIN: process.execPath, CG_BIN: BIN, NO_COLOR: '1', CI: 'true', CG_TOKEN: 'PbTJp694bmgrfJpJPQmrjGfjgq', SECRET: 's3cret', NEW_SECRET: 'n3w', CG_KEY: 'cg-key', CG_HOOKS_SECRET: '' },
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 124) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cg-examples-'));
  template = join(work, 'template');
  mkdirSync(template);
  makeTemplate(template);
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      // The scenario probe reads a balance: a number where --probe-path points.
      if (req.method === 'GET') res.writeHead(200, { 'content-type': 'application/json' }).end('{"points":0}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => receiver.close(r));
  rmSync(work, { recursive: true, force: true });
});

describe('collecting examples', () => {
  it('finds $ lines with continuations and sh blocks, and drops comments', () => {
    expect(helpExamples('Examples:\n  $ cg-hooks a --x 1   # why\n  $ cg-hooks b \\\n      --y 2\n', 'h')).toEqual([
      { source: 'h', command: 'cg-hooks a --x 1' },
      { source: 'h', command: 'cg-hooks b --y 2' },
    ]);
    expect(markdownExamples('```sh\nnpm install\nnpx cg-hooks demo   # all\n$ npx cg-hooks providers\n```\n```json\ncg-hooks x\n```\n', 'm')).toEqual([
      { source: 'm', command: 'npx cg-hooks demo' },
      { source: 'm', command: 'npx cg-hooks providers' },
    ]);
  });
});

describe('every example runs as written', () => {
  it('the --help examples and the README/docs commands', async () => {
    const examples = collect();
    // `npx cg-hooks x` and `cg-hooks x` are the same example: run once.
    const unique = [...new Map(examples.map((e) => [e.command.replace(/^npx /, ''), e])).values()];
    const skipped = unique.filter((e) => skipReason(e) !== undefined);
    const runnable = unique.filter((e) => skipReason(e) === undefined);
    expect(runnable.length).toBeGreaterThan(70);
    expect(skipped.length).toBeLessThan(10);
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async (_, lane) => {
        while (next < runnable.length) {
          const i = next++;
          const e = runnable[i]!;
          const cwd = join(work, `run-${i}`);
          cpSync(template, cwd, { recursive: true, verbatimSymlinks: true });
          const command = localize(e.command);
          const r = await runExample(command, cwd);
          const bad = !allowedCodes(e.command).includes(r.code) || /internal error/.test(r.stderr);
          if (bad) failures.push(`${e.source}: ${e.command}\n  → exit ${r.code} (lane ${lane}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
          rmSync(cwd, { recursive: true, force: true });
        }
      }),
    );
    expect(failures, failures.join('\n')).toEqual([]);
  }, 600_000);
});
