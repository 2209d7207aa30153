// Signing benchmarks (not tests). Run after `npm run build`:  node bench/signing.mjs
// 1. Library verify() over 100,000 small bodies vs raw crypto.createHmac, measured in the same run
//    (alternating rounds, best round of each), reported as a ratio (target: >= 0.5).
// 2. verify --explain on a 10 KB body with three secrets, in process and through the CLI (target: < 0.5 s wall).
// Prints one JSON line with the figures.
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/index.js', import.meta.url);
const { verify, explain, loadProvider } = await import(dist.href);

const N = 100_000;
const ROUNDS = 5;
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
  requests[i] = { headers: { [header]: createHmac(algorithm, secret).update(body).digest('hex') }, body };
}
const options = { secrets: [secret] };

function raw() {
  let ok = 0;
  for (let i = 0; i < N; i++) if (createHmac(algorithm, secret).update(bodies[i]).digest('hex').length === 40) ok++;
  return ok;
}
function lib() {
  let ok = 0;
  for (let i = 0; i < N; i++) if (verify(spec, requests[i], options).valid) ok++;
  return ok;
}
function time(fn) {
  const t0 = performance.now();
  const ok = fn();
  const ms = performance.now() - t0;
  if (ok !== N) throw new Error(`expected ${N} successes, got ${ok}`);
  return ms;
}

time(raw);
time(lib); // warm-up
let rawBest = Infinity;
let libBest = Infinity;
for (let r = 0; r < ROUNDS; r++) {
  rawBest = Math.min(rawBest, time(raw));
  libBest = Math.min(libBest, time(lib));
}
const rawOps = Math.round(N / (rawBest / 1000));
const libOps = Math.round(N / (libBest / 1000));

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
t0 = performance.now();
const cli = spawnSync(process.execPath, [bin, 'verify', 'customerglu', '--body', bodyFile, '--signature', signedBy('someone-else', big), '--secret', 'one', '--secret', 'two', '--secret', 'three', '--explain', '--json'], { encoding: 'utf8' });
const cliWallMs = performance.now() - t0;
if (cli.status !== 1 || JSON.parse(cli.stdout).explain.verdict !== 'unexplained') throw new Error(`CLI explain failed: ${cli.stderr}`);

console.log(
  JSON.stringify({
    bench: 'signing',
    node: process.version,
    verify: { bodies: N, bodyBytes: bodies[0].length, algorithm, rawCreateHmacOpsPerSec: rawOps, libraryVerifyOpsPerSec: libOps, ratio: Number((libOps / rawOps).toFixed(3)), target: 0.5 },
    explain: {
      bodyBytes: big.length,
      secrets: 3,
      noMatchMs: Number(explainMissMs.toFixed(1)),
      noMatchHmacs: miss.tried.hmacs,
      matchMs: Number(explainHitMs.toFixed(1)),
      cliWallMs: Number(cliWallMs.toFixed(1)),
      targetMs: 500,
    },
    pass: libOps / rawOps >= 0.5 && Math.max(explainMissMs, explainHitMs, cliWallMs) < 500,
  }),
);
