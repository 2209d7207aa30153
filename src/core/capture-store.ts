// Where `listen --save` puts captures: one file per delivery, named so that `ls` shows them in arrival order.
//
// A capture is acknowledged only once it is durably on disk, so writing it is: an exclusive, no-follow create of
// an unpredictable temporary name (nobody can plant a symlink there, and two listeners never share one), the
// bytes, fsync, then link() to the final name. link() never replaces what is already there: a name taken by
// another listener's capture, or by a planted symlink, makes the capture take the next free name instead.
// Finally the directory is fsynced (shared by the captures committed at the same time: it costs one fsync per
// burst, not one per capture). Whatever fails, the temporary file is removed and the error is thrown.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { serializeCapture, type CaptureInput } from './capture.js';

const safeName = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'unknown';

/** `20260101T000000.123Z-000001-customerglu-reward.json`: arrival time, sequence, provider, event. */
export function captureFileName(capture: { receivedAt: string; provider?: string | null; event?: string | null }, seq: number): string {
  const compact = capture.receivedAt.replace(/[-:]/g, '');
  // An absent provider or event is an empty part, which safeName turns into "unknown".
  return `${compact}-${String(seq).padStart(6, '0')}-${safeName(capture.provider ?? '')}-${safeName(capture.event ?? '')}.json`;
}

// O_EXCL alone already refuses an existing path, symlinks included; O_NOFOLLOW says so twice where it exists.
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
/** How many `-2`, `-3`… names are tried before giving up on a name that keeps being taken. */
const MAX_NAME_TRIES = 1000;
const ignore = () => undefined;

/** Creates `path` (never an existing file or symlink) with `text`, fsynced. Removes it again if that fails. */
async function writeNew(path: string, text: string): Promise<void> {
  const fh: FileHandle = await open(path, CREATE_NEW, 0o666);
  try {
    await fh.writeFile(text);
    await fh.datasync();
  } catch (e) {
    await fh.close().catch(ignore);
    await unlink(path).catch(ignore);
    throw e;
  }
  await fh.close();
}

// Errors that mean "this file system cannot do that", not "the data is not safe".
const UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EINVAL', 'EISDIR', 'EBADF', 'EACCES']);

/** Gives `tmp` its final name without replacing anything; returns that name. */
async function claimName(dir: string, name: string, tmp: string, text: string): Promise<string> {
  const stem = name.slice(0, -'.json'.length);
  let linkable = true;
  for (let n = 1; n <= MAX_NAME_TRIES; n++) {
    const path = join(dir, n === 1 ? name : `${stem}-${n}.json`);
    try {
      if (linkable) await link(tmp, path);
      // A file system without hard links (some FUSE and FAT mounts): an exclusive create of the final name.
      else await writeNew(path, text);
      return path;
    } catch (e) {
      // Stryker disable next-line StringLiteral: an error without a code is neither EEXIST nor UNSUPPORTED, whatever stands in for it
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') continue;
      if (linkable && UNSUPPORTED.has(code)) {
        linkable = false;
        n--;
        continue;
      }
      throw e;
    }
  }
  throw new Error(`no free name for ${name} after ${MAX_NAME_TRIES} tries`);
}

interface DirSync {
  running?: Promise<void>;
  queued?: Promise<void>;
}
const dirSyncs = new Map<string, DirSync>();

async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, constants.O_RDONLY);
    await fh.sync();
  } catch (e) {
    // Some platforms cannot open or fsync a directory (Windows, some network file systems): nothing to do there.
    // Stryker disable next-line StringLiteral: an error without a code is not UNSUPPORTED, whatever stands in for it
    if (!UNSUPPORTED.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    await fh?.close().catch(ignore);
  }
}

/**
 * fsyncs the directory so that the new name survives a crash. A caller that arrives while a sync is running
 * waits for the next one (its link may have come after the running one started); all callers that arrive
 * meanwhile share that next sync.
 */
export function syncDir(dir: string): Promise<void> {
  let s = dirSyncs.get(dir);
  if (s === undefined) dirSyncs.set(dir, (s = {}));
  const state = s;
  if (state.running === undefined) {
    state.running = fsyncDir(dir).finally(() => {
      state.running = undefined;
      // Housekeeping only: a state left in the map, or dropped while a sync is queued, behaves as a fresh one would
      // (an idle state starts a sync at once; the queued caller then finds or makes the state), so no caller could tell.
      // Stryker disable next-line ConditionalExpression,EqualityOperator: see above
      if (state.queued === undefined) dirSyncs.delete(dir);
    });
    return state.running;
  }
  state.queued ??= state.running
    .catch(ignore)
    .then(() => {
      state.queued = undefined;
      return syncDir(dir);
    });
  return state.queued;
}

/**
 * Writes one capture durably and returns its path; throws (leaving no temporary file) when it could not be
 * written, so that the delivery is not acknowledged.
 */
export async function writeCapture(dir: string, capture: CaptureInput & { receivedAt: string }, seq: number): Promise<string> {
  const name = captureFileName(capture, seq);
  const text = serializeCapture(capture);
  // Hidden and unpredictable: `replay <dir>` never picks it up, and nobody can prepare a symlink in its place.
  const tmp = join(dir, `.${name.slice(0, -'.json'.length)}.${randomBytes(12).toString('base64url')}.tmp`);
  await writeNew(tmp, text);
  let path: string;
  try {
    path = await claimName(dir, name, tmp, text);
  } finally {
    await unlink(tmp).catch(ignore);
  }
  await syncDir(dir);
  return path;
}
