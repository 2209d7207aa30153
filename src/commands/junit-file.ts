// Writes a --junit report whole or not at all (test, scenario run). Written aside and renamed over the name, so a
// full disk leaves neither an empty file nor a stale report from an earlier run for a CI step to publish.
import { accessSync, constants, existsSync, lstatSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError, EXIT, UsageError } from '../output/errors.js';
import { err, writeErr, writeOut } from '../output/style.js';

/**
 * Checked before the run (test, scenario run), so that a mistyped --junit does not cost a whole run, nor pass CI
 * with no report: an empty name, a directory, a missing directory, one that cannot be written into.
 */
export function checkJUnitPath(path: string, example: string): void {
  const bad = (message: string) => new UsageError('bad_option', `--junit: ${message}`);
  if (path === '') throw bad(`give a file name, such as ${example}`);
  if (existsSync(path) && statSync(path).isDirectory()) throw bad(`${path} is a directory; give a file name such as ${join(path, example)}`);
  if (/[\\/]$/.test(path)) throw bad(`${path} names a directory (it ends with "/"); give a file name such as ${join(path, example)}`);
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) throw bad(`directory ${dirname(path)} does not exist`);
  // A device or a descriptor (/dev/stdout) is written to, not created beside: its directory need not be writable.
  if (isDescriptorAlias(path) || isSpecialFile(path)) return;
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw bad(`cannot create files in ${dirname(path)} (${(e as NodeJS.ErrnoException).code === 'EROFS' ? 'a read-only file system' : 'permission denied'})`);
  }
}

export function writeJUnitFile(path: string, xml: string): void {
  // A device or a pipe (/dev/null, a FIFO a CI step reads) or one of the process's own descriptors (/dev/stdout
  // redirected to a file) is written to, never renamed over: run as root, the rename replaced /dev/null itself with
  // a file. A descriptor is appended to: reopened with truncation, it would erase what was printed before.
  const descriptor = isDescriptorAlias(path);
  if (descriptor || isSpecialFile(path)) {
    try {
      writeFileSync(path, xml, { flag: descriptor ? 'a' : 'w' });
    } catch (e) {
      throw new UsageError('unwritable_file', `--junit: cannot write ${path}: ${errorText(e)}`);
    }
    return;
  }
  const partial = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    writeFileSync(partial, xml, { flag: 'wx' });
    renameSync(partial, path);
  } catch (e) {
    removeQuietly(partial);
    // What was asked for could not be written: an older report under that name would be taken for this run's.
    const stale = removeQuietly(path) ? '' : ` (an older ${basename(path)} is still there: it is not this run's)`;
    throw new UsageError('unwritable_file', `--junit: cannot write ${path}: ${errorText(e)}${stale}`);
  }
}

/** "ENOSPC: no space left on device": Node's message without the syscall and the temporary file's name. */
function errorText(e: unknown): string {
  return (e as Error).message.replace(/, (open|rename|write|unlink) .*$|, (open|rename|write|unlink)$/s, '');
}

/** Whether the path (symbolic links followed) exists and is neither a regular file nor a directory. */
function isSpecialFile(path: string): boolean {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return st !== undefined && !st.isFile() && !st.isDirectory();
  } catch {
    return false; // ENOTDIR, EACCES…: the write below says why
  }
}

/** /dev/stdout, /dev/fd/1, /proc/self/fd/1: a name for an open descriptor (under /proc), not a file of a directory. */
function isDescriptorAlias(path: string): boolean {
  try {
    if (lstatSync(path).isSymbolicLink() && readlinkSync(path).startsWith('/proc/')) return true;
    return realpathSync(dirname(path)).startsWith('/proc/');
  } catch {
    return false;
  }
}

/** Removes a file if it can; false when it is still there (a read-only file system, no permission). */
function removeQuietly(path: string): boolean {
  try {
    rmSync(path, { force: true });
    return true;
  } catch {
    return !existsSync(path); // ENOTDIR: there was nothing to remove
  }
}

/**
 * --json: one document whatever happens. The JUnit file is written first; when it cannot be, the report still goes
 * out (every delivery sent is reported) with `junit: {path, error}`, `ok: false` and exit 2, the error on stderr.
 */
export async function writeJsonWithJUnit(doc: Record<string, unknown>, exitCode: number, junit: (() => Promise<void>) | undefined): Promise<number> {
  try {
    await junit?.();
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    writeOut(JSON.stringify({ ...doc, junit: { error: { code: e.code, message: e.message } }, ok: false, ...('exitCode' in doc ? { exitCode: EXIT.usage } : {}) }));
    writeErr(err.red(`error: ${e.message}`));
    return EXIT.usage;
  }
  writeOut(JSON.stringify(doc));
  return exitCode;
}
