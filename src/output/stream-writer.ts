// Output lines to a stream, written once per event-loop turn and bounded: what `listen` prints on stdout and stderr.
// (Out of delivery.ts, which makes the lines, in wave 14.)
/** A JSON object's text whose closing brace is left off: the line's next parts are members of that object. */
export interface OpenObject { readonly openObject: string }
/** One output line: text, or parts written one after the other (bytes as they are). */
export type OutputLine = string | ReadonlyArray<string | Uint8Array | OpenObject>;

export interface OutputSink {
  push(line: OutputLine, counted?: boolean): void; // counted false: a notice about the output itself, never "dropped"
  /** Writes what is pending now (unless the stream is over its bound). */
  flush(): void;
  /** The last flush: lines dropped since the reader last caught up are reported (onResumed) first. */
  finish(): void;
  /** Lines (pushes) dropped so far because the reader was too slow or gone. */
  readonly dropped: number;
  /** True once the reader went away (EPIPE): nothing more is written. */
  readonly closed: boolean;
  /** Lines handed to the stream that it has not yet passed on: lost if the process ends now. */
  readonly unflushed: number;
  /** Resolves when the stream has passed every line on, or after `ms` (a reader that never reads). */
  settle(ms: number): Promise<void>;
}

export interface SinkEvents {
  /** The first time lines are dropped because nothing reads the stream fast enough. */
  onBackedUp?(): void;
  /** The stream drained after `count` lines were dropped: a chance to mark the gap. */
  onResumed?(count: number): void;
  /** The reader went away (EPIPE and the like); called once. */
  onClosed?(error: NodeJS.ErrnoException): void;
}

/** What may wait in memory for a slow reader: enough for any one delivery line, bounded whatever arrives. */
export const MAX_BUFFERED = 8 * 1024 * 1024;

type Stream = Pick<NodeJS.WriteStream, 'write' | 'on' | 'once'> & { writableLength: number; off?: NodeJS.WriteStream['off'] };

/**
 * Collects output lines and writes them once per event-loop turn (one syscall for many deliveries), with a
 * bound: when the reader falls behind by more than `maxBuffered` bytes, lines are dropped and counted
 * rather than kept (the listener goes on receiving and saving); when the reader goes away, writing stops.
 */
export function streamWriter(stream: Stream, events: SinkEvents = {}, options: { batch?: number; maxBuffered?: number } = {}): OutputSink {
  const batch = options.batch ?? 64 * 1024;
  const maxBuffered = options.maxBuffered ?? MAX_BUFFERED;
  // Lines are encoded (UTF-8) into one buffer as they come, and that buffer is what is written. Concatenated into
  // one string instead, a batch was a rope that writing had to flatten: past 64 KB of two-byte text (a body with
  // one "é" makes the whole batch two-byte), a fresh large object in V8's heap on every write, then encoded
  // again. Profiled under load, that was two thirds of the listener's page faults.
  let pending: Buffer | undefined;
  let used = 0;
  // The last buffer the stream finished writing, used again (it was handed over whole: nothing else holds it).
  const arenaSize = batch + 16 * 1024;
  let spare: Buffer | undefined;
  let pendingLines = 0;
  let scheduled = false;
  let dropped = 0;
  let droppedSinceDrain = 0;
  let warned = false;
  let closed = false;
  let waitingForDrain = false;
  let unflushed = 0;
  // settle()'s waiter, for the write callbacks: a write that did not fill the stream emits no 'drain' (a file's
  // stream calls back on the next tick, so a flush just before settle() still counts as unflushed).
  let whenSettled: (() => void) | undefined;
  const clear = () => {
    pending = undefined;
    used = 0;
    pendingLines = 0;
  };
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    dropped += pendingLines + unflushed;
    unflushed = 0;
    clear();
    events.onClosed?.(e);
  });
  const reserve = (bytes: number) => {
    if (pending !== undefined && pending.length - used >= bytes) return;
    if (pending === undefined && spare !== undefined && bytes <= spare.length) {
      pending = spare;
      spare = undefined;
      return;
    }
    const next = Buffer.allocUnsafeSlow(Math.max(arenaSize, 2 * (pending?.length ?? 0), used + bytes));
    if (pending !== undefined) pending.copy(next, 0, 0, used);
    pending = next;
  };
  const put = (part: string | Uint8Array | OpenObject) => {
    if (typeof part === 'object' && !(part instanceof Uint8Array)) {
      put(part.openObject);
      used -= 1; // the closing brace
    } else if (typeof part === 'string') {
      // UTF-8 takes at most 3 bytes per UTF-16 code unit; a long line is measured rather than over-reserved.
      reserve(part.length > 65_536 ? Buffer.byteLength(part) : 3 * part.length);
      used += pending!.write(part, used);
    } else {
      reserve(part.length);
      pending!.set(part, used);
      used += part.length;
    }
  };
  const drop = () => {
    dropped += pendingLines;
    droppedSinceDrain += pendingLines;
    clear();
    if (!warned) {
      warned = true;
      events.onBackedUp?.();
    }
    if (!waitingForDrain) {
      waitingForDrain = true;
      stream.once('drain', () => {
        waitingForDrain = false;
        const count = droppedSinceDrain;
        droppedSinceDrain = 0;
        if (count > 0 && !closed) events.onResumed?.(count);
      });
    }
  };
  const flush = () => {
    scheduled = false;
    if (used === 0 || closed) return;
    // A line is written whole or not at all; one line alone is always written (the bound is for a backlog).
    if (stream.writableLength > 0 && stream.writableLength + used > maxBuffered) return drop();
    const arena = pending!;
    const lines = pendingLines;
    const bytes = arena.subarray(0, used);
    clear();
    unflushed += lines;
    stream.write(bytes, (error?: Error | null) => {
      if (!closed) unflushed -= lines;
      if (!error && arena.length === arenaSize) spare = arena;
      if (unflushed === 0 && stream.writableLength === 0) whenSettled?.();
    });
  };
  return {
    push(line, counted = true) {
      if (closed) {
        if (counted) dropped++;
        return;
      }
      if (typeof line === 'string') put(line);
      else for (const part of line) put(part);
      if (counted) pendingLines++;
      if (used >= batch) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
    finish() {
      flush();
      const count = droppedSinceDrain;
      droppedSinceDrain = 0;
      if (count > 0 && !closed) {
        events.onResumed?.(count);
        flush();
      }
    },
    get dropped() {
      return dropped;
    },
    get closed() {
      return closed;
    },
    get unflushed() {
      return closed ? 0 : unflushed;
    },
    settle(ms) {
      if (closed || (unflushed === 0 && stream.writableLength === 0)) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          stream.off?.('drain', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        whenSettled = done;
        stream.once('drain', done);
      });
    },
  };
}
