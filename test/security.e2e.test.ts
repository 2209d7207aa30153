import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type RunResult } from './helpers/cli.js';

// Secrets reach cg-hooks through --secret, --api-key, --user and CG_HOOKS_SECRET. Whatever a command prints
// or writes (stdout, stderr, -o files, captures, JUnit reports), none of it may contain them, in clear or in
// the encodings a header would carry (base64 of user:password). Signatures may appear; secrets may not.

const CANARY = `S3cr3t-CANARY-${randomBytes(6).toString('hex')}`;
const USER = `acme:${CANARY}`;
const WHSEC = `whsec_${Buffer.from(CANARY).toString('base64')}`;
const FORBIDDEN = [CANARY, Buffer.from(USER).toString('base64'), Buffer.from(CANARY).toString('base64'), encodeURIComponent(CANARY)];

let work: string;
let receiver: Server;
let receiverUrl: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cg-hooks-security-'));
  writeFileSync(join(work, 'body.json'), '{"rewardId":"r1","userId":"u1","status":"redeemable-unseen"}');
  // A receiver that accepts everything: what it receives is the secret's legitimate destination, not output.
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`;
});
afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Asserts that no form of the secret is in the run's output or in any file under the work directory. */
function expectNoSecret(label: string, ...runs: Array<RunResult | { stdout: string; stderr: string }>): void {
  const places: Array<[string, string]> = runs.flatMap((r, i) => [
    [`${label} #${i} stdout`, r.stdout],
    [`${label} #${i} stderr`, r.stderr],
  ]);
  for (const file of filesUnder(work)) places.push([`${label}: file ${file}`, readFileSync(file).toString('latin1')]);
  for (const [where, text] of places) {
    for (const form of FORBIDDEN) expect(text.includes(form), `${where} contains the secret (${form}):\n${text.slice(0, 2000)}`).toBe(false);
  }
}

/**
 * A command that crashes before printing leaks nothing, so "no secret in the output" proves nothing unless the
 * run also ended as it should: the exit code of each run, and no internal error (which also exits 1).
 */
function expectCodes(label: string, runs: Array<RunResult | { code: number | null; stdout: string; stderr: string }>, codes: number[]): void {
  const seen = runs.map((r, i) => {
    const crashed = /internal error|"code":"internal"/.test(r.stdout + r.stderr);
    const ok = r.code === codes[i] && !crashed;
    return { run: i, code: r.code, crashed, output: ok ? '' : (r.stderr || r.stdout).slice(0, 400) };
  });
  expect(seen, label).toEqual(codes.map((code, i) => ({ run: i, code, crashed: false, output: '' })));
}

const cli = (args: string[], env: Record<string, string | undefined> = {}) => runCli(args, { cwd: work, env: { CG_HOOKS_SECRET: undefined, ...env } });

