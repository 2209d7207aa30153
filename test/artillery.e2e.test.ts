// The real thing: Artillery (installed on demand into a cache outside the project, reused across runs) runs an
// exported test for ~10 s against the built `cg-hooks listen` on 127.0.0.1. Every delivery the listener saw must
// verify and match its schema, the duplicates it flagged must be the processor's (and match --dup-ratio), and
// `import artillery` must read the run's report. Loopback only; bounded in time (the listener and Artillery are
// killed past their deadline) and in count (about 20 deliveries a second for 10 s).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script (shared with .ci/run, which warms the cache while the build runs)
import { ARTILLERY_VERSION, ensureArtillery } from '../scripts/artillery-cache.mjs';
import { BIN, runCli } from './helpers/cli.js';

const SECRET = 'whk-Load-7c1e';
const DUP_RATIO = 0.1;
const root = mkdtempSync(join(tmpdir(), 'cg-hooks-artillery-'));
const children: ChildProcess[] = [];
let artillery: { bin?: string; skipped?: string; cached?: boolean; installMs?: number } = {};

beforeAll(async () => {
  artillery = await ensureArtillery({ log: (m: string) => console.log(`artillery-cache: ${m}`) });
  if (artillery.skipped) console.warn(`SKIPPED the Artillery e2e test: ${artillery.skipped}`);
}, 12 * 60_000);

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns a process, killed after `deadlineMs` whatever happens. */
function start(command: string, args: string[], env: Record<string, string>, deadlineMs: number, onLine?: (line: string) => void): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
    pending += d.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      onLine?.(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
  const done = new Promise<Run>((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
  return { child, done };
}

describe(`an exported test run by Artillery ${ARTILLERY_VERSION}`, () => {
  it('every delivery verifies and matches its schema; duplicates are exact and match --dup-ratio', async (ctx) => {
    if (!artillery.bin) return ctx.skip();

    // 1. The receiver: cg-hooks' own listener, checking signatures with the secret.
    const lines: Array<Record<string, any>> = [];
    let ready!: (url: string) => void;
    const url = new Promise<string>((resolve) => (ready = resolve));
    const listener = start(process.execPath, [BIN, 'listen', '--json', '--port', '0', '--provider', 'mgpass', '--secret', SECRET, '--timeout', '150'], {}, 160_000, (line) => {
      const event = JSON.parse(line);
      lines.push(event);
      if (event.type === 'ready') ready(event.url as string);
    });
    const base = await Promise.race([url, listener.done.then((r) => Promise.reject(new Error(`listen exited: ${r.stderr}`)))]);

    // 2. The export: a seeded corpus is made for 2026-01-01, so fresh timestamps prove the processor moved them.
    const dir = join(root, 'load');
    const exported = await runCli(['export', 'artillery', 'mgpass', 'rewards.points_awarded', 'rewards.tier_promoted', '--to', `${base}/hooks/mgpass`, '--rate', '20', '--duration', '10s', '--ramp', '2s', '--dup-ratio', String(DUP_RATIO), '--seed', '11', '--corpus', '200', '--p95', '60s', '--p99', '60s', '-o', dir]);
    expect(exported.code, exported.stderr).toBe(0);

    // 3. Artillery, as the README says (the installed binary instead of npx). Telemetry off: loopback only.
    const started = Date.now();
    const run = await start(artillery.bin, ['run', '--output', join(root, 'report.json'), join(dir, 'load-test.yml')], { CG_HOOKS_SECRET: SECRET, ARTILLERY_DISABLE_TELEMETRY: 'true' }, 150_000).done;
    const runS = (Date.now() - started) / 1000;
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/ok: maxErrorRate < 1/);

    listener.child.kill('SIGINT');
    await listener.done;
    const deliveries = lines.filter((l) => l.type === 'delivery');
    const report = JSON.parse(readFileSync(join(root, 'report.json'), 'utf8'));
    const counters = report.aggregate.counters as Record<string, number>;

    // Every delivery the listener saw: signature and schema valid, acknowledged; the count is Artillery's.
    expect(deliveries.length).toBeGreaterThan(100);
    expect(deliveries.length).toBe(counters['http.requests']);
    for (const d of deliveries) {
      expect(d.signature.status, JSON.stringify(d.signature)).toBe('valid');
      expect(d.schema.status, JSON.stringify(d.schema)).toBe('valid');
      expect(d.status).toBe(200);
      expect(['rewards.points_awarded', 'rewards.tier_promoted']).toContain(d.event);
      // Fresh times: the corpus was generated for 2026-01-01; each delivery is stamped when it is sent.
      expect(Math.abs(Date.parse(d.body.timestamp) - Date.parse(d.receivedAt))).toBeLessThan(60_000);
    }

    // Duplicates: the listener flagged exactly those the processor sent, each the same bytes and signature as
    // its original; their share is --dup-ratio (error diffusion per worker, so within a few requests).
    const flagged = deliveries.filter((d) => d.duplicate);
    expect(flagged.length).toBe(counters['cg_hooks.duplicates_sent']);
    expect(Math.abs(flagged.length / deliveries.length - DUP_RATIO)).toBeLessThan(0.03);
    const bySeq = new Map(deliveries.map((d) => [d.seq, d]));
    for (const dup of flagged) {
      const original = bySeq.get(dup.duplicate.firstSeq)!;
      expect(dup.sha256).toBe(original.sha256);
      expect(dup.headers['x-webhook-signature']).toBe(original.headers['x-webhook-signature']);
    }
    // Everything else is new: as many distinct de-duplication keys as original deliveries.
    expect(new Set(deliveries.map((d) => d.dedupKey)).size).toBe(deliveries.length - flagged.length);

    // 4. The report, read back.
    const imported = await runCli(['import', 'artillery', join(root, 'report.json'), '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const summary = JSON.parse(imported.stdout);
    expect(summary).toMatchObject({ requests: deliveries.length, statuses: { '200': deliveries.length }, errors: {} });
    expect(summary.deliveries.duplicates).toBe(flagged.length);
    console.log(
      `artillery e2e: ${deliveries.length} deliveries in ${runS.toFixed(1)} s of Artillery (${summary.rps.toFixed(1)}/s), ` +
        `p50 ${summary.latencyMs.p50} ms · p95 ${summary.latencyMs.p95} ms · p99 ${summary.latencyMs.p99} ms, ` +
        `${flagged.length} duplicates (${((flagged.length / deliveries.length) * 100).toFixed(1)}%), all valid; ` +
        `Artillery ${artillery.cached ? 'from the cache' : 'installed'} (install took ${((artillery.installMs ?? 0) / 1000).toFixed(1)} s)`,
    );
  }, 240_000);
});
