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
const { generate } = await import('../dist/index.js');
const { body } = await generate('customerglu', 'reward', { seed: 'bench' });
const signature = createHmac('sha1', SECRET).update(body).digest('hex');

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
process.on('SIGINT', () => server.close(() => process.exit(0)));
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
  const result = await autocannon({
    url: `${server.url}/webhook`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { 'content-type': 'application/json', 'x-cg-signature': signature },
    body,
  });
  clearInterval(poll);
  peakKb = Math.max(peakKb, readHwm(server.child.pid));
  const exited = new Promise((resolve) => server.child.on('exit', resolve));
  server.child.kill('SIGINT');
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

// Bare first, listener second, then once more each: the better of two runs smooths out a noisy neighbour.
const runs = [];
for (let i = 0; i < 2; i++) {
  runs.push(await measure('bare', ['-e', BARE]));
  runs.push(await measure('listen', [BIN, 'listen', '--json', '--secret', SECRET, '--port', '0']));
}
const best = (label) => runs.filter((r) => r.label === label).reduce((a, b) => (a.requestsPerSecond >= b.requestsPerSecond ? a : b));
const bare = best('bare');
const listen = best('listen');
const listenRuns = runs.filter((r) => r.label === 'listen');
const clean = listenRuns.every((r) => r.non2xx === 0 && r.errors === 0 && r.timeouts === 0 && (r.reported ?? 0) >= r.ok2xx);
const ratio = Math.round((listen.requestsPerSecond / bare.requestsPerSecond) * 100) / 100;
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
