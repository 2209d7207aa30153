// One HTTP client for every command that sends: send, replay, test, scenario run and listen --forward-to share
// --insecure, the whole-exchange timeout and one vocabulary of network failures (code, message, hint; exit 3).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeCapture } from '../src/core/capture.js';
import { runCli } from './helpers/cli.js';
import { humanListen } from './helpers/human-listen.js';
import { post, startListen } from './helpers/listener.js';
import { selfSigned } from './helpers/tls.js';

let dir: string;
let captures: string;
const servers: Server[] = [];

async function serve(handler: RequestListener, make: (h: RequestListener) => Server = createServer): Promise<string> {
  const server = make(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `${server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const ok: RequestListener = (req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"note":"hello\u001b[31m"}'));
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cg-one-client-'));
  captures = join(dir, 'captures');
  const body = Buffer.from('{"rewardId":"r-1","rewardAmount":15}');
  mkdirSync(captures);
  writeFileSync(join(captures, '0001.json'), serializeCapture({ method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json' }, body, provider: 'reward', event: 'trigger_event.created' }));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

describe('--insecure and the TLS hint, in every command that sends', () => {
  it('send, replay, test, scenario run and listen --forward-to refuse a self-signed certificate with the same hint, and accept it with --insecure', async (ctx) => {
    const tls = selfSigned(dir);
    if ('missing' in tls) return ctx.skip(tls.missing);
    const url = await serve(ok, (h) => https.createServer({ key: tls.key, cert: tls.cert }, h));
    const runs: Array<[string, string[]]> = [
      ['send', ['send', 'reward', 'trigger_event.created', '--to', `${url}/webhook`, '--no-retry']],
      ['replay', ['replay', captures, '--to', `${url}/webhook`]],
      ['test', ['test', `${url}/webhook`, '--provider', 'reward', '--only', 'valid']],
      ['scenario', ['scenario', 'run', 'reward-trigger-credit', '--to', `${url}/webhook`, '--time-scale', '0']],
    ];
    // The commands are independent (each its own process and connection): side by side, not ten in a row.
    const results = await Promise.all(runs.map(async ([name, args]) => [name, ...(await Promise.all([runCli(args), runCli([...args, '--insecure'])]))] as const));
    for (const [name, strict, loose] of results) {
      expect({ name, code: strict.code }).toEqual({ name, code: 3 });
      expect(strict.stdout + strict.stderr, name).toContain('TLS certificate of 127.0.0.1');
      expect(strict.stdout + strict.stderr, name).toContain('for a self-signed certificate on your own receiver, pass --insecure');
      expect({ name, code: loose.code, err: loose.stderr }).toMatchObject({ name, code: 0 });
    }
    const [strict, loose] = await Promise.all([
      startListen(['--forward-to', `${url}/webhook`, '--expect', '1', '--timeout', '10']),
      startListen(['--forward-to', `${url}/webhook`, '--insecure', '--expect', '1', '--timeout', '10']),
    ]);
    expect((await post(`${strict.url}/webhook`, '{"a":1}')).status).toBe(502);
    await strict.exited;
    expect(strict.deliveries()[0]).toMatchObject({ status: 502, forward: { error: expect.stringContaining('TLS certificate of 127.0.0.1'), hint: expect.stringContaining('--insecure') } });
    expect((await post(`${loose.url}/webhook`, '{"a":1}')).status).toBe(200);
    await loose.exited;
    expect(loose.deliveries()[0]).toMatchObject({ status: 200, statusReason: 'forwarded', forward: { status: 200 } });
  });

  it('https:// to a plain-HTTP receiver: "does not seem to speak HTTPS" with the http:// URL to use, for replay as for send', async () => {
    const url = (await serve(ok)).replace('http:', 'https:');
    for (const args of [['send', 'reward', 'trigger_event.created', '--to', `${url}/webhook`, '--no-retry'], ['replay', captures, '--to', `${url}/webhook`]]) {
      const r = await runCli(args);
      expect(r.code).toBe(3);
      expect(r.stdout + r.stderr).toContain('the server does not seem to speak HTTPS');
      expect(r.stderr).toContain(`use ${url.replace('https:', 'http:')}/webhook if the receiver is plain HTTP`);
    }
  });

  it('a receiver that never answers: replay times out in the words send uses', async () => {
    const url = await serve(() => undefined);
    const r = await runCli(['replay', captures, '--to', `${url}/webhook`, '--timeout', '300ms', '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout.split('\n')[0]!).error).toMatchObject({ code: 'timeout', message: `${url.slice(7)} accepted the connection but sent no response within 300 ms`, hint: expect.stringContaining('raise --timeout') });
  });
});

describe('listen --forward-to shows what the target answered', () => {
  it('human output: the status, the latency and an escaped one-line excerpt of the body', async () => {
    const url = await serve(ok);
    const l = await humanListen(['--forward-to', `${url}/hook`, '--expect', '1', '--timeout', '15']);
    expect((await post(`${l.url}/webhook`, '{"a":1}')).status).toBe(200);
    const { stdout } = await l.exited; // exit 1: {"a":1} is no provider's delivery; the relay is what is checked
    expect(stdout).toMatch(new RegExp(`forwarded to ${url.replace(/[.]/g, '\\.')}/hook: answered 200 in [\\d.]+ ms {2}\\{"ok":true,"note":"hello\\\\x1b\\[31m"\\}`));
    expect(stdout).not.toContain('\x1b[31m');
  });

  it('a failed relay: the reason and the hint, once each', async () => {
    const dead = await serve(ok);
    await new Promise((r) => servers.pop()!.close(r));
    const l = await humanListen(['--forward-to', `${dead}/hook`, '--expect', '1', '--timeout', '15']);
    expect((await post(`${l.url}/webhook`, '{"a":1}')).status).toBe(502);
    const { stdout } = await l.exited;
    const port = new URL(dead).port;
    expect(stdout.split(`nothing is listening on 127.0.0.1:${port}`)).toHaveLength(2);
    expect(stdout).toContain(`hint: start your receiver (or \`cg-hooks listen --port ${port}\`)`);
  });
});
