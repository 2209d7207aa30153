// Behaviour of src/core/capture-store.ts (listen --save) that the Stryker run (npm run mutate) showed no test pinned
// down: the fallbacks for file systems without hard links or directory fsync, the give-up after 1000 taken names,
// and that the directory is fsynced (shared by concurrent writers) before a capture is acknowledged.
// node:fs/promises is wrapped so that a test can make link() or a directory open() fail as some file systems do.
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

const fsState = vi.hoisted(() => ({
  /** Error code link() fails with (undefined: the real link). */
  linkFails: undefined as string | undefined,
  linkCalls: 0,
  /** Error code opening a directory read-only fails with. */
  dirOpenFails: undefined as string | undefined,
  /** Directories fsynced, in order. */
  dirSyncs: [] as string[],
  /** Holds every directory fsync until released (to see which callers share one). */
  gate: undefined as Promise<void> | undefined,
  /** Writes of file contents so far, and from which one on (1-based) they fail with `writeFailsWith` (a full disk). */
  writes: 0,
  writeFailsFrom: Infinity,
  writeFailsWith: 'ENOSPC',
  /** Error code unlink() fails with (as if the process died before it could remove the temporary file). */
  unlinkFails: undefined as string | undefined,
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const { constants } = await import('node:fs');
  const fail = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });
  return {
    ...real,
    link: async (from: string, to: string) => {
      fsState.linkCalls++;
      if (fsState.linkFails) throw fail(fsState.linkFails);
      return real.link(from, to);
    },
    unlink: async (path: string) => {
      if (fsState.unlinkFails) throw fail(fsState.unlinkFails);
      return real.unlink(path);
    },
    open: async (path: string, flags: number, mode?: number) => {
      const isDirOpen = flags === constants.O_RDONLY;
      if (isDirOpen && fsState.dirOpenFails) throw fail(fsState.dirOpenFails);
      const fh = await real.open(path, flags, mode);
      return new Proxy(fh, {
        get(target, prop) {
          if (!isDirOpen && prop === 'writeFile') {
            return async (data: string) => {
              // A full disk: part of the bytes may already be in the file when the write fails.
              if (++fsState.writes >= fsState.writeFailsFrom) {
                await target.writeFile(data.slice(0, 10));
                throw fail(fsState.writeFailsWith);
              }
              return target.writeFile(data);
            };
          }
          if (isDirOpen && prop === 'sync') {
            return async () => {
              fsState.dirSyncs.push(path);
              await fsState.gate;
              return target.sync();
            };
          }
          const v = Reflect.get(target, prop);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    },
  };
});

const { captureFileName, syncDir, writeCapture } = await import('../src/core/capture-store.js');
const { readCapture } = await import('../src/core/capture.js');

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'cg-capture-store-mutants-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  fsState.linkFails = undefined;
  fsState.linkCalls = 0;
  fsState.dirOpenFails = undefined;
  fsState.dirSyncs = [];
  fsState.gate = undefined;
  fsState.writes = 0;
  fsState.writeFailsFrom = Infinity;
  fsState.writeFailsWith = 'ENOSPC';
  fsState.unlinkFails = undefined;
});

const sample = {
  receivedAt: '2026-01-01T00:00:00.123Z',
  method: 'POST',
  path: '/hook',
  headers: { 'content-type': 'application/json' },
  body: Buffer.from('{"n":1}'),
  provider: 'customerglu',
  event: 'reward',
};

describe('capture file names', () => {
  it('one "_" per run of unsafe characters, at most 80 characters a part, "unknown" for an empty part', () => {
    expect(captureFileName({ ...sample, provider: 'a  /..b', event: 'x' }, 1)).toBe('20260101T000000.123Z-000001-a_..b-x.json');
    const long = captureFileName({ ...sample, provider: 'p'.repeat(200), event: 'e'.repeat(200) }, 1);
    expect(long).toBe(`20260101T000000.123Z-000001-${'p'.repeat(80)}-${'e'.repeat(80)}.json`);
    expect(captureFileName({ ...sample, provider: '', event: '' }, 1)).toBe('20260101T000000.123Z-000001-unknown-unknown.json');
    expect(captureFileName({ ...sample, provider: null, event: undefined }, 1)).toBe('20260101T000000.123Z-000001-unknown-unknown.json');
  });
});

