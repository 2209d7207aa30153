// `listen --save` when the disk says no: a delivery is acknowledged (2xx) only once its capture is on disk.
// Real faults: a 2 MB tmpfs that fills up, a tmpfs remounted read-only, a save directory deleted under the
// listener. Mounting needs root (or CAP_SYS_ADMIN); without it those cases are skipped and say why.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../src/core/capture.js';
import { prepareGenerator } from '../src/core/generate.js';
import { loadProvider } from '../src/providers/index.js';
import { post, startListen, type Reply } from './helpers/listener.js';

let work: string;
const mounted: string[] = [];

function mountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return false;
  mounted.push(dir);
  return true;
}

const canMount = () => {
  const probe = join(work, 'probe');
  if (!mountTmpfs(probe, '64k')) return false;
  spawnSync('umount', [probe]);
  mounted.pop();
  return true;
};

/** Valid, unsigned Reward deliveries (distinct ids), padded to about `bytes`. */
async function deliveries(n: number, bytes: number): Promise<Buffer[]> {
  const reward = await loadProvider('reward');
  const gen = prepareGenerator(reward, 'trigger_event.created', { seed: 'save-faults' });
  return Array.from({ length: n }, (_, i) => {
    const doc = JSON.parse(gen.make(i).body.toString('utf8'));
    doc.note = 'é'.repeat(Math.max(0, bytes / 2));
    return Buffer.from(JSON.stringify(doc));
  });
}

const tmpFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

let mountable = false;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'cg-listen-save-'));
  mountable = canMount();
  if (!mountable) console.warn('listen-save: cannot mount a tmpfs here (needs root): the disk-full and read-only cases are skipped');
});
afterAll(() => {
  for (const dir of mounted.reverse()) spawnSync('umount', ['-l', dir]);
  rmSync(work, { recursive: true, force: true });
});

describe('listen --save: acknowledged only once saved', () => {
  it('a full disk (2 MB tmpfs): every 2xx has its capture byte for byte, every other delivery is 503 and counted not saved, exit 1', async (ctx) => {
    if (!mountable) return ctx.skip();
    const dir = join(work, 'full');
    expect(mountTmpfs(dir, '2m')).toBe(true);
    const bodies = await deliveries(40, 100_000);
    const l = await startListen(['--save', dir, '--expect', String(bodies.length), '--timeout', '60']);
    const answers: Reply[] = [];
    for (const body of bodies) answers.push(await post(`${l.url}/webhook`, body));
    const { code, stdout } = await l.exited;
    const reports = l.deliveries();
    expect(reports).toHaveLength(bodies.length);

    const ok = answers.filter((a) => a.status === 200).length;
    const refused = answers.filter((a) => a.status === 503).length;
    expect(ok, 'some captures fit').toBeGreaterThan(0);
    expect(refused, 'the disk filled up').toBeGreaterThan(0);
    expect(ok + refused).toBe(bodies.length);
    for (const r of reports) {
      const body = bodies[r.seq - 1]!;
      const answer = answers[r.seq - 1]!;
      expect(r.status, `#${r.seq}: reported status is the answer`).toBe(answer.status);
      if (answer.status === 200) {
        expect(readCapture(r.capture.path).body.equals(body), `#${r.seq} saved byte for byte`).toBe(true);
      } else {
        expect(r).toMatchObject({ statusReason: 'not-saved', capture: { error: expect.stringMatching(/ENOSPC/) } });
        expect(r.capture.path).toBeUndefined();
        expect(JSON.parse(answer.body)).toMatchObject({ error: 'not_saved' });
        expect(answer.headers['retry-after']).toBeDefined();
      }
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(ok);
    expect(tmpFiles(dir), 'no temporary file left behind').toEqual([]);
    const summary = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ type: 'summary', reason: 'expect', deliveries: bodies.length, notSaved: refused, invalid: 0, exitCode: 1 });
    expect(code, 'deliveries were lost: not a success').toBe(1);
  }, 90_000);

  it('a read-only save directory: 503 for every delivery, reported and counted, exit 1', async (ctx) => {
    if (!mountable) return ctx.skip();
    const dir = join(work, 'ro');
    expect(mountTmpfs(dir, '1m')).toBe(true);
    const bodies = await deliveries(3, 1000);
    const l = await startListen(['--save', dir, '--expect', '3', '--timeout', '30']);
    expect(spawnSync('mount', ['-o', 'remount,ro', dir]).status).toBe(0);
    const answers = [];
    for (const body of bodies) answers.push(await post(`${l.url}/webhook`, body));
    const { code } = await l.exited;
    expect(answers.map((a) => a.status)).toEqual([503, 503, 503]);
    expect(l.deliveries().map((d) => d.capture.error)).toEqual(Array(3).fill('the --save directory is on a read-only file system (EROFS)'));
    expect(l.events.filter((e) => e.type === 'warning' && /could not save delivery/.test(e.message))).toHaveLength(3);
    expect(readdirSync(dir)).toEqual([]);
    expect(code).toBe(1);
  }, 60_000);

  it('a save directory deleted under the listener: 503, reported, exit 1, nothing left behind', async () => {
    const dir = join(work, 'gone');
    const bodies = await deliveries(2, 1000);
    const l = await startListen(['--save', dir, '--expect', '2', '--timeout', '30']);
    rmSync(dir, { recursive: true });
    const answers = [];
    for (const body of bodies) answers.push(await post(`${l.url}/webhook`, body));
    const { code, stderr } = await l.exited;
    expect(answers.map((a) => a.status)).toEqual([503, 503]);
    expect(l.deliveries().map((d) => [d.statusReason, d.capture.error])).toEqual(Array(2).fill(['not-saved', 'the --save directory no longer exists (ENOENT)']));
    expect(stderr).toMatch(/2 deliveries: 2 valid, 0 invalid; 2 not saved/);
    expect(code).toBe(1);
  }, 60_000);

  it('two listeners sharing one directory each keep every capture they acknowledged', async () => {
    const dir = join(work, 'shared');
    const bodies = await deliveries(60, 200);
    const [a, b] = await Promise.all([startListen(['--save', dir, '--expect', '30']), startListen(['--save', dir, '--expect', '30'])]);
    // Both number their deliveries from 1 and stamp them to the millisecond: their names collide often.
    const sends = bodies.map((body, i) => post(`${(i % 2 ? a : b)!.url}/webhook`, body));
    const answers = await Promise.all(sends);
    expect(answers.every((r) => r.status === 200)).toBe(true);
    const [ra, rb] = await Promise.all([a!.exited, b!.exited]);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    const paths = [...a!.deliveries(), ...b!.deliveries()].map((d) => d.capture.path as string);
    expect(new Set(paths).size).toBe(60);
    const saved = new Set(paths.map((p) => readCapture(p).body.toString('utf8')));
    expect(saved).toEqual(new Set(bodies.map((x) => x.toString('utf8'))));
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(60);
  }, 60_000);
});
