// A compressed delivery (Content-Encoding: gzip, deflate, br): the signature may cover the compressed bytes
// as they arrived, or the body before compression. The diagnosis tries both, so it inflates what arrived,
// within a limit that keeps a zip bomb harmless: memory and time stay bounded whatever the sender sends.
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { excerpt, type Finding } from './report.js';
import type { BodyVariant } from './variants.js';

/** Never inflate beyond this, whatever the ratio. */
export const MAX_DECODED_BYTES = 8 * 1024 * 1024;
/** Up to this size any ratio is accepted (small JSON compresses well); beyond it, at most MAX_RATIO. */
export const FREE_DECODED_BYTES = 1024 * 1024;
export const MAX_RATIO = 10;

/** `sniffed`: no Content-Encoding header, but the body starts with gzip's magic bytes (a file saved compressed). */
export type DecodedBody =
  | { ok: true; encoding: string; bytes: Buffer; sniffed?: boolean }
  | { ok: false; encoding: string; reason: string; sniffed?: boolean };

const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

const DECODERS: Record<string, (data: Buffer, maxOutputLength: number) => Buffer> = {
  gzip: (d, max) => gunzipSync(d, { maxOutputLength: max }),
  'x-gzip': (d, max) => gunzipSync(d, { maxOutputLength: max }),
  // "deflate" means zlib-wrapped, but some senders send a raw deflate stream.
  deflate: (d, max) => {
    try {
      return inflateSync(d, { maxOutputLength: max });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw e;
      return inflateRawSync(d, { maxOutputLength: max });
    }
  },
  br: (d, max) => brotliDecompressSync(d, { maxOutputLength: max }),
};

const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB` : `${Math.ceil(n / 1024)} KiB`);

/** The most a body of this many bytes may inflate to. */
export function decodeLimit(compressed: number): number {
  return Math.min(MAX_DECODED_BYTES, Math.max(FREE_DECODED_BYTES, MAX_RATIO * compressed));
}

/**
 * The body with its Content-Encoding undone, or why not; undefined when there is no encoding to undo.
 * Several codings ("gzip, br") are undone last first, each within the same limit. Never throws.
 */
export function decodeBody(contentEncoding: string | undefined, body: Buffer): DecodedBody | undefined {
  if (contentEncoding === undefined) {
    if (!GZIP_MAGIC.every((b, i) => body[i] === b)) return undefined;
    const sniffed = decodeBody('gzip', body);
    return sniffed && { ...sniffed, sniffed: true };
  }
  const codings = contentEncoding.toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity');
  if (codings.length === 0) return undefined;
  const encoding = codings.join(', ');
  if (codings.length > 3) return { ok: false, encoding, reason: `${codings.length} stacked content codings; not decoding more than 3` };
  const limit = decodeLimit(body.length);
  let bytes = body;
  for (const coding of codings.reverse()) {
    const decode = DECODERS[coding];
    if (!decode) return { ok: false, encoding, reason: `cg-hooks does not decode "${coding}" (it decodes gzip, deflate and br)` };
    try {
      bytes = decode(bytes, limit);
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        return { ok: false, encoding, reason: `refused to inflate past ${size(limit)}, the limit for a ${size(body.length)} body (${size(FREE_DECODED_BYTES)}, or ${MAX_RATIO}× its size, at most ${size(MAX_DECODED_BYTES)}): a possible zip bomb` };
      }
      return { ok: false, encoding, reason: `the body is not valid ${coding} data (${(e as Error).message})` };
    }
  }
  return { ok: true, encoding, bytes };
}

/** The decoded body's forms, named as such: the signer may have signed the body before compressing it. */
export function decodedVariants(decoded: DecodedBody & { ok: true }, variants: BodyVariant[]): BodyVariant[] {
  return variants.map((v) =>
    v.id === 'raw'
      ? { ...v, id: 'decoded', cause: 'content-encoding', label: `the body ${decoded.encoding}-decoded (what was signed before compression)` }
      : { ...v, id: `decoded+${v.id}`, label: `${v.label}, of the ${decoded.encoding}-decoded body` },
  );
}

/**
 * What a compressed delivery means for its signature. `covers` says what the signature was found over: the
 * compressed bytes as they arrived ("after" compression) or the body before compression.
 */
export function decodedFinding(decoded: DecodedBody, received: number, covers: 'before' | 'after'): Finding {
  const how = decoded.sniffed ? 'gzip data, though no Content-Encoding header says so' : `Content-Encoding: ${decoded.encoding}`;
  const shown = decoded.ok
    ? `Decoded (${decoded.encoding}): ${decoded.bytes.length} bytes from the ${received} received: ${excerpt(decoded.bytes, 0, 0, 160)}`
    : `Not decoded: ${decoded.reason}.`;
  if (covers === 'after') {
    return {
      cause: 'content-encoding',
      title: `The signature covers the compressed bytes as they arrived (${how}), not the decoded body.`,
      detail: ['Verify before decompressing: a body parser or proxy that inflates the body first hands your code bytes that no longer verify.', shown],
      fix: 'verify the raw bytes exactly as received, then decompress them (with a size limit)',
    };
  }
  return {
    cause: 'content-encoding',
    title: `The signature covers the body before ${decoded.encoding} compression, not the compressed bytes that arrived.`,
    detail: [`The signer signed the uncompressed body and then sent it compressed (${how}).`, shown],
    fix: 'decompress first (with a size limit), then verify the decoded bytes; better, have the sender sign the bytes it actually sends',
  };
}
