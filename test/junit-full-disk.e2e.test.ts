// e2e: `test --junit` and `scenario run --junit` on a full disk. The run's report is still printed (every delivery
// sent is reported), the command says the file could not be written (exit 2), and no file is left under that name:
// neither an empty one nor the report of an earlier run, which a CI step would publish as this run's.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'cg-junit-full-'));
const disk = join(root, 'disk');
let mounted = false;
let server: Server;
let url = '';

beforeAll(async () => {
  mkdirSync(disk);
  mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk]).status === 0;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhook`;
});
afterAll(async () => {
  if (mounted) spawnSync('umount', [disk]);
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

/** Fills the disk but for a few hundred bytes, and leaves an earlier report under `name`. */
function fullDiskWithOldReport(name: string): string {
  for (const f of readdirSync(disk)) rmSync(join(disk, f));
  const old = join(disk, name);
  writeFileSync(old, '<testsuites><testsuite name="an earlier run" tests="1" failures="0"/></testsuites>');
  try {
    writeFileSync(join(disk, 'fill'), Buffer.alloc(64 * 1024));
  } catch {
    // ENOSPC: what fitted stays, the disk is full.
  }
  return old;
}

describe('--junit on a full disk', () => {
  it('test: the table is printed, exit 2 naming the file, no file left', async (ctx) => {
    if (!mounted) ctx.skip();
    const junit = fullDiskWithOldReport('conformance.xml');
    const r = await runCli(['test', url, '--provider', 'reward', '--only', 'valid', '--junit', junit], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^valid:trigger_event\.created\s+2xx\s+200 /m);
    expect(r.stderr).toContain('reward receiver conforms');
    expect(r.stderr).toMatch(/error: --junit: cannot write .*conformance\.xml: ENOSPC/);
    expect(readdirSync(disk).sort()).toEqual(['fill']);
    fullDiskWithOldReport('conformance.xml');
    const json = await runCli(['test', url, '--provider', 'reward', '--only', 'valid', '--junit', junit, '--json'], { timeoutMs: 60_000 });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, summary: { passed: 2, failed: 0 }, junit: { error: { code: 'unwritable_file' } } });
    expect(readdirSync(disk).sort()).toEqual(['fill']);
  });

  it('scenario run: every send is reported, exit 2 naming the file, no file left', async (ctx) => {
    if (!mounted) ctx.skip();
    const junit = fullDiskWithOldReport('scenario.xml');
    const r = await runCli(['scenario', 'run', 'segment-burst', '--to', url, '--api-key', 'k', '--junit', junit, '--json'], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    // One document on stdout: the sends, and why the file is missing.
    const doc = JSON.parse(r.stdout);
    expect(doc.sends).toHaveLength(11);
    expect(doc.sends.every((s: { status: number }) => s.status === 200)).toBe(true);
    expect(doc).toMatchObject({ ok: false, exitCode: 2, junit: { error: { code: 'unwritable_file', message: expect.stringMatching(/^--junit: cannot write .*ENOSPC/) } } });
    expect(r.stderr).toMatch(/error: --junit: cannot write/);
    expect(existsSync(junit)).toBe(false);
    expect(readdirSync(disk).sort()).toEqual(['fill']);
  });
});
