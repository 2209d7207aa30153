// `cg-hooks listen` keeps bounded memory whatever arrives and however stdout is read, as a subprocess with a
// small heap (a leak becomes a crash, not a slow test): megabyte-long de-duplication keys, a stdout pipe that
// nobody reads, a stdout reader that goes away.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareGenerator } from '../src/core/generate.js';
import { loadProvider } from '../src/providers/index.js';
import { BIN } from './helpers/cli.js';
import { post } from './helpers/listener.js';
import { closedPort } from './helpers/receivers.js';

const HEAP_MB = 64;
let work: string;
beforeAll(() => void (work = mkdtempSync(join(tmpdir(), 'cg-listen-res-'))));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Proc {
  child: ChildProcess;
  url: string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** `listen` on a known port with a small heap; stdout as asked (the test decides whether it is read). */
async function spawnListen(args: string[], stdout: 'ignore' | 'pipe', heapMb = HEAP_MB): Promise<Proc> {
  const port = await closedPort();
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, BIN, 'listen', '--port', String(port), ...args], {
    stdio: ['ignore', stdout, 'pipe'],
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  void exited.then(() => clearTimeout(killer));
  for (let i = 0; i < 200 && !/ready on/.test(err); i++) await new Promise((r) => setTimeout(r, 50));
  if (!/ready on/.test(err)) throw new Error(`listen did not start: ${err}`);
  return { child, url: `http://127.0.0.1:${port}`, stderr: () => err, exited };
}

/** Valid unsigned Reward deliveries; `idBytes` makes each `id` (the de-duplication key) that long. */
async function rewards(n: number, pad: number, idBytes = 0): Promise<Buffer[]> {
  const gen = prepareGenerator(await loadProvider('reward'), 'trigger_event.created', { seed: 'res' });
  return Array.from({ length: n }, (_, i) => {
    const doc = JSON.parse(gen.make(i).body.toString('utf8'));
    if (idBytes > 0) doc.id = `we_${String(i).padStart(6, '0')}${'k'.repeat(idBytes)}`;
    if (pad > 0) doc.note = 'x'.repeat(pad);
    return Buffer.from(JSON.stringify(doc));
  });
}

async function sendAll(url: string, bodies: Buffer[], concurrency = 4): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const i = next++;
        statuses[i] = (await post(`${url}/webhook`, bodies[i]!)).status;
      }
    }),
  );
  return statuses;
}

describe('bounded memory', () => {
  it('48 deliveries with distinct 1 MB ids (de-duplication keys) in a 32 MB heap: all answered and counted', async () => {
    // Such ids fail Reward's schema (so exit 1), but their keys are still remembered: the body is not signed.
    const bodies = await rewards(48, 0, 1024 * 1024);
    const l = await spawnListen(['--max-body', '2mb', '--expect', String(bodies.length), '--timeout', '80'], 'ignore', 32);
    const statuses = await sendAll(l.url, bodies, 2).catch((e: Error) => [e.message]);
    const code = await l.exited;
    expect(l.stderr()).not.toMatch(/heap out of memory/i);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(l.stderr()).toMatch(/48 deliveries: 0 valid, 48 invalid \(schema ×48\)/);
    expect(code, l.stderr()).toBe(1);
  }, 120_000);

  it('a stdout nobody reads: lines are dropped and counted (not buffered in a 32 MB heap), deliveries still answered', async () => {
    // 120 lines of 400 KB: 48 MB that used to wait in memory for a reader.
    const bodies = await rewards(120, 400_000);
    const l = await spawnListen(['--json', '--max-body', '1mb'], 'pipe', 32);
    l.child.stdout!.pause(); // a pipe with a reader that never reads
    const statuses = await sendAll(l.url, bodies);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(l.child.exitCode, l.stderr()).toBeNull();
    expect(l.stderr()).toMatch(/stdout is not being read fast enough/);
    // Now read it all: every delivery is either a line or counted in a "dropped" line.
    let out = '';
    l.child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    l.child.stdout!.resume();
    l.child.kill('SIGINT');
    expect(await l.exited).toBe(130);
    const events = out.trim().split('\n').map((line) => JSON.parse(line));
    const shown = events.filter((e) => e.type === 'delivery').length;
    const dropped = events.filter((e) => e.type === 'dropped').reduce((n, e) => n + e.count, 0);
    const summary = events.at(-1);
    expect(summary).toMatchObject({ type: 'summary', deliveries: bodies.length });
    expect(dropped, l.stderr()).toBeGreaterThan(0);
    expect(summary.linesDropped).toBe(dropped);
    expect(shown + dropped).toBe(bodies.length);
  }, 120_000);

  it('a stdout reader that goes away (EPIPE): said once on stderr, the listener keeps answering and saving', async () => {
    const save = join(work, 'epipe');
    const bodies = await rewards(20, 1000);
    const l = await spawnListen(['--json', '--save', save], 'pipe');
    l.child.stdout!.destroy(); // like `cg-hooks listen --json | head -1` once head has exited
    const statuses = await sendAll(l.url, bodies, 2);
    expect(statuses).toEqual(Array(bodies.length).fill(200));
    expect(l.child.exitCode, l.stderr()).toBeNull();
    expect(readdirSync(save).filter((f) => f.endsWith('.json'))).toHaveLength(bodies.length);
    l.child.kill('SIGINT');
    expect(await l.exited).toBe(130);
    expect(l.stderr().match(/stdout was closed \(EPIPE\)/g)).toHaveLength(1);
    expect(l.stderr()).toMatch(/20 deliveries: 20 valid/);
  }, 60_000);
});
