// A file written whole or not at all (--junit, schema -o): written aside, exclusively, and renamed over the name, so
// that a full disk or an interrupted run never leaves half a document under it. What is not a file of a directory
// is written to instead: a device or a pipe (/dev/null, a FIFO a CI step reads), or one of the process's own
// descriptors (/dev/stdout): run as root, a rename replaced /dev/null itself with a file.
import { existsSync, lstatSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface WholeFileFailure {
  /** Node's error without the syscall and the temporary file's name ("ENOSPC: no space left on device"). */
  message: string;
  /** An older file is still under the name (removing it was asked for and failed). */
  staleLeft: boolean;
}

/**
 * Writes `text` to `path`; undefined when done, else why not. `removeOnFailure`: a file that could not be
 * replaced is removed, so that an older one is not taken for this run's (a report a CI step publishes).
 */
export function writeWholeFile(path: string, text: string, options: { removeOnFailure?: boolean } = {}): WholeFileFailure | undefined {
  const flag = writtenInPlace(path);
  if (flag !== undefined) {
    try {
      writeFileSync(path, text, { flag });
      return undefined;
    } catch (e) {
      return { message: errorText(e), staleLeft: false };
    }
  }
  // Not the pid alone: in a container each run may get the same pid, and a run killed mid-write leaves its file.
  // (Math.random, not node:crypto: `generate` loads this, and crypto would load Node's streams at its start.)
  const partial = join(dirname(path), `.${basename(path)}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.partial`);
  try {
    writeFileSync(partial, text, { flag: 'wx' });
    renameSync(partial, path);
    return undefined;
  } catch (e) {
    removeQuietly(partial);
    return { message: errorText(e), staleLeft: options.removeOnFailure === true && !removeQuietly(path) };
  }
}

/**
 * How `path` is opened when it is written to in place rather than created in its directory: a descriptor appended
 * to ("a": reopened with truncation, it would erase what was printed before), a device or a pipe written ("w").
 * Undefined for a file of a directory.
 */
export function writtenInPlace(path: string): 'a' | 'w' | undefined {
  return isDescriptorAlias(path) ? 'a' : isSpecialFile(path) ? 'w' : undefined;
}

function errorText(e: unknown): string {
  return (e as Error).message.replace(/, (open|rename|write|unlink) .*$|, (open|rename|write|unlink)$/s, '');
}

/** Whether the path (symbolic links followed) exists and is neither a regular file nor a directory. */
function isSpecialFile(path: string): boolean {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return st !== undefined && !st.isFile() && !st.isDirectory();
  } catch {
    return false; // ENOTDIR, EACCES…: the write says why
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
