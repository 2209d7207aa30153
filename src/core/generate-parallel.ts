// `generate --count` on worker threads. Delivery `index` of a run depends only on the run's seed, its clock and the
// index (prepareGenerator), so ranges of indices ("chunks") are made in worker threads, each with the same
// generator, and in this thread, which writes the chunks in index order: the same bytes as one thread makes. Loaded
// only when threads may be used (`await import`): a start of `generate` loads neither this nor node:worker_threads.
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CHUNK, fromWorkerError, makeChunk, type ChunkDone, type ChunkOrder, type ChunkState, type WorkerJob } from './generate-chunks.js';
import type { PreparedGenerator } from './generate.js';
import type { FieldIssue } from './validate.js';

/** Chunks given to one worker at a time: one it makes, one waiting, so that it never waits for this thread. */
const PER_WORKER = 2;
/** Chunks made but not yet written, per thread: all the memory a run holds, whatever the reader does. */
const AHEAD = 4;
/**
 * By default workers start only for a run whose rest would take this thread this long: a worker costs ~50-100 ms of
 * CPU to start and warm up (more on a busy machine), and the deliveries it makes meanwhile are this thread's to make.
 * Measured (docs/performance.md, 2 CPUs, load ~3): 100,000 compiled rewards (~0.25 s) were slower on two threads,
 * 100,000 of the catalog's median event (~0.45 s) no faster, `rehook customer.rewarded` (~0.75 s) 1.24 times and
 * `segment identify` (~1.1 s) 1.37 times faster.
 */
const WORTH_MS = 1000;
/** Chunks this thread makes before it judges (4,096 deliveries: past the warm-up of most events). */
const JUDGE_AFTER = 8;
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

/**
 * How many threads `--count` uses when `--threads` is not given: this one, and a worker per CPU the machine leaves
 * idle (CPUs minus the 1-minute load average, rounded). On a busy machine a worker only takes CPU time from the
 * other processes and from this thread: measured on 2 CPUs at load 5-7, every event was slower on two threads.
 */
export function automaticThreads(): number {
  const cpus = availableParallelism();
  const idle = Math.max(0, Math.round(cpus - (loadavg()[0] ?? 0)));
  return Math.max(1, Math.min(cpus, AUTO_MAX, 1 + idle));
}

/**
 * Makes deliveries 0..count-1 in this thread and `threads - 1` workers and writes them to `sink` in index order.
 * Returns false (nothing done) when the worker's entry is not there (a run from the sources) and threads were not
 * asked for: the caller makes them.
 * `gen` is this thread's generator (the workers build theirs from `job`: the same options, seed and clock).
 * `onIssues`: the first delivery, by index, that does not match its schema (only with validation off).
 * An error at delivery i: every delivery before it is written, then it is thrown, as one thread does.
 */
