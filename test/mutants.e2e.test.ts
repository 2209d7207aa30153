// End-to-end tests written against mutations that survived the suite (issue 12), run on the built binary:
// an overriding --scheme, Segment's two credentials, send's retry policy and Retry-After cap, `test`'s
// "unreachable" detection, the Cookie header in captures, --set's integer and depth limits.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serializeCapture } from '../src/core/capture.js';
import { BIN, runCli } from './helpers/cli.js';
import { post, startListen } from './helpers/listener.js';
import { closedPort } from './helpers/receivers.js';

const dir = mkdtempSync(join(tmpdir(), 'cg-hooks-mutants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hex = (algorithm: string, secret: string, body: string) => createHmac(algorithm, secret).update(body).digest('hex');
const BODY = '{"rewardId":"acdc71c6-08ad-4cd9-8c1e-3c812487b854","userId":"u-1","rewardAmount":25}';
const bodyFile = join(dir, 'body.json');
writeFileSync(bodyFile, BODY);

/** A server that answers every request with `answer(n)` (n counts from 1), on a free 127.0.0.1 port. */
async function server(answer: (n: number) => { status: number; headers?: Record<string, string> }) {
  let n = 0;
  const srv = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const a = answer(++n);
      res.writeHead(a.status, a.headers).end(String(a.status));
    });
  });
  srv.keepAliveTimeout = 500;
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/webhook`,
    get requests() {
      return n;
    },
    srv,
    close: () => new Promise<void>((resolve) => (srv.closeAllConnections(), srv.close(() => resolve()))),
  };
}

/** Only the signature headers of `sign --json` (sign may also print the provider's Content-Type). */
async function signatureHeaders(args: string[]): Promise<Record<string, string>> {
  const r = await runCli(['sign', ...args, '--body', bodyFile, '--secret', 's3cret', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const headers = (JSON.parse(r.stdout) as { headers: Record<string, string> }).headers;
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'content-type'));
}

describe.concurrent('an overriding --scheme signs as that scheme, inheriting nothing from the provider', () => {
  it('sign customerglu --scheme mgpass: X-Webhook-Signature, HMAC-SHA256 (not CustomerGlu\'s header or SHA-1)', async () => {
    expect(await signatureHeaders(['customerglu', '--scheme', 'mgpass'])).toEqual({ 'X-Webhook-Signature': hex('sha256', 's3cret', BODY) });
  });
  it('sign mgpass --scheme customerglu: X-CG-SIGNATURE, HMAC-SHA1', async () => {
    expect(await signatureHeaders(['mgpass', '--scheme', 'customerglu'])).toEqual({ 'X-CG-SIGNATURE': hex('sha1', 's3cret', BODY) });
  });
  it('sign mgpass --scheme hmac: the custom scheme\'s own defaults (X-Signature, SHA-256 hex)', async () => {
    expect(await signatureHeaders(['mgpass', '--scheme', 'hmac'])).toEqual({ 'X-Signature': hex('sha256', 's3cret', BODY) });
  });
  it('verify customerglu --scheme mgpass checks an HMAC-SHA256, and reads CustomerGlu\'s SHA-1 as the wrong length', async () => {
    const args = ['verify', 'customerglu', '--scheme', 'mgpass', '--body', bodyFile, '--secret', 's3cret', '--signature'];
    const [ok, sha1] = await Promise.all([runCli([...args, hex('sha256', 's3cret', BODY)]), runCli([...args, hex('sha1', 's3cret', BODY)])]);
    expect([ok.code, sha1.code]).toEqual([0, 1]); // present but not verifying: a failed check (issue 11)
    expect(sha1.stderr).toMatch(/64 hex characters/);
  });
});

/** A capture file holding exactly these headers over BODY. */
function capture(name: string, headers: Record<string, string>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, serializeCapture({ method: 'POST', path: '/segment', headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(BODY), provider: 'segment' }));
  return file;
}

describe.concurrent('Segment: --secret checks X-Signature, --api-key checks X-API-KEY', () => {
  const signature = hex('sha1', 'seg-secret', BODY);

  it('verify with --secret refuses a delivery that carries only X-API-KEY, even the right key or the secret itself', async () => {
    const onlyKey = capture('only-key', { 'x-api-key': 'cg-key' });
    const secretAsKey = capture('secret-as-key', { 'x-api-key': 'seg-secret' });
    const runs = await Promise.all([
      runCli(['verify', 'segment', '--capture', onlyKey, '--secret', 'seg-secret', '--api-key', 'cg-key', '--json']),
      runCli(['verify', 'segment', '--capture', onlyKey, '--secret', 'seg-secret', '--json']),
      runCli(['verify', 'segment', '--capture', secretAsKey, '--secret', 'seg-secret', '--json']),
    ]);
    for (const r of runs) {
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, status: 'missing' });
    }
  });

  it('verify with --secret and --api-key refuses a forged X-Signature beside the right X-API-KEY', async () => {
    const forged = capture('forged', { 'x-signature': hex('sha1', 'not-the-secret', BODY), 'x-api-key': 'cg-key' });
    const genuine = capture('genuine', { 'x-signature': signature, 'x-api-key': 'cg-key' });
    const both = ['--secret', 'seg-secret', '--api-key', 'cg-key', '--json'];
    const [bad, badBody, good] = await Promise.all([
      runCli(['verify', 'segment', '--capture', forged, ...both]),
      runCli(['verify', 'segment', '--body', bodyFile, '--signature', hex('sha1', 'not-the-secret', BODY), ...both]),
      runCli(['verify', 'segment', '--capture', genuine, ...both]),
    ]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ valid: false, status: 'invalid', header: 'X-Signature' });
    expect(badBody.code).toBe(1);
    expect(good.code, good.stdout).toBe(0);
  });

  it('listen with both: a delivery with only X-API-KEY, or a forged X-Signature, is refused (401)', async () => {
    const l = await startListen(['--port', '0', '--provider', 'segment', '--secret', 'seg-secret', '--api-key', 'cg-key', '--expect', '3', '--timeout', '15']);
    const url = `${l.url}/segment`;
    const answers = [
      await post(url, BODY, { 'x-api-key': 'cg-key' }),
      await post(url, BODY, { 'x-api-key': 'cg-key', 'x-signature': hex('sha1', 'not-the-secret', BODY) }),
      await post(url, BODY, { 'x-api-key': 'cg-key', 'x-signature': signature }),
    ];
    await l.exited;
    expect(answers.map((a) => a.status)).toEqual([401, 401, 200]);
    expect(l.deliveries().map((d) => d.signature.status)).toEqual(['missing', 'invalid', 'valid']);
  });
});

describe.concurrent("send follows the provider's documented retry policy", () => {
  it('mgPass: 4 attempts planned 0 s, 1 s, 5 s, 25 s apart (Retry-After: 0 compresses the waits)', async () => {
    const srv = await server(() => ({ status: 503, headers: { 'retry-after': '0' } }));
    try {
      const r = await runCli(['send', 'mgpass', 'rewards.points_awarded', '--to', srv.url, '--secret', 's3cret', '--json']);
      expect(r.code).toBe(1);
      const out = JSON.parse(r.stdout) as { retry: { attempts: number; delaysMs: number[] }; attempts: unknown[] };
      expect(out.retry).toMatchObject({ attempts: 4, delaysMs: [0, 1000, 5000, 25000] });
      expect(out.attempts).toHaveLength(4);
      expect(srv.requests).toBe(4);
    } finally {
      await srv.close();
    }
  });

  it('Reward: 6 attempts (5 retries); CustomerGlu (no policy documented): 1', async () => {
    const srv = await server(() => ({ status: 500, headers: { 'retry-after': '0' } }));
    try {
      const reward = await runCli(['send', 'reward', 'trigger_event.created', '--to', srv.url, '--json']);
      expect(reward.code).toBe(1);
      expect(srv.requests).toBe(6);
      const cg = await runCli(['send', 'customerglu', 'reward', '--to', srv.url, '--json']);
      expect(cg.code).toBe(1);
      expect(srv.requests).toBe(7);
    } finally {
      await srv.close();
    }
  });
});

/** Runs `send` against a server that asks for `retryAfter`; stops it (Ctrl-C) once it says how long it waits. */
async function waitLineFor(retryAfter: string): Promise<{ line: string; code: number | null }> {
  const srv = await server(() => ({ status: 503, headers: { 'retry-after': retryAfter } }));
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'send', 'mgpass', 'rewards.points_awarded', '--to', srv.url, '--secret', 's3cret'], {
        env: { ...process.env, NO_COLOR: '1', CI: 'true' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      let line = '';
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString('utf8');
        const m = /^.*waiting .* before attempt 2.*$/m.exec(stderr);
        if (m && !line) {
          line = m[0].trim();
          child.kill('SIGINT');
        }
      });
      child.on('error', reject);
      child.on('close', (code) => (clearTimeout(killer), line ? resolve({ line, code }) : reject(new Error(`no wait line:\n${stderr}`))));
    });
  } finally {
    await srv.close();
  }
}

describe.concurrent('send: a long Retry-After is capped at 60 s, a short one is honoured', () => {
  it('Retry-After: 3600 (an hour) waits 1 min, and says so', async () => {
    const { line, code } = await waitLineFor('3600');
    expect(line).toBe('waiting 1 min before attempt 2 (the server sent Retry-After); it asked for 60 min, capped at 1 min');
    expect(code).toBe(130);
  });
  it('Retry-After: 90 waits 1 min', async () => {
    expect((await waitLineFor('90')).line).toMatch(/^waiting 1 min before attempt 2 .*asked for 1\.5 min, capped at 1 min$/);
  });
  it('Retry-After: 59 waits 59 s (below the cap: not capped)', async () => {
    expect((await waitLineFor('59')).line).toBe('waiting 59 s before attempt 2 (the server sent Retry-After)');
  });
});

describe.concurrent('cg-hooks test: "unreachable" means the receiver was never reached', () => {
  it('a receiver that goes away after the first case: the rest fail (exit 1), every case is reported', async () => {
    const srv = await server(() => ({ status: 200 }));
    srv.srv.once('request', (_req, res) => res.on('finish', () => void srv.close()));
    const r = await runCli(['test', srv.url, '--provider', 'customerglu', '--secret', 's3cret', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as { cases: Array<{ name: string; verdict: string }>; unreachable?: unknown };
    expect(report.unreachable).toBeUndefined();
    expect(report.cases[0]).toMatchObject({ name: 'valid:reward', verdict: 'pass' });
    expect(report.cases.length).toBeGreaterThan(5);
    expect(report.cases.slice(1).every((c) => c.verdict === 'fail' || c.verdict === 'skip' || c.verdict === 'warn')).toBe(true);
  });

  it('nothing listening, even when the only case selected is the duplicate (whose original is sent first): exit 3', async () => {
    const port = await closedPort();
    const r = await runCli(['test', `http://127.0.0.1:${port}/webhook`, '--provider', 'customerglu', '--secret', 's3cret', '--only', 'duplicate', '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'connection_refused' } });
  });
});

