// The start-up design (docs/performance.md, "Start-up"): the CLI runs from a few packs of CommonJS modules
// (dist/cli/), each compiled with a V8 code cache made at build time; a command opens only the packs it needs, and
// `--help` lists the commands from dist/commands.json instead of loading them. None of it may change what the CLI
// prints: these check the output against the commands themselves, that every module is in exactly one pack, which
// packs the commands that start most open, and that a cache V8 cannot use is ignored. No timing here (that is
// bench/startup.mjs).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram, describeCommands } from '../src/cli.js';
import { BIN, runCli } from './helpers/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('start-up: the command list without the commands', () => {
  it('`--help` prints exactly the help of a program with every command loaded', async () => {
    const program = await buildProgram(['node', 'cg-hooks'], { summaries: false });
    let full = '';
    program.configureOutput({ writeOut: (text) => (full += text) });
    program.outputHelp();
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(full).toContain('generate [options] <provider> <event>');
    expect(r.stdout).toBe(full);
    // `help` and no command at all print the same.
    expect((await runCli(['help'])).stdout).toBe(r.stdout);
  });

  it('dist/commands.json holds every command, as the commands describe themselves', async () => {
    const built = JSON.parse(readFileSync(join(ROOT, 'dist/commands.json'), 'utf8'));
    expect(built).toEqual(JSON.parse(JSON.stringify(await describeCommands())));
  });

  it('a mistyped command is still corrected, and `help <command>` shows that command', async () => {
    const typo = await runCli(['generat', 'customerglu', 'reward']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('generate');
    const one = await runCli(['help', 'generate']);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe((await runCli(['generate', '--help'])).stdout);
  });
});

