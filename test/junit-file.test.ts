// writeJUnitFile (test --junit, scenario run --junit) on what is not a plain file in a writable directory: a device
// or a symlink to one (/dev/null, /dev/stdout) is written to, never renamed over (as root the rename replaced the
// device with a file); a read-only directory holding an older report is one clear error, not an internal error.
import { spawnSync } from 'node:child_process';
import { closeSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkJUnitPath, writeJUnitFile } from '../src/commands/junit-file.js';
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

describe('writeJUnitFile on /dev/stdout redirected to a file', () => {
  // /dev/stdout is a symbolic link to /proc/self/fd/1; here a link of our own to a descriptor this process holds.
  it('appends through the descriptor and leaves the link a link (it was renamed over: as root, /dev/stdout itself)', () => {
    const out = join(root, 'stdout.txt');
    const fd = openSync(out, 'w');
    try {
      writeSync(fd, 'the table\n');
      const link = join(root, 'my-stdout');
      symlinkSync(`/proc/self/fd/${fd}`, link);
      writeJUnitFile(link, '<testsuites/>\n');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readFileSync(out, 'utf8')).toBe('the table\n<testsuites/>\n');
      writeJUnitFile(`/proc/self/fd/${fd}`, '<testsuites/>\n');
      expect(readFileSync(out, 'utf8')).toBe('the table\n<testsuites/>\n<testsuites/>\n');
    } finally {
      closeSync(fd);
    }
  });
});

// Checked before the run: an empty --junit, or "reports/" for a directory that does not exist yet, ran every case
// and then failed with Node's words about a temporary file (rename '..1234.partial' -> '').
describe('checkJUnitPath', () => {
  it.each([
    ['', '--junit: give a file name, such as conformance.xml'],
    [`${join(root, 'reports')}/`, `--junit: ${join(root, 'reports')}/ names a directory (it ends with "/"); give a file name such as ${join(root, 'reports', 'conformance.xml')}`],
    [root, `--junit: ${root} is a directory; give a file name such as ${join(root, 'conformance.xml')}`],
    [join(root, 'nowhere', 'r.xml'), `--junit: directory ${join(root, 'nowhere')} does not exist`],
  ])('%j: one line before anything is sent', (path, message) => {
    expect(() => checkJUnitPath(path, 'conformance.xml')).toThrow(message);
  });

  it('a file in a writable directory, and /dev/stdout, pass', () => {
    expect(() => checkJUnitPath(join(root, 'r.xml'), 'conformance.xml')).not.toThrow();
    expect(() => checkJUnitPath('/dev/stdout', 'conformance.xml')).not.toThrow();
  });

  it('a directory on a read-only file system is refused before the run', (ctx) => {
    if (!mountedReadOnly) ctx.skip();
    expect(() => checkJUnitPath(join(readOnly, 'new.xml'), 'conformance.xml')).toThrow(`--junit: cannot create files in ${readOnly} (a read-only file system)`);
  });

  it('a failed write names the error, not the temporary file', () => {
    let message = '';
    try {
      writeJUnitFile(join(root, 'report.xml', 'x.xml'), '<testsuites/>');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^--junit: cannot write .*x\.xml: ENOTDIR: not a directory$/);
  });
});

// In a container every run may get the same pid: a run killed mid-write left ".report.xml.<pid>.partial", and the
// next run with that pid failed on it (EEXIST) and, removing the old report, left none.
describe('writeJUnitFile after a run killed mid-write', () => {
  it('a leftover temporary file under this pid is no obstacle', () => {
    const file = join(root, 'killed.xml');
    writeFileSync(join(root, `.killed.xml.${process.pid}.partial`), '<testsu');
    writeJUnitFile(file, '<testsuites/>');
    expect(readFileSync(file, 'utf8')).toBe('<testsuites/>');
  });
});
