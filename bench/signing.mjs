// Signing benchmarks (not tests). Run after `npm run build`:  node bench/signing.mjs
// 1. Library verify() over small bodies against what a hand-written receiver does (createHmac, then a constant-time
//    compare: the bare server of bench/listen.mjs), in alternating rounds of BENCH_VERIFY_BATCH bodies each; CPU
//    time per verification (process.cpuUsage), the median of the per-round ratios (target: >= 0.9).
// 2. verify --explain on a 10 KB body with three secrets, in process and through the CLI (target: < 0.5 s wall).
// Prints one JSON line with the rows.
import { spawnSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { alternate, median, medianRatio, report, round, row, timeCpu } from './lib.mjs';

const dist = new URL('../dist/index.js', import.meta.url);
const { verify, explain, loadProvider } = await import(dist.href);

const N = Number(process.env.BENCH_VERIFY_BATCH ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 41);
const secret = 'mgpass-bench-secret';
const provider = await loadProvider('customerglu');
const spec = provider.signing;
const algorithm = spec.algorithm ?? 'sha1';
const header = (spec.header ?? 'X-CG-SIGNATURE').toLowerCase();

const bodies = new Array(N);
const requests = new Array(N);
for (let i = 0; i < N; i++) {
  const body = Buffer.from(`{"rewardId":"r-${i}","userId":"u-${i % 977}","rewardAmount":${i % 500},"type":"direct"}`);
  bodies[i] = body;
  requests[i] = { headers: { 'content-type': 'application/json', [header]: createHmac(algorithm, secret).update(body).digest('hex') }, body };
}
const options = { secrets: [secret] };

// The baseline: a receiver's own check, as the providers' docs show it (HMAC, then timingSafeEqual of equal lengths).
function raw() {
  let ok = 0;
  for (let i = 0; i < N; i++) {
    const req = requests[i];
    const expected = Buffer.from(createHmac(algorithm, secret).update(req.body).digest('hex'));
    const given = Buffer.from(String(req.headers[header] ?? ''));
    if (given.length === expected.length && timingSafeEqual(given, expected)) ok++;
  }
  return ok;
}
function lib() {
  let ok = 0;
  for (let i = 0; i < N; i++) if (verify(spec, requests[i], options).valid) ok++;
  return ok;
}
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
function time(fn) {
  const c0 = cpuMs();
  const ok = fn();
  const ms = cpuMs() - c0;
  if (ok !== N) throw new Error(`expected ${N} successes, got ${ok}`);
  return ms;
}

for (let i = 0; i < 3; i++) time(raw), time(lib); // warm-up: both optimised before the first round counts
const rounds = await alternate(ROUNDS, { raw: () => time(raw), lib: () => time(lib) });
const usPerOp = (ms) => (ms * 1000) / N;
const verifyRatio = medianRatio(rounds.raw, rounds.lib);

// 10 KB body, three secrets, none of which signed it: the full search runs (the worst case).
const items = [];
while (JSON.stringify({ rewardId: 'r-big', items }, null, 2).length < 10_000) items.push({ id: `item-${items.length}`, name: 'Café crème', price: 1.5, qty: items.length % 7 });
const big = Buffer.from(JSON.stringify({ rewardId: 'r-big', items }, null, 2));
const signedBy = (s, b) => createHmac(algorithm, s).update(b).digest('hex');
const bigReq = (sig) => ({ headers: { [header]: sig }, body: big });
const three = { secrets: ['one', 'two', 'three'] };

let t0 = performance.now();
const miss = explain(spec, bigReq(signedBy('someone-else', big)), three);
const explainMissMs = performance.now() - t0;
t0 = performance.now();
const hit = explain(spec, bigReq(signedBy('three', Buffer.from(JSON.stringify(JSON.parse(big.toString()))))), three);
const explainHitMs = performance.now() - t0;
if (miss.verdict !== 'unexplained' || hit.verdict !== 'explained') throw new Error('unexpected explain verdicts');

const dir = mkdtempSync(join(tmpdir(), 'cg-bench-'));
const bodyFile = join(dir, 'big.json');
writeFileSync(bodyFile, big);
const bin = fileURLToPath(new URL('../bin/cg-hooks.js', import.meta.url));
const cliArgs = [bin, 'verify', 'customerglu', '--body', bodyFile, '--signature', signedBy('someone-else', big), '--secret', 'one', '--secret', 'two', '--secret', 'three', '--explain', '--json'];
const cli = spawnSync(process.execPath, cliArgs, { encoding: 'utf8' });
// The CLI's time: its CPU time, median of 5 (its wall time on a busy machine is mostly waiting for a core).
const cliRuns = Array.from({ length: 5 }, () => timeCpu(process.execPath, cliArgs, { expectFailure: true }));
const cliCpuMs = median(cliRuns.map((r) => r.cpuMs));
const cliWallMs = median(cliRuns.map((r) => r.wallMs));
if (cli.status !== 1 || JSON.parse(cli.stdout).explain.verdict !== 'unexplained') throw new Error(`CLI explain failed: ${cli.stderr}`);

const explainWorst = Math.max(explainMissMs, explainHitMs, cliCpuMs);
const rows = [
  row({
    id: 'verify',
    figure: `library \`verify()\` / \`createHmac\` + \`timingSafeEqual\`, ${bodies[0].length}-byte bodies`,
    baseline: `${round(usPerOp(median(rounds.raw)), 2)} µs CPU per check`,
    value: `${round(usPerOp(median(rounds.lib)), 2)} µs CPU per check`,
    ratio: verifyRatio,
    target: ['>=', 0.9],
    unit: 'CPU time per check (baseline / verify)',
  }),
  row({
    id: 'explain',
    figure: '`verify --explain`, 10 KB body, 3 secrets (worst of: search in process, whole CLI)',
    baseline: '-',
    value: `${round(explainMissMs, 1)} ms search (${miss.tried.hmacs} HMACs), CLI ${round(cliCpuMs, 0)} ms CPU, ${round(cliWallMs, 0)} ms wall`,
    ratio: explainWorst,
    target: ['<', 500],
    unit: 'ms (CPU time for the CLI)',
  }),
];
report('signing', rows, {
  node: process.version,
  verify: { batch: N, rounds: ROUNDS, bodyBytes: bodies[0].length, algorithm, baselineUsPerCheck: round(usPerOp(median(rounds.raw)), 3), verifyUsPerCheck: round(usPerOp(median(rounds.lib)), 3) },
  explain: { bodyBytes: big.length, secrets: 3, noMatchMs: round(explainMissMs, 1), noMatchHmacs: miss.tried.hmacs, matchMs: round(explainHitMs, 1), cliCpuMs: round(cliCpuMs, 1), cliWallMs: round(cliWallMs, 1) },
});