export async function generateParallel(
  gen: PreparedGenerator,
  job: WorkerJob,
  count: number,
  threads: number,
  sink: ParallelSink,
  onIssues: (issues: FieldIssue[]) => void,
  how: {
    /** Threads asked for (`--threads`): a missing worker entry is then an error, not a quiet run in one thread. */
    asked?: boolean;
    /** Tests: this thread makes no chunk, so that small runs go through the workers whole. */
    workersOnly?: boolean;
  } = {},
): Promise<boolean> {
  const workersOnly = how.workersOnly === true;
  const entry = workerEntry();
  if (entry === undefined && how.asked) throw new Error(`${fileURLToPath(new URL('./cli/generate-worker.cjs', import.meta.url))} is missing from this installation: reinstall cg-hooks (in a checkout: npm run build)`);
  if (entry === undefined) return false;
  // Small runs (a forced --threads) still give every thread a few chunks.
  const size = Math.max(1, Math.min(CHUNK, Math.ceil(count / (threads * PER_WORKER))));
  const chunks = Math.ceil(count / size);
  const limit = Math.min(chunks, threads) * AHEAD;
  const workers: Array<{ worker: Worker; given: number; ready: boolean }> = [];
  const made = new Map<number, ChunkDone>();
  const spare: ArrayBuffer[] = [];
  const own: ChunkState = { perDelivery: 1024, reported: false };
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
  const room = () => ordered < chunks && ordered - written < limit;
  const next = (): ChunkOrder => {
    const from = ordered * size;
    const buffer = spare.pop();
    return { c: ordered++, from, to: Math.min(count, from + size), ...(buffer ? { buffer } : {}) };
  };
  /** Chunks to the ready workers with room in their queue, the emptiest first. */
  const order = () => {
    while (room()) {
      const free = workers.reduce<(typeof workers)[number] | undefined>((best, w) => (w.ready && w.given < PER_WORKER && (best === undefined || w.given < best.given) ? w : best), undefined);
      if (free === undefined) return;
      const message = next();
      free.worker.postMessage(message, message.buffer ? [message.buffer] : []);
      free.given++;
    }
  };
  let stopping = false;
  const start = () => {
    for (let t = 0; t < (workersOnly ? Math.max(1, Math.min(threads - 1, chunks)) : Math.min(threads - 1, chunks - 1)); t++) {
      // Neither piped by Node (piping either, even stderr, makes process.stdout here, as Readable.pipe compares with it,
      // and the sink would then write through it, whose file stream ignores a full disk) nor read: reading makes the
      // worker create its own stdio streams (Node's stream modules, ~1/5 of its start). Workers write nothing there:
      // their results come as messages, their errors as 'error' events.
      const worker = new Worker(entry, { workerData: job, stdout: true, stderr: true });
      const slot = { worker, given: 0, ready: false };
      worker.on('message', (done: ChunkDone | 'ready') => {
        if (done === 'ready') slot.ready = true;
        else if (done.c < 0) failure ??= fromWorkerError(done.error!);
        else {
          slot.given--;
          // A chunk this thread made itself meanwhile (it was late, see below) is already there or written: the
          // worker's copy (the same bytes) is dropped and its buffer kept for reuse.
          if (done.c < written || made.has(done.c)) spare.push(done.bytes);
          else made.set(done.c, done);
        }
        woken();
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
  };
  // Asked for (--threads), the workers start at once. By default, only when this thread, having made a few chunks,
  // finds the rest would take it long enough (WORTH_MS) for workers to pay for their start: the same count is
  // 0.25 s of work for the compiled reward and 1 s for `segment identify`.
  let started = how.asked === true || workersOnly;
  if (started) start();
  let madeHere = 0;
  let fastest = Infinity; // ms a delivery, in this thread's fastest chunk
  let polled = false; // the answers waiting were let in since the last chunk was written
  try {
    while (written < chunks) {
      const done = made.get(written);
      if (done === undefined) {
        if (failure !== undefined) throw failure;
        if (room() && !workersOnly) {
          // This thread makes chunks too: all of them while the workers start (a worker takes tens of ms to be
          // ready), then whatever the workers leave, each time there is nothing to write.
          const chunk = next();
          const t0 = performance.now();
          made.set(chunk.c, makeChunk(gen, chunk, own));
          // The first chunks run cold (interpreted code, the schema and the compiled template not compiled yet), and a
          // busy machine stretches some: judged on the fastest chunk so far, from the JUDGE_AFTER-th on.
          fastest = Math.min(fastest, (performance.now() - t0) / (chunk.to - chunk.from));
          if (!started && ++madeHere >= JUDGE_AFTER && (chunks - ordered) * size * fastest > WORTH_MS) {
            started = true;
            start();
          }
          if (workers.length > 0) await new Promise(setImmediate); // the workers' answers come in as events
        } else if (!workersOnly && written < ordered) {
          // The next chunk to write is a worker's and not there yet, and this thread may not make more ahead: rather
          // than wait (a worker still cold, or starved of CPU, makes a chunk several times slower), it makes that
          // chunk itself, the same bytes, and drops the worker's when it comes. So threads never make a run slower
          // than this thread alone would, beyond the CPU they take from it. Its own state: this thread's `reported`
          // speaks for the chunks it made in order, and this one comes before them. First one turn of the event loop:
          // the worker's answer may be waiting there.
          if (!polled) {
            polled = true;
            await new Promise(setImmediate);
            continue;
          }
          polled = false;
          const from = written * size;
          const buffer = spare.pop();
          made.set(written, makeChunk(gen, { c: written, from, to: Math.min(count, from + size), ...(buffer ? { buffer } : {}) }, { perDelivery: own.perDelivery, reported: false }));
        } else await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      made.delete(written);
      polled = false;
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
    // Not awaited: a worker still starting takes up to ~100 ms to stop, which the run's end need not wait for (the
    // CLI's process.exit stops them all the same); unref'd, they no longer keep this thread's event loop alive.
    stopping = true;
    for (const w of workers) {
      w.worker.unref();
      void w.worker.terminate();
    }
  }
  return true;
}
