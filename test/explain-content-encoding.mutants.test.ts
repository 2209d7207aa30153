// A compressed delivery under --explain (src/signing/explain/content-encoding.ts): which codings are undone and in
// what order, the words when one cannot be (with the limit that keeps a zip bomb harmless), and how the decoded
// body and its forms are named in the diagnosis. Real zlib output throughout.
import { createHmac, randomBytes } from 'node:crypto';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { SigningSpec } from '../src/providers/types.js';
import { decodeBody } from '../src/signing/explain/content-encoding.js';
import { explain } from '../src/signing/explain/index.js';

const BODY = '{"rewardId":"r-1","rewardName":"Café","rewardAmount":15}';
const GH: SigningSpec = { scheme: 'github', secretRequired: true, description: '' };
const SECRET = 'gh-secret';
const sig = (data: string | Buffer) => `sha256=${createHmac('sha256', SECRET).update(data).digest('hex')}`;
const gh = (body: Buffer, signature: string, headers: Record<string, string> = {}) =>
  explain(GH, { headers: { 'x-hub-signature-256': signature, ...headers }, body }, { secrets: [SECRET] });

describe('decodeBody: the codings', () => {
  it('names are trimmed and case-folded; identity and empty entries are no coding', () => {
    expect(decodeBody(' GZip , identity ', gzipSync(BODY))).toStrictEqual({ ok: true, encoding: 'gzip', bytes: Buffer.from(BODY) });
    expect(decodeBody('identity, ,', Buffer.from(BODY))).toBeUndefined();
    expect(decodeBody('', Buffer.from(BODY))).toBeUndefined();
  });

  it('undone last first; three stacked at most', () => {
    expect(decodeBody('gzip,deflate,br', brotliCompressSync(deflateSync(gzipSync(BODY))))).toStrictEqual({ ok: true, encoding: 'gzip, deflate, br', bytes: Buffer.from(BODY) });
    expect(decodeBody('br, gzip', brotliCompressSync(gzipSync(BODY)))).toMatchObject({ ok: false, encoding: 'br, gzip', reason: expect.stringMatching(/^the body is not valid gzip data \(.+\)$/) });
    expect(decodeBody('gzip, gzip, gzip, gzip', gzipSync(gzipSync(gzipSync(gzipSync(BODY)))))).toStrictEqual({ ok: false, encoding: 'gzip, gzip, gzip, gzip', reason: '4 stacked content codings; not decoding more than 3' });
  });

  it('deflate: zlib-wrapped or raw; a raw stream that is neither is named as deflate', () => {
    expect(decodeBody('deflate', deflateRawSync(BODY))).toStrictEqual({ ok: true, encoding: 'deflate', bytes: Buffer.from(BODY) });
    expect(decodeBody('deflate', Buffer.from([0xff, 0xff, 0xff, 0xff]))).toMatchObject({ ok: false, reason: expect.stringMatching(/^the body is not valid deflate data \(/) });
  });

  it('a zip bomb: the limit and the received size in words, for every decoder', () => {
    const zeros = Buffer.alloc(4 * 1024 * 1024);
    const gz = gzipSync(zeros);
    const kib = `${Math.ceil(gz.length / 1024)} KiB`;
    const words = (limit: string, size: string) => `refused to inflate past ${limit}, the limit for a ${size} body (1 MiB, or 10× its size, at most 8 MiB): a possible zip bomb`;
    expect(decodeBody('gzip', gz)).toStrictEqual({ ok: false, encoding: 'gzip', reason: words('1 MiB', kib) });
    // A zlib deflate bomb is refused as such, not retried as a raw stream.
    const df = deflateSync(zeros);
    expect(decodeBody('deflate', df)).toStrictEqual({ ok: false, encoding: 'deflate', reason: words('1 MiB', `${Math.ceil(df.length / 1024)} KiB`) });
    // Above 1 MiB / 10: ten times the received size, in MiB with one decimal.
    const mixed = gzipSync(Buffer.concat([randomBytes(110 * 1024), zeros]));
    expect(decodeBody('gzip', mixed)).toMatchObject({ ok: false, reason: expect.stringMatching(/^refused to inflate past 1\.\d MiB, the limit for a 11\d KiB body /) });
  });

  it('no header: only gzip magic bytes make it gzip, flagged as sniffed', () => {
    expect(decodeBody(undefined, gzipSync(BODY))).toStrictEqual({ ok: true, encoding: 'gzip', bytes: Buffer.from(BODY), sniffed: true });
    expect(decodeBody(undefined, Buffer.from([0x1f, 0x8b]))).toBeUndefined();
    expect(decodeBody(undefined, Buffer.from([0x1f, 0x8c, 0x08]))).toBeUndefined();
    expect(decodeBody(undefined, Buffer.from([0x1e, 0x8b, 0x08]))).toBeUndefined();
    expect(decodeBody(undefined, Buffer.from([0x1f, 0x8b, 0x09]))).toBeUndefined();
  });
});

describe('explain: the decoded body in the diagnosis', () => {
  it('signed before compression: the match names the decoded body; its forms say they are of it', () => {
    const e = gh(gzipSync(BODY), sig(BODY), { 'content-encoding': 'gzip' });
    expect(e.match).toMatchObject({ body: 'decoded', bodyLabel: 'the body gzip-decoded (what was signed before compression)' });
    const gz = gzipSync(BODY);
    expect(e.findings).toStrictEqual([{
      cause: 'content-encoding',
      title: 'The signature covers the body before gzip compression, not the compressed bytes that arrived.',
      detail: ['The signer signed the uncompressed body and then sent it compressed (Content-Encoding: gzip).', `Decoded (gzip): ${Buffer.byteLength(BODY)} bytes from the ${gz.length} received: {"rewardId":"r-1","rewardName":"Caf\\xC3\\xA9","rewardAmount":15}`],
      fix: 'decompress first (with a size limit), then verify the decoded bytes; better, have the sender sign the bytes it actually sends',
    }]);
    const nl = gh(gzipSync(BODY), sig(`${BODY}\n`), { 'content-encoding': 'gzip' });
    expect(nl.match).toMatchObject({ body: 'decoded+add-newline', bodyLabel: 'the body plus a trailing newline, of the gzip-decoded body' });
    expect(nl.findings.map((f) => f.cause)).toStrictEqual(['content-encoding', 'whitespace']);
    expect(nl.findings[1]!.title).toBe('The signature was computed over the body plus a trailing newline, of the gzip-decoded body, not over the decoded bytes.');
  });

  it('valid over the compressed bytes: said so, with the decoded body shown, cut at 160 bytes', () => {
    const long = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ id: `item-${i}` })) });
    const gz = gzipSync(long);
    const e = gh(gz, sig(gz), { 'content-encoding': 'gzip' });
    expect(e.verdict).toBe('valid');
    expect(e.findings[0]).toStrictEqual({
      cause: 'content-encoding',
      title: 'The signature covers the compressed bytes as they arrived (Content-Encoding: gzip), not the decoded body.',
      detail: ['Verify before decompressing: a body parser or proxy that inflates the body first hands your code bytes that no longer verify.', `Decoded (gzip): ${long.length} bytes from the ${gz.length} received: ${long.slice(0, 160)}…`],
      fix: 'verify the raw bytes exactly as received, then decompress them (with a size limit)',
    });
    // Sniffed, without a header.
    expect(gh(gz, sig(gz)).findings[0]!.title).toBe('The signature covers the compressed bytes as they arrived (gzip data, though no Content-Encoding header says so), not the decoded body.');
  });

  it('valid, but the Content-Encoding is not what the body is: why it was not decoded', () => {
    const raw = Buffer.from(BODY);
    const e = gh(raw, sig(raw), { 'content-encoding': 'zstd' });
    expect(e.verdict).toBe('valid');
    expect(e.findings[0]!.detail[1]).toBe('Not decoded: cg-hooks does not decode "zstd" (it decodes gzip, deflate and br).');
  });
});
