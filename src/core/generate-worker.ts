// A worker thread of `generate --count` (src/core/generate-parallel.ts): builds the run's generator from the job (the
// same options, seed and clock as the main thread's) and makes the chunks of deliveries it is given, as NDJSON
// bytes, the same bytes the one-thread loop in src/commands/generate.ts writes. Started by dist/cli/generate-worker.cjs.
import { parentPort, workerData } from 'node:worker_threads';
import { loadProvider } from '../providers/index.js';
import { prepareGenerator, type PreparedGenerator } from './generate.js';
import { toWorkerError, type ChunkDone, type ChunkOrder, type WorkerJob } from './generate-parallel-types.js';
import { Mapping } from './mapping.js';

/** Copies what is made so far into a buffer of `size` bytes (its own ArrayBuffer: it is transferred). */
function grown(buf: Buffer, used: number, size: number): Buffer {
  const bigger = Buffer.allocUnsafeSlow(size);
  buf.copy(bigger, 0, 0, used);
  return bigger;
}

/** Per worker: bytes a delivery took so far (sizes the next chunk's buffer), and whether issues were reported. */
interface WorkerState {
  perDelivery: number;
  reported: boolean;
}

export function makeChunk(gen: PreparedGenerator, order: ChunkOrder, state: WorkerState): ChunkDone {
  const { c, from, to } = order;
  const want = Math.ceil(state.perDelivery * (to - from) * 1.25) + 65_536;
  let buf: Buffer = order.buffer !== undefined && order.buffer.byteLength >= want ? Buffer.from(order.buffer) : Buffer.allocUnsafeSlow(want);
  let used = 0;
  let issues: ChunkDone['issues'];
  for (let i = from; i < to; i++) {
    // A compiled template writes the body's bytes straight into the buffer (-2: not enough room for the longest).
    let end: number;
    while ((end = gen.writeBody(i, buf, used)) === -2) buf = grown(buf, used, buf.length * 2);
    if (end >= 0) {
      used = end;
      buf[used++] = 0x0a;
      continue;
    }
    let delivery;
    try {
      delivery = gen.makeText(i);
    } catch (e) {
      return { c, bytes: buf.buffer as ArrayBuffer, length: used, error: toWorkerError(e) };
    }
    // A worker's later chunks have later indices: the first it reports is the only one that can be the run's first.
    if (!state.reported && delivery.issues.length > 0) {
      state.reported = true;
      issues = delivery.issues;
    }
    const most = 3 * delivery.text.length + 1; // at most 3 bytes per UTF-16 unit, and the newline
    if (used + most > buf.length) buf = grown(buf, used, Math.max(buf.length * 2, used + most));
    used += buf.write(delivery.text, used, 'utf8');
    buf[used++] = 0x0a;
  }
  state.perDelivery = Math.max(16, used / Math.max(1, to - from));
  return { c, bytes: buf.buffer as ArrayBuffer, length: used, ...(issues ? { issues } : {}) };
}

/** The worker's body: one generator, then a chunk per message, each answered with its bytes (transferred, not copied). */
export function runGenerateWorker(): void {
  const port = parentPort;
  if (port === null) throw new Error('runGenerateWorker: not in a worker thread');
  const job = workerData as WorkerJob;
  const options = job.mapping ? { ...job.options, mapping: new Mapping(job.mapping.source, job.mapping.root) } : job.options;
  // The main thread built the same generator from the same options first: an error here is not the user's input.
  const ready = loadProvider(job.provider).then((provider) => prepareGenerator(provider, job.event, options, job.base));
  const state: WorkerState = { perDelivery: 1024, reported: false };
  // Listening at once: orders that come before the generator is ready wait for it, in order.
  port.on('message', (order: ChunkOrder) => {
    ready.then(
      (gen) => {
        const done = makeChunk(gen, order, state);
        port.postMessage(done, [done.bytes]);
      },
      (e: unknown) => port.postMessage({ c: order.c, bytes: new ArrayBuffer(0), length: 0, error: toWorkerError(e) } satisfies ChunkDone),
    );
  });
}
