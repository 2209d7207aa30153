// The directory `listen --save` writes captures into: made (with its parents) and checked writable before the
// listener says it is ready, so that a bad --save is one line and exit 2, not a 503 on every delivery.
import { constants } from 'node:fs';
import { access, lstat, mkdir, readlink, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** The errors a directory can fail with, in words (the code alone means nothing to most users). */
function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a directory';
    case 'ENOENT':
      // Its parent exists: the file system itself refuses (/proc, /sys).
      return 'this file system does not allow creating a directory there';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left on the device';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'ELOOP':
      return 'too many symbolic links in the path';
    default:
      return (e as Error).message;
  }
}

/** The target of a symbolic link at `path` whose target is missing, or undefined when `path` is no link. */
async function danglingLink(path: string): Promise<string | undefined> {
  try {
    return (await lstat(path)).isSymbolicLink() ? await readlink(path) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes `dir` and its missing parents, one level at a time, and checks that files can be created in it. Node's
 * `mkdir(dir, {recursive: true})` is not used: where mkdir answers ENOENT under a parent that exists (`/proc/x`)
 * it retries forever. Returns why the directory cannot be used, or undefined when it can.
 */
export async function saveDirProblem(dir: string): Promise<string | undefined> {
  const target = resolve(dir);
  const missing: string[] = [];
  for (let at = target; ; ) {
    try {
      if (!(await stat(at)).isDirectory()) return at === target ? 'it is a file, not a directory' : `${at} is a file, not a directory`;
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return describe(e);
      const dangling = await danglingLink(at);
      if (dangling !== undefined) return `${at === target ? 'it' : at} is a symbolic link to ${dangling}, which does not exist`;
      missing.push(at);
      const up = dirname(at);
      // Stryker disable next-line ConditionalExpression: the root always exists; this only bounds the walk
      if (up === at) return describe(e);
      at = up;
    }
  }
  for (const level of missing.reverse()) {
    try {
      await mkdir(level);
    } catch (e) {
      // Made meanwhile by someone else: fine if it is a directory (the access check below says if not).
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return describe(e);
    }
  }
  try {
    // W_OK: write permission, and not a read-only mount (EROFS); X_OK: files in it can be reached.
    await access(target, constants.W_OK | constants.X_OK);
  } catch (e) {
    return describe(e);
  }
  return undefined;
}
