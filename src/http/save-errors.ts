// Why `listen --save` could not write a capture, in the words a developer acts on (the delivery is then answered 503
// and kept by its sender: src/http/listen.ts).

const SAVE_ERRORS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files on the system',
  EROFS: 'the --save directory is on a read-only file system',
  EACCES: 'permission denied in the --save directory',
  EPERM: 'permission denied in the --save directory',
  ENOENT: 'the --save directory no longer exists',
  EIO: 'an I/O error',
};

/** "the disk is full (ENOSPC)": what a developer needs to act on, then the code to search for. */
export function saveError(e: NodeJS.ErrnoException): string {
  const code = e.code ?? '';
  return Object.hasOwn(SAVE_ERRORS, code) ? `${SAVE_ERRORS[code]} (${code})` : e.message;
}