describe('secrets never appear in output or files', () => {
  it('generate ignores CG_HOOKS_SECRET and never echoes a stray --secret', async () => {
    const runs = await Promise.all([
      cli(['generate', 'customerglu', 'reward', '--seed', '1', '-o', 'out.json'], { CG_HOOKS_SECRET: CANARY }),
      cli(['generate', 'customerglu', 'reward', '--secret', CANARY]),
      cli(['generate', 'customerglu', 'reward', '--secret', CANARY, '--json']),
      cli(['generate', 'nope', 'reward', '--json'], { CG_HOOKS_SECRET: CANARY }),
    ]);
    expectCodes('generate', runs, [0, 2, 2, 2]);
    expectNoSecret('generate', ...runs);
  });

  it('sign: headers for the body, never the secret (flag, env, every scheme, errors)', async () => {
    const runs = await Promise.all([
      cli(['sign', 'customerglu', '--body', 'body.json', '--secret', CANARY]),
      cli(['sign', 'customerglu', '--body', 'body.json', '--json'], { CG_HOOKS_SECRET: CANARY }),
      cli(['sign', 'mgpass', '--body', 'body.json', '--secret', CANARY, '--json']),
      cli(['sign', '--scheme', 'standard-webhooks', '--body', 'body.json', '--secret', WHSEC]),
      cli(['sign', '--scheme', 'stripe', '--body', 'body.json', '--secret', CANARY, '--json']),
      cli(['sign', 'webengage', '--body', 'body.json', '--secret', CANARY, '--license-code', '~abc', '--event-type', 'e']),
      cli(['sign', '--scheme', 'standard-webhooks', '--body', 'body.json', '--secret', `${CANARY}!not-base64`]),
      cli(['sign', '--scheme', 'standard-webhooks', '--body', 'body.json', '--secret', `${CANARY}!not-base64`, '--json']),
      cli(['sign', 'customerglu', '--body', 'missing.json', '--secret', CANARY]),
    ]);
    expectCodes('sign', runs, [0, 0, 0, 0, 0, 0, 2, 2, 2]);
    expectNoSecret('sign', ...runs);
  });

  it('sign: credential headers (Basic auth, X-API-KEY) are masked', async () => {
    const runs = await Promise.all([
      cli(['sign', 'rehook', '--body', 'body.json', '--user', USER]),
      cli(['sign', 'rehook', '--body', 'body.json', '--user', USER, '--json']),
      cli(['sign', 'customerglu-events', '--body', 'body.json', '--api-key', CANARY]),
      cli(['sign', 'segment', '--body', 'body.json', '--api-key', CANARY, '--json']),
    ]);
    expectCodes('sign credentials', runs, [0, 0, 0, 0]);
    expectNoSecret('sign credentials', ...runs);
  });

  it('verify: valid, invalid, --explain and --json runs never print the secret', async () => {
    const signed = await cli(['sign', 'customerglu', '--body', 'body.json', '--secret', CANARY, '--json']);
    const headers = JSON.parse(signed.stdout).headers as Record<string, string>;
    const sig = Object.entries(headers).find(([k]) => k.toLowerCase() === 'x-cg-signature')![1];
    const wrong = sig.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    // A body with a trailing newline and a secret with a stray space make --explain search its variants.
    writeFileSync(join(work, 'body-nl.json'), `${readFileSync(join(work, 'body.json'), 'utf8')}\n`);
    const base = ['verify', 'customerglu', '--body', 'body.json'];
    const runs = await Promise.all([
      cli([...base, '--signature', sig, '--secret', CANARY]),
      cli([...base, '--signature', sig, '--json'], { CG_HOOKS_SECRET: CANARY }),
      cli([...base, '--signature', wrong, '--secret', CANARY]),
      cli([...base, '--signature', wrong, '--secret', CANARY, '--explain']),
      cli([...base, '--signature', wrong, '--secret', CANARY, '--explain', '--json']),
      cli(['verify', 'customerglu', '--body', 'body-nl.json', '--signature', sig, '--secret', CANARY, '--explain']),
      cli([...base, '--signature', sig, '--secret', ` ${CANARY} `, '--explain']),
      cli([...base, '--signature', sig, '--secret', `${CANARY}x`, '--secret', CANARY, '--explain', '--json']),
      cli(['verify', 'mgpass', '--body', 'body.json', '--signature', 'not-hex', '--secret', CANARY, '--explain']),
      cli(['verify', '--scheme', 'standard-webhooks', '--body', 'body.json', '--signature', 'v1,AAAA', '--id', 'msg_1', '--timestamp', '1', '--secret', WHSEC, '--explain']),
    ]);
    expectCodes('verify', [signed], [0]);
    expectCodes('verify', runs, [0, 0, 1, 1, 1, 1, 1, 0, 1, 1]);
    expectNoSecret('verify', ...runs);
  });

  it('send: --dry-run, --json, --verbose and failures mask every credential', async () => {
    const to = ['--to', receiverUrl];
    const runs = await Promise.all([
      cli(['send', 'customerglu', 'reward', ...to, '--secret', CANARY, '--dry-run']),
      cli(['send', 'customerglu', 'reward', ...to, '--dry-run', '--json'], { CG_HOOKS_SECRET: CANARY }),
      cli(['send', 'customerglu', 'reward', ...to, '--secret', CANARY, '--json']),
      cli(['send', 'customerglu', 'reward', ...to, '--secret', CANARY, '--verbose']),
      cli(['send', 'rehook', 'customer.rewarded', ...to, '--user', USER, '--verbose']),
      cli(['send', 'rehook', 'customer.rewarded', ...to, '--user', USER, '--dry-run']),
      cli(['send', 'rehook', 'customer.rewarded', ...to, '--user', USER, '--json']),
      cli(['send', 'customerglu-events', 'event', ...to, '--api-key', CANARY, '--dry-run']),
      cli(['send', 'mgpass', 'rewards.points_awarded', ...to, '-H', `Authorization: Bearer ${CANARY}`, '--secret', CANARY, '--dry-run', '--json']),
      cli(['send', 'customerglu', 'reward', '--to', 'http://127.0.0.1:1/x', '--secret', CANARY, '--no-retry']),
      cli(['send', 'customerglu', 'reward', '--to', 'http://127.0.0.1:1/x', '--secret', CANARY, '--no-retry', '--json']),
    ]);
    expectCodes('send', runs, [0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3]);
    expectNoSecret('send', ...runs);
  });

  it('listen --save: deliveries, captures, warnings and the summary never hold a credential', async () => {
    const { startListen } = await import('./helpers/listener.js');
    const save = join(work, 'captures');
    const listener = await startListen(['--secret', CANARY, '--user', USER, '--api-key', CANARY, '--save', save]);
    const to = ['--to', `${listener.url}/webhook`];
    const senders = await Promise.all([
      cli(['send', 'customerglu', 'reward', ...to, '--secret', CANARY, '--no-retry']),
      cli(['send', 'customerglu', 'reward', ...to, '--secret', `${CANARY}-wrong`, '--no-retry']),
      cli(['send', 'rehook', 'customer.rewarded', ...to, '--user', USER, '--no-retry']),
      cli(['send', 'customerglu-events', 'event', ...to, '--api-key', CANARY, '--no-retry']),
      cli(['send', 'mgpass', 'rewards.points_awarded', ...to, '-H', `Authorization: Bearer ${CANARY}`, '--secret', CANARY, '--no-retry']),
    ]);
    await listener.waitForDeliveries(5);
    const human = await runCli(['listen', '--port', '0', '--timeout', '1', '--secret', CANARY, '--user', USER, '--api-key', CANARY], { cwd: work });
    const result = await listener.stop();
    expectCodes('listen senders', senders, [0, 1, 0, 0, 0]);
    expectCodes('listen', [human, result], [0, 130]);
    expect(filesUnder(save).length).toBeGreaterThanOrEqual(5);
    expectNoSecret('listen', result, human, ...senders);
  });

  it('replay (as saved, and --resign) and verify --capture print no secret', async () => {
    const save = join(work, 'captures');
    // The listen case above makes the captures.
    expect(filesUnder(save).length).toBeGreaterThan(0);
    // The mgPass delivery, signed with the right secret, so that `verify --capture` has one outcome (exit 0).
    const mgpass = filesUnder(save).find((f) => /x-webhook-signature/i.test(readFileSync(f, 'utf8')));
    expect(mgpass).toBeDefined();
    const runs = await Promise.all([
      cli(['replay', save, '--to', receiverUrl]),
      cli(['verify', '--capture', mgpass!, '--secret', CANARY, '--user', USER, '--api-key', CANARY, '--explain']),
      cli(['replay', save, '--to', receiverUrl, '--resign', '--secret', CANARY]),
      cli(['replay', save, '--to', receiverUrl, '--resign', '--secret', CANARY, '--user', USER, '--api-key', CANARY, '--json']),
      cli(['replay', save, '--to', 'http://127.0.0.1:1/x', '--resign', '--secret', CANARY]),
    ]);
    expectCodes('replay', runs, [0, 0, 0, 0, 3]);
    expectNoSecret('replay', ...runs);
  });

  it('test: the conformance run and its JUnit report never hold the secret', async () => {
    const runs = await Promise.all([
      cli(['test', receiverUrl, '--provider', 'customerglu', '--secret', CANARY, '--junit', 'junit.xml']),
      cli(['test', receiverUrl, '--provider', 'customerglu', '--json'], { CG_HOOKS_SECRET: CANARY }),
      cli(['test', receiverUrl, '--provider', 'rehook', '--user', USER, '--json']),
    ]);
    // The receiver accepts everything, forgeries included: every run is a conformance failure.
    expectCodes('test', runs, [1, 1, 1]);
    expect(existsSync(join(work, 'junit.xml'))).toBe(true);
    expectNoSecret('test', ...runs);
  });
});

describe('listener safety', () => {
  it('binds 127.0.0.1 by default: not reachable on any other interface', async () => {
    const { startListen } = await import('./helpers/listener.js');
    const listener = await startListen(['--port', '0']);
    try {
      const url = new URL(listener.url);
      expect(url.hostname).toBe('127.0.0.1');
      const external = Object.values(networkInterfaces())
        .flat()
        .filter((a) => a && a.family === 'IPv4' && !a.internal)
        .map((a) => a!.address);
      for (const address of external) {
        const reached = await new Promise<boolean>((resolve) => {
          const socket = connect({ host: address, port: Number(url.port) });
          socket.once('connect', () => (socket.destroy(), resolve(true)));
          socket.once('error', () => resolve(false));
        });
        expect(reached, `listener reachable on ${address}`).toBe(false);
      }
    } finally {
      await listener.stop();
    }
  });
});
