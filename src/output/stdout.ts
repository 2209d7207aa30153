// process.stdout is made on its first use, and making it loads Node's stream modules (for a file or /dev/null) or
// net and stream (for a pipe): ~5–10% of a `generate` start (docs/performance.md, "Start-up"). A command that only
// writes bytes (`generate`) writes them to the descriptor itself while nothing has made the stream, and the
// process end waits for the stream only if something made it.
import { fstatSync, writeSync } from 'node:fs';
import { UsageError } from './errors.js';

let made = false;
const whenMade: Array<(stdout: NodeJS.WriteStream) => void> = [];

/**
 * Notices the first use of process.stdout (ours, commander's, any library's): `then` runs with it then, or at once
 * if it is already made. Installed by cli.ts before anything writes.
 */
export function onStdoutMade(then: (stdout: NodeJS.WriteStream) => void): void {
  if (made) {
    then(process.stdout);
    return;
  }
  whenMade.push(then);
  if (whenMade.length > 1) return;
  const own = Object.getOwnPropertyDescriptor(process, 'stdout');
  if (own?.get === undefined || own.configurable !== true) {
    // Not the lazy getter Node defines: take the stream as made (the safe side: the end waits for it).
    made = true;
    then(process.stdout);
    return;
  }
  const make = own.get;
  Object.defineProperty(process, 'stdout', {
    configurable: true,
    enumerable: own.enumerable,
    get() {
      const stdout = make.call(process) as NodeJS.WriteStream;
      if (!made) {
        made = true;
        Object.defineProperty(process, 'stdout', own); // Node's getter again: it returns the stream it made
        for (const f of whenMade.splice(0)) f(stdout);
      }
      return stdout;
    },
  });
}

/** True once process.stdout exists: only then can output be queued in it. */
export function stdoutMade(): boolean {
  return made;
}

let failure: UsageError | undefined;

/** Stdout cannot take output (a full disk, a file too large), said in one line; not the reader going away (EPIPE). */
export function unwritableStdout(e: NodeJS.ErrnoException): UsageError {
  const reason = e.code === 'ENOSPC' ? 'no space left on the device' : e.code === 'EFBIG' ? 'the file is too large' : e.message;
  failure ??= new UsageError('unwritable_output', `stdout: cannot write: ${reason}`, 'free some space on that device, or send the output somewhere else');
  return failure;
}

/**
 * The first failed write to stdout (the same error every later one reports), for the exit: output written through
 * process.stdout fails inside the stream, where the command that wrote it never sees it.
 */
export function stdoutFailure(): UsageError | undefined {
  return failure;
}

/** Writes every byte of `bytes` to `fd`, or throws what stopped it (a short write is not the end: a full disk is). */
export function writeAll(fd: number, bytes: Uint8Array, write: typeof writeSync = writeSync): void {
  for (let at = 0; at < bytes.length; ) at += write(fd, bytes, at, bytes.length - at);
}

/**
 * Makes process.stdout on a regular file write whole or fail. Node's stream for a file writes each chunk with one
 * `writeSync` and ignores a short count: on a full disk the end of a chunk was lost and the command exited 0 (a help
 * text, a schema, an error object under --json). Here a chunk is written to its end, and a failure is kept for the
 * exit (cli.ts: one line on stderr, exit 2) and passed to the stream as its error (the listener stops printing and
 * counts what it drops). Pipes and terminals are left as they are: their short writes are queued, not lost.
 */
export function writeWholeToFile(stdout: NodeJS.WriteStream, write: typeof writeSync = writeSync): void {
  const fd = (stdout as { fd?: unknown }).fd;
  if (typeof fd !== 'number') return;
  try {
    if (!fstatSync(fd).isFile()) return;
  } catch {
    return;
  }
  (stdout as unknown as { _write: (chunk: unknown, encoding: BufferEncoding, done: (e?: Error | null) => void) => void })._write = (chunk, encoding, done) => {
    try {
      writeAll(fd, typeof chunk === 'string' ? Buffer.from(chunk, encoding) : (chunk as Uint8Array), write);
    } catch (e) {
      // The stream's listeners get the system's error (ENOSPC); the exit gets the one line.
      if ((e as NodeJS.ErrnoException).code !== 'EPIPE') unwritableStdout(e as NodeJS.ErrnoException);
      done(e as Error);
      return;
    }
    done();
  };
}

/** Resolves when stdout can take more: after 'drain', or at once when it errored or closed. */
function drained(stdout: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stdout.off('drain', done).off('error', done).off('close', done);
      resolve();
    };
    stdout.once('drain', done).once('error', done).once('close', done);
  });
}

export interface StdoutSink {
  /** Writes all of `bytes`; a promise when the stream must drain first (bounded memory with a slow reader). */
  write(bytes: Uint8Array): void | Promise<void>;
  /** The stream still holds a reference to written bytes (their buffer must not be reused yet). */
  holds(): boolean;
  /** The reader went away (the stream was destroyed): stop producing. */
  gone(): boolean;
}

/**
 * Bytes to stdout, blocking writes to descriptor 1 while process.stdout is not made (a pipe or a terminal that
 * Node has not touched is blocking, as the shell made it). A descriptor that would block (EAGAIN: another process
 * made it non-blocking) hands the rest, and everything after, to process.stdout. A reader that went away (EPIPE)
 * throws: cli.ts ends quietly, as it does for the stream's EPIPE.
 */
export function stdoutSink(
  io: { write: typeof writeSync; stream: () => NodeJS.WriteStream } = { write: writeSync, stream: () => process.stdout },
): StdoutSink {
  let stream: NodeJS.WriteStream | undefined = made ? io.stream() : undefined;
  const toStream = (bytes: Uint8Array): void | Promise<void> => {
    stream ??= io.stream();
    return stream.write(bytes) ? undefined : drained(stream);
  };
  return {
    write(bytes) {
      if (stream !== undefined || made) return toStream(bytes); // made since (a warning, a library): keep one order
      let at = 0;
      while (at < bytes.length) {
        try {
          at += io.write(1, bytes, at, bytes.length - at);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') return toStream(bytes.subarray(at));
          if (code === 'EPIPE') throw e;
          throw unwritableStdout(e as NodeJS.ErrnoException);
        }
      }
      return undefined;
    },
    holds: () => stream !== undefined && stream.writableLength > 0,
    gone: () => stream !== undefined && stream.destroyed,
  };
}

let fileSink: StdoutSink | null | undefined;

/**
 * A sink for stdout when it is a regular file (`> out.json`), else null. Node writes to such a stdout synchronously
 * anyway, but its file stream ignores a short write: on a full disk the rest of the output was lost and the command
 * still exited 0. The sink writes the same bytes, as synchronously, and says so (exit 2). Pipes and terminals keep
 * process.stdout (asynchronous writes, 'drain', EPIPE handled by cli.ts).
 */
export function stdoutFileSink(): StdoutSink | null {
  if (fileSink === undefined) {
    try {
      fileSink = fstatSync(1).isFile() ? stdoutSink() : null;
    } catch {
      fileSink = null;
    }
  }
  return fileSink;
}
