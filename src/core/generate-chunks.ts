// `generate --count` in chunks: what crosses between its main thread (generate-parallel.ts) and its workers
// (generate-worker.ts), and how any thread makes a chunk (`--threads 1` too, src/commands/generate.ts).
import { CliError } from '../errors.js';
import type { GenerateOptions, PreparedGenerator, RunBase } from './generate.js';
import type { Mapping } from './mapping.js';
import type { FieldIssue } from './validate.js';

/** Deliveries per chunk: ~0.5 MB of NDJSON for most events, a few ms of work; a message each way per chunk. */
export const CHUNK = 512;

/** What a worker needs to make the run's deliveries (structured-cloned into it). */
export interface WorkerJob {
  provider: string;
  event: string;
  /** The run's options without `mapping` (a class): that one travels as its parts. */
  options: Omit<GenerateOptions, 'mapping'>;
  mapping?: { source: string; root: Mapping['root'] };
  base: RunBase;
  /** Deliveries in the run. */
  count: number;
}

/** This thread to a worker: make deliveries [from, to) as chunk `c`, into `buffer` if it is large enough. */
export interface ChunkOrder {
  c: number;
  from: number;
  to: number;
  buffer?: ArrayBuffer;
}

/** An error, as it crosses threads: a CliError keeps its exit code, code and hint; anything else its message. */
export interface WorkerError {
  exitCode?: number;
  code?: string;
  message: string;
  hint?: string;
  stack?: string;
}

/** A worker to this thread: chunk `c`'s NDJSON in `bytes` (the first `length`), and what stopped it, if anything. */
export interface ChunkDone {
  c: number;
  bytes: ArrayBuffer;
  length: number;
  /** The first delivery of the chunk that does not match its schema (--no-validate), by index. */
  issues?: FieldIssue[];
  /** The delivery that could not be made: `bytes` holds every delivery before it, and nothing after. */
  error?: WorkerError;
}

export function toWorkerError(e: unknown): WorkerError {
  if (e instanceof CliError) return { exitCode: e.exitCode, code: e.code, message: e.message, ...(e.hint === undefined ? {} : { hint: e.hint }) };
  const error = e instanceof Error ? e : new Error(String(e));
  return { message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) };
}

export function fromWorkerError(e: WorkerError): Error {
  if (e.exitCode !== undefined && e.code !== undefined) return new CliError(e.exitCode, e.code, e.message, e.hint);
  const error = new Error(e.message);
  if (e.stack !== undefined) error.stack = e.stack;
  return error;
}

/** Copies what is made so far into a buffer of `size` bytes (its own ArrayBuffer: it is transferred). */
function grown(buf: Buffer, used: number, size: number): Buffer {
  const bigger = Buffer.allocUnsafeSlow(size);
  buf.copy(bigger, 0, 0, used);
  return bigger;
}

/** Per thread that makes chunks: bytes a delivery took so far (sizes the next chunk's buffer), and whether issues were reported. */
export interface ChunkState {
  perDelivery: number;
  reported: boolean;
}

/** Makes deliveries [from, to) as NDJSON, in a worker or in the writing thread (`--threads 1` too): the same bytes. */
export function makeChunk(gen: PreparedGenerator, order: ChunkOrder, state: ChunkState): ChunkDone {
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
