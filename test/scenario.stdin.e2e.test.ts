// `scenario run -` / `scenario show -` read the scenario from stdin (and `run <(…)` from a pipe), bounded to the
// format's 1 MiB, with the same validation and one-line errors as a file: through real shell pipes, the built CLI.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';

/** Runs a bash pipeline (process substitution needs bash); `$CG` is the built CLI. */
function sh(script: string, cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', script.replaceAll('$CG', '"$NODE_BIN" "$CG_BIN"')], { cwd, env: { ...process.env, NODE_BIN: process.execPath, CG_BIN: BIN, NO_COLOR: '1', CI: 'true' }, timeout: 40_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let server: Server;
let url: string;
let received = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('scenario from stdin', () => {
  it('run -: a scenario piped in is run as the same file would be; --junit is relative to the current directory', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cg-scenario-stdin-'));
    received = 0;
    const r = await sh(`$CG scenario show segment-burst | sed 's/count: 10/count: 4/' | $CG scenario run - --to ${url} --time-scale 0 --json --junit out.xml`, cwd);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { scenario: { name: string; source: string }; ok?: boolean };
    expect(doc.scenario).toMatchObject({ name: 'segment-burst', source: '(stdin)' });
    expect(received).toBe(5); // the identify and the 4 tracks the edited text asked for
    expect(existsSync(join(cwd, 'out.xml'))).toBe(true);
    expect(readFileSync(join(cwd, 'out.xml'), 'utf8')).toContain('segment-burst');
  });

  it('run <(…): a pipe path', async () => {
    received = 0;
    const r = await sh(`$CG scenario run <($CG scenario show segment-burst) --to ${url} --time-scale 0`);
    expect(r.code, r.stderr).toBe(0);
    expect(received).toBe(11);
  });

  it('show -: prints what it read', async () => {
    const r = await sh('$CG scenario show rehook-referral | $CG scenario show -');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('name: rehook-referral');
  });

  it.each([
    ['an empty stdin', `$CG scenario run - --to URL < /dev/null`, /^error: scenario -: stdin was empty; a scenario needs name:, provider: and steps:\nhint: pipe one in, e\.g\. /],
    ['more than 1 MiB', `head -c 2000000 /dev/zero | tr '\\0' a | $CG scenario run - --to URL`, /^error: scenario file \(stdin\) is larger than 1 MiB\nhint: check that the right file is piped in\n/],
    ['not YAML', `printf 'name: [oops' | $CG scenario run - --to URL`, /^error: \(stdin\):1:12: not valid YAML\/JSON: /],
    ['YAML, not a scenario', `printf 'name: x\\nprovider: segment\\n' | $CG scenario run - --to URL`, /^error: \(stdin\):\d+:\d+: .*steps/],
  ])('%s: one line (and a hint), exit 2, nothing sent', async (_, script, message) => {
    received = 0;
    const r = await sh(script.replace('URL', url));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(received).toBe(0);
  });

  it('--json: the error object on stdout', async () => {
    const r = await sh(`$CG scenario run - --to ${url} --json < /dev/null`);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'empty_input' } });
  });

  it('run - --mapping -: stdin is read once, said before reading it (not "--mapping -: stdin was empty")', async () => {
    received = 0;
    const r = await sh(`$CG scenario show customerglu-reward-retry | $CG scenario run - --to ${url} --secret s --mapping - --time-scale 0`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: the scenario and --mapping cannot both be read from stdin \("-"\)\n/);
    expect(received).toBe(0);
  });
});
