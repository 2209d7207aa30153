// generate respects stdout: it waits for a slow reader (bounded memory) and ends quietly, exit 0, when the reader
// goes away (`| head -1`), instead of queueing every line until it runs out of memory.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';

function bash(script: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/bash', ['-c', script], { env: { ...process.env, NODE_BIN: process.execPath, CG_BIN: BIN, NO_COLOR: '1', CI: 'true', ...env }, timeout: 30_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('generate and a closed or slow stdout', () => {
  it('--count 20000000 | head -1: one line out, generate ends quietly with exit 0 (heap capped at 64 MB)', async () => {
    const r = await bash('"$NODE_BIN" "$CG_BIN" generate customerglu reward --count 20000000 | head -1; echo "generate exit ${PIPESTATUS[0]}" >&2', {
      NODE_OPTIONS: '--max-old-space-size=64',
    });
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toHaveProperty('rewardId');
    expect(r.stderr).toBe('generate exit 0\n');
  });

  it('a slow reader gets every line, in order, with the heap capped at 64 MB', async () => {
    // The reader takes a while to start: generate must wait for it rather than buffer 200,000 lines.
    const r = await bash('"$NODE_BIN" "$CG_BIN" generate customerglu reward --count 200000 --seed 1 | (sleep 1; wc -l); echo "generate exit ${PIPESTATUS[0]}" >&2', {
      NODE_OPTIONS: '--max-old-space-size=64',
    });
    expect(r.stdout.trim()).toBe('200000');
    expect(r.stderr).toBe('generate exit 0\n');
  });
});
