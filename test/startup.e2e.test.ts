// The start-up design (docs/performance.md, "Start-up"): the CLI runs from one CommonJS bundle compiled with a V8
// code cache made at build time, and `--help` lists the commands from dist/commands.json instead of loading them.
// Neither may change what the CLI prints: these check the output against the commands themselves, and that a
// cache V8 cannot use is ignored. No timing here (that is bench/startup.mjs).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

describe('start-up: the code cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-startup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('V8 accepts the cache the build wrote for this Node', () => {
    const r = spawnSync(process.execPath, ['-e', `process.stdout.write(String(require(${JSON.stringify(BIN)}).loadCli().script.cachedDataRejected))`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('false');
  });

  it('a cache V8 rejects (another Node, a damaged file) changes nothing but speed', async () => {
    // A copy of the package whose cache is garbage: the bundle is compiled from source instead.
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'dist/cli.cache'), Buffer.alloc(4096, 7));
    const args = ['generate', 'customerglu', 'reward', '--seed', 'cache', '--count', '3'];
    const rejected = spawnSync(process.execPath, [join(dir, 'bin/cg-hooks.js'), ...args], { encoding: 'utf8' });
    const normal = await runCli(args);
    expect(rejected.status).toBe(0);
    expect(rejected.stdout).toBe(normal.stdout);
    const check = spawnSync(process.execPath, ['-e', `process.stdout.write(String(require(${JSON.stringify(join(dir, 'bin/cg-hooks.js'))}).loadCli().script.cachedDataRejected))`], { encoding: 'utf8' });
    expect(check.stdout).toBe('true');
  });
});
