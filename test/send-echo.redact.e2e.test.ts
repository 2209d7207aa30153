// `send` shows the receiver's answer. A receiver that echoes the request it got (httpbin's /anything, a debug
// endpoint) answers with the credentials the request carried: WebEngage's secret= query, Rehook's Basic
// credentials, an X-API-KEY. They were shown in clear (the human output and --json), while the request line masked
// them. The binary against a real echoing receiver on 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mask } from '../src/core/redact.js';
import { runCli } from './helpers/cli.js';

let server: Server;
let url: string;

beforeAll(async () => {
  // As httpbin does: the URL (query in clear) and every header, as JSON.
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, headers: req.headers })));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe('send: credentials an echoing receiver repeats are masked in its answer', () => {
  it("WebEngage's secret= (human output and --json); --show-secrets shows it", async () => {
    const args = ['send', 'webengage', 'event', '--to', `${url}/we`, '--license-code', '~2024c5d1', '--secret', 'whsec_demo', '--no-retry'];
    const human = await runCli(args);
    const json = await runCli([...args, '--json']);
    expect(human.code).toBe(0);
    expect(json.code).toBe(0);
    const sent = JSON.parse(json.stdout).attempts[0];
    const echoed = JSON.parse(sent.body) as { url: string };
    // Neither output shows the secret the receiver got (--show-secrets, below, proves it got one).
    expect(echoed.url).toMatch(/secret=\*{4}\(32 chars\)/);
    expect(human.stdout).toMatch(/secret=\*{4}\(32 chars\)/);
    expect(human.stdout + json.stdout).not.toMatch(/secret=[0-9a-f]{32}/);
    const shown = await runCli([...args, '--json', '--show-secrets']);
    expect(JSON.parse(JSON.parse(shown.stdout).attempts[0].body).url).toMatch(/secret=[0-9a-f]{32}/);
  });

  it("Rehook's Basic credentials and the Events API's X-API-KEY", async () => {
    const rehook = await runCli(['send', 'rehook', 'customer.rewarded', '--to', `${url}/r`, '--user', 'acme:pa55word-9', '--secret', 's3cret', '--no-retry', '--json']);
    const rehookEcho = JSON.parse(JSON.parse(rehook.stdout).attempts[0].body) as { headers: Record<string, string> };
    expect(rehookEcho.headers.authorization).toBe(mask(`Basic ${Buffer.from('acme:pa55word-9').toString('base64')}`));
    const events = await runCli(['send', 'customerglu-events', 'event', '--to', `${url}/e`, '--api-key', 'cg-key-0123456789', '--no-retry']);
    expect(events.stdout).not.toContain('cg-key-0123456789');
    expect(events.stdout).toContain(mask('cg-key-0123456789'));
  });
});
