import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureFileName, parseCapture, readCapture, serializeCapture, writeCapture, type Capture } from '../src/core/capture.js';
import { UsageError } from '../src/output/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'cg-capture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sample: Capture = {
  receivedAt: '2026-01-01T00:00:00.123Z',
  method: 'POST',
  path: '/webhook/%E2%9C%93',
  query: { eventType: 'order', secret: 'abc' },
  headers: { 'content-type': 'application/json', 'x-cg-signature': 'f2719895b483fbf3f98e1936bc88271cbe74f138' },
  body: Buffer.from('{"a":"é"}\n'),
  remoteAddress: '127.0.0.1',
  provider: 'customerglu',
  event: 'reward',
};

describe('capture files', () => {
  it('hold the documented fields, the body as base64', () => {
    const file = JSON.parse(serializeCapture(sample));
    expect(file).toEqual({
      version: 1,
      receivedAt: sample.receivedAt,
      method: 'POST',
      path: sample.path,
      query: sample.query,
      headers: sample.headers,
      bodyBase64: sample.body.toString('base64'),
      remoteAddress: '127.0.0.1',
      provider: 'customerglu',
      event: 'reward',
    });
  });

  it('round-trip any bytes exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.dictionary(fc.string().map((s) => s.toLowerCase()), fc.string()), (bytes, headers) => {
        const back = parseCapture(serializeCapture({ ...sample, body: Buffer.from(bytes), headers }));
        expect(back.body.equals(Buffer.from(bytes))).toBe(true);
        expect(back.headers).toEqual(headers);
      }),
    );
  });

  it('are named by arrival time, sequence, provider and event', () => {
    expect(captureFileName(sample, 7)).toBe('20260101T000000.123Z-000007-customerglu-reward.json');
    expect(captureFileName({ ...sample, provider: null, event: null }, 1)).toBe('20260101T000000.123Z-000001-unknown-unknown.json');
    expect(captureFileName({ ...sample, event: '../../etc/passwd' }, 1)).not.toContain('/');
  });

  it('are written whole (temp file, then rename) and read back', async () => {
    const path = await writeCapture(dir, sample, 3);
    expect(readdirSync(dir)).toEqual([captureFileName(sample, 3)]);
    const back = readCapture(path);
    expect(back).toEqual({ ...sample });
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
  });

  it('reject files that are not captures with a usage error naming the file', () => {
    const bad = (text: string) => () => parseCapture(text, 'x.json');
    expect(bad('nope')).toThrow(UsageError);
    expect(bad('[]')).toThrow(/x\.json is not a capture file/);
    expect(bad('{"version":2}')).toThrow(/unsupported capture version 2/);
    expect(bad(JSON.stringify({ version: 1, receivedAt: 'x', method: 'POST', path: '/', bodyBase64: '###' }))).toThrow(/bodyBase64/);
    expect(bad(JSON.stringify({ version: 1, receivedAt: 'x', method: 'POST', path: '/', bodyBase64: '', headers: { a: 1 } }))).toThrow(/headers\.a/);
    const missing = join(dir, 'missing.json');
    expect(() => readCapture(missing)).toThrow(/no such file/);
    writeFileSync(join(dir, 'empty.json'), '');
    expect(() => readCapture(join(dir, 'empty.json'))).toThrow(UsageError);
  });

  it('accept minimal files (no query, headers, provider or event)', () => {
    const c = parseCapture(JSON.stringify({ version: 1, receivedAt: 't', method: 'POST', path: '/', bodyBase64: 'e30=' }));
    expect(c).toMatchObject({ query: {}, headers: {}, provider: null, event: null });
    expect(c.body.toString()).toBe('{}');
  });
});
