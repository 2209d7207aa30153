// What crosses between `generate --count`'s main thread (generate-parallel.ts) and its workers (generate-worker.ts).
import { CliError } from '../errors.js';
import type { GenerateOptions, RunBase } from './generate.js';
import type { Mapping } from './mapping.js';
import type { FieldIssue } from './validate.js';

/** What a worker needs to make the run's deliveries (structured-cloned into it). */
export interface WorkerJob {
  provider: string;
  event: string;
  /** The run's options without `mapping` (a class): that one travels as its parts. */
  options: Omit<GenerateOptions, 'mapping'>;
  mapping?: { source: string; root: Mapping['root'] };
  base: RunBase;
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
