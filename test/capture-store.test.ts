import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../src/core/capture.js';
import { captureFileName, writeCapture } from '../src/core/capture-store.js';

const dir = mkdtempSync(join(tmpdir(), 'cg-capture-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sample = {
  receivedAt: '2026-01-01T00:00:00.123Z',
  method: 'POST',
  path: '/webhook/%E2%9C%93',
  query: { eventType: 'order' },
  headers: { 'content-type': 'application/json', 'x-cg-signature': 'f2719895b483fbf3f98e1936bc88271cbe74f138' },
  body: Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d, 0x0d, 0x0a, 0xff]),
  remoteAddress: '127.0.0.1',
  provider: 'customerglu',
  event: 'reward',
};

describe('listen --save files', () => {
  it('are named by arrival time, sequence, provider and event, never with a path separator', () => {
    expect(captureFileName(sample, 7)).toBe('20260101T000000.123Z-000007-customerglu-reward.json');
    expect(captureFileName({ ...sample, provider: null, event: null }, 1)).toBe('20260101T000000.123Z-000001-unknown-unknown.json');
    expect(captureFileName({ ...sample, event: '../../etc/passwd' }, 1)).not.toContain('/');
  });

  it('are written whole (temporary name, then rename) and read back byte for byte', async () => {
    const path = await writeCapture(dir, sample, 3);
    expect(readdirSync(dir)).toEqual([captureFileName(sample, 3)]);
    const back = readCapture(path);
    expect(back.body.equals(sample.body)).toBe(true);
    expect(back).toMatchObject({ version: 1, method: 'POST', path: sample.path, query: sample.query, headers: sample.headers, provider: 'customerglu', event: 'reward', remoteAddress: '127.0.0.1' });
  });
});

describe('listen --save never writes through a symlink and never overwrites a capture', () => {
  const fresh = () => mkdtempSync(join(tmpdir(), 'cg-capture-safe-'));

  it('a symlink planted at the final name or at the old predictable temporary name is left alone', async () => {
    const d = fresh();
    const victim = join(d, 'victim.txt');
    writeFileSync(victim, 'precious');
    const name = captureFileName(sample, 1);
    // Today's attack: the temporary name was `<final>.<pid>.tmp`, written through symlinks.
    symlinkSync(victim, join(d, `${name}.${process.pid}.tmp`));
    symlinkSync(victim, join(d, name));
    const path = await writeCapture(d, sample, 1);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(join(d, name)).isSymbolicLink()).toBe(true);
    expect(path).toBe(join(d, name.replace(/\.json$/, '-2.json')));
    expect(readCapture(path).body.equals(sample.body)).toBe(true);
    expect(readdirSync(d).filter((f) => f.endsWith('.tmp') && !lstatSync(join(d, f)).isSymbolicLink())).toEqual([]);
  });

  it('two writers of the same name (two listeners sharing a directory) both keep their capture', async () => {
    const d = fresh();
    const bodies = Array.from({ length: 40 }, (_, i) => Buffer.from(`{"n":${i}}`));
    // Same arrival time and sequence number for all: every one of them wants the same file name.
    const paths = await Promise.all(bodies.map((body) => writeCapture(d, { ...sample, body }, 1)));
    expect(new Set(paths).size).toBe(bodies.length);
    const saved = readdirSync(d);
    expect(saved.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(saved).toHaveLength(bodies.length);
    const back = paths.map((p) => readCapture(p).body.toString()).sort();
    expect(back).toEqual(bodies.map((b) => b.toString()).sort());
  });

  it('a directory that is gone: the write fails and leaves nothing behind', async () => {
    const d = fresh();
    rmSync(d, { recursive: true });
    await expect(writeCapture(d, sample, 1)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(existsSync(d)).toBe(false);
  });
});
