// Listener throughput: autocannon (50 connections) against `cg-hooks listen --json >/dev/null` and against a
// bare node:http server doing the same HMAC check, in the same run. Target: the listener at >= 60% of the
// bare server, peak RSS under 150 MB, no request dropped or errored.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { openSync } from 'node:fs';
import autocannon from 'autocannon';
import { BIN, readHwm } from './lib.mjs';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
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
  const server = await startServer(args);
  let peakKb = 0;
  const poll = setInterval(() => (peakKb = Math.max(peakKb, readHwm(server.child.pid))), 50);
  let next = 0;
  const result = await autocannon({
    url: `${server.url}/webhook`,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        method: 'POST',
        setupRequest(req) {
          const d = pool[next++ % POOL];
          return { ...req, body: d.body, headers: { 'content-type': 'application/json', 'x-cg-signature': d.signature } };
        },
      },
    ],
  });
  clearInterval(poll);
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
  };
}

// Bare and listener alternate, ROUNDS pairs: each ratio compares neighbours in time, so a noisy neighbour
// on the machine weighs on both sides; the median ratio is reported.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const runs = [];
const ratios = [];
for (let i = 0; i < ROUNDS; i++) {
  const b = await measure('bare', ['-e', BARE]);
  const l = await measure('listen', [BIN, 'listen', '--json', '--secret', SECRET, '--port', '0']);
  runs.push(b, l);
  ratios.push(l.requestsPerSecond / b.requestsPerSecond);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bare = { requestsPerSecond: median(runs.filter((r) => r.label === 'bare').map((r) => r.requestsPerSecond)), latencyP99Ms: median(runs.filter((r) => r.label === 'bare').map((r) => r.latencyP99Ms)), peakMb: Math.max(...runs.filter((r) => r.label === 'bare').map((r) => r.peakMb)) };
const listenRuns = runs.filter((r) => r.label === 'listen');
const listen = { requestsPerSecond: median(listenRuns.map((r) => r.requestsPerSecond)), latencyP99Ms: median(listenRuns.map((r) => r.latencyP99Ms)) };
const clean = listenRuns.every((r) => r.non2xx === 0 && r.errors === 0 && r.timeouts === 0 && (r.reported ?? 0) >= r.ok2xx);
const ratio = Math.round(median(ratios) * 100) / 100;
const peakMb = Math.max(...listenRuns.map((r) => r.peakMb));
console.log(
  JSON.stringify({
    bench: 'listen',
    connections: CONNECTIONS,
    seconds: DURATION,
    bodyBytes: body.length,
    bareRps: bare.requestsPerSecond,
    listenRps: listen.requestsPerSecond,
    ratio,
    ratios: ratios.map((r) => Math.round(r * 100) / 100),
    listenP99Ms: listen.latencyP99Ms,
    bareP99Ms: bare.latencyP99Ms,
    listenPeakMb: peakMb,
    barePeakMb: bare.peakMb,
    listenRequests: listenRuns.map((r) => r.requests),
    listenReported: listenRuns.map((r) => r.reported),
    errors: listenRuns.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0),
    target: 'ratio >= 0.6, peak < 150 MB, no errors',
    pass: ratio >= 0.6 && peakMb < 150 && clean,
  }),
);
