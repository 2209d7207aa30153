// Reading a delivery's body the cheaper way (wave 14): UTF-8 judged from the decoded text, the form test remembered
// for the last Content-Type, header names lower-cased once, and the HMAC scratch's inner pad kept between calls of
// one key. Each is held to the plain form it replaced; the rest of parseBody's verdicts are pinned for its mutation run.
import { isUtf8 } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8, parseBody, type DeliveryInput } from '../src/http/inspect.js';
import { header } from '../src/providers/helpers.js';
import { PaddedKey } from '../src/signing/hmac-pads.js';

const input = (body: Buffer, type = 'application/json'): DeliveryInput => ({ method: 'POST', path: '/', query: {}, headers: { 'content-type': type }, body });

// Bytes that decoders disagree on: surrogates, overlong forms, truncated sequences, past U+10FFFF, and U+FFFD itself.
// The valid sequences at each boundary of the overlong and surrogate checks sit beside their invalid neighbours.
const TRICKY = [[0xe0, 0xa0, 0x80], [0xed, 0x9f, 0xbf], [0xf0, 0x90, 0x80, 0x80], [0xf4, 0x8f, 0xbf, 0xbf], [0xf0, 0x8f, 0xbf, 0xbf], [0xe0, 0x9f, 0xbf], [0xed, 0xa0, 0x80], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80], [0xff], [0x80], [0xe2, 0x82], [0xef, 0xbf, 0xbd], [0xef, 0xbb, 0xbf], [0xf0, 0x9f, 0xaa, 0x94], [0xc3, 0xa9], [0x22], [0x61]];
const bodies = fc.array(fc.oneof(fc.constantFrom(...TRICKY), fc.integer({ min: 0, max: 255 }).map((b) => [b])), { maxLength: 12 }).map((parts) => Buffer.concat([Buffer.from('{"a":"'), Buffer.from(parts.flat()), Buffer.from('"}')]));

