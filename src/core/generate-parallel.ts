// `generate --count` on worker threads. Delivery `index` of a run depends only on the run's seed, its clock and the
// index (prepareGenerator), so ranges of indices ("chunks") are made in worker threads, each with the same
// generator, and this thread writes the chunks in index order: the same bytes as one thread makes. Loaded only
// when threads will be used (`await import`): a start of `generate` loads neither this nor node:worker_threads.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { fromWorkerError, type ChunkDone, type ChunkOrder, type WorkerJob } from './generate-parallel-types.js';
import type { FieldIssue } from './validate.js';

/** Deliveries per chunk: ~0.5 MB of NDJSON for most events, a few ms of work; a message each way per chunk. */
const CHUNK = 512;
/** Chunks given to one worker at a time: one it makes, one waiting, so that it never waits for this thread. */
const PER_WORKER = 2;
/** Chunks made but not yet written, per worker: all the memory a run holds, whatever the reader does. */
const AHEAD = 3;
/** The automatic choice stops here: past it the writing thread, not the making, is the limit. */
const AUTO_MAX = 8;

export interface ParallelSink {
  write(bytes: Uint8Array): void | Promise<void>;
  /** The output still holds a reference to written bytes (their buffer must not be handed back to a worker). */
  holds(): boolean;
  /** The reader went away: stop. */
  gone(): boolean;
}

/** The worker's entry: a small CommonJS file beside the packs (scripts/build-cli.mjs), absent when run from src/. */
function workerEntry(): string | undefined {
  // In the packs import.meta.url is dist/cli (no trailing slash): './cli/…' is dist/cli/….
  const path = fileURLToPath(new URL('./cli/generate-worker.cjs', import.meta.url));
  return existsSync(path) ? path : undefined;
}

/** How many threads `--count` uses when `--threads` is not given (it is called only for runs long enough). */
export function automaticThreads(): number {
  return Math.min(availableParallelism(), AUTO_MAX);
}

/**
 * Makes deliveries 0..count-1 in `threads` workers and writes them to `sink` in index order. Returns false (nothing
 * done) when the worker's entry is not there (a run from the sources): the caller makes them itself.
 * `onIssues`: the first delivery, by index, that does not match its schema (only with validation off).
 * An error at delivery i: every delivery before it is written, then it is thrown, as one thread does.
 */
export async function generateParallel(
  job: WorkerJob,
  count: number,
  threads: number,
  sink: ParallelSink,
  onIssues: (issues: FieldIssue[]) => void,
): Promise<boolean> {
  const entry = workerEntry();
  if (entry === undefined) return false;
  // Small runs (a forced --threads) still give every worker a few chunks.
  const size = Math.max(1, Math.min(CHUNK, Math.ceil(count / (threads * PER_WORKER))));
  const chunks = Math.ceil(count / size);
  const workers: Array<{ worker: Worker; given: number }> = [];
  const made = new Map<number, ChunkDone>();
  const spare: ArrayBuffer[] = [];
  const limit = Math.min(chunks, threads) * AHEAD;
  let ordered = 0;
  let written = 0;
  let failure: unknown;
  let warned = false;
  let wake: (() => void) | undefined;
  const woken = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const order = () => {
    while (ordered < chunks && ordered - written < limit) {
      const free = workers.reduce<(typeof workers)[number] | undefined>((best, w) => (w.given < PER_WORKER && (best === undefined || w.given < best.given) ? w : best), undefined);
      if (free === undefined) return;
      const from = ordered * size;
      const buffer = spare.pop();
      const message: ChunkOrder = { c: ordered, from, to: Math.min(count, from + size), ...(buffer ? { buffer } : {}) };
      free.worker.postMessage(message, buffer ? [buffer] : []);
      free.given++;
      ordered++;
    }
  };
  let stopping = false;
  for (let t = 0; t < Math.min(threads, chunks); t++) {
    // Not piped by Node: piping either (even stderr: Readable.pipe compares with process.stdout) makes process.stdout,
    // and the sink would then write through it, whose file stream ignores a full disk. Workers write nothing to
    // stdout; what one writes to stderr (a warning of Node's) is passed on.
    const worker = new Worker(entry, { workerData: job, stdout: true, stderr: true });
    worker.stdout.resume();
    worker.stderr.on('data', (bytes: Buffer) => process.stderr.write(bytes));
    const slot = { worker, given: 0 };
    worker.on('message', (done: ChunkDone) => {
      slot.given--;
      made.set(done.c, done);
      if (done.c === written) woken();
      order();
    });
    worker.on('error', (e) => {
      failure ??= e;
      woken();
    });
    worker.on('exit', (code) => {
      if (!stopping) failure ??= new Error(`a generate worker thread stopped (exit code ${code}) before the run ended`);
      woken();
    });
    workers.push(slot);
  }
  try {
    order();
    while (written < chunks) {
      let done = made.get(written);
      while (done === undefined) {
        if (failure !== undefined) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        done = made.get(written);
      }
      made.delete(written);
      // The first chunk with issues, in index order, holds the first delivery with issues.
      if (done.issues && !warned) {
        warned = true;
        onIssues(done.issues);
      }
      if (done.length > 0) {
        const full = sink.write(Buffer.from(done.bytes, 0, done.length));
        if (full) await full;
      }
      if (done.error) throw fromWorkerError(done.error);
      if (sink.gone()) break;
      // Handed back to a worker for a later chunk (fresh memory per chunk is page faults), unless the output holds it.
      if (!sink.holds()) spare.push(done.bytes);
      written++;
      order();
    }
  } finally {
    stopping = true;
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
  return true;
}
