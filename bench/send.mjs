// Benchmark: `cg-hooks send --repeat N --concurrency C` against autocannon, same bare server, same run; and the
// listener's memory under that same load.
// 1. A bare node:http server runs in a child process. Each round, autocannon (a fresh child process running it
//    programmatically) and the built CLI (a fresh subprocess) send the same signed body N times over C
//    connections, in turns whose order alternates: both whole processes, cold, as a user runs them. Per round the
//    ratio of their CPU times (autocannon / send: the verdict, steadier on a busy machine) and of their wall times;
//    the medians are reported.
// 2. `cg-hooks listen --json --secret …` (stdout to /dev/null) receives the same burst from the CLI: its peak RSS
//    (VmHWM), beside the bare server's under the same burst.
//   node bench/send.mjs [--count 20000] [--concurrency 64] [--rounds 5]
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import autocannon from 'autocannon';
import { BIN, alternate, median, medianRatio, readHwm, report, round, row, runTimed } from './lib.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const COUNT = flag('count', 20000);
const CONCURRENCY = flag('concurrency', 64);
const ROUNDS = flag('rounds', Number(process.env.BENCH_ROUNDS ?? 5));
const SECRET = 'bench-secret';

function cannon(url, headers, body, amount) {
  return new Promise((resolve, reject) => {
    autocannon({ url, method: 'POST', headers, body, connections: CONCURRENCY, pipelining: 1, amount, sampleInt: 10 }, (error, result) => {
      if (error) reject(error);
      else resolve({ non2xx: result.non2xx, total: result.requests.total, errors: result.errors });
    });
  });
}

if (args.includes('--child')) {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const { url, headers, body } = JSON.parse(Buffer.concat(chunks).toString());
  process.stdout.write(JSON.stringify(await cannon(url, headers, body, COUNT)));
  process.exit(0);
}

const SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stderr.write('ready on http://127.0.0.1:' + server.address().port + '\\n'));
`;

/** A server in a child process (stdout to /dev/null), resolved once it says where it listens. */
function startServer(argv) {
  const child = spawn(process.execPath, argv, { stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /ready on (http:\/\/[\d.:]+)/.exec(stderr);
      if (m) resolve({ child, url: `${m[1]}/webhook`, stop: () => new Promise((r) => (child.on('close', r), child.kill('SIGTERM'))) });
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
}

const env = { ...process.env, NO_COLOR: '1', CI: '1' };
const sendArgs = (url) => [BIN, 'send', 'customerglu', 'reward', '--seed', '1', '--secret', SECRET, '--to', url, '--repeat', String(COUNT), '--concurrency', String(CONCURRENCY), '--json'];

async function runCli(url) {
  const r = await runTimed(process.execPath, sendArgs(url), { stdout: 'pipe', env });
  if (r.code !== 0) throw new Error(`cg-hooks send exited ${r.code}: ${r.stdout}`);
  const { summary } = JSON.parse(r.stdout);
  if (summary.succeeded !== COUNT) throw new Error(`cg-hooks send: ${summary.succeeded} of ${COUNT} succeeded`);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, peakMb: r.peakMb, inProcessRps: summary.requestsPerSecond };
}

async function runCannon(url, headers, body) {
  const r = await runTimed(process.execPath, [new URL(import.meta.url).pathname, '--child', '--count', String(COUNT), '--concurrency', String(CONCURRENCY)], { stdout: 'pipe', input: JSON.stringify({ url, headers, body }) });
  const out = JSON.parse(r.stdout);
  if (r.code !== 0 || out.non2xx !== 0 || out.errors !== 0) throw new Error(`autocannon child: exit ${r.code}, ${r.stdout}`);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, peakMb: r.peakMb };
}

// 1. send against autocannon, on the bare server.
const bare = await startServer(['-e', SERVER]);
let rounds;
let request;
try {
  // The exact request the CLI will send, so both clients post the same bytes and headers.
  const dry = await runTimed(process.execPath, [BIN, 'send', 'customerglu', 'reward', '--seed', '1', '--secret', SECRET, '--to', bare.url, '--dry-run', '--json'], { stdout: 'pipe', env });
  request = JSON.parse(dry.stdout).request;
  await cannon(bare.url, request.headers, request.body, Math.min(5000, COUNT)); // warm the server's JIT for both contenders
  rounds = await alternate(ROUNDS, { autocannon: () => runCannon(bare.url, request.headers, request.body), send: () => runCli(bare.url) });
} finally {
  await bare.stop();
}

// 2. The listener's memory under the same burst (the bare server's for comparison), in alternating order.
async function peakUnderBurst(argv) {
  const server = await startServer(argv);
  let peakKb = 0;
  const poll = setInterval(() => (peakKb = Math.max(peakKb, readHwm(server.child.pid))), 25);
  try {
    await runCli(server.url);
  } finally {
    clearInterval(poll);
    peakKb = Math.max(peakKb, readHwm(server.child.pid));
    await server.stop();
  }
  return peakKb / 1024;
}
const memory = await alternate(Math.max(3, Math.ceil(ROUNDS / 2)), {
  bare: () => peakUnderBurst(['-e', SERVER]),
  listen: () => peakUnderBurst([BIN, 'listen', '--json', '--secret', SECRET, '--port', '0']),
});

const ac = rounds.autocannon;
const cli = rounds.send;
const cpuRatio = medianRatio(ac.map((r) => r.cpuMs), cli.map((r) => r.cpuMs));
const wallRatio = medianRatio(ac.map((r) => r.wallMs), cli.map((r) => r.wallMs));
const rps = (runs) => Math.round(median(runs.map((r) => (COUNT / r.wallMs) * 1000)));
const listenPeak = Math.max(...memory.listen);
const rows = [
  row({
    id: 'send-repeat',
    figure: `\`send --repeat ${COUNT} --concurrency ${CONCURRENCY}\`, whole process / autocannon (bare server)`,
    baseline: `autocannon: ${Math.round(median(ac.map((r) => r.cpuMs)))} ms CPU, ${rps(ac).toLocaleString('en')} req/s wall`,
    value: `${Math.round(median(cli.map((r) => r.cpuMs)))} ms CPU, ${rps(cli).toLocaleString('en')} req/s wall (${Math.round(Math.max(...cli.map((r) => r.peakMb)))} MB peak)`,
    ratio: cpuRatio,
    target: ['>=', 0.9],
    unit: 'CPU time (autocannon / send)',
    also: { wallRatio: round(wallRatio) },
  }),
  row({
    id: 'listen-rss',
    figure: `\`listen --json --secret\` peak RSS under that burst`,
    baseline: `bare node:http: ${Math.round(Math.max(...memory.bare))} MB`,
    value: `${Math.round(listenPeak)} MB (rounds: ${memory.listen.map((x) => Math.round(x)).join(', ')})`,
    ratio: listenPeak,
    target: ['<', 80],
    unit: 'MB',
  }),
];
report('send', rows, {
  count: COUNT,
  concurrency: CONCURRENCY,
  rounds: ac.map((a, i) => ({ autocannonCpuMs: a.cpuMs, autocannonWallMs: round(a.wallMs, 0), sendCpuMs: cli[i].cpuMs, sendWallMs: round(cli[i].wallMs, 0), sendPeakMb: round(cli[i].peakMb, 1), sendInProcessRps: cli[i].inProcessRps })),
  listenPeakMb: memory.listen.map((x) => round(x, 1)),
  barePeakMb: memory.bare.map((x) => round(x, 1)),
});
