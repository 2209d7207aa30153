// --json output echoes what the network sent (a header, a body, a URL, a receiver's answer). JSON.stringify escapes C0
// controls but writes C1 controls (U+0085 breaks a line on some terminals) and the bidi controls (U+202E reverses
// what follows, Trojan Source) as they are: on a terminal they reorder or hide text. Every --json writer escapes them
// as \uXXXX (core/json-text.ts): the text holds no raw code point, and JSON.parse gives back the very value sent.
// The built binary against real sockets.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { post, startListen, type ListenProcess } from './helpers/listener.js';

const RLO = '\u202e';
const NEL = '\u0085';
const NOTE = `pay ${RLO}01 ot 0001${NEL}ok \u2066x\u2069 \u061c \u200f \u2028 \u009b`;
const RAW = /[\u0080-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

/** Each line of NDJSON (or one JSON document): no raw code point in its text, and its escapes there. */
function expectEscaped(text: string): void {
  expect(text).not.toMatch(RAW);
  expect(text).toContain('\\u202e');
  expect(text).toContain('\\u0085');
}

let listener: ListenProcess | undefined;
let server: Server | undefined;
afterEach(async () => {
  await listener?.stop();
  listener = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('--json output escapes bidi and C1 controls from the network', () => {
  it('listen: a body (embedded as received), a header and a query carrying U+202E and U+0085', async () => {
    listener = await startListen(['--provider', 'customerglu', '--expect', '3', '--timeout', '20']);
    // One body that takes the as-received path (one line), one that is serialized again (a line break inside).
    const oneLine = JSON.stringify({ note: NOTE, n: 1.0 }).replace('"n":1', '"n":1.0');
    const multiLine = `{\n  "note": ${JSON.stringify(NOTE)}\n}`;
    const url = new URL(listener.url);
    url.searchParams.set('q', NOTE);
    // A header value carries bytes, read as Latin-1: 0x85 is U+0085.
    await post(url.href, oneLine, { 'x-note': `a${NEL}b` });
    await post(url.href, multiLine, { 'x-note': `a${NEL}b` });
    await post(url.href, '{"not json', { 'x-note': `a${NEL}b` });
    const r = await listener.exited;
    expect(r.code).toBe(1); // deliveries that are not valid ones (unsigned, not JSON): all reported
    const lines = r.stdout.trimEnd().split('\n');
    expectEscaped(r.stdout);
    const deliveries = lines.map((l) => JSON.parse(l) as Record<string, any>).filter((e) => e.type === 'delivery');
    expect(deliveries).toHaveLength(3);
    for (const d of deliveries) {
      expect(d.headers['x-note']).toBe(`a${NEL}b`);
      expect(d.query.q).toBe(NOTE);
    }
    expect(deliveries[0]!.body).toEqual({ note: NOTE, n: 1 });
    expect(lines.find((l) => l.includes('"seq":1'))).toContain('"n":1.0}'); // still the bytes as received, but escaped
    expect(deliveries[1]!.body).toEqual({ note: NOTE });
  });

  it('send --json: a receiver\'s answer and headers carrying them', async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('x-answer', `a${NEL}b`);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ note: NOTE }));
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const r = await runCli(['send', 'rehook', 'customer.rewarded', '--to', `http://127.0.0.1:${port}/hook`, '--secret', 'whsec_test', '--json', '--retries', '0']);
    expect(r.code).toBe(0);
    expectEscaped(r.stdout);
    const doc = JSON.parse(r.stdout) as Record<string, any>;
    const text = JSON.stringify(doc);
    expect(text).toContain(RLO); // the value is the one received
    expect(doc.attempts[0].headers['x-answer']).toContain(NEL);
  });

  it('the JSON error object (a message quoting what was typed)', async () => {
    const r = await runCli(['generate', `cust${RLO}omer${NEL}`, 'reward', '--json']);
    expect(r.code).toBe(2);
    expectEscaped(r.stdout);
    expect((JSON.parse(r.stdout) as { error: { message: string } }).error.message).toContain(`cust${RLO}omer${NEL}`);
  });
});