describe('parseBody', () => {
  it('calls a body invalid UTF-8 exactly when isUtf8 does, at the same offset', () => {
    fc.assert(
      fc.property(bodies, (body) => {
        const read = parseBody(input(body));
        expect(read.kind === 'invalid-utf8').toBe(!isUtf8(body));
        if (read.kind === 'invalid-utf8') expect(read.error).toBe(`body is not valid UTF-8 (bad byte at offset ${firstInvalidUtf8(body)})`);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a U+FFFD that was sent as text, and still refuses a bad byte beside one', () => {
    expect(parseBody(input(Buffer.from('{"a":"\uFFFD"}')))).toMatchObject({ kind: 'json', parsed: { a: '\uFFFD' } });
    expect(parseBody(input(Buffer.concat([Buffer.from('{"a":"\uFFFD'), Buffer.from([0xff]), Buffer.from('"}')])))).toMatchObject({ kind: 'invalid-utf8' });
    expect(parseBody(input(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])))).toMatchObject({ kind: 'invalid-utf8', error: 'body is not valid UTF-8 (bad byte at offset 6)' });
  });

  it('judges each delivery\'s own Content-Type when they alternate (the last one is remembered)', () => {
    const types = ['application/x-www-form-urlencoded', 'application/json', 'APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8', 'application/x-www-form-urlencoded', undefined, 'text/plain'];
    for (let i = 0; i < 30; i++) {
      const type = types[i % types.length];
      const read = parseBody({ ...input(Buffer.from('{"a":1}')), headers: type === undefined ? {} : { 'content-type': type } });
      expect(read.kind, `${i}: ${type}`).toBe(type?.toLowerCase().startsWith('application/x-www-form-urlencoded') ? 'form' : 'json');
    }
  });
});

describe('header', () => {
  it('finds a header by a name in any case, and keeps finding it after many other names', () => {
    const headers = { 'x-request-id': 'r1', 'user-agent': 'ua' };
    expect(header(headers, 'X-Request-Id')).toBe('r1');
    expect(header(headers, 'x-request-id')).toBe('r1');
    for (let i = 0; i < 600; i++) expect(header(headers, `X-Other-${i}`)).toBeUndefined();
    expect(header(headers, 'USER-AGENT')).toBe('ua');
    expect(header(headers, 'x-missing')).toBeUndefined();
  });
});

describe('PaddedKey', () => {
  it('gives each key its own MAC when keys of one block size take turns, the same key twice in a row included', () => {
    const secrets = ['first', 'second', 'first', 'first', 'third', 'second', 'second', 'first'];
    const keys = new Map(['first', 'second', 'third'].map((s) => [s, new PaddedKey('sha1', Buffer.from(s))]));
    secrets.forEach((secret, i) => {
      const body = Buffer.from(`{"n":${i},"pad":"${'x'.repeat(i * 300)}"}`);
      expect(keys.get(secret)!.mac('', body, 'hex'), `call ${i}`).toBe(createHmac('sha1', secret).update(body).digest('hex'));
    });
  });
});

describe('parseBody: the rest of its verdicts', () => {
  it('calls a body whose very first byte breaks UTF-8 invalid (the U+FFFD it decodes to is the text\'s first character)', () => {
    expect(parseBody(input(Buffer.from([0xff, 0x7b, 0x7d])))).toStrictEqual({ kind: 'invalid-utf8', error: 'body is not valid UTF-8 (bad byte at offset 0)' });
  });

  it('finds the first bad byte where the longest valid UTF-8 prefix ends (isUtf8 as the oracle)', () => {
    const longestValidPrefix = (b: Buffer) => {
      for (let j = b.length; j >= 0; j--) if (isUtf8(b.subarray(0, j))) return j;
      return 0;
    };
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...TRICKY), fc.integer({ min: 0, max: 255 }).map((b) => [b])), { maxLength: 10 }), (parts) => {
        const b = Buffer.from(parts.flat());
        expect(firstInvalidUtf8(b)).toBe(longestValidPrefix(b));
      }),
      { numRuns: 3000 },
    );
  });

  it('says what is wrong with an empty body, a body over --max-body and a form', () => {
    expect(parseBody(input(Buffer.alloc(0)))).toStrictEqual({ kind: 'empty', error: 'empty body' });
    expect(parseBody({ ...input(Buffer.alloc(0)), tooLarge: true })).toStrictEqual({ kind: 'too-large', error: 'body of ? bytes is over --max-body' });
    expect(parseBody(input(Buffer.from('a=1'), 'application/x-www-form-urlencoded'))).toStrictEqual({ kind: 'form', parsed: { a: '1' }, error: 'form-encoded body (application/x-www-form-urlencoded), expected JSON' });
    expect(parseBody(input(Buffer.from('{"a":')))).toMatchObject({ kind: 'malformed-json', error: expect.stringMatching(/^malformed JSON: .+/) });
  });

  it('undoes Content-Encoding as written in any case and spacing, skipping identity and empty entries, bounded for every coding', () => {
    const body = Buffer.from('{"a":"é"}');
    const withCoding = (coding: string, bytes: Buffer, maxDecoded?: number): DeliveryInput => ({ ...input(bytes), headers: { 'content-type': 'application/json', 'content-encoding': coding }, ...(maxDecoded === undefined ? {} : { maxDecoded }) });
    for (const coding of [' GZIP ', 'gzip, identity', ', gzip', 'identity,gzip', 'x-gzip']) {
      expect(parseBody(withCoding(coding, gzipSync(body))), coding).toMatchObject({ kind: 'json', parsed: { a: 'é' }, encoding: coding.trim().toLowerCase() });
    }
    expect(parseBody(withCoding('deflate', deflateRawSync(body)))).toMatchObject({ kind: 'json', parsed: { a: 'é' } });
    const bomb = Buffer.alloc(64 * 1024, 0x20);
    for (const [coding, packed] of [['gzip', gzipSync(bomb)], ['x-gzip', gzipSync(bomb)], ['deflate', deflateSync(bomb)], ['deflate', deflateRawSync(bomb)], ['br', brotliCompressSync(bomb)]] as const) {
      expect(parseBody(withCoding(coding, packed, 1000)), coding).toMatchObject({ kind: 'too-large', encoding: coding });
    }
  });
});
