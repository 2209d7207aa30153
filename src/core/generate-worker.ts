// A worker thread of `generate --count` (src/core/generate-parallel.ts): builds the run's generator from the job (the
// same options, seed and clock as the main thread's) and makes the chunks of deliveries it is given, as NDJSON
// bytes (makeChunk: the same bytes the writing thread makes of them). Started by dist/cli/generate-worker.cjs.
import { parentPort, workerData } from 'node:worker_threads';
import { loadProvider } from '../providers/index.js';
import { bodyCompilerFor, prepareGenerator } from './generate.js';
import { makeChunk, toWorkerError, type ChunkDone, type ChunkOrder, type ChunkState, type WorkerJob } from './generate-chunks.js';
import { Mapping } from './mapping.js';

/** Deliveries a worker makes (and drops) before it takes chunks: a few ms of work at full speed. */
const WARM_UP = 1024;

/** The worker's body: one generator, then a chunk per message, each answered with its bytes (transferred, not copied). */
export function runGenerateWorker(): void {
  const port = parentPort;
  if (port === null) throw new Error('runGenerateWorker: not in a worker thread');
  const job = workerData as WorkerJob;
  const options = job.mapping ? { ...job.options, mapping: new Mapping(job.mapping.source, job.mapping.root) } : job.options;
  // The main thread built the same generator from the same options first: an error here is not the user's input.
  const ready = loadProvider(job.provider).then(async (provider) => {
    const gen = prepareGenerator(provider, job.event, options, job.base, await bodyCompilerFor(provider, job.count, options));
    // Warmed up before it says it is ready: a cold worker makes its first chunks several times slower (interpreted
    // code, zod's schema not compiled yet), and the main thread, which writes in index order, would wait for them.
    // The deliveries are thrown away; the generator's counters only choose between equivalent paths.
    makeChunk(gen, { c: -1, from: 0, to: Math.min(WARM_UP, job.count) }, { perDelivery: 1024, reported: false });
    return gen;
  });
  const state: ChunkState = { perDelivery: 1024, reported: false };
  // Ready: the main thread, which makes chunks itself meanwhile, sends orders from now on. Chunk -1: it could not.
  ready.then(
    () => port.postMessage('ready'),
    (e: unknown) => port.postMessage({ c: -1, bytes: new ArrayBuffer(0), length: 0, error: toWorkerError(e) } satisfies ChunkDone),
  );
  // Tests (CG_HOOKS_TEST_WORKER_STALL=1): a worker that takes its orders and never answers, as a starved one would.
  const stalled = process.env.CG_HOOKS_TEST_WORKER_STALL === '1';
  port.on('message', (order: ChunkOrder) => {
    if (stalled) return;
    void ready.then((gen) => {
      const done = makeChunk(gen, order, state);
      port.postMessage(done, [done.bytes]);
    });
  });
}
