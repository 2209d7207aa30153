// Reading a delivery's body: its Content-Encoding undone (bounded), UTF-8 checked, then JSON or form fields.
import { isUtf8 } from 'node:buffer';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { describeJsonError } from '../core/json.js';

export type BodyKind = 'json' | 'empty' | 'malformed-json' | 'invalid-utf8' | 'form' | 'too-large' | 'undecodable';

export interface DeliveryInput {
  method: string;
  /** The path as received (still percent-encoded), without the query string. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Buffer;
  /** True when the body went over --max-body: `body` is then empty and nothing else is checked. */
  tooLarge?: boolean;
  /** How many bytes arrived (more than body.length when tooLarge). */
  size?: number;
  /** The most bytes a Content-Encoding (gzip, deflate, br) may decode to (default 1 MiB). */
  maxDecoded?: number;
}

/** Offset of the first byte that breaks UTF-8 (only called once isUtf8 has said no). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlong three/four-byte forms, surrogates and code points above U+10FFFF.
    const c1 = bytes[i + 1] ?? 0;
    if ((b === 0xe0 && c1 < 0xa0) || (b === 0xed && c1 >= 0xa0) || (b === 0xf0 && c1 < 0x90) || (b === 0xf4 && c1 >= 0x90)) return i;
    i += need + 1;
  }
  return bytes.length;
}

const DECODERS: Record<string, (data: Buffer, limit: number) => Buffer> = {
  gzip: (d, limit) => gunzipSync(d, { maxOutputLength: limit }),
  'x-gzip': (d, limit) => gunzipSync(d, { maxOutputLength: limit }),
  // "deflate" is meant to be zlib-wrapped; some senders send the raw stream.
  deflate: (d, limit) => {
    try {
      return inflateSync(d, { maxOutputLength: limit });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw e;
      return inflateRawSync(d, { maxOutputLength: limit });
    }
  },
  br: (d, limit) => brotliDecompressSync(d, { maxOutputLength: limit }),
};

/**
 * The body as it is meant to be read: a Content-Encoding (gzip, deflate, br; several in order) undone, bounded
 * by `maxDecoded` so that a small compressed body cannot expand into gigabytes.
 */
export function decodeBody(input: DeliveryInput): { bytes: Buffer; encoding?: string; error?: string; tooLarge?: boolean } {
  const header = (input.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (header === '' || header === 'identity') return { bytes: input.body };
  const codings = header.split(',').map((c) => c.trim()).filter((c) => c !== '' && c !== 'identity');
  const limit = input.maxDecoded ?? 1024 * 1024;
  let bytes = input.body;
  for (const coding of [...codings].reverse()) {
    const decode = DECODERS[coding];
    if (!decode) return { bytes, encoding: header, error: `Content-Encoding: ${header} is not supported (gzip, deflate, br are): the body was not read` };
    try {
      bytes = decode(bytes, limit);
    } catch (e) {
      // Decoding past the limit is a body over --max-body (413), not a bad one (400 tells senders never to retry).
      const tooLarge = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      const why = tooLarge ? `it decodes to more than ${limit} bytes (--max-body)` : `it does not decode (${(e as Error).message})`;
      return { bytes: input.body, encoding: header, error: `Content-Encoding: ${header}, but ${why}`, ...(tooLarge ? { tooLarge } : {}) };
    }
  }
  return { bytes, encoding: header };
}

// The last Content-Type seen and whether it is a form's: a sender sends the same one every time.
let lastType: string | undefined;
let lastIsForm = false;

function isFormType(type: string | undefined): boolean {
  if (type === undefined) return false;
  if (type !== lastType) {
    lastType = type;
    lastIsForm = type.toLowerCase().startsWith('application/x-www-form-urlencoded');
  }
  return lastIsForm;
}

/** A verdict with the Content-Encoding undone to reach it, when there was one. (Not a closure: one a delivery.) */
function withEncoding<T extends object>(r: T, encoding: string | undefined): T | (T & { encoding: string }) {
  return encoding === undefined ? r : { ...r, encoding };
}

export function parseBody(input: DeliveryInput): { kind: BodyKind; parsed?: unknown; error?: string; encoding?: string } {
  if (input.tooLarge) return { kind: 'too-large', error: `body of ${input.size ?? '?'} bytes is over --max-body` };
  if (input.body.length === 0) return { kind: 'empty', error: 'empty body' };
  // Nearly every delivery has no Content-Encoding: its bytes are read as they came (decodeBody's first answer).
  const decoded = input.headers['content-encoding'] === undefined ? undefined : decodeBody(input);
  const encoding = decoded?.encoding;
  if (decoded?.error !== undefined) return withEncoding({ kind: decoded.tooLarge ? ('too-large' as const) : ('undecodable' as const), error: decoded.error }, encoding);
  const bytes = decoded === undefined ? input.body : decoded.bytes;
  // Decoding replaces every byte that breaks UTF-8 with U+FFFD: text without one came from valid UTF-8, and only
  // text with one (a bad byte, or a U+FFFD that was sent) needs isUtf8's answer. A scan of the text costs less
  // than isUtf8's pass over the bytes (~0.1 µs a 500-byte body).
  const text = bytes.toString('utf8');
  if (text.indexOf('\uFFFD') >= 0 && !isUtf8(bytes)) return withEncoding({ kind: 'invalid-utf8' as const, error: `body is not valid UTF-8 (bad byte at offset ${firstInvalidUtf8(bytes)})` }, encoding);
  if (isFormType(input.headers['content-type'])) {
    return withEncoding({ kind: 'form' as const, parsed: Object.fromEntries(new URLSearchParams(text)), error: 'form-encoded body (application/x-www-form-urlencoded), expected JSON' }, encoding);
  }
  try {
    return withEncoding({ kind: 'json' as const, parsed: JSON.parse(text) }, encoding);
  } catch {
    let where: string;
    try {
      where = describeJsonError(text);
    } catch {
      where = 'invalid JSON';
    }
    return withEncoding({ kind: 'malformed-json' as const, error: `malformed JSON: ${where}` }, encoding);
  }
}
