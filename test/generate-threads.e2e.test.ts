// `generate --count` on worker threads (src/core/generate-parallel.ts): the built binary as a subprocess, the
// one-thread run (`--threads 1`) as the oracle. `--threads n` forces threads whatever the count, so small runs
// (many chunks: a chunk is count / (2 n) deliveries below 512 each) go through the same code a long default run does;
// CG_HOOKS_TEST_WORKERS_ONLY=1 keeps the main thread from making chunks itself (it would make all of a small run's
// while the workers start), so that every chunk of those runs is a worker's.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCli, type RunResult } from './helpers/cli.js';
import { withTmpfs } from './helpers/tmpfs.js';

const work = mkdtempSync(join(tmpdir(), 'cg-threads-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const MAPPING = join(import.meta.dirname, '..', 'fixtures/customerglu/mappings/nested-loyalty.json');
const DATA = join(work, 'data.json');
writeFileSync(DATA, JSON.stringify({ data: { platform: 'threads-test', extra: { nested: [1, 'two', { three: '🎁' }] } } }));

function same(one: RunResult, many: RunResult): void {
  expect(many.code).toBe(one.code);
  expect(many.stderr).toBe(one.stderr);
  expect(many.stdoutBytes.equals(one.stdoutBytes)).toBe(true);
}

const WORKERS_ONLY = { CG_HOOKS_TEST_WORKERS_ONLY: '1' };

/** The same run in one thread and in `threads` threads (every chunk made by a worker). */
async function both(args: string[], threads: number): Promise<[RunResult, RunResult]> {
  const one = await runCli([...args, '--threads', '1'], { timeoutMs: 60_000 });
  const many = await runCli([...args, '--threads', String(threads)], { timeoutMs: 60_000, env: WORKERS_ONLY });
  return [one, many];
}

describe('generate --count in threads: the bytes of one thread', () => {
  // Interpreted events, the compiled CustomerGlu reward (its compiled template starts after 64 deliveries in each
  // worker), variants, and every option that changes a payload.
  const MATRIX: Array<[string, string[]]> = [
    ['compiled reward', ['customerglu', 'reward']],
    ['compiled reward, a variant, --ascii', ['customerglu', 'reward', '--variant', 'quiz', '--ascii']],
    ['reward with a mapping', ['customerglu', 'reward', '--mapping', MAPPING]],
    ['rehook, a variant', ['rehook', 'customer.rewarded', '--variant', 'webhook-reward']],
    ['segment identify', ['segment', 'identify']],
    ['--set, --unset, --data', ['mgpass', 'rewards.points_awarded', '--set', 'data.points=7', '--set', 'data.note="ünïcødé ✓"', '--unset', 'data.event_type', '--data', DATA, '--no-validate']],
    ['--now', ['rehook', 'order_success', '--now', '2027-03-04T05:06:07Z']],
  ];
  for (const [name, args] of MATRIX) {
    it(name, async () => {
      const [one, many] = await both(['generate', ...args, '--seed', `t-${name}`, '--count', '1500'], 3);
      expect(one.code).toBe(0);
      expect(one.stdout.split('\n')).toHaveLength(1501);
      same(one, many);
    });
  }

  it('by default (from 20,000 deliveries, workers on idle CPUs once the rest would take this thread 1 s): compiled and interpreted', async () => {
    // Hashed in the shell: 100 MB of NDJSON a run, read into this process as text, cost more than making it.
    const digest = (args: string) =>
      spawnSync('/bin/bash', ['-c', `set -o pipefail; "$NODE_BIN" "$CG_BIN" generate ${args} | sha256sum`], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_BIN: process.execPath, CG_BIN: BIN } });
    for (const args of ['customerglu reward --seed default --count 25000', 'segment identify --seed default --count 100000']) {
      const [one, many] = [digest(`${args} --threads 1`), digest(args)];
      expect([args, one.status, many.status, many.stderr]).toEqual([args, 0, 0, one.stderr]);
      expect(many.stdout).toBe(one.stdout);
    }
  });

  it('without --seed or --now: one seed and one clock for every thread (timestamps 1 s apart across chunks, no id twice)', async () => {
    const r = await runCli(['generate', 'mgpass', 'rewards.points_awarded', '--count', '3000', '--threads', '4'], { env: WORKERS_ONLY });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { timestamp: string; data: { user_id: string } });
    expect(lines).toHaveLength(3000);
    const first = Date.parse(lines[0]!.timestamp);
    expect(Math.abs(first - Date.now())).toBeLessThan(120_000);
    expect(lines.every((l, i) => Date.parse(l.timestamp) === first + i * 1000)).toBe(true);
    expect(new Set(lines.map((l) => l.data.user_id)).size).toBeGreaterThan(2900);
  });

  it('more threads than chunks, one delivery a chunk, and a count of 1', async () => {
    for (const [count, threads] of [['7', '5'], ['1', '2'], ['130', '9']] as const) same(...(await both(['generate', 'customerglu', 'reward', '--seed', 'few', '--count', count], Number(threads))));
  });

  it('-o file and stdout into a file: the same file, the same "wrote" line', async () => {
    const [one, many] = [join(work, 'one.ndjson'), join(work, 'many.ndjson')];
    const a = await runCli(['generate', 'rehook', 'customer.rewarded', '--seed', 'o', '--count', '3000', '--threads', '1', '-o', one]);
    const b = await runCli(['generate', 'rehook', 'customer.rewarded', '--seed', 'o', '--count', '3000', '--threads', '4', '-o', many], { env: WORKERS_ONLY });
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(b.stderr).toBe(a.stderr.replace('one.ndjson', 'many.ndjson'));
    expect(readFileSync(many).equals(readFileSync(one))).toBe(true);
    const redirected = (threads: string) =>
      spawnSync('/bin/bash', ['-c', `"$NODE_BIN" "$CG_BIN" generate segment identify --seed r --count 2500 --threads ${threads} > "$OUT"`], {
        env: { ...process.env, ...WORKERS_ONLY, NODE_BIN: process.execPath, CG_BIN: BIN, OUT: join(work, `redirect-${threads}.ndjson`) },
      }).status;
    expect([redirected('1'), redirected('3')]).toEqual([0, 0]);
    expect(readFileSync(join(work, 'redirect-3.ndjson')).equals(readFileSync(join(work, 'redirect-1.ndjson')))).toBe(true);
  });

  it('the --no-validate warning: the same line, once', async () => {
    const [one, many] = await both(['generate', 'mgpass', 'rewards.points_awarded', '--seed', 'w', '--count', '2000', '--unset', 'data.user_id', '--no-validate'], 4);
    expect(one.stderr).toMatch(/^warning: output does not match the rewards\.points_awarded schema \(--no-validate\): data\.user_id: /);
    expect(one.stderr.split('\n')).toHaveLength(2);
    same(one, many);
  });

  it('an error at delivery i (seed 67: the 20th reward has one term, `tnc[2]` cannot be set): every delivery before it, then the error, exit 2', async () => {
    for (const json of [[], ['--json']]) {
      const [one, many] = await both(['generate', 'customerglu', 'reward', '--seed', '67', '--count', '40', '--set', 'tnc[2]="x"', ...json], 4);
      expect(one.code).toBe(2);
      const lines = one.stdout.split('\n');
      expect(lines.slice(0, 19).every((l) => JSON.parse(l).tnc.length === 3)).toBe(true);
      expect(json.length ? JSON.parse(lines[19]!).error.message : one.stderr).toContain('cannot set tnc[2]: index 2 is past the end of an array of 1');
      same(one, many);
    }
  });

  it('a worker that never answers does not hold the run: the writing thread makes its chunks (same bytes, warning, error)', async () => {
    // CG_HOOKS_TEST_WORKER_STALL=1: every worker takes its orders and answers none, as a cold or CPU-starved one is
    // late. Waiting for them, the run would never end (the test's timeout).
    const STALL = { CG_HOOKS_TEST_WORKER_STALL: '1' };
    const runs: string[][] = [
      ['generate', 'rehook', 'customer.rewarded', '--seed', 'late', '--count', '6000'],
      ['generate', 'mgpass', 'rewards.points_awarded', '--seed', 'w', '--count', '2000', '--unset', 'data.user_id', '--no-validate'],
      ['generate', 'customerglu', 'reward', '--seed', '67', '--count', '40', '--set', 'tnc[2]="x"'],
    ];
    for (const args of runs) {
      const one = await runCli([...args, '--threads', '1'], { timeoutMs: 60_000 });
      const stalled = await runCli([...args, '--threads', '3'], { timeoutMs: 60_000, env: STALL });
      same(one, stalled);
    }
  });

  it('--threads: a whole number from 1 to 64, and only with --count; shown in --help', async () => {
    for (const args of [['--threads', '0', '--count', '5'], ['--threads', 'two', '--count', '5'], ['--threads', '65', '--count', '5'], ['--threads', '2']]) {
      const r = await runCli(['generate', 'customerglu', 'reward', ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: --threads/);
    }
    expect((await runCli(['generate', '--help'])).stdout).toMatch(/--threads <n>[\s\S]*\$ cg-hooks generate .*--threads 2/);
  });
});

