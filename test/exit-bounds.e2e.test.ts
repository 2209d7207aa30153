// A process whose stdout is never read still ends: the wait for the pipe at exit is bounded, and what could not
// be written is said (listen counts the delivery lines it lost).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { prepareGenerator } from '../src/core/generate.js';
import { loadProvider } from '../src/providers/index.js';
import { BIN } from './helpers/cli.js';
import { post } from './helpers/listener.js';
import { closedPort } from './helpers/receivers.js';

/** Starts the CLI with a stdout pipe that is not read until the process has ended. */
function unread(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', CI: 'true' } });
  // Collected from the start but paused: nothing is read while the process runs. (Node resumes a child's stdio
  // once it has exited, with or without a listener: the listener must be there before that.)
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stdout.pause();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal });
    }),
  );
  /** Everything the pipe holds, read after the exit. */
  const rest = async () => {
    if (!child.stdout.readableEnded) {
      child.stdout.resume();
      await new Promise((r) => child.stdout.once('end', r));
    }
    return out;
  };
  return { child, exited, stderr: () => stderr, rest };
}

describe('stdout that nobody reads', () => {
  it('schema --all --format openapi, more than a pipe holds, ends by itself and says what was not written', async () => {
    const p = unread(['schema', '--all', '--format', 'openapi', '--json']);
    const { code, signal } = await p.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(p.stderr()).toMatch(/warning: stdout took nothing for 2 s: exiting with \d+ bytes of output not written/);
    await p.rest();
  }, 40_000);

  it('listen --json --expect n ends by itself; the delivery lines it could not write are counted', async () => {
    const gen = prepareGenerator(await loadProvider('reward'), 'trigger_event.created', { seed: 'unread' });
    const bodies = Array.from({ length: 6 }, (_, i) => {
      const doc = JSON.parse(gen.make(i).body.toString('utf8'));
      doc.note = 'x'.repeat(200_000); // each line is larger than a pipe's buffer
      return Buffer.from(JSON.stringify(doc));
    });
    const port = await closedPort();
    const p = unread(['listen', '--json', '--port', String(port), '--expect', String(bodies.length), '--timeout', '25']);
    for (let i = 0; i < 200 && !/ready on/.test(p.stderr()); i++) await new Promise((r) => setTimeout(r, 50));
    for (const body of bodies) expect((await post(`http://127.0.0.1:${port}/webhook`, body)).status).toBe(200);
    const { code } = await p.exited;
    expect(code, p.stderr()).toBe(0);
    const lost = Number(/(\d+) output lines dropped \(stdout not read\)/.exec(p.stderr())?.[1]);
    const shown = (await p.rest()).split('\n').filter((line) => line.startsWith('{"type":"delivery"') && line.endsWith('}')).length;
    // Every delivery line is either in the pipe, whole, or counted as dropped.
    expect(lost, p.stderr()).toBe(bodies.length - shown);
  }, 60_000);

  // More than the 8 MiB the writer keeps for a slow reader: lines are dropped, and the "… not shown" notice written
  // at the end is not itself counted as a lost delivery (it was: the summary said one more than were lost).
  it.each([
    ['--json', true],
    ['human', false],
  ])('listen %s, more than the writer keeps: the summary counts exactly the deliveries not shown', async (_mode, json) => {
    const n = 60;
    const gen = prepareGenerator(await loadProvider('reward'), 'trigger_event.created', { seed: 'unread-many' });
    const port = await closedPort();
    const p = unread(['listen', ...(json ? ['--json'] : []), '--port', String(port), '--expect', String(n), '--timeout', '25']);
    for (let i = 0; i < 200 && !/ready on/.test(p.stderr()); i++) await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < n; i++) {
      const doc = JSON.parse(gen.make(i).body.toString('utf8'));
      doc.note = 'x'.repeat(200_000);
      expect((await post(`http://127.0.0.1:${port}/webhook`, Buffer.from(JSON.stringify(doc)))).status).toBe(200);
    }
    const { code } = await p.exited;
    expect(code, p.stderr()).toBe(0);
    const out = await p.rest();
    const shown = json
      ? out.split('\n').filter((line) => line.startsWith('{"type":"delivery"') && line.endsWith('}')).length
      : // A delivery is shown whole when its block (from "#n " to the next) ends with its body's closing brace.
        out.split(/^(?=#\d+ )/m).filter((block) => /^#\d+ /.test(block) && /}\n(… \d+ deliveries not shown[^\n]*\n)?$/.test(block)).length;
    const summary = json ? /(\d+) output lines dropped \(stdout not read\)/ : /(\d+) deliveries not shown \(stdout not read\)/;
    expect(p.stderr()).toMatch(/stdout is not being read fast enough/);
    expect(Number(summary.exec(p.stderr())?.[1]), p.stderr()).toBe(n - shown);
  }, 90_000);
});
