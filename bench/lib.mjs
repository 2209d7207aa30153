// Shared helpers for the benchmarks: timing of subprocesses (wall and CPU), instruction counts, peak memory,
// and the row format every benchmark prints for bench/run.mjs.
//
// The machine these run on is often shared (2 cores, load 5–15). Wall time then measures the queue for a CPU
// more than our code, so every figure also comes in a steadier unit: CPU time (user + system, all threads,
// from the kernel's accounting of the child) and, where valgrind is installed, instructions executed (the same
// count to within ~1% from run to run, however busy the machine). Each row says which unit its verdict uses.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/cg-hooks.js', import.meta.url));

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Runs every contender once per round, in an order that turns each round (a, b, c | b, c, a | c, a, b …), so that
 * a burst of load from other processes weighs on all of them alike; returns each one's samples, in round order.
 * `contenders` maps a name to a function (sync or async) that returns one sample.
 */
export async function alternate(rounds, contenders) {
  const names = Object.keys(contenders);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(r + k) % names.length];
      samples[n][r] = await contenders[n](r);
    }
  }
  return samples;
}

/** The median of the per-round ratios a[i] / b[i]: each ratio compares neighbours in time. */
export function medianRatio(a, b) {
  return median(a.map((x, i) => x / b[i]));
}

/** Wall time of one synchronous run, in ms. */
export function timeRun(cmd, args, options = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', options.stdout ?? 'ignore', 'inherit'], ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/**
 * Wall and CPU time (user + system of the process and all its threads) of one run, in ms, measured by bash's
 * `time` (getrusage of the child: exact CPU accounting, unlike /proc ticks). stdout goes to /dev/null.
 */
export function timeCpu(cmd, args, { env, expectFailure = false } = {}) {
  const script = `TIMEFORMAT='%3R %3U %3S'; { time "$@" >/dev/null 2>/dev/null; } 2>&1`;
  const r = spawnSync('bash', ['-c', script, 'bench', cmd, ...args], { encoding: 'utf8', env: env ?? process.env });
  const m = /([\d.]+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stdout);
  if ((r.status !== 0 && !expectFailure) || !m) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stdout}${r.stderr}`);
  return { wallMs: Number(m[1]) * 1000, cpuMs: (Number(m[2]) + Number(m[3])) * 1000 };
}

let valgrindChecked;
/** True when valgrind is asked for (BENCH_VALGRIND=1: minutes more on a busy machine) and can run here. */
export function haveValgrind() {
  if (valgrindChecked === undefined) {
    valgrindChecked = process.env.BENCH_VALGRIND === '1' && spawnSync('valgrind', ['--version'], { stdio: 'ignore' }).status === 0;
  }
  return valgrindChecked;
}

/**
 * Instructions a run executes (user space, the process and its threads), counted by valgrind (cachegrind
 * without cache simulation). About 60 times slower than a plain run, but the same count whatever the load.
 */
export function instructions(cmd, args) {
  const r = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--smc-check=all-non-file', '--cachegrind-out-file=/dev/null', cmd, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`valgrind ${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-500)}`);
  return Number(m[1].replaceAll(',', ''));
}

/** CPU time (user + system, all threads) a live process has used so far, in ms, from /proc (10 ms ticks). */
export function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100)
  } catch {
    return undefined;
  }
}

/**
 * Runs a command to completion and reports its wall time, CPU time and peak resident memory (VmHWM, read from
 * /proc while it runs; GNU time is not on every machine).
 */
export function runMeasured(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', options.stdout ?? 'ignore', options.stderr ?? 'inherit'], env: options.env ?? process.env });
    let peakKb = 0;
    let cpuMs = 0;
    const poll = setInterval(() => {
      peakKb = Math.max(peakKb, readHwm(child.pid));
      cpuMs = processCpuMs(child.pid) ?? cpuMs;
    }, 25);
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.on('error', reject);
    // 'close', not 'exit': a piped stdout may still hold the end of its output when the process has exited.
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, ms: Number(process.hrtime.bigint() - t) / 1e6, cpuMs, peakMb: peakKb / 1024, stdout: out });
    });
  });
}

let gnuTime;
/**
 * Runs a command to completion under GNU time when it is installed: wall time (ours, in ms), CPU time (user +
 * system of the process and its threads, from the kernel's accounting: 10 ms resolution) and peak RSS (ru_maxrss).
 * Without GNU time, CPU and peak are sampled from /proc while it runs. stdout is collected with `stdout: 'pipe'`;
 * `input` is written to its stdin.
 */
export async function runTimed(cmd, args, { env, stdout = 'ignore', stderr = 'inherit', input } = {}) {
  gnuTime ??= spawnSync('/usr/bin/time', ['-f', '%e', 'true'], { stdio: 'ignore' }).status === 0;
  if (!gnuTime) return runMeasured(cmd, args, { env, stdout }).then((r) => ({ ...r, wallMs: r.ms }));
  const file = join(tmpdir(), `cg-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', file, cmd, ...args], { stdio: [input === undefined ? 'ignore' : 'pipe', stdout, stderr], env: env ?? process.env });
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    if (input !== undefined) child.stdin.end(input);
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
      const text = readFileSync(file, 'utf8');
      rmSync(file, { force: true });
      const m = /([\d.]+) ([\d.]+) (\d+)\s*$/.exec(text);
      if (!m) return reject(new Error(`no timing for ${cmd} ${args.join(' ')}: ${text}`));
      resolve({ code, wallMs, ms: wallMs, cpuMs: (Number(m[1]) + Number(m[2])) * 1000, peakMb: Number(m[3]) / 1024, stdout: out });
    });
  });
}

export function readHwm(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * One row of the performance table. `ratio` is value / baseline (or the absolute value when there is no
 * baseline); `target` is `['<=', 1.4]`, `['>=', 0.9]` or `['<', 80]`; `unit` names what the verdict compares
 * ('wall', 'CPU', 'instructions', 'req/s', 'MB', …). Figures in other units go in `also`.
 */
export function row({ id, figure, baseline, value, ratio, target, unit, also, note }) {
  const [op, limit] = target;
  const pass = op === '<=' ? ratio <= limit : op === '>=' ? ratio >= limit : op === '<' ? ratio < limit : ratio > limit;
  return { id, figure, baseline, value, ratio: round(ratio, ratio >= 1000 ? 0 : 2), target: `${op} ${limit}`, unit, pass, ...(also ? { also } : {}), ...(note ? { note } : {}) };
}

/** Prints a benchmark's result as the one JSON line bench/run.mjs collects. */
export function report(bench, rows, details = {}) {
  console.log(JSON.stringify({ bench, rows, pass: rows.every((r) => r.pass), ...details }));
}
