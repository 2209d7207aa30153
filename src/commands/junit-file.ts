// Writes a --junit report whole or not at all (test, scenario run). Written aside and renamed over the name, so a
// full disk leaves neither an empty file nor a stale report from an earlier run for a CI step to publish.
import { lstatSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError, EXIT, UsageError } from '../output/errors.js';
import { err, writeErr, writeOut } from '../output/style.js';

export function writeJUnitFile(path: string, xml: string): void {
  // A device or a pipe (/dev/null, a FIFO a CI step reads) or one of the process's own descriptors (/dev/stdout
  // redirected to a file) is written to, never renamed over: run as root, the rename replaced /dev/null itself with
  // a file. A descriptor is appended to: reopened with truncation, it would erase what was printed before.
  const descriptor = isDescriptorAlias(path);
  if (descriptor || isSpecialFile(path)) {
    try {
      writeFileSync(path, xml, { flag: descriptor ? 'a' : 'w' });
    } catch (e) {
      throw new UsageError('unwritable_file', `--junit: cannot write ${path}: ${(e as Error).message}`);
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
    throw new UsageError('unwritable_file', `--junit: cannot write ${path}: ${(e as Error).message}${stale}`);
  }
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
    return false;
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
