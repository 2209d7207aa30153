// `cg-hooks replay`: captures from `listen --save` resent byte for byte, or re-signed.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture, serializeCapture } from '../src/core/capture.js';
import { prepareGenerator } from '../src/core/generate.js';
import { loadProvider } from '../src/providers/index.js';
import { signRequest } from '../src/signing/index.js';
import { runCli } from './helpers/cli.js';
import { post, startListen } from './helpers/listener.js';

const SECRET = 'replay-s3cret';
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function recordingServer(status = 200): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status).end('ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen })));
}

let dir: string;
let captures: string;
const sent: Buffer[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cg-replay-'));
  captures = join(dir, 'captures');
  // Record three real deliveries with the listener: two signed JSON bodies and one with bytes that are not UTF-8.
  const cg = await loadProvider('customerglu');
  const l = await startListen(['--secret', SECRET, '--save', captures, '--expect', '3', '--timeout', '10']);
  for (const event of ['reward', 'nudge']) {
    const body = prepareGenerator(cg, event, { seed: event }).make(0).body;
    sent.push(body);
    await post(`${l.url}/webhook?attempt=1`, body, { ...signRequest(cg.signing, body, { secret: SECRET }).headers, 'x-trace': `t-${event}` });
  }
  const odd = Buffer.from([0x7b, 0x7d, 0x0a, 0xc3, 0x28, 0xff]);
  sent.push(odd);
  await post(`${l.url}/webhook`, odd, { 'content-type': 'application/octet-stream' });
  expect((await l.exited).code).toBe(1); // the third is invalid on purpose
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replay', () => {
  it('resends every capture in a directory byte for byte with its original headers and query', async () => {
    const t = await recordingServer();
    const r = await runCli(['replay', captures, '--to', `${t.url}/target`, '--json']);
    t.server.close();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(t.seen.map((s) => sha256(s.body))).toEqual(sent.map(sha256));
    expect(t.seen[0]!.url).toBe('/target?attempt=1');
    expect(t.seen[0]!.headers['x-cg-signature']).toBe(signRequest((await loadProvider('customerglu')).signing, sent[0]!, { secret: SECRET }).headers['X-CG-SIGNATURE']);
    expect(t.seen[0]!.headers['x-trace']).toBe('t-reward');
    expect(t.seen[2]!.headers['content-type']).toBe('application/octet-stream');
    const lines = r.stdout.trim().split('\n').map((x) => JSON.parse(x));
    expect(lines.slice(0, 3).map((x) => [x.status, x.ok, x.sha256])).toEqual(sent.map((b) => [200, true, sha256(b)]));
    expect(lines[3]).toMatchObject({ type: 'summary', replayed: 3, ok: 3, exitCode: 0 });
  });

  it('replayed into a listener, the bytes verify again; re-signed with a new secret they verify with that secret only', async () => {
    const files = readdirSync(captures).sort().slice(0, 2).map((f) => join(captures, f));
    const same = await startListen(['--secret', SECRET, '--expect', '2', '--timeout', '10']);
    expect((await runCli(['replay', ...files, '--to', `${same.url}/again`])).code).toBe(0);
    expect((await same.exited).code).toBe(0);
    expect(same.deliveries().map((d) => d.sha256)).toEqual(sent.slice(0, 2).map(sha256));

    const rotated = await startListen(['--secret', 'new-secret', '--expect', '4', '--timeout', '10']);
    const plain = await runCli(['replay', ...files, '--to', rotated.url]);
    const resigned = await runCli(['replay', ...files, '--to', rotated.url, '--resign', '--secret', 'new-secret']);
    await rotated.exited;
    expect(plain.code).toBe(1); // the old signature no longer matches: 401
    expect(resigned.code, resigned.stderr).toBe(0);
    expect(rotated.deliveries().map((d) => [d.status, d.signature.status])).toEqual([
      [401, 'invalid'],
      [401, 'invalid'],
      [200, 'valid'],
      [200, 'valid'],
    ]);
    expect(rotated.deliveries()[2]!.sha256).toBe(sha256(sent[0]!));
    expect(resigned.stdout).toContain('(re-signed)');
    expect(resigned.stdout + resigned.stderr).not.toContain('new-secret');
  });

  it('captures are readable by verify --capture', async () => {
    const first = join(captures, readdirSync(captures).sort()[0]!);
    expect((await runCli(['verify', '--capture', first, '--secret', SECRET])).code).toBe(0);
    expect((await runCli(['verify', '--capture', first, '--secret', 'wrong'])).code).toBe(1);
  });

  it('exits 1 when the receiver answers non-2xx', async () => {
    const t = await recordingServer(500);
    const r = await runCli(['replay', captures, '--to', t.url]);
    t.server.close();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('→ 500');
  });

  it('exits 2 on a bad capture file, before sending anything', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"version":1,"method":"POST"}');
    const t = await recordingServer();
    const first = join(captures, readdirSync(captures).sort()[0]!);
    const r = await runCli(['replay', first, bad, '--to', t.url, '--json']);
    t.server.close();
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('bad_capture');
    expect(t.seen).toHaveLength(0);
    expect((await runCli(['replay', join(dir, 'missing.json'), '--to', t.url])).code).toBe(2);
  });

  it('exits 2 when --resign has no provider to sign as', async () => {
    const file = join(dir, 'unknown.json');
    const capture = readCapture(join(captures, readdirSync(captures).sort()[2]!));
    writeFileSync(file, serializeCapture({ ...capture, provider: null }));
    const r = await runCli(['replay', file, '--to', 'http://127.0.0.1:9', '--resign', '--secret', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--provider');
  });

  it('exits 3 when nothing listens, in the words and with the hint that send gives', async () => {
    const t = await recordingServer();
    const url = t.url;
    await new Promise((r) => t.server.close(r));
    const r = await runCli(['replay', captures, '--to', url]);
    expect(r.code).toBe(3);
    const port = new URL(url).port;
    expect(r.stdout).toContain(`nothing is listening on 127.0.0.1:${port}`);
    expect(r.stdout.trim().split('\n')).toHaveLength(1); // it stops at the first network failure
    expect(r.stderr).toContain('2 not sent after the network failure');
    expect(r.stderr).toContain(`hint: start your receiver (or \`cg-hooks listen --port ${port}\`)`);
    const json = await runCli(['replay', captures, '--to', url, '--json']);
    expect(JSON.parse(json.stdout.split('\n')[0]!).error).toMatchObject({ code: 'connection_refused', hint: expect.stringContaining('start your receiver'), exitCode: 3 });
    const sent = await runCli(['send', 'customerglu', 'reward', '--secret', 's', '--to', url, '--json']);
    expect(JSON.parse(sent.stdout).outcome.error).toMatchObject({ code: 'connection_refused', message: `nothing is listening on 127.0.0.1:${port}` });
  });
});
