import { createHmac } from 'node:crypto';
import { brotliCompressSync, constants, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody, decodeLimit } from '../src/signing/explain/content-encoding.js';
import { explain } from '../src/signing/index.js';
import type { SigningSpec } from '../src/signing/types.js';

// A compressed delivery: the signature covers either the compressed bytes as they arrived, or the body before
// compression. --explain says which, shows the body decoded, and never inflates without a bound.

const CG: SigningSpec = { scheme: 'customerglu', header: 'X-CG-SIGNATURE', altHeaders: [], algorithm: 'sha1', encoding: 'hex', secretRequired: false, description: '' };
const SECRET = 's3cret';
const sha1 = (data: Buffer | string) => createHmac('sha1', SECRET).update(data).digest('hex');
const JSON_BODY = '{"rewardId":"r-1","rewardName":"Café","rewardAmount":15}';

function cg(body: Buffer, signature: string, encoding = 'gzip') {
  return explain(CG, { headers: { 'x-cg-signature': signature, 'content-encoding': encoding }, body }, { secrets: [SECRET] });
}

describe('explain: Content-Encoding', () => {
  it('a signature over the compressed bytes is valid, and the finding says what it covers', () => {
    const gz = gzipSync(JSON_BODY);
    const x = cg(gz, sha1(gz));
    expect(x.verdict).toBe('valid');
    expect(x.findings[0]).toMatchObject({ cause: 'content-encoding' });
    expect(x.findings[0]!.title).toBe('The signature covers the compressed bytes as they arrived (Content-Encoding: gzip), not the decoded body.');
    expect(x.findings[0]!.detail.join(' ')).toContain(`Decoded (gzip): ${JSON_BODY.length + 1} bytes from the ${gz.length} received: {"rewardId":"r-1","rewardName":"Caf\\xC3\\xA9"`);
  });

  it('a signature over the body before compression: explained, with the decoded body shown', () => {
    for (const [encoding, compress] of [['gzip', gzipSync], ['x-gzip', gzipSync], ['deflate', deflateSync], ['deflate', deflateRawSync], ['br', brotliCompressSync]] as const) {
      const x = cg(compress(JSON_BODY), sha1(JSON_BODY), encoding);
      expect(x.verdict, encoding).toBe('explained');
      expect(x.match?.body, encoding).toBe('decoded');
      expect(x.findings[0]!.cause).toBe('content-encoding');
      expect(x.findings[0]!.title).toBe(`The signature covers the body before ${encoding} compression, not the compressed bytes that arrived.`);
      expect(x.findings[0]!.fix).toMatch(/decompress first \(with a size limit\)/);
    }
  });

  it('a transformation of the decoded body: the difference is counted in the decoded bytes', () => {
    const pretty = JSON.stringify(JSON.parse(JSON_BODY), null, 2);
    const x = cg(gzipSync(pretty), sha1(JSON_BODY));
    expect(x.match?.body).toBe('decoded+js-compact');
    expect(x.findings.map((f) => f.cause)).toEqual(['content-encoding', 're-serialized']);
    expect(x.findings[1]).toMatchObject({ offset: 1 });
    expect(x.findings[1]!.detail.join(' ')).toMatch(/the decoded body is \d+ bytes/);
  });

  it('a zip bomb is refused, not inflated: bounded memory, and the diagnosis says so', () => {
    const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024)); // ~16 KB that inflates to 16 MiB
    expect(decodeLimit(bomb.length)).toBe(1024 * 1024);
    const x = cg(bomb, sha1('{}'));
    expect(x.verdict).toBe('unexplained');
    const text = x.findings.at(-1)!.detail.join(' ');
    expect(text).toMatch(/gzip-compressed and was not decoded: refused to inflate past 1 MiB/);
    const brBomb = brotliCompressSync(Buffer.alloc(16 * 1024 * 1024), { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
    expect(decodeBody('br', brBomb)).toMatchObject({ ok: false, reason: expect.stringMatching(/possible zip bomb/) });
  });

  it('a body that is not what its Content-Encoding says, and codings it does not know', () => {
    expect(decodeBody('gzip', Buffer.from(JSON_BODY))).toMatchObject({ ok: false, reason: expect.stringMatching(/^the body is not valid gzip data/) });
    expect(decodeBody('zstd', Buffer.from('x'))).toMatchObject({ ok: false, reason: 'cg-hooks does not decode "zstd" (it decodes gzip, deflate and br)' });
    expect(decodeBody('identity', Buffer.from('x'))).toBeUndefined();
    expect(decodeBody('gzip, br', brotliCompressSync(gzipSync(JSON_BODY)))).toMatchObject({ ok: true, bytes: Buffer.from(JSON_BODY) });
    const x = cg(Buffer.from(JSON_BODY), sha1('other'));
    expect(x.findings.at(-1)!.detail.join(' ')).toMatch(/was not decoded: the body is not valid gzip data/);
  });

  it('a large decoded body gets the cheap forms only: a few KB on the wire cannot buy thirty serializations of 1 MiB', () => {
    const items = Array.from({ length: 6000 }, (_, i) => ({ id: `item-${i}`, price: 1.0, name: 'Café' }));
    const pretty = JSON.stringify({ items }, null, 2);
    expect(pretty.length).toBeGreaterThan(256 * 1024);
    const gz = gzipSync(pretty);
    const compact = cg(gz, sha1(JSON.stringify({ items })));
    expect(compact.match?.body).toBe('decoded+js-compact');
    const php = cg(gz, sha1(JSON.stringify({ items }).replaceAll('é', '\\u00e9'))); // PHP's json_encode of it
    expect(php.verdict).toBe('unexplained');
    expect(php.tried.bodies).toBeLessThan(40);
  });

  it('a gzip file passed without headers (verify --body) is recognised by its magic bytes', () => {
    const gz = gzipSync(JSON_BODY);
    const x = explain(CG, { headers: { 'x-cg-signature': sha1(JSON_BODY) }, body: gz }, { secrets: [SECRET] });
    expect(x.match?.body).toBe('decoded');
    expect(x.findings[0]!.detail[0]).toBe('The signer signed the uncompressed body and then sent it compressed (gzip data, though no Content-Encoding header says so).');
    expect(decodeBody(undefined, Buffer.from([0x1f, 0x8b, 0x08, 0]))).toMatchObject({ ok: false, sniffed: true });
    expect(decodeBody(undefined, Buffer.from(JSON_BODY))).toBeUndefined();
  });

  it('the limit: 1 MiB whatever the ratio, then 10× the received size, never more than 8 MiB', () => {
    expect(decodeLimit(10)).toBe(1024 * 1024);
    expect(decodeLimit(200 * 1024)).toBe(2000 * 1024);
    expect(decodeLimit(5 * 1024 * 1024)).toBe(8 * 1024 * 1024);
  });
});
