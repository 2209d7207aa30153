// Shared helpers for the benchmarks: wall-clock timing of subprocesses and peak memory.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/cg-hooks.js', import.meta.url));

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall time of one synchronous run, in ms. */
export function timeRun(cmd, args, options = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', options.stdout ?? 'ignore', 'inherit'], ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/**
 * Runs a command to completion and reports its wall time and peak resident memory (VmHWM),
 * read from /proc while it runs (GNU time is not on every machine).
 */
export function runMeasured(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', options.stdout ?? 'ignore', options.stderr ?? 'inherit'], env: options.env ?? process.env });
    let peakKb = 0;
    const poll = setInterval(() => peakKb = Math.max(peakKb, readHwm(child.pid)), 25);
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, ms: Number(process.hrtime.bigint() - t) / 1e6, peakMb: peakKb / 1024, stdout: out });
    });
  });
}

export function readHwm(pid) {
  try {
    const status = require_fs().readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

import * as fs from 'node:fs';
function require_fs() {
  return fs;
}
