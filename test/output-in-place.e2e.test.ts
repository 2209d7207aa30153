// e2e: the commands that write a file aside and rename it over the name (generate -o, schema -o, --junit) write a
// device or a pipe in place: run as root, the rename replaced the device itself with a regular file (a CI job's
// `-o /dev/null`, `--junit /dev/stdout`). An empty name (an unset "$OUT") is one line and exit 2, not the current
// directory.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'cg-hooks-in-place-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A character device like /dev/null, of our own (mknod needs root): undefined when it cannot be made. */
function device(name: string): string | undefined {
  const path = join(root, name);
  return spawnSync('mknod', [path, 'c', '1', '3']).status === 0 ? path : undefined;
}

describe('a device given as the output file stays a device', () => {
  it.each([
    ['generate -o', (p: string) => ['generate', 'customerglu', 'reward', '-o', p]],
    ['schema -o', (p: string) => ['schema', 'customerglu', '-o', p]],
  ])('%s', async (name, args) => {
    const path = device(name.replace(/\W+/g, '-'));
    if (path === undefined) return;
    const r = await runCli(args(path));
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(path).isCharacterDevice()).toBe(true);
    expect(readdirSync(root).filter((f) => f.includes('.tmp') || f.includes('.partial'))).toEqual([]);
  });
});

describe('an empty output name is one line and exit 2, nothing written', () => {
  it.each([
    [['generate', 'customerglu', 'reward', '-o', ''], 'error: -o: give a file name'],
    [['schema', 'customerglu', '-o', ''], 'error: -o: give a file name'],
    [['listen', '--port', '0', '--timeout', '1', '--save', ''], 'error: --save: give a directory'],
  ])('%j', async (args, line) => {
    const cwd = mkdtempSync(join(root, 'cwd-'));
    const r = await runCli(args, { cwd });
    expect({ code: r.code, first: r.stderr.split('\n')[0] }).toEqual({ code: 2, first: line });
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(cwd)).toBe(true);
  });
});
