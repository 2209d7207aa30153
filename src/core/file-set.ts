// A set of files in one directory replaced all or nothing (`export artillery --force`: a script, a processor, a
// config and a corpus that must match each other). POSIX has no rename of several files at once, so:
//   1. every new file is written aside first (same directory, unpredictable names, created exclusively: never
//      through a symlink planted there); a failure (a full disk, an interrupt) removes them, and nothing else moved;
//   2. a name that cannot take a file (a directory) is found before anything moves;
//   3. each new file takes its earlier file's permission bits; each earlier file is kept under a second name (a
//      hard link: its name never goes missing; a copy where the file system has no hard links), then the new files
//      are renamed over the names, synchronously (no callback, no signal handler runs between two renames);
//   4. a rename that fails after others succeeded puts the earlier files back from those second names.
// What can still mix old and new files: the process killed (SIGKILL, power loss) between two renames of step 3, or
// a rename failing and then the renames that put the earlier files back failing too (each said, with the names the
// earlier files were left under). Every rename is in one directory of one file system, where it is atomic.
import { randomBytes } from 'node:crypto';
import { chmodSync, constants, copyFileSync, linkSync, lstatSync, readlinkSync, renameSync, rmSync, symlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';

export interface NewFile {
  /** The file's name in the directory. */
  name: string;
  /** Writes the file's content to `path`, creating it exclusively (flag "wx"). */
  write(path: string): Promise<void>;
}

/** Why the set was not replaced, in one line; `code` says it is a file-system failure the user can fix. */
export class FileSetError extends Error {
  readonly code = 'EFILESET';
}

/** A hidden name beside `name`, unpredictable (pid and random), that says what it is if it is ever left behind. */
const besideName = (dir: string, name: string, tag: 'partial' | 'old') => join(dir, `.${name}.${process.pid}-${randomBytes(6).toString('hex')}.${tag}`);

const REASONS: Record<string, string> = {
  EISDIR: 'it is a directory',
  ENOTEMPTY: 'it is a directory',
  EBUSY: 'it is in use (a mount point?)',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EXDEV: 'it is on another file system',
};

/** Node's error in a few words, without the syscall and the hidden names. */
function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code !== undefined ? REASONS[code] : undefined) ?? (e as Error).message.replace(/, (open|rename|link|copyfile|write|unlink|lstat|chmod) .*$/s, '');
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // a read-only directory: what could not be removed is hidden, and named so
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  return lstatSync(path, { throwIfNoEntry: false });
}

/** `path`'s file (a symlink as a symlink, never its target) kept under `to` as well. */
function keepUnder(path: string, st: Stats, to: string): void {
  try {
    linkSync(path, to); // link(2) does not follow a symlink: the link itself is kept
  } catch {
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(path), to);
    else copyFileSync(path, to, constants.COPYFILE_EXCL);
  }
}

/**
 * Replaces `files` in `dir` (which exists) all together, or throws a FileSetError (nothing replaced) or what
 * `write` threw (nothing replaced; `signal` aborted: its reason). See the top of this file for the steps.
 */
export async function replaceFileSet(dir: string, files: readonly NewFile[], signal?: AbortSignal): Promise<void> {
  const aside: Array<{ name: string; path: string }> = [];
  try {
    for (const f of files) {
      signal?.throwIfAborted();
      const path = besideName(dir, f.name, 'partial');
      aside.push({ name: f.name, path });
      try {
        await f.write(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') aside.pop(); // not ours: never removed
        throw e;
      }
    }
    signal?.throwIfAborted();
  } catch (e) {
    for (const a of aside) removeQuietly(a.path);
    throw e;
  }
  swap(dir, aside);
}

/** Steps 2–4: synchronous from the first check to the last rename. */
function swap(dir: string, aside: ReadonlyArray<{ name: string; path: string }>): void {
  const kept = new Map<string, string>();
  const giveUp = (why: string): never => {
    for (const a of aside) removeQuietly(a.path);
    for (const path of kept.values()) removeQuietly(path);
    throw new FileSetError(`${why}; nothing was replaced: the earlier files are as they were`);
  };
  for (const a of aside) {
    const target = join(dir, a.name);
    let st: Stats | undefined;
    try {
      st = lstatOrUndefined(target);
      if (st?.isDirectory()) giveUp(`${a.name} cannot be replaced: it is a directory`);
      if (st !== undefined) {
        // The new file takes the earlier one's permissions, as a write over it would have kept them (a corpus
        // made private with chmod 600 stays private); a symlink's are not its target's: the umask's then.
        if (st.isFile()) chmodSync(a.path, st.mode & 0o777);
        const to = besideName(dir, a.name, 'old');
        keepUnder(target, st, to);
        kept.set(a.name, to);
      }
    } catch (e) {
      if (e instanceof FileSetError) throw e;
      giveUp(`cannot keep the earlier ${a.name} aside (${reason(e)})`);
    }
  }
  const moved: string[] = [];
  for (const a of aside) {
    try {
      renameSync(a.path, join(dir, a.name));
      moved.push(a.name);
    } catch (e) {
      const failed = `${a.name} could not be replaced (${reason(e)})`;
      const stuck: string[] = [];
      for (const name of moved.reverse()) {
        const from = kept.get(name);
        try {
          if (from !== undefined) renameSync(from, join(dir, name));
          else rmSync(join(dir, name)); // new to the directory: not part of the earlier set
          kept.delete(name);
        } catch {
          stuck.push(name);
        }
      }
      if (stuck.length === 0) giveUp(failed);
      for (const a2 of aside) removeQuietly(a2.path);
      for (const [name, path] of kept) if (!stuck.includes(name)) removeQuietly(path);
      const left = stuck.map((name) => (kept.has(name) ? `${name} (the earlier one is ${kept.get(name)})` : name));
      throw new FileSetError(`${failed}, and putting the earlier files back failed too: ${left.join(', ')} hold the new export`);
    }
  }
  for (const path of kept.values()) removeQuietly(path);
}