/** Runs `code` in a fresh Node with the launcher at `bin` loaded as `launcher`; returns what it printed. */
function inNode(bin: string, code: string): string {
  const r = spawnSync(process.execPath, ['-e', `const launcher = require(${JSON.stringify(bin)}); ${code}`], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

/** Which packs a run of the CLI with `args` opens, and whether V8 took each one's cache. */
const PACKS_OPENED = (args: string[]) => `
  const { cli, packs } = launcher.loadCli();
  process.stdout.write = () => true;
  process.exit = () => require('node:fs').writeSync(2, '\\nPACKS ' + JSON.stringify([...packs].map(([name, p]) => [name, p.script.cachedDataRejected])));
  cli.main(['node', 'cg-hooks', ...${JSON.stringify(args)}]);`;
function packsOpened(bin: string, args: string[]): [string, boolean][] {
  const r = spawnSync(process.execPath, ['-e', `const launcher = require(${JSON.stringify(bin)}); ${PACKS_OPENED(args)}`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.status).toBe(0);
  const line = r.stderr.split('\n').find((l) => l.startsWith('PACKS '));
  if (line === undefined) throw new Error(`no PACKS line: ${r.stderr}`);
  return JSON.parse(line.slice('PACKS '.length));
}

describe('start-up: the packs', () => {
  const packNames = () => readdirSync(join(ROOT, 'dist/cli')).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3));
  /** The module names each pack holds, read from its source (`"name.js":function(`). */
  const modulesOf = (pack: string) => [...readFileSync(join(ROOT, `dist/cli/${pack}.js`), 'latin1').matchAll(/[{,]"([\w-]+\.js)":function\(exports,require,module,/g)].map((m) => m[1]);

  it('every module is in exactly one pack, and the first pack knows where each other one is', () => {
    const names = packNames().sort();
    expect(names).toEqual(['bulk', 'cli', 'generate', 'rest']);
    const all = names.flatMap((pack) => modulesOf(pack).map((m) => [m, pack] as const));
    expect(new Set(all.map(([m]) => m)).size).toBe(all.length);
    expect(all.length).toBeGreaterThan(40);
    const where = JSON.parse(inNode(BIN, `process.stdout.write(JSON.stringify(launcher.loadCli().loader.where()))`));
    expect(where).toEqual(Object.fromEntries(all.filter(([, pack]) => pack !== 'cli')));
  });

  it('the packs a start reads stay small: `cli` under 150 KB, `generate` under 400 KB', () => {
    // A size budget, not a timing: a start pays for every byte of the packs it opens. One namespace import
    // (`z.core.clone` instead of `z.clone`) once pulled all of zod's core into `generate` (328 -> 713 KB, +5% start).
    expect(statSync(join(ROOT, 'dist/cli/cli.js')).size).toBeLessThan(150_000);
    expect(statSync(join(ROOT, 'dist/cli/generate.js')).size).toBeLessThan(400_000);
  });

  it('the packs are plain ASCII (the launcher reads them as Latin-1)', () => {
    for (const pack of packNames()) expect(/[^\x00-\x7f]/.test(readFileSync(join(ROOT, `dist/cli/${pack}.js`), 'latin1'))).toBe(false);
  });

  it('`--help` opens one pack, `generate` two, `listen --help` three, `generate --count 65` the compiled templates too, and V8 takes every cache', () => {
    expect(packsOpened(BIN, ['--help'])).toEqual([['cli', false]]);
    expect(packsOpened(BIN, ['generate', 'rehook', 'customer.rewarded'])).toEqual([['cli', false], ['generate', false]]);
    expect(packsOpened(BIN, ['listen', '--help']).map(([name]) => name).sort()).toEqual(['cli', 'generate', 'rest']);
    // The compiled templates only for a run long enough to use them (bodyCompilerFor).
    expect(packsOpened(BIN, ['generate', 'rehook', 'customer.rewarded', '--count', '64', '--threads', '1'])).toEqual([['cli', false], ['generate', false]]);
    expect(packsOpened(BIN, ['generate', 'rehook', 'customer.rewarded', '--count', '65', '--threads', '1'])).toEqual([['cli', false], ['generate', false], ['bulk', false]]);
    // Nor for a run whose payloads --set/--unset/--data/--mapping reshape: the compiled forms write only the template's own.
    expect(packsOpened(BIN, ['generate', 'rehook', 'customer.rewarded', '--count', '65', '--threads', '1', '--unset', 'metadata.points', '--no-validate'])).toEqual([['cli', false], ['generate', false]]);
    expect(packsOpened(BIN, ['listen', '--help']).every(([, rejected]) => rejected === false)).toBe(true);
  });
});

describe('start-up: what `generate` and `--version` do not load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-modules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('into a pipe, a file or /dev/null, none of Node\'s stream, net or tty modules (a tenth of its start)', () => {
    // Node loads a module of its own once: at exit, the list of those loaded says what the run needed.
    const preload = join(dir, 'modules.cjs');
    writeFileSync(preload, `process.on('exit', () => require('node:fs').writeSync(2, 'MODULES ' + JSON.stringify(process.moduleLoadList) + '\\n'));`);
    const loaded = (command: string) => {
      const r = spawnSync('/bin/bash', ['-c', `"$NODE_BIN" -r "$PRELOAD" ${command}`], {
        encoding: 'utf8',
        env: { ...process.env, NODE_BIN: process.execPath, CG_BIN: BIN, PRELOAD: preload },
      });
      expect(r.status).toBe(0);
      const line = r.stderr.split('\n').find((l) => l.startsWith('MODULES '));
      return JSON.parse(line!.slice('MODULES '.length)) as string[];
    };
    const bare = new Set(loaded('-e 0'));
    const modules = (redirect: string) =>
      loaded(`"$CG_BIN" generate customerglu reward --count 3 ${redirect}`).filter((m) => !bare.has(m) && /^NativeModule (stream|net|tty|internal\/streams\/|internal\/fs\/sync_write_stream)/.test(m));
    expect(modules('| cat >/dev/null')).toEqual([]);
    expect(modules(`> ${join(dir, 'out.ndjson')}`)).toEqual([]);
    expect(modules('>/dev/null')).toEqual([]);
    // `--version` (scripts call it often): not one of Node's modules beyond what `node -e 0` loads.
    expect(loaded('"$CG_BIN" --version | cat >/dev/null').filter((m) => !bare.has(m) && m.startsWith('NativeModule '))).toEqual([]);
    // The check can see them: `--help` writes through process.stdout, which loads them.
    const help = spawnSync(process.execPath, ['-r', preload, BIN, '--help'], { encoding: 'utf8' });
    expect(help.stderr).toContain('NativeModule stream');
  });
});

describe('start-up: the code cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-startup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('caches V8 rejects (another Node, a damaged file) change nothing but speed', async () => {
    // A copy of the package whose caches are garbage: the packs are compiled from source instead.
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    for (const f of readdirSync(join(dir, 'dist/cli'))) if (f.endsWith('.cache')) writeFileSync(join(dir, 'dist/cli', f), Buffer.alloc(4096, 7));
    const bin = join(dir, 'bin/cg-hooks.js');
    for (const args of [['generate', 'customerglu', 'reward', '--seed', 'cache', '--count', '3'], ['--help'], ['verify', '--help']]) {
      const rejected = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
      const normal = await runCli(args);
      expect(rejected.status).toBe(normal.code);
      expect(rejected.stdout).toBe(normal.stdout);
    }
    expect(packsOpened(bin, ['verify', '--help']).every(([, rejected]) => rejected === true)).toBe(true);
  });

  it('a pack missing from the installation is named, with what to do', () => {
    const broken = mkdtempSync(join(tmpdir(), 'cg-startup-missing-'));
    try {
      for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(broken, part), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules'), join(broken, 'node_modules'));
      rmSync(join(broken, 'dist/cli/rest.js'));
      const r = spawnSync(process.execPath, [join(broken, 'bin/cg-hooks.js'), 'verify', '--help'], { encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('rest.js is missing from this installation: reinstall cg-hooks');
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
