// listen refuses what it cannot honour before it says ready: one line naming the flag, exit 2 (never a listener
// that hangs before ready, holds gigabytes for one sender, or answers 503 to every delivery).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saveDirProblem } from '../src/core/save-dir.js';
import { BIN, runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cg-hooks-listen-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs listen for at most 1 s: a listener that starts ends with 0 after --timeout; one that hangs is killed. */
const listen = (args: string[]) => runCli(['listen', '--port', '0', '--timeout', '1', ...args], { timeoutMs: 15_000 });

describe('listen --max-body has an upper bound', () => {
  it.each(['65mb', '5000mb', String(64 * 1024 * 1024 + 1)])('--max-body %s: exit 2, one line naming the flag and the bound', async (size) => {
    const r = await listen(['--max-body', size]);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr).toBe(`error: --max-body: at most 64mb (a body is held whole while it is checked), got "${size}"\n`);
  });

  it('--max-body 64mb is the largest accepted', async () => {
    const r = await listen(['--max-body', '64mb']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('the library refuses the same', async () => {
    const { startListener } = await import('../src/http/listen.js');
    await expect(startListener({ port: 0, maxBody: 64 * 1024 * 1024 + 1 }, {})).rejects.toThrow(/maxBody: 1 to 67108864 bytes/);
  });
});

describe('listen --save a directory it cannot write into: exit 2 before ready, one line naming it', () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  it.each([
    ['/proc/nope', 'this file system does not allow creating a directory there'],
    ['/proc/nope/deeper', 'this file system does not allow creating a directory there'],
    ['/dev/null/x', 'a part of the path is a file, not a directory'],
    [file, 'it is a file, not a directory'],
    [join(file, 'sub'), 'a part of the path is a file, not a directory'],
  ])('--save %s', async (path, why) => {
    const r = await listen(['--save', path]);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr.split('\n')[0]).toBe(`error: cannot save into --save directory ${path}: ${why}`);
  });

  it('a read-only file system (tmpfs mounted ro; skipped without root)', async (ctx) => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', ro]).status !== 0) return ctx.skip();
    try {
      expect(await saveDirProblem(ro)).toBe('the file system is read-only');
      expect(await saveDirProblem(join(ro, 'sub'))).toBe('the file system is read-only');
      const r = await listen(['--save', join(ro, 'captures')]);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`error: cannot save into --save directory ${join(ro, 'captures')}: the file system is read-only`);
    } finally {
      spawnSync('umount', [ro]);
    }
  });

  it('a directory the user may not write into (run as nobody; skipped without root and setpriv, or when nobody cannot read the checkout)', async (ctx) => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(dir, 0o755);
    chmodSync(locked, 0o555);
    const asNobody = (path: string) =>
      spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'listen', '--port', '0', '--timeout', '1', '--save', path], {
        encoding: 'utf8',
        timeout: 15_000,
        env: { ...process.env, NO_COLOR: '1', CI: 'true' },
      });
    // nobody must be able to run the binary at all: a checkout under a private directory (mktemp -d is 0700, so is
    // /root) cannot be read by it, and then there is nothing to test here.
    const probe = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, '--version'], { timeout: 15_000 });
    if (probe.status !== 0) return ctx.skip();
    for (const path of [locked, join(locked, 'sub')]) {
      const r = asNobody(path);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`error: cannot save into --save directory ${path}: permission denied`);
    }
  });

  it('a directory that can be made, with its parents, is made and used', async () => {
    const deep = join(dir, 'new', 'a', 'b');
    const r = await listen(['--save', deep]);
    expect(r.code, r.stderr).toBe(0);
    expect(await saveDirProblem(deep)).toBeUndefined();
  });

  it('a symbolic link to a path that does not exist is named as such (it read "this file system does not allow creating a directory there")', async () => {
    const link = join(dir, 'dangling');
    symlinkSync(join(dir, 'nowhere', 'deeper'), link);
    expect(await saveDirProblem(link)).toBe(`it is a symbolic link to ${join(dir, 'nowhere', 'deeper')}, which does not exist`);
    expect(await saveDirProblem(join(link, 'sub'))).toBe(`${link} is a symbolic link to ${join(dir, 'nowhere', 'deeper')}, which does not exist`);
  });
});