describe('a write that fails is never acknowledged and leaves nothing behind', () => {
  it('the disk fills up while the capture is written: the error is thrown, the partial file removed', async () => {
    const d = fresh();
    fsState.writeFailsFrom = 1;
    await expect(writeCapture(d, sample, 1)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(readdirSync(d)).toEqual([]);
    // Room again: the next capture is written whole under the name the failed one would have had.
    fsState.writeFailsFrom = Infinity;
    const path = await writeCapture(d, sample, 1);
    expect(path).toBe(join(d, captureFileName(sample, 1)));
    expect(readCapture(path).body.toString()).toBe('{"n":1}');
  });

  it('without hard links, the disk fills up while the final name is written: neither file is left', async () => {
    const d = fresh();
    fsState.linkFails = 'EPERM';
    fsState.writeFailsFrom = 2;
    fsState.writeFailsWith = 'EIO';
    await expect(writeCapture(d, sample, 1)).rejects.toMatchObject({ code: 'EIO' });
    expect(readdirSync(d)).toEqual([]);
  });

  it('with hard links the bytes are written once: a disk with room for one copy takes the capture', async () => {
    const d = fresh();
    fsState.writeFailsFrom = 2;
    const path = await writeCapture(d, sample, 1);
    expect(readCapture(path).body.toString()).toBe('{"n":1}');
    expect(fsState.writes).toBe(1);
  });

  it('what a crash between link and clean-up leaves is hidden, named after the capture, and not a .json', async () => {
    const d = fresh();
    fsState.unlinkFails = 'EIO';
    const path = await writeCapture(d, sample, 1);
    const stem = captureFileName(sample, 1).slice(0, -'.json'.length);
    const left = readdirSync(d).filter((f) => join(d, f) !== path);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(new RegExp(`^\\.${stem.replace(/\./g, '\\.')}\\.[A-Za-z0-9_-]{16}\\.tmp$`));
  });
});

describe('a file system without hard links', () => {
  it.each(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EINVAL', 'EISDIR', 'EBADF', 'EACCES'])('link() failing with %s: the capture is created under its final name instead', async (code) => {
    const d = fresh();
    fsState.linkFails = code;
    const path = await writeCapture(d, sample, 1);
    expect(path).toBe(join(d, captureFileName(sample, 1)));
    expect(readCapture(path).body.toString()).toBe('{"n":1}');
    expect(readdirSync(d)).toEqual([captureFileName(sample, 1)]);
    // link() was tried once: the fallback is remembered for the next names.
    expect(fsState.linkCalls).toBe(1);
  });

  it('without hard links, a taken name still makes the capture take the next one', async () => {
    const d = fresh();
    fsState.linkFails = 'EPERM';
    const first = await writeCapture(d, sample, 1);
    const second = await writeCapture(d, { ...sample, body: Buffer.from('{"n":2}') }, 1);
    expect(second).toBe(first.replace(/\.json$/, '-2.json'));
    expect(readFileSync(first, 'utf8')).toContain(Buffer.from('{"n":1}').toString('base64'));
    expect(readCapture(second).body.toString()).toBe('{"n":2}');
  });

  it('any other link() error fails the write and leaves nothing behind', async () => {
    const d = fresh();
    fsState.linkFails = 'EIO';
    await expect(writeCapture(d, sample, 1)).rejects.toMatchObject({ code: 'EIO' });
    expect(readdirSync(d)).toEqual([]);
    expect(fsState.linkCalls).toBe(1);
  });

  it('a name taken 1000 times over: gives up with an error after exactly 1000 tries', async () => {
    const d = fresh();
    fsState.linkFails = 'EEXIST';
    const name = captureFileName(sample, 1);
    await expect(writeCapture(d, sample, 1)).rejects.toThrow(`no free name for ${name} after 1000 tries`);
    expect(fsState.linkCalls).toBe(1000);
    expect(readdirSync(d)).toEqual([]);
  });
});

describe('the directory is fsynced before a capture is acknowledged', () => {
  it('every directory handle is closed again, whether the fsync worked or not (no descriptor leak per capture)', async () => {
    const d = fresh();
    const openOnDir = () => readdirSync('/proc/self/fd').filter((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`) === d; } catch { return false; } }).length;
    for (let i = 0; i < 5; i++) await writeCapture(d, { ...sample, body: Buffer.from(`{"n":${i}}`) }, i);
    expect(openOnDir()).toBe(0);
    fsState.gate = Promise.reject(Object.assign(new Error('EIO: simulated'), { code: 'EIO' }));
    fsState.gate.catch(() => undefined);
    await expect(syncDir(d)).rejects.toMatchObject({ code: 'EIO' });
    expect(openOnDir()).toBe(0);
  });

  it('once per capture written alone', async () => {
    const d = fresh();
    await writeCapture(d, sample, 1);
    expect(fsState.dirSyncs).toEqual([d]);
  });

  it('a file system that cannot fsync a directory is not an error; another failure is', async () => {
    const d = fresh();
    for (const code of ['EISDIR', 'EPERM', 'EINVAL']) {
      fsState.dirOpenFails = code;
      await expect(syncDir(d)).resolves.toBeUndefined();
    }
    fsState.dirOpenFails = 'EIO';
    await expect(syncDir(d)).rejects.toMatchObject({ code: 'EIO' });
    fsState.dirOpenFails = undefined;
    await expect(syncDir(d)).resolves.toBeUndefined();
  });

  it('callers that arrive during a sync share the next one: two syncs for six callers, none resolved early', async () => {
    const d = fresh();
    let release!: () => void;
    fsState.gate = new Promise<void>((r) => (release = r));
    const settled: number[] = [];
    const calls = Array.from({ length: 6 }, (_, i) => syncDir(d).then(() => settled.push(i)));
    await new Promise((r) => setTimeout(r, 20));
    // The first sync is held: nobody may be told "durable" yet, and only it has started.
    expect(settled).toEqual([]);
    expect(fsState.dirSyncs).toEqual([d]);
    release();
    await Promise.all(calls);
    expect(fsState.dirSyncs).toEqual([d, d]);
    expect(settled.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // All done: the next caller starts a sync of its own at once.
    await syncDir(d);
    expect(fsState.dirSyncs).toEqual([d, d, d]);
  });

  it('every caller that arrives while a sync runs gets the same queued sync', async () => {
    const d = fresh();
    let release!: () => void;
    fsState.gate = new Promise<void>((r) => (release = r));
    const first = syncDir(d);
    const second = syncDir(d);
    const third = syncDir(d);
    expect(second).toBe(third);
    release();
    await first;
    await second;
    expect(fsState.dirSyncs).toEqual([d, d]);
  });
});
