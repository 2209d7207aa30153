import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { parseJson } from './json.js';

/**
 * A saved delivery, byte-exact. Written by `listen --save`, read by `verify --capture` and `replay`.
 * On disk: {"version":1,"receivedAt":ISO,"method","path","query":{name: value | [values…]},"headers":{lower-case
 * name: value},"bodyBase64","remoteAddress","provider":id|null,"event":name|null}. The body is base64 so that any
 * bytes (a BOM, invalid UTF-8, CRLF) survive the JSON file unchanged. A query parameter that arrived more than
 * once (`?a=1&a=2`) keeps every value, in order, as an array; captures written before that hold strings only.
 */
export interface Capture {
  version: 1;
  receivedAt: string;
  method: string;
  path: string;
  /** Decoded parameters; an array for a parameter that appeared more than once. */
  query: Record<string, string | string[]>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Buffer;
  remoteAddress: string | null;
  provider: string | null;
  event: string | null;
}

export interface CaptureInput {
  receivedAt?: Date | string;
  method: string;
  path: string;
  query?: Record<string, string | string[] | undefined>;
  /** Node's IncomingMessage.headers works as is: repeated headers are joined with ", ". */
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
  remoteAddress?: string | null;
  provider?: string | null;
  event?: string | null;
}

/** Headers as saved: lower-case names, a repeated header joined with ", ". */
function headersOf(map: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) {
    // defineProperty: a header named __proto__ is kept as data, not taken as the prototype. Only ever
    // JSON.stringify'd: an undefined value is left out there, and the object is never changed afterwards.
    Object.defineProperty(out, k.toLowerCase(), { value: Array.isArray(v) ? v.join(', ') : v, enumerable: true });
  }
  return out;
}

/** Query parameters as saved: a repeated one keeps all its values (`?a=1&a=2` → `{"a":["1","2"]}`). */
function queryOf(map: Record<string, string | string[] | undefined> | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(map ?? {})) {
    const value = Array.isArray(v) ? (v.length === 1 ? v[0]! : [...v]) : v;
    // Only ever JSON.stringify'd: an undefined value is left out there, and the object is never changed afterwards.
    Object.defineProperty(out, k, { value, enumerable: true });
  }
  return out;
}

/** A capture's "query": strings, or arrays of strings for repeated parameters (older captures: strings only). */
export const isQueryMap = (v: unknown): v is Record<string, string | string[]> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string' || (Array.isArray(x) && x.every((y) => typeof y === 'string')));

/** The query as `[name, value]` pairs in order, one pair per value. */
export function queryPairs(query: Record<string, string | string[]>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) for (const x of v) pairs.push([k, x]);
    else pairs.push([k, v]);
  }
  return pairs;
}

