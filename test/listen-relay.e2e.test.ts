// `listen --forward-to` accounting: what the sender gets is what is reported, every query value travels,
// compressed bodies are read, the target's credentials never show, and a listener never relays to itself.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../src/core/capture.js';
import { prepareGenerator } from '../src/core/generate.js';
import { loadProvider } from '../src/providers/index.js';
import { runCli } from './helpers/cli.js';
import { post, startListen } from './helpers/listener.js';
import { closedPort } from './helpers/receivers.js';

const SECRET = 's3cret-relay';
let REWARD: Buffer;
const cgSign = (body: Buffer) => ({ 'x-cg-signature': createHmac('sha1', SECRET).update(body).digest('hex') });

let work: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cg-listen-relay-'));
  // A valid CustomerGlu reward: any verdict other than "valid" below comes from the relay, not the body.
  REWARD = prepareGenerator(await loadProvider('customerglu'), 'reward', { seed: 'relay' }).make(0).body;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A target that records what it got and answers `status`. */
async function target(status = 200) {
  const seen: Array<{ url: string; headers: IncomingMessage['headers']; body: Buffer }> = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

/** A target that answers with a raw status line node's own server refuses to write (099, 600). */
async function rawTarget(statusLine: string) {
  const server = createTcpServer((socket) => {
    socket.once('data', () => socket.end(`HTTP/1.1 ${statusLine}\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok`));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

describe('listen --forward-to: the answer is the one reported', () => {
  it.each(['099 Weird', '600 Beyond'])('a target status of %s: the sender gets 502 and the report says 502', async (line) => {
    const t = await rawTarget(line);
    const l = await startListen(['--forward-to', `${t.url}/hook`, '--expect', '1', '--timeout', '10']);
    const reply = await post(`${l.url}/webhook`, REWARD);
    const { code } = await l.exited;
    await t.close();
    const [r] = l.deliveries();
    expect(reply.status).toBe(502);
    expect(r).toMatchObject({ status: 502, statusReason: 'forward-failed', forward: { status: Number(line.slice(0, 3)), error: expect.stringMatching(/not a final HTTP status/) } });
    expect(l.events.at(-1)).toMatchObject({ type: 'summary', statuses: { 502: 1 } });
    expect(code).toBe(0);
  });

  it('?a=1&a=2 is relayed and saved with both values, in order', async () => {
    const t = await target(200);
    const save = join(work, 'query');
    const l = await startListen(['--forward-to', `${t.url}/hook?mine=1`, '--save', save, '--expect', '1', '--timeout', '10']);
    expect((await post(`${l.url}/webhook?a=1&b=x%20y&a=2&mine=theirs`, REWARD)).status).toBe(200);
    await l.exited;
    await t.close();
    expect(t.seen[0]!.url).toBe('/hook?mine=1&a=1&b=x%20y&a=2');
    const [r] = l.deliveries();
    expect(r!.query).toEqual({ a: ['1', '2'], b: 'x y', mine: 'theirs' });
    expect(readCapture(r!.capture.path).query).toEqual({ a: ['1', '2'], b: 'x y', mine: 'theirs' });
  });

  it('a gzip body: read decoded, said to be gzip, its signature checked over the compressed bytes, relayed as is', async () => {
    const t = await target(200);
    const gz = gzipSync(REWARD);
    const l = await startListen(['--secret', SECRET, '--forward-to', `${t.url}/hook`, '--expect', '1', '--timeout', '10']);
    const reply = await post(`${l.url}/webhook`, gz, { 'content-encoding': 'gzip', ...cgSign(gz) });
    await l.exited;
    await t.close();
    expect(reply.status).toBe(200);
    const [r] = l.deliveries();
    expect(r).toMatchObject({ contentEncoding: 'gzip', bodyKind: 'json', provider: 'customerglu', verdict: 'valid', signature: { status: 'valid' }, body: JSON.parse(REWARD.toString()) });
    expect(r!.bodyError).toBeUndefined();
    expect(t.seen[0]!.body.equals(gz)).toBe(true);
    expect(t.seen[0]!.headers['content-encoding']).toBe('gzip');
  });

  it('a gzip body in human output: "Content-Encoding: gzip (the signature covers the compressed bytes)", shown decoded', async () => {
    const port = await closedPort();
    const run = runCli(['listen', '--port', String(port), '--expect', '1', '--timeout', '15'], { timeoutMs: 20_000 });
    let reply;
    for (let i = 0; i < 100 && reply === undefined; i++) {
      reply = await post(`http://127.0.0.1:${port}/webhook`, gzipSync(REWARD), { 'content-encoding': 'gzip' }).catch(() => undefined);
      if (reply === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    const { stdout } = await run;
    expect(stdout).toContain('Content-Encoding: gzip (the signature covers the compressed bytes); shown decoded');
    expect(stdout).toContain(`"rewardId": "${JSON.parse(REWARD.toString()).rewardId}"`);
    expect(stdout).not.toMatch(/not valid UTF-8/);
  });

  it('refuses to forward to itself: exit 2 at start-up', async () => {
    const port = await closedPort();
    for (const url of [`http://127.0.0.1:${port}/x`, `http://localhost:${port}/x`]) {
      const r = await runCli(['listen', '--port', String(port), '--forward-to', url, '--timeout', '5']);
      expect(r.code, `${url}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/is this listener itself/);
    }
    const wide = await runCli(['listen', '--host', '0.0.0.0', '--port', String(port), '--forward-to', `http://127.0.0.1:${port}/`, '--timeout', '5']);
    expect(wide.code, wide.stderr).toBe(2);
  });

  it('a loop through another listener is cut: 508, not an endless relay', async () => {
    const [pa, pb] = [await closedPort(), await closedPort()];
    const [a, b] = await Promise.all([
      startListen(['--port', String(pa), '--forward-to', `http://127.0.0.1:${pb}/`, '--timeout', '20']),
      startListen(['--port', String(pb), '--forward-to', `http://127.0.0.1:${pa}/`, '--timeout', '20']),
    ]);
    const reply = await post(`${a.url}/webhook`, REWARD);
    expect(reply.status).toBe(508);
    await Promise.all([a.stop(), b.stop()]);
    expect(a.deliveries()).toHaveLength(2); // the original, and its copy that came back
    expect(b.deliveries()).toHaveLength(1);
    // Reported as each is decided: the copy that came back (#2) before the original (#1) that waited for it.
    const bySeq = [...a.deliveries()].sort((x, y) => x.seq - y.seq);
    expect(bySeq[1]).toMatchObject({ status: 508, statusReason: 'forward-failed', forward: { error: expect.stringMatching(/forwarding loop/) } });
    expect(bySeq[0]).toMatchObject({ status: 508, statusReason: 'forwarded' });
  });

  it("the target URL's user:password@ and ?token= never reach the 502 answer, the start-up line or --json", async () => {
    const port = await closedPort();
    const url = `http://relay-user:pa55-w0rd-x@127.0.0.1:${port}/hook?token=t0k3n-xyz&plain=1`;
    const l = await startListen(['--forward-to', url, '--expect', '1', '--timeout', '10']);
    const reply = await post(`${l.url}/webhook`, REWARD);
    const { stdout, stderr } = await l.exited;
    expect(reply.status).toBe(502);
    for (const text of [reply.body, stdout, stderr]) {
      expect(text).not.toContain('pa55-w0rd-x');
      expect(text).not.toContain('t0k3n-xyz');
    }
    expect(l.deliveries()[0]!.forward.url).toBe(`http://relay-user:****@127.0.0.1:${port}/hook?token=****&plain=1`);
    const bad = await runCli(['listen', '--forward-to', 'http://u:pa55-w0rd-x@[bad/x?token=t0k3n-xyz']);
    expect(bad.code).toBe(2);
    expect(bad.stderr + bad.stdout).not.toMatch(/pa55-w0rd-x|t0k3n-xyz/);
  });

  it('a target that echoes the request back: the credentials it relayed are masked in the report (forward.body)', async () => {
    const echo = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, headers: req.headers })));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const t = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/echo`;
    const l = await startListen(['--forward-to', t, '--expect', '1', '--timeout', '10']);
    const reply = await post(`${l.url}/webhook?token=echo-T0KEN-42`, REWARD, { authorization: 'Bearer echo-BEARER-42', 'x-api-key': 'echo-APIKEY-42' });
    const { stdout, stderr } = await l.exited;
    await new Promise((r) => echo.close(r));
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('echo-BEARER-42'); // the sender gets the target's answer as it is
    for (const secret of ['echo-T0KEN-42', 'echo-BEARER-42', 'echo-APIKEY-42']) expect(stdout + stderr).not.toContain(secret);
    expect(l.deliveries()[0]!.forward.body).toMatch(/"authorization":"\*{4}\(\d+ chars\)"/);
  });
});
