// Benchmark: `cg-hooks send --repeat N --concurrency C` against autocannon, same server, same run.
// A bare node:http server runs in a child process; autocannon (in this process) and the built CLI
// (a subprocess) take turns sending the same signed body over the same number of connections.
// autocannon samples every 10 ms: with its default 1 s its finish time (and so its rate) is rounded up to a whole second.
// Prints one JSON line: requests/s of each, the ratio, and the CLI's peak RSS (VmHWM).
//   node bench/send.mjs [--count 20000] [--concurrency 64] [--rounds 3]
// Other processes on a small machine make single rounds noisy: the verdict uses the best round of each
// contender; the median of the per-round ratios is printed too.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const COUNT = flag('count', 20000);
const CONCURRENCY = flag('concurrency', 64);
const ROUNDS = flag('rounds', 3);
const BIN = fileURLToPath(new URL('../bin/cg-hooks.js', import.meta.url));

const SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

function startServer() {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (d) => resolve({ port: Number(String(d).trim()), stop: () => child.kill() }));
  });
}

function run(cmd, argv, { input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    const out = [];
    const err = [];
    let peakKb = 0;
    // VmHWM is the peak resident set so far: polling it late still sees the peak.
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 20);
    const t0 = performance.now();
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), wallMs: performance.now() - t0, peakKb });
    });
    child.stdin.end(input ?? '');
  });
}

function cannon(url, headers, body, amount) {
  return new Promise((resolve, reject) => {
    autocannon({ url, method: 'POST', headers, body, connections: CONCURRENCY, pipelining: 1, amount, sampleInt: 10 }, (error, result) => {
      if (error) reject(error);
      else resolve(result);
    });
  });
}

const server = await startServer();
const url = `http://127.0.0.1:${server.port}/webhook`;
try {
  // The exact request the CLI will send, so both clients post the same bytes and headers.
  const dry = await run(process.execPath, [BIN, 'send', 'customerglu', 'reward', '--seed', '1', '--secret', 'bench-secret', '--to', url, '--dry-run', '--json']);
  const { request } = JSON.parse(dry.stdout);
  const headers = { ...request.headers };

  await cannon(url, headers, request.body, Math.min(5000, COUNT)); // warm the server's JIT for both contenders

  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const ac = await cannon(url, headers, request.body, COUNT);
    const acRps = (ac.requests.total / (new Date(ac.finish).getTime() - new Date(ac.start).getTime())) * 1000;
    const cli = await run('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'send', 'customerglu', 'reward', '--seed', '1', '--secret', 'bench-secret', '--to', url, '--repeat', String(COUNT), '--concurrency', String(CONCURRENCY), '--json']).catch(() => null);
    const res = cli ?? (await run(process.execPath, [BIN, 'send', 'customerglu', 'reward', '--seed', '1', '--secret', 'bench-secret', '--to', url, '--repeat', String(COUNT), '--concurrency', String(CONCURRENCY), '--json']));
    if (res.code !== 0) throw new Error(`cg-hooks send exited ${res.code}: ${res.stderr || res.stdout}`);
    const { summary } = JSON.parse(res.stdout);
    // GNU time prints max RSS (kB) as the last stderr line; /proc polling is the fallback.
    const timeKb = Number(res.stderr.trim().split('\n').pop());
    const peakKb = Number.isFinite(timeKb) && timeKb > 0 ? timeKb : res.peakKb;
    rounds.push({
      autocannonRps: Math.round(acRps),
      autocannonNon2xx: ac.non2xx,
      sendRps: Math.round(summary.requestsPerSecond),
      sendWallRps: Math.round((COUNT / res.wallMs) * 1000),
      sendSucceeded: summary.succeeded,
      sendP99Ms: summary.latencyMs.p99,
      peakRssMb: Math.round((peakKb / 1024) * 10) / 10,
    });
  }
  const best = (key) => Math.max(...rounds.map((x) => x[key]));
  const ratio = best('sendRps') / best('autocannonRps');
  const peak = Math.max(...rounds.map((x) => x.peakRssMb));
  const perRound = rounds.map((x) => x.sendRps / x.autocannonRps).sort((a, b) => a - b);
  const medianRatio = perRound[Math.floor(perRound.length / 2)];
  const result = {
    bench: 'send',
    count: COUNT,
    concurrency: CONCURRENCY,
    autocannonRps: best('autocannonRps'),
    sendRps: best('sendRps'),
    sendWallRps: best('sendWallRps'),
    ratio: Math.round(ratio * 1000) / 1000,
    medianRoundRatio: Math.round(medianRatio * 1000) / 1000,
    peakRssMb: peak,
    pass: ratio >= 0.7 && peak < 150,
    target: 'ratio >= 0.70, peak RSS < 150 MB',
    rounds,
  };
  console.log(JSON.stringify(result));
  process.exitCode = result.pass ? 0 : 1;
} finally {
  server.stop();
}
