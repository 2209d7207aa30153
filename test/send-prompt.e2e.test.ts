// Interactive `send` on a real pseudo-terminal (util-linux `script`): CustomerGlu signs only when a token is
// configured, so its token prompt is optional; the equivalent command references the secret, never shows it.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
let server: Server;
let url: string;
const seen: Array<{ headers: IncomingHttpHeaders; body: Buffer }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d)).on('end', () => {
      seen.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
});
afterAll(() => new Promise((r) => server.close(r)));

/** Runs send on a pseudo-terminal of 120 columns and types `answer` once the token prompt is shown. */
function onTerminal(args: string[], answer: string): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.CI;
  delete env.CG_HOOKS_SECRET;
  delete env.FORCE_COLOR;
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qefc', `stty cols 120 rows 40; ${quoted}`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let typed = false;
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    if (!typed && out.includes('(optional, Enter: unsigned; not shown)')) {
      typed = true;
      child.stdin.write(`${answer}\r`);
    }
  });
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, out });
    }),
  );
}

describe.skipIf(!hasScript)('send on a terminal: the optional CustomerGlu token prompt', () => {
  it('a typed token signs the delivery; the equivalent command says --secret "$CG_HOOKS_SECRET", never the token', async () => {
    const before = seen.length;
    const r = await onTerminal(['send', 'customerglu', 'reward', '--to', url], 'tok-3f9a77');
    expect(r.code).toBe(0);
    const got = seen[before]!;
    expect(got.headers['x-cg-signature']).toBe(createHmac('sha1', 'tok-3f9a77').update(got.body).digest('hex'));
    expect(r.out).toContain(`equivalent command: cg-hooks send customerglu reward --to ${url} --secret "$CG_HOOKS_SECRET"`);
    expect(r.out).not.toContain('tok-3f9a77');
  });

  it('Enter sends the delivery unsigned, as CustomerGlu does without a token', async () => {
    const before = seen.length;
    const r = await onTerminal(['send', 'customerglu', 'reward', '--to', url], '');
    expect(r.code).toBe(0);
    expect(seen[before]!.headers['x-cg-signature']).toBeUndefined();
    expect(r.out).not.toContain('--secret "$CG_HOOKS_SECRET"');
  });
});
