import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCapture, readCapture, serializeCapture } from '../src/core/capture.js';

describe('capture files', () => {
  const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"é"}\r\n'), Buffer.from([0xff])]);

  it('round-trips any bytes, lower-cases header names, joins repeated headers, keeps every query value', () => {
    const text = serializeCapture({
      receivedAt: new Date('2026-01-01T00:00:00Z'),
      method: 'POST',
      path: '/webhook',
      query: { a: '1', b: ['x', 'y'] },
      headers: { 'X-CG-SIGNATURE': 'abc', 'set-cookie': ['a=1', 'b=2'], skipped: undefined },
      body,
      remoteAddress: '127.0.0.1',
      provider: 'customerglu',
      event: 'reward',
    });
    expect(text.endsWith('}\n')).toBe(true);
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual(['version', 'receivedAt', 'method', 'path', 'query', 'headers', 'bodyBase64', 'remoteAddress', 'provider', 'event']);
    const cap = parseCapture(text, 'x.json');
    expect(cap.body.equals(body)).toBe(true);
    expect(cap.headers).toEqual({ 'x-cg-signature': 'abc', 'set-cookie': 'a=1, b=2' });
    expect(cap.query).toEqual({ a: '1', b: ['x', 'y'] });
    expect(cap).toMatchObject({ version: 1, receivedAt: '2026-01-01T00:00:00.000Z', method: 'POST', path: '/webhook', remoteAddress: '127.0.0.1', provider: 'customerglu', event: 'reward' });
  });

  it('defaults provider/event/remoteAddress to null', () => {
    const cap = parseCapture(serializeCapture({ method: 'POST', path: '/', headers: {}, body: Buffer.from('x') }), 'x');
    expect(cap).toMatchObject({ provider: null, event: null, remoteAddress: null, query: {} });
  });

  it('explains what is wrong with a bad file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cap-'));
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    expect(() => readCapture(join(dir, 'missing.json'))).toThrow(/cannot read capture .*no such file/);
    expect(() => readCapture(write('bad.json', '{"version":1,'))).toThrow(/not valid JSON/);
    expect(() => readCapture(write('v2.json', '{"version":2,"headers":{},"bodyBase64":""}'))).toThrow(/unsupported "version" 2/);
    expect(() => readCapture(write('nobody.json', '{"version":1,"headers":{}}'))).toThrow(/"bodyBase64"/);
    expect(() => readCapture(write('hdr.json', '{"version":1,"headers":{"a":1},"bodyBase64":""}'))).toThrow(/"headers"/);
  });
});
