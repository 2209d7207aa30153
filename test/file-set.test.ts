// core/file-set.ts (export artillery --force) beyond the e2e faults of artillery.force.e2e.test.ts: the new files
// keep the earlier files' permissions (as a write over them did before the set was replaced all or nothing), and a
// corpus that fails before its file was even opened leaves no hidden file behind.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { replaceFileSet, type NewFile } from '../src/core/file-set.js';
import { writeCorpus } from '../src/load/artillery/corpus.js';
import { existingExportFiles } from '../src/load/artillery/export.js';
import { loadProvider } from '../src/providers/index.js';

const root = mkdtempSync(join(tmpdir(), 'cg-hooks-file-set-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const text = (name: string, content: string): NewFile => ({ name, write: (path) => writeFile(path, content, { flag: 'wx' }) });
const mode = (path: string) => statSync(path).mode & 0o777;

describe('replaceFileSet', () => {
  it('a new file takes the earlier file\'s permissions; a new name and a replaced symlink get the umask\'s', async () => {
    const dir = mkdtempSync(join(root, 'modes-'));
    writeFileSync(join(dir, 'private.json'), 'old');
    chmodSync(join(dir, 'private.json'), 0o600);
    writeFileSync(join(dir, 'shared.cjs'), 'old');
    chmodSync(join(dir, 'shared.cjs'), 0o775);
    writeFileSync(join(root, 'target'), 'not ours');
    chmodSync(join(root, 'target'), 0o600);
    symlinkSync(join(root, 'target'), join(dir, 'link.yml'));
    await replaceFileSet(dir, [text('private.json', 'new'), text('shared.cjs', 'new'), text('link.yml', 'new'), text('fresh.md', 'new')]);
    const fresh = mode(join(dir, 'fresh.md'));
    expect(mode(join(dir, 'private.json'))).toBe(0o600);
    expect(mode(join(dir, 'shared.cjs'))).toBe(0o775);
    expect(mode(join(dir, 'link.yml'))).toBe(fresh);
    expect(readFileSync(join(root, 'target'), 'utf8')).toBe('not ours'); // the symlink was replaced, never followed
    expect(readdirSync(dir).sort()).toEqual(['fresh.md', 'link.yml', 'private.json', 'shared.cjs']);
  });

  it('a corpus that fails at its first delivery (before its stream opened the file) leaves no hidden file', async () => {
    const dir = mkdtempSync(join(root, 'early-'));
    const provider = await loadProvider('customerglu');
    const options = { provider, events: ['reward'], size: 5, mapPayload: () => { throw new Error('mapping failed'); } };
    await expect(replaceFileSet(dir, [{ name: 'corpus.ndjson', write: async (path) => void (await writeCorpus(path, options)) }])).rejects.toThrow('mapping failed');
    await sleep(50); // the open a stream had under way would have ended by now
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('existingExportFiles', () => {
  it('a name taken by a symlink to nothing is taken (without --force it is not replaced); -o a file: nothing', () => {
    const dir = mkdtempSync(join(root, 'dangling-'));
    symlinkSync(join(root, 'nothing-here'), join(dir, 'load-test.yml'));
    expect(existingExportFiles(dir)).toEqual(['load-test.yml']);
    writeFileSync(join(root, 'a-file'), 'x');
    expect(existingExportFiles(join(root, 'a-file'))).toEqual([]);
  });
});
