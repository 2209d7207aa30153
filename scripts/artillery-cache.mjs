#!/usr/bin/env node
// Installs the Artillery release that `cg-hooks export artillery` targets into a cache folder outside the
// project (reused across runs), for test/artillery.e2e.test.ts. Artillery is not a dependency of cg-hooks.
//
//   node scripts/artillery-cache.mjs        install if needed; prints the binary's path (.ci/run runs it in the
//                                           background while the build runs, so the test finds it warm)
//
// Cache: $XDG_CACHE_HOME/cg-hooks-tests/artillery-<version> (default ~/.cache/…). One installer at a time: a
// lock directory beside it; others wait for it. The install goes to a temporary folder renamed when complete,
// so a killed install never leaves a half cache behind.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ARTILLERY_VERSION = JSON.parse(readFileSync(new URL('../src/load/artillery/artillery-version.json', import.meta.url), 'utf8')).version;

export function cacheDir(version = ARTILLERY_VERSION, env = process.env) {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'cg-hooks-tests', `artillery-${version}`);
}

const NETWORK = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|socket hang up|getaddrinfo/i;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The npm process running now, ended with us (.ci/run stops the warm-up if the build fails). */
let running;

function npm(args, timeoutMs) {
  return new Promise((resolve) => {
    const env = { ...process.env, npm_config_update_notifier: 'false' };
    running = execFile('npm', args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env }, (error, stdout, stderr) => {
      running = undefined;
      resolve({ ok: !error, timedOut: Boolean(error?.killed), stdout, stderr: `${stderr}${error && !stderr ? error.message : ''}` });
    });
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Takes the lock, or waits while a live installer holds it; false when the cache became ready meanwhile. */
async function lock(dir, waitMs, log) {
  const lockDir = `${dir}.lock`;
  const marker = join(dir, '.installed.json');
  const until = Date.now() + waitMs;
  let said = false;
  for (;;) {
    if (existsSync(marker)) return false;
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return true;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let pid = NaN;
    try {
      pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    } catch {}
    // A lock without a pid file is being written right now; a dead pid is a killed installer.
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!said) log(`waiting for another install of Artillery ${ARTILLERY_VERSION} (pid ${pid})…`);
    said = true;
    if (Date.now() > until) throw new Error(`gave up waiting for the Artillery install holding ${lockDir}`);
    await sleep(1000);
  }
}

/**
 * Ensures Artillery is installed. Resolves { bin, dir, installMs, cached } or { skipped } when the npm registry
 * cannot be reached; rejects when the install itself fails.
 */
export async function ensureArtillery({ version = ARTILLERY_VERSION, log = () => {}, timeoutMs = 10 * 60_000 } = {}) {
  const dir = cacheDir(version);
  const bin = join(dir, 'node_modules', '.bin', 'artillery');
  const marker = join(dir, '.installed.json');
  if (existsSync(marker) && existsSync(bin)) return { bin, dir, cached: true, installMs: JSON.parse(readFileSync(marker, 'utf8')).installMs };
  mkdirSync(join(dir, '..'), { recursive: true });
  if (!(await lock(dir, timeoutMs, log))) return { bin, dir, cached: true, installMs: JSON.parse(readFileSync(marker, 'utf8')).installMs };
  const tmp = `${dir}.tmp-${process.pid}`;
  removeAbandoned(dir);
  const stop = () => {
    running?.kill('SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
    rmSync(`${dir}.lock`, { recursive: true, force: true });
    process.exit(143);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    // A quick question first, with few retries: an unreachable registry is a skip, not a minute of back-off.
    const probe = await npm(['view', `artillery@${version}`, 'version', '--fetch-retries=1', '--fetch-retry-mintimeout=1000', '--fetch-retry-maxtimeout=3000'], 60_000);
    if (!probe.ok) {
      if (probe.timedOut) return { skipped: 'the npm registry did not answer within 60 s' };
      if (NETWORK.test(probe.stderr)) return { skipped: `the npm registry cannot be reached (${probe.stderr.trim().split('\n').find((l) => NETWORK.test(l))?.replace(/^npm error\s*/, '') ?? 'network error'})` };
      throw new Error(`npm view artillery@${version} failed: ${probe.stderr.trim()}`);
    }
    log(`installing Artillery ${version} into ${dir} (once; reused by later runs)…`);
    const started = Date.now();
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    // --ignore-scripts: Artillery's HTTP engine needs no install script; Playwright's would download a browser.
    const install = await npm(['install', '--prefix', tmp, `artillery@${version}`, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], timeoutMs);
    if (!install.ok) {
      if (NETWORK.test(install.stderr)) return { skipped: `the npm registry cannot be reached during the install (${install.stderr.trim().split('\n')[0]})` };
      throw new Error(`npm install artillery@${version} failed: ${install.stderr.trim()}`);
    }
    const installMs = Date.now() - started;
    writeFileSync(join(tmp, '.installed.json'), `${JSON.stringify({ version, installMs, installedAt: new Date().toISOString() })}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    log(`installed Artillery ${version} in ${(installMs / 1000).toFixed(1)} s`);
    return { bin, dir, cached: false, installMs };
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    rmSync(tmp, { recursive: true, force: true });
    rmSync(`${dir}.lock`, { recursive: true, force: true });
  }
}

/** Half installs of killed installers (`<dir>.tmp-<pid>` whose pid is gone). Called with the lock held. */
function removeAbandoned(dir) {
  const parent = join(dir, '..');
  const prefix = `${basename(dir)}.tmp-`;
  for (const name of readdirSync(parent)) {
    if (name.startsWith(prefix) && !alive(Number(name.slice(prefix.length)))) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const log = (m) => process.stderr.write(`artillery-cache: ${m}\n`);
  ensureArtillery({ log }).then(
    (r) => {
      if (r.skipped) log(`skipped: ${r.skipped}`);
      else {
        log(r.cached ? `ready (cached; the install took ${((r.installMs ?? 0) / 1000).toFixed(1)} s)` : 'ready');
        process.stdout.write(`${r.bin}\n`);
      }
    },
    (e) => {
      log(`failed: ${e.message}`);
      process.exitCode = 1;
    },
  );
}
