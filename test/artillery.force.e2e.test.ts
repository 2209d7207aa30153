// `export artillery --force` replaces an earlier export all or nothing (core/file-set.ts): a script must never meet
// another run's corpus or processor. Real faults, the built binary: a directory in the way (found before anything
// moves), a rename refused after others succeeded (a file bind-mounted over README.md: EBUSY, put back), a full
// disk (a small tmpfs), Ctrl-C while the corpus is written. Each time the earlier files survive byte for byte and no
// hidden file is left behind.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BIN, runCli } from './helpers/cli.js';
import { withTmpfs } from './helpers/tmpfs.js';

vi.setConfig({ testTimeout: 90_000 });
const root = mkdtempSync(join(tmpdir(), 'cg-hooks-force-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FIRST = ['export', 'artillery', 'mgpass', '--to', 'http://127.0.0.1:3999/h', '--rate', '10', '--seed', '1', '--corpus', '20'];
const SECOND = ['export', 'artillery', 'mgpass', '--to', 'http://127.0.0.1:3999/other', '--rate', '99', '--seed', '2', '--corpus', '40', '--force'];
const NAMES = ['README.md', 'cg-hooks.json', 'corpus.ndjson', 'load-test.yml', 'processor.cjs'];

/** An earlier export in `dir`: its files' bytes by name. */
async function earlierExport(dir: string): Promise<Map<string, Buffer>> {
  const r = await runCli([...FIRST, '-o', dir]);
  expect(r.code, r.stderr).toBe(0);
  return new Map(NAMES.map((n) => [n, readFileSync(join(dir, n))]));
}

function expectUnchanged(dir: string, before: Map<string, Buffer>, except: string[] = []): void {
  for (const [name, bytes] of before) if (!except.includes(name)) expect(readFileSync(join(dir, name)).equals(bytes), `${name} changed`).toBe(true);
}

describe('export artillery --force: all or nothing', () => {
  it('a directory in the way: one line, exit 2, the earlier files untouched, nothing left behind', async () => {
    const dir = join(root, 'dir-in-the-way');
    const before = await earlierExport(dir);
    rmSync(join(dir, 'README.md'));
    mkdirSync(join(dir, 'README.md'));
    writeFileSync(join(dir, 'README.md', 'keep'), 'x');
    const r = await runCli([...SECOND, '-o', dir]);
    expect(r.code).toBe(2);
    expectUnchanged(dir, before, ['README.md']);
    expect(r.stderr).toBe(`error: cannot write to ${dir}: README.md cannot be replaced: it is a directory; nothing was replaced: the earlier files are as they were\n`);
    expect(readdirSync(dir).sort()).toEqual(NAMES);
    expect(readdirSync(join(dir, 'README.md'))).toEqual(['keep']);
  });

  it('a rename refused after others succeeded (EBUSY): the earlier files are put back', async (ctx) => {
    const dir = join(root, 'busy');
    const before = await earlierExport(dir);
    const other = join(root, 'mounted-readme');
    writeFileSync(other, 'a file mounted over README.md\n');
    if (spawnSync('mount', ['--bind', other, join(dir, 'README.md')]).status !== 0) ctx.skip();
    try {
      const r = await runCli([...SECOND, '-o', dir]);
      expect(r.code).toBe(2);
      expectUnchanged(dir, before, ['README.md']);
      expect(r.stderr).toBe(`error: cannot write to ${dir}: README.md could not be replaced (it is in use (a mount point?)); nothing was replaced: the earlier files are as they were\n`);
      expect(readdirSync(dir).sort()).toEqual(NAMES);
    } finally {
      spawnSync('umount', [join(dir, 'README.md')]);
    }
    expectUnchanged(dir, before);
    // And with nothing in the way, --force replaces every file.
    const ok = await runCli([...SECOND, '-o', dir]);
    expect(ok.code, ok.stderr).toBe(0);
    for (const name of ['README.md', 'corpus.ndjson', 'load-test.yml']) expect(readFileSync(join(dir, name)).equals(before.get(name)!), `${name} not replaced`).toBe(false);
    expect(readFileSync(join(dir, 'load-test.yml'), 'utf8')).toContain('url: "/other"');
    expect(readFileSync(join(dir, 'corpus.ndjson'), 'utf8').trim().split('\n')).toHaveLength(40);
    expect(readdirSync(dir).sort()).toEqual(NAMES);
  });

  it('a full disk while the new files are written: the earlier ones untouched', async (ctx) => {
    const dir = join(root, 'full');
    withTmpfs(ctx, dir, '256k', () => {
      const first = spawnSync(process.execPath, [BIN, ...FIRST, '-o', dir], { env: { ...process.env, NO_COLOR: '1', CI: 'true' }, encoding: 'utf8' });
      expect(first.status, first.stderr).toBe(0);
      const before = new Map(NAMES.map((n) => [n, readFileSync(join(dir, n))]));
      const r = spawnSync(process.execPath, [BIN, ...SECOND.map((a) => (a === '40' ? '5000' : a)), '-o', dir], { env: { ...process.env, NO_COLOR: '1', CI: 'true' }, encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^error: cannot write to .*no space left on (the )?device/i);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expectUnchanged(dir, before);
      expect(readdirSync(dir).sort()).toEqual(NAMES);
    });
  });

  it('Ctrl-C while the corpus is written: exit 130, the earlier files untouched, nothing left behind', async () => {
    const dir = join(root, 'interrupted');
    const before = await earlierExport(dir);
    const child = spawn(process.execPath, [BIN, ...SECOND.map((a) => (a === '40' ? '100000' : a)), '-o', dir], { env: { ...process.env, NO_COLOR: '1', CI: 'true' }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? -1 : null))));
    // Interrupted once the new corpus is being written aside.
    for (let i = 0; i < 600 && !readdirSync(dir).some((n) => n.startsWith('.corpus.ndjson.')); i++) await new Promise((r) => setTimeout(r, 25));
    expect(readdirSync(dir).some((n) => n.startsWith('.corpus.ndjson.'))).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expectUnchanged(dir, before);
    expect(readdirSync(dir).sort()).toEqual(NAMES);
  });
});
