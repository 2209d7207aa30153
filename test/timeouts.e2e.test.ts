// --timeout bounds the whole exchange (connect, headers and the whole response body) in send, send --repeat and
// test: a receiver that answers at once but trickles its body a byte at a time must not hold them forever.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

let server: Server;
let url: string;
const trickles = new Set<ServerResponse>();

beforeAll(async () => {
  // Answers 200 with headers at once, then one byte of body every 200 ms, never ending.
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('o');
      const timer = setInterval(() => res.write('k'), 200);
      trickles.add(res);
      res.on('close', () => {
        clearInterval(timer);
        trickles.delete(res);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

const signed = ['customerglu', 'reward', '--secret', 's3cret', '--seed', '1'];

describe('--timeout against a receiver that trickles its response body', () => {
  it('send: the attempt ends at the timeout, exit 3, and says the status arrived but the body did not finish', async () => {
    const r = await runCli(['send', ...signed, '--to', url, '--timeout', '600ms', '--no-retry'], { timeoutMs: 15_000 });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('answered 200 but did not finish its response body within 600 ms');
    const json = await runCli(['send', ...signed, '--to', url, '--timeout', '600ms', '--no-retry', '--json'], { timeoutMs: 15_000 });
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout).attempts[0].error).toMatchObject({ code: 'timeout' });
  });

  it('send with retries: every attempt is bounded', async () => {
    const r = await runCli(['send', ...signed, '--to', url, '--timeout', '400ms', '--retry-delays', '0,50ms'], { timeoutMs: 15_000 });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr.match(/^attempt \d\/2 .*did not finish its response body/gm)?.length).toBe(2);
  });

  it('send --repeat: every copy is bounded, the burst ends with exit 3', async () => {
    const r = await runCli(['send', ...signed, '--to', url, '--timeout', '500ms', '--repeat', '4', '--concurrency', '2', '--json'], { timeoutMs: 15_000 });
    expect(r.code, r.stderr).toBe(3);
    const { summary } = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ count: 4, succeeded: 0, errors: { timeout: 4 } });
  });

  it('test: the case fails on the timeout instead of hanging', async () => {
    const r = await runCli(['test', url, '--provider', 'customerglu', '--secret', 's3cret', '--event', 'reward', '--only', 'valid', '--timeout', '500ms', '--json'], { timeoutMs: 15_000 });
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    const valid = report.cases.find((c: { name: string }) => c.name === 'valid:reward');
    expect(valid).toMatchObject({ verdict: 'fail', status: null });
    // The status line arrived: the hint says so, never "no response".
    expect(valid.hint).toBe('answered 200 but did not finish its response body within 0.5 s: end the response once you have answered; a sender that waits for the whole answer counts the delivery as failed');
  });
});
