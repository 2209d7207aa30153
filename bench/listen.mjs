// Listener throughput: autocannon (50 connections) against `cg-hooks listen --json >/dev/null` and against a
// bare node:http server doing the same HMAC check, in the same run, in alternating rounds of BENCH_SECONDS.
// Per round the ratio of requests/s (listen / bare: the verdict) and of CPU time per request (bare / listen: the
// server process's own user + system time, GC threads included); medians of the rounds reported. The CPU ratio is
// steadier but stricter: with autocannon on the same cores, requests/s also measure the load generator's share.
// Target: requests/s ratio >= 0.85, no request dropped or errored.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { openSync } from 'node:fs';
import autocannon from 'autocannon';
import { BIN, median, processCpuMs as cpuMs, readHwm, report, round, row } from './lib.mjs';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 50;
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5000);
const SECRET = 'bench-s3cret';
const POOL = 2000;
// Distinct deliveries (own ids, own signature), as a real sender would send: nothing can be cached or skipped
// as a duplicate. Both servers get exactly the same sequence.
const { prepareGenerator, loadProvider } = await import('../dist/index.js');
const gen = prepareGenerator(await loadProvider('customerglu'), 'reward', { seed: 'bench' });
const pool = Array.from({ length: POOL }, (_, i) => {
  const { body } = gen.make(i);
  return { body, signature: createHmac('sha1', SECRET).update(body).digest('hex') };
});
const body = pool[0].body;

// The baseline: what a hand-written receiver does at the least (read, HMAC, constant-time compare, answer).
const BARE = `
const http = require('node:http');
const { createHmac, timingSafeEqual } = require('node:crypto');
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const expected = Buffer.from(createHmac('sha1', ${JSON.stringify(SECRET)}).update(body).digest('hex'));
    const given = Buffer.from(String(req.headers['x-cg-signature'] ?? ''));
    const ok = given.length === expected.length && timingSafeEqual(given, expected);
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(ok ? '{"status":"accepted"}' : '{"error":"unauthorized"}');
  });
});
server.listen(0, '127.0.0.1', () => process.stderr.write('ready on http://127.0.0.1:' + server.address().port + '\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

function startServer(args) {
  const devnull = openSync('/dev/null', 'w');
  const child = spawn(process.execPath, args, { stdio: ['ignore', devnull, 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /ready on (http:\/\/[\d.:]+)/.exec(stderr);
      if (m) resolve({ child, url: m[1], stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
}

async function measure(label, args) {
  return drive(label, await startServer(args), CONNECTIONS);
}

/** Load on one started server for DURATION, then stop it and collect its numbers. */
async function drive(label, server, connections) {
  let peakKb = 0;
  const poll = setInterval(() => (peakKb = Math.max(peakKb, readHwm(server.child.pid))), 50);
  let next = 0;
  // Warm-up (not counted): a listener runs for hours, its steady state is what counts, not its JIT's first second.
  await autocannon({ url: `${server.url}/webhook`, connections, amount: WARMUP, requests: deliveries() });
  const cpuBefore = cpuMs(server.child.pid);
  const result = await autocannon({
    url: `${server.url}/webhook`,
    connections,
    duration: DURATION,
    requests: deliveries(),
  });
  function deliveries() {
    return [
      {
        method: 'POST',
        setupRequest(req) {
          const d = pool[next++ % POOL];
          return { ...req, body: d.body, headers: { 'content-type': 'application/json', 'x-cg-signature': d.signature } };
        },
      },
    ];
  }
  clearInterval(poll);
  const cpu = cpuMs(server.child.pid) - cpuBefore;
  peakKb = Math.max(peakKb, readHwm(server.child.pid));
  const exited = new Promise((resolve) => server.child.on('close', resolve));
  // SIGTERM, not SIGINT: a shell running this in the background may have set SIGINT to be ignored.
  server.child.kill('SIGTERM');
  await exited;
  const summary = /(\d+) deliveries?:/.exec(server.stderr());
  return {
    label,
    requestsPerSecond: Math.round(result.requests.average),
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    peakMb: Math.round((peakKb / 1024) * 10) / 10,
    reported: summary ? Number(summary[1]) : undefined,
    cpuUsPerRequest: (cpu * 1000) / Math.max(1, result.requests.total),
  };
}

// Bare and listener alternate, ROUNDS pairs, the first of each pair turning every round: each ratio compares
// neighbours in time, so a noisy neighbour on the machine weighs on both sides; the median ratio is reported.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const runs = [];
const ratios = [];
const cpuRatios = [];
for (let i = 0; i < ROUNDS; i++) {
  const bareRun = () => measure('bare', ['-e', BARE]);
  const listenRun = () => measure('listen', [BIN, 'listen', '--json', '--secret', SECRET, '--port', '0']);
  const [b, l] = i % 2 === 0 ? [await bareRun(), await listenRun()] : (([x, y]) => [y, x])([await listenRun(), await bareRun()]);
  runs.push(b, l);
  ratios.push(l.requestsPerSecond / b.requestsPerSecond);
  cpuRatios.push(b.cpuUsPerRequest / l.cpuUsPerRequest);
}
const bareRuns = runs.filter((r) => r.label === 'bare');
const listenRuns = runs.filter((r) => r.label === 'listen');
const clean = listenRuns.every((r) => r.non2xx === 0 && r.errors === 0 && r.timeouts === 0 && (r.reported ?? 0) >= r.ok2xx);
const peakMb = Math.max(...listenRuns.map((r) => r.peakMb));
const per = (xs, key) => median(xs.map((r) => r[key]));
const rows = [
  row({
    id: 'listen',
    figure: `\`listen --json --secret\` / bare node:http + HMAC, autocannon ${CONNECTIONS} connections`,
    baseline: `${round(per(bareRuns, 'cpuUsPerRequest'), 1)} µs CPU per request, ${Math.round(per(bareRuns, 'requestsPerSecond')).toLocaleString('en')} req/s`,
    value: `${round(per(listenRuns, 'cpuUsPerRequest'), 1)} µs CPU per request, ${Math.round(per(listenRuns, 'requestsPerSecond')).toLocaleString('en')} req/s (p99 ${per(listenRuns, 'latencyP99Ms')} ms, ${Math.round(peakMb)} MB peak)`,
    ratio: median(ratios),
    target: ['>=', 0.85],
    unit: 'requests/s (listen / bare)',
    also: { cpuRatio: round(median(cpuRatios)), clean },
  }),
];
if (!clean) rows[0].pass = false;
report('listen', rows, {
  connections: CONNECTIONS,
  seconds: DURATION,
  rounds: ROUNDS,
  bodyBytes: body.length,
  cpuRatios: cpuRatios.map((r) => round(r)),
  rpsRatios: ratios.map((r) => round(r)),
  listenPeakMb: peakMb,
  barePeakMb: Math.max(...bareRuns.map((r) => r.peakMb)),
  listenRequests: listenRuns.map((r) => r.requests),
  listenReported: listenRuns.map((r) => r.reported),
  errors: listenRuns.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0),
});
