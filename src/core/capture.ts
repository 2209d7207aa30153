import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../output/errors.js';

/**
 * One delivery exactly as it arrived. On disk (version 1) it is a JSON file:
 * {"version":1,"receivedAt":ISO,"method","path","query":{…},"headers":{lower-case name: value},
 *  "bodyBase64","remoteAddress","provider":id|null,"event":name|null}
 * The body is base64 so that any bytes (invalid UTF-8, form data, a BOM) survive unchanged.
 */
export interface Capture {
  receivedAt: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Buffer;
  remoteAddress?: string;
  provider: string | null;
  event: string | null;
}

export const CAPTURE_VERSION = 1;

export function serializeCapture(capture: Capture): string {
  const file = {
    version: CAPTURE_VERSION,
    receivedAt: capture.receivedAt,
    method: capture.method,
    path: capture.path,
    query: capture.query,
    headers: capture.headers,
    bodyBase64: capture.body.toString('base64'),
    remoteAddress: capture.remoteAddress ?? null,
    provider: capture.provider,
    event: capture.event,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function stringMap(value: unknown, field: string, label: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError('bad_capture', `${label}: "${field}" must be an object of strings`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new UsageError('bad_capture', `${label}: ${field}.${k} must be a string`);
    out[field === 'headers' ? k.toLowerCase() : k] = v;
  }
  return out;
}

/** Parses a capture file's text; `label` names the file in errors (exit 2). */
export function parseCapture(text: string, label = 'capture'): Capture {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError('bad_capture', `${label} is not a capture file: ${(e as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new UsageError('bad_capture', `${label} is not a capture file: expected a JSON object`);
  const d = data as Record<string, unknown>;
  if (d.version !== CAPTURE_VERSION) throw new UsageError('bad_capture', `${label}: unsupported capture version ${JSON.stringify(d.version)} (expected ${CAPTURE_VERSION})`);
  for (const field of ['receivedAt', 'method', 'path', 'bodyBase64'] as const) {
    if (typeof d[field] !== 'string') throw new UsageError('bad_capture', `${label}: "${field}" must be a string`);
  }
  const base64 = d.bodyBase64 as string;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) throw new UsageError('bad_capture', `${label}: "bodyBase64" is not base64`);
  const optionalName = (field: 'provider' | 'event'): string | null => {
    const v = d[field];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw new UsageError('bad_capture', `${label}: "${field}" must be a string or null`);
    return v;
  };
  const capture: Capture = {
    receivedAt: d.receivedAt as string,
    method: d.method as string,
    path: d.path as string,
    query: d.query === undefined ? {} : stringMap(d.query, 'query', label),
    headers: d.headers === undefined ? {} : stringMap(d.headers, 'headers', label),
    body: Buffer.from(base64, 'base64'),
    provider: optionalName('provider'),
    event: optionalName('event'),
  };
  if (typeof d.remoteAddress === 'string') capture.remoteAddress = d.remoteAddress;
  return capture;
}

/** Reads a capture file; unreadable or malformed files are usage errors (exit 2). */
export function readCapture(path: string): Capture {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new UsageError('unreadable_file', `cannot read capture ${path}: ${reason}`);
  }
  return parseCapture(text, path);
}

const safeName = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'unknown';

/** `20260101T000000.123Z-000001-customerglu-reward.json`: sorts by arrival, names what it holds. */
export function captureFileName(capture: Pick<Capture, 'receivedAt' | 'provider' | 'event'>, seq: number): string {
  const compact = capture.receivedAt.replace(/[-:]/g, '');
  return `${compact}-${String(seq).padStart(6, '0')}-${safeName(capture.provider ?? 'unknown')}-${safeName(capture.event ?? 'unknown')}.json`;
}

/** Writes to a temporary name then renames, so a reader never sees half a capture. Returns the path. */
export async function writeCapture(dir: string, capture: Capture, seq: number): Promise<string> {
  const path = join(dir, captureFileName(capture, seq));
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, serializeCapture(capture));
  await rename(tmp, path);
  return path;
}