describe('generate --count in threads: the reader, the disk, the modules', () => {
  it('a reader that goes away (`| head -c 100`): exit 0 at once, nothing left running', () => {
    const r = spawnSync('/bin/bash', ['-c', '"$NODE_BIN" "$CG_BIN" generate rehook customer.rewarded --count 50000000 --threads 2 | head -c 100; echo " ${PIPESTATUS[0]}"'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_BIN: process.execPath, CG_BIN: BIN },
      timeout: 30_000,
    });
    expect(r.error).toBeUndefined(); // not killed by the timeout: 50 million deliveries would take minutes
    expect(r.stdout).toMatch(/ 0\n$/);
    expect(r.stdout.length).toBe(100 + ' 0\n'.length);
  });

  it('a reader that reads nothing: the workers wait, memory stays bounded', async () => {
    // 20 million deliveries (~10 GB of NDJSON) into a pipe nobody reads: a run that buffered would grow by
    // hundreds of MB a second; one that waits holds a few chunks per worker.
    const child = spawn(process.execPath, [BIN, 'generate', 'rehook', 'customer.rewarded', '--count', '20000000', '--threads', '3'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...WORKERS_ONLY } });
    try {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const rssMb = Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
      expect(rssMb).toBeLessThan(250);
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGINT');
    }
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    expect(signal ?? code).toBe('SIGINT'); // Ctrl-C ends it, workers and all, as it ends one thread
  });

  it('a full disk under stdout: one line, exit 2, as one thread', (ctx) => {
    const dir = join(work, 'full');
    withTmpfs(ctx, dir, '256k', () => {
      const r = spawnSync('/bin/bash', ['-c', `"$NODE_BIN" "$CG_BIN" generate customerglu reward --count 30000 --threads 2 > ${dir}/out.ndjson`], {
        encoding: 'utf8',
        env: { ...process.env, NODE_BIN: process.execPath, CG_BIN: BIN, NO_COLOR: '1' },
        timeout: 30_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('error: stdout: cannot write: no space left on the device\nhint: free some space on that device, or send the output somewhere else\n');
    });
  });

  it('threads load node:worker_threads only when used: not for one delivery or a short run, by default for a long one', (ctx) => {
    const preload = join(work, 'modules.cjs');
    writeFileSync(preload, `process.on('exit', () => require('node:fs').writeSync(2, 'MODULES ' + JSON.stringify(process.moduleLoadList) + '\\n'));`);
    const threadsLoaded = (args: string) => {
      const r = spawnSync('/bin/bash', ['-c', `"$NODE_BIN" -r "$PRELOAD" "$CG_BIN" generate customerglu reward --seed m ${args} >/dev/null`], {
        encoding: 'utf8',
        env: { ...process.env, NODE_BIN: process.execPath, CG_BIN: BIN, PRELOAD: preload },
      });
      expect(r.status).toBe(0);
      const line = r.stderr.split('\n').find((l) => l.startsWith('MODULES '))!;
      return (JSON.parse(line.slice('MODULES '.length)) as string[]).includes('NativeModule worker_threads');
    };
    expect(threadsLoaded('')).toBe(false);
    expect(threadsLoaded('--count 19999')).toBe(false);
    expect(threadsLoaded('--count 50 --threads 2')).toBe(true);
    if (availableParallelism() < 2) return ctx.skip();
    expect(threadsLoaded('--count 20000')).toBe(true);
    expect(threadsLoaded('--count 20000 --threads 1')).toBe(false);
  });
});