describe('listen never writes a Cookie, even when it is the only credential', () => {
  it('the capture and the delivery report mask it', async () => {
    const save = join(dir, 'cookie-captures');
    const canary = `session=${'c0'.repeat(12)}`;
    const l = await startListen(['--port', '0', '--provider', 'customerglu', '--save', save, '--expect', '1', '--timeout', '15']);
    const answer = await post(`${l.url}/webhook`, BODY, { cookie: canary });
    const { stdout } = await l.exited;
    expect(answer.status).toBe(200);
    const files = readdirSync(save);
    expect(files).toHaveLength(1);
    const saved = readFileSync(join(save, files[0]!), 'utf8');
    expect(JSON.parse(saved).headers.cookie).toBe(`****(${canary.length} chars)`);
    expect(saved).not.toContain('c0c0c0');
    expect(stdout).not.toContain('c0c0c0');
  });
});

describe.concurrent('generate --set: integers beyond 2^53 and paths deeper than 512 levels are refused', () => {
  it('12345678901234567890 is exit 2 (it would be sent as 12345678901234567000); 2^53 - 1 is sent exactly', async () => {
    const [big, safe] = await Promise.all([
      runCli(['generate', 'customerglu', 'reward', '--seed', '1', '--set', 'rewardAmount=12345678901234567890']),
      runCli(['generate', 'customerglu', 'reward', '--seed', '1', '--set', 'rewardAmount=9007199254740991']),
    ]);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/too large to be sent exactly/);
    expect(safe.code).toBe(0);
    expect(safe.stdout).toContain('"rewardAmount":9007199254740991');
  });

  it('a path 513 levels deep is exit 2; 512 levels is written', async () => {
    const path = (n: number) => ['details', ...Array.from({ length: n - 1 }, () => 'a')].join('.');
    const [deep, ok] = await Promise.all([
      runCli(['generate', 'customerglu', 'reward', '--seed', '1', '--no-validate', '--set', `${path(513)}=1`]),
      runCli(['generate', 'customerglu', 'reward', '--seed', '1', '--no-validate', '--set', `${path(512)}=1`]),
    ]);
    expect(deep.code).toBe(2);
    expect(deep.stderr).toMatch(/more than 512 levels deep/);
    expect(ok.code, ok.stderr).toBe(0);
    let node = JSON.parse(ok.stdout).details;
    for (let i = 1; i < 512; i++) node = node.a;
    expect(node).toBe(1);
  });
});
