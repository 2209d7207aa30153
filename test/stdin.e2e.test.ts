// `--body -` reads stdin to its end asynchronously: through a real shell pipe, from a producer that is slow to
// write (stdin is then a non-blocking pipe, where a synchronous read fails with EAGAIN), in sign, verify and send.
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';

const SECRET = 's3cret';
const BODY = '{"rewardId":"acdc71c6-08ad-4cd9-8c1e-3c812487b854","rewardAmount":15}';
const SIG = createHmac('sha1', SECRET).update(BODY).digest('hex');
const RUNS = 3;

/** Runs a shell pipeline; `$CG` is the built CLI. */
function sh(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', script.replaceAll('$CG', '"$NODE_BIN" "$CG_BIN"')], { env: { ...process.env, NODE_BIN: process.execPath, CG_BIN: BIN, NO_COLOR: '1', CI: 'true', BODY }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let server: Server;
let url: string;
const received: Buffer[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      received.push(Buffer.concat(chunks));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

// A Node producer makes the pipe non-blocking as soon as it touches its stdout; when it writes late, a consumer that
// reads stdin synchronously gets EAGAIN (what `cg-hooks generate … | cg-hooks sign … --body -` hit 6 runs in 10).
// The consumer starts after the producer opened its stdout and reads long before the producer writes.
const SLOW_NODE_PRODUCER = `"$NODE_BIN" -e 'process.stdout.on("error", () => {}); process.stdout.write(""); setTimeout(() => process.stdout.write(process.env.BODY), 1500)'`;

describe('--body - through a real pipe, from a slow producer', () => {
  it(`sign, verify and send behind a slow Node producer (non-blocking pipe): ${RUNS} runs each`, async () => {
    received.length = 0;
    for (let i = 0; i < RUNS; i++) {
      const sign = await sh(`${SLOW_NODE_PRODUCER} | (sleep 0.6; $CG sign customerglu --body - --secret ${SECRET})`);
      expect(sign, `sign run ${i + 1}`).toMatchObject({ code: 0, stdout: `Content-Type: application/json\nX-CG-SIGNATURE: ${SIG}\n` });
    }
    const verify = await sh(`${SLOW_NODE_PRODUCER} | (sleep 0.6; $CG verify customerglu --body - --secret ${SECRET} --signature ${SIG})`);
    expect(verify).toMatchObject({ code: 0, stdout: '✓ valid: X-CG-SIGNATURE matches\n' });
    const send = await sh(`${SLOW_NODE_PRODUCER} | (sleep 0.6; $CG send customerglu --body - --to ${url} --secret ${SECRET} --no-retry)`);
    expect(send.code, send.stderr).toBe(0);
    expect(received.map((b) => b.toString('utf8'))).toEqual([BODY]);
  });

  it(`sign: ${RUNS} runs, every one signs exactly the piped bytes`, async () => {
    for (let i = 0; i < RUNS; i++) {
      const r = await sh(`(sleep 0.3; printf '%s' "$BODY") | $CG sign customerglu --body - --secret ${SECRET}`);
      expect(r, `run ${i + 1}`).toMatchObject({ code: 0, stdout: `Content-Type: application/json\nX-CG-SIGNATURE: ${SIG}\n` });
    }
  });

  it('sign: a body written in pieces with pauses between them is read whole', async () => {
    const r = await sh(`(printf '%s' '{"rewardId":"acdc71c6-08ad-4cd9-8c1e-3c812487b854",'; sleep 0.3; printf '%s' '"rewardAmount":15}') | $CG sign customerglu --body - --secret ${SECRET}`);
    expect(r).toMatchObject({ code: 0, stdout: `Content-Type: application/json\nX-CG-SIGNATURE: ${SIG}\n` });
  });

  it('generate | sign, as the README shows it', async () => {
    for (let i = 0; i < RUNS; i++) {
      const r = await sh(`$CG generate customerglu reward --seed 7 | $CG sign customerglu --body - --secret ${SECRET} --json`);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).headers['X-CG-SIGNATURE']).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('verify', async () => {
    for (let i = 0; i < RUNS; i++) {
      const r = await sh(`(sleep 0.3; printf '%s' "$BODY") | $CG verify customerglu --body - --secret ${SECRET} --signature ${SIG}`);
      expect(r, `run ${i + 1}`).toMatchObject({ code: 0, stdout: '✓ valid: X-CG-SIGNATURE matches\n' });
    }
  });

  it('send: the piped bytes arrive unchanged', async () => {
    received.length = 0;
    for (let i = 0; i < RUNS; i++) {
      const r = await sh(`(sleep 0.3; printf '%s' "$BODY") | $CG send customerglu --body - --to ${url} --secret ${SECRET} --no-retry`);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(received.map((b) => b.toString('utf8'))).toEqual(Array(RUNS).fill(BODY));
  });

  it('an empty stdin is one clear line and exit 2', async () => {
    const r = await sh(`: | $CG sign customerglu --body - --secret ${SECRET}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --body -: stdin was empty\n/);
    const send = await sh(`(sleep 0.2) | $CG send customerglu --body - --to ${url} --secret ${SECRET}`);
    expect(send.code).toBe(2);
    expect(send.stderr).toContain('stdin was empty');
  });
});
