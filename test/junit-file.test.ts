// writeJUnitFile (test --junit, scenario run --junit) on what is not a plain file in a writable directory: a device
// or a symlink to one (/dev/null, /dev/stdout) is written to, never renamed over (as root the rename replaced the
// device with a file); a read-only directory holding an older report is one clear error, not an internal error.
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeJUnitFile } from '../src/commands/junit-file.js';
import { UsageError } from '../src/output/errors.js';

const root = mkdtempSync(join(tmpdir(), 'cg-junit-file-'));
const readOnly = join(root, 'ro');
let mountedReadOnly = false;
afterAll(() => {
  if (mountedReadOnly) spawnSync('umount', [readOnly]);
  rmSync(root, { recursive: true, force: true });
});

describe('writeJUnitFile', () => {
  it('a character device (a /dev/null of its own) is written to and stays a device', (ctx) => {
    const device = join(root, 'null');
    if (spawnSync('mknod', [device, 'c', '1', '3']).status !== 0) ctx.skip();
    writeJUnitFile(device, '<testsuites/>');
    expect(lstatSync(device).isCharacterDevice()).toBe(true);
    const link = join(root, 'stdout');
    symlinkSync(device, link);
    writeJUnitFile(link, '<testsuites/>');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(lstatSync(device).isCharacterDevice()).toBe(true);
  });

  it('a plain file is replaced whole', () => {
    const file = join(root, 'report.xml');
    writeFileSync(file, 'old');
    writeJUnitFile(file, '<testsuites/>');
    expect(readFileSync(file, 'utf8')).toBe('<testsuites/>');
  });

  it('a read-only directory with an older report: a UsageError that says the old one is still there', (ctx) => {
    mkdirSync(readOnly);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', readOnly]).status !== 0) ctx.skip();
    mountedReadOnly = true;
    writeFileSync(join(readOnly, 'report.xml'), 'old');
    expect(spawnSync('mount', ['-o', 'remount,ro', readOnly]).status).toBe(0);
    let thrown: unknown;
    try {
      writeJUnitFile(join(readOnly, 'report.xml'), '<testsuites/>');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toMatch(/cannot write .*report\.xml: EROFS.*an older report\.xml is still there/);
  });
});