/** One value per name, as the signature checks read the query: the last of a repeated one (as PHP and Rails do). */
export function lastValues(query: Record<string, string | string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    const value = Array.isArray(v) ? v[v.length - 1] : v;
    if (value !== undefined) Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The capture file's text (pretty JSON, one trailing newline). */
export function serializeCapture(input: CaptureInput): string {
  const receivedAt = input.receivedAt instanceof Date ? input.receivedAt.toISOString() : (input.receivedAt ?? new Date().toISOString());
  const doc = {
    version: 1,
    receivedAt,
    method: input.method,
    path: input.path,
    query: queryOf(input.query),
    headers: headersOf(input.headers),
    bodyBase64: Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength).toString('base64'),
    remoteAddress: input.remoteAddress ?? null,
    provider: input.provider ?? null,
    event: input.event ?? null,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const stringMap = (v: unknown): v is Record<string, string> => isRecord(v) && Object.values(v).every((x) => typeof x === 'string');
/** RFC 9110 token: a method or a header name (what `-H`, `--signature-header` and captures may name). */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What HTTP can carry in a header value: tab, visible ASCII, space and Latin-1 (no CR, LF or NUL). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** The body bytes, only when the base64 is exactly what a capture holds: a damaged one would send other bytes. */
function decodeBody(text: string): Buffer | undefined {
  const b64 = text.replace(/\s/g, '');
  // Buffer.from skips what is not base64; only a text that encodes back to itself is canonical base64 (no stray
  // characters, padding where it belongs, no stray bits in the last character that decode like another text).
  const body = Buffer.from(b64, 'base64');
  return body.toString('base64') === b64 ? body : undefined;
}

/**
 * Parses a capture file's text; `source` names it in error messages. Everything replay will put on the wire is
 * checked here (method, header names and values, the body's base64), so an edited capture is bad input (exit 2)
 * before anything is sent, never a half-sent replay or different bytes.
 */
export function parseCapture(text: string, source: string): Capture {
  const doc = parseJson(text, source);
  const bad = (what: string) =>
    new UsageError('bad_capture', `${source} is not a cg-hooks capture: ${what}`, 'captures are written by `cg-hooks listen --save <dir>`');
  if (!isRecord(doc)) throw bad('expected a JSON object');
  if (doc.version !== 1) throw bad(`unsupported "version" ${JSON.stringify(doc.version)} (expected 1)`);
  if (typeof doc.bodyBase64 !== 'string') throw bad('"bodyBase64" must be a base64 string');
  const body = decodeBody(doc.bodyBase64);
  if (body === undefined) throw bad('"bodyBase64" is damaged (not canonical base64): the body cannot be restored byte for byte');
  if (!stringMap(doc.headers)) throw bad('"headers" must be an object of strings');
  for (const [name, value] of Object.entries(doc.headers)) {
    if (!HTTP_TOKEN.test(name)) throw bad(`header name ${JSON.stringify(name.slice(0, 60))} is not a valid HTTP header name`);
    if (!HEADER_VALUE.test(value)) throw bad(`header ${name} holds a line break, a control character or a character outside Latin-1, which HTTP cannot send`);
  }
  if (doc.query !== undefined && !isQueryMap(doc.query)) throw bad('"query" must be an object of strings (or arrays of strings)');
  for (const field of ['method', 'path', 'receivedAt'] as const) {
    if (doc[field] !== undefined && typeof doc[field] !== 'string') throw bad(`"${field}" must be a string`);
  }
  const method = (doc.method as string | undefined) ?? 'POST';
  if (!HTTP_TOKEN.test(method)) throw bad(`"method" ${JSON.stringify(method.slice(0, 20))} is not an HTTP method`);
  const optional = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    version: 1,
    receivedAt: (doc.receivedAt as string | undefined) ?? '',
    method,
    path: (doc.path as string | undefined) ?? '/',
    query: (doc.query as Record<string, string | string[]> | undefined) ?? {},
    headers: Object.fromEntries(Object.entries(doc.headers).map(([k, v]) => [k.toLowerCase(), v])),
    body,
    remoteAddress: optional(doc.remoteAddress),
    provider: optional(doc.provider),
    event: optional(doc.event),
  };
}

/** A capture holds one body (base64 at worst) and its headers: far below V8's 512 MiB string limit. */
const MAX_CAPTURE_BYTES = 512 * 1024 * 1024;

/** Reads a capture file, with a usage error (exit 2) that names the file when it is unreadable or not a capture. */
export function readCapture(path: string): Capture {
  let text: string;
  try {
    // A device or a pipe (/dev/zero, a FIFO) would be read forever: a capture is a regular file of bounded size.
    const info = statSync(path);
    if (!info.isFile() && !info.isDirectory()) throw new UsageError('unreadable_file', `cannot read capture ${path}: not a regular file`, 'captures are the .json files `cg-hooks listen --save <dir>` writes');
    if (info.size > MAX_CAPTURE_BYTES) throw new UsageError('unreadable_file', `cannot read capture ${path}: larger than ${MAX_CAPTURE_BYTES / 1024 / 1024} MiB`, 'captures are the .json files `cg-hooks listen --save <dir>` writes');
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UsageError('unreadable_file', `cannot read capture ${path}: ${reason}`);
  }
  return parseCapture(text, path);
}
