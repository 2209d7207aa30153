// `cg-hooks test` against a local Rehook receiver (HTTP Basic auth, JSON parsed, BENCH_TEST_DELAY_MS of work per
// delivery, 50 ms by default: a database write and a queued job), every case (23 in November 2026), against the sum of the receiver's
// own response times (from a request's arrival to its answer's last byte, measured by the receiver). The ratio is
// the whole run's wall time over that sum, median of BENCH_ROUNDS runs; what cg-hooks adds per case and its
// start-up are shown beside it (they do not depend on the delay). The receiver runs in a child process.
import { spawn, spawnSync } from 'node:child_process';
import { get } from 'node:http';
import { BIN, median, report, round, row, timeCpu } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DELAY_MS = Number(process.env.BENCH_TEST_DELAY_MS ?? 50);
const USER = 'bench-user:bench-password';

const RECEIVER = `
const http = require('node:http');
const expected = 'Basic ' + Buffer.from(${JSON.stringify(USER)}).toString('base64');
let count = 0;
let sumMs = 0;
const server = http.createServer((req, res) => {
  const t0 = process.hrtime.bigint();
  if (req.url === '/__stats') {
    res.end(JSON.stringify({ count, sumMs }));
    count = 0;
    sumMs = 0;
    return;
  }
  res.on('finish', () => {
    count++;
    sumMs += Number(process.hrtime.bigint() - t0) / 1e6;
  });
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const answer = (status, text) => setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(text), ${DELAY_MS});
    if (req.headers.authorization !== expected) return answer(401, '{"error":"unauthorized"}');
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return answer(400, '{"error":"bad json"}');
    }
    answer(200, '{"ok":true}');
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

const receiver = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve, reject) => {
  receiver.once('error', reject);
  receiver.stdout.once('data', (d) => resolve(Number(String(d).trim())));
});
const url = `http://127.0.0.1:${port}/webhook`;
const stats = () =>
  new Promise((resolve, reject) => {
    get(`http://127.0.0.1:${port}/__stats`, { agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve(JSON.parse(text)));
    }).on('error', reject);
  });

const args = [BIN, 'test', url, '--provider', 'rehook', '--user', USER];
// The cases, as `test --list` names them (one a line under its header): the count follows the provider's events.
const CASES = spawnSync(process.execPath, [BIN, 'test', '--provider', 'rehook', '--list'], { encoding: 'utf8' })
  .stdout.split('\n')
  .slice(1)
  .filter((l) => /^\S+ {2,}\S/.test(l)).length;
const runs = [];
try {
  timeCpu(process.execPath, args); // warm the file cache and the receiver
  await stats();
  for (let r = 0; r < ROUNDS; r++) {
    const t = timeCpu(process.execPath, args, { env: { ...process.env, NO_COLOR: '1' } });
    const s = await stats();
    if (s.count !== CASES) throw new Error(`the receiver saw ${s.count} requests, not ${CASES}`);
    runs.push({ wallMs: t.wallMs, cpuMs: t.cpuMs, receiverMs: s.sumMs });
  }
} finally {
  receiver.kill();
}
// Start-up of the test command: its --list, which loads the same modules and sends nothing.
const startup = median(Array.from({ length: 5 }, () => timeCpu(process.execPath, [BIN, 'test', '--provider', 'rehook', '--list']).wallMs));
const ratio = median(runs.map((r) => r.wallMs / r.receiverMs));
const wall = median(runs.map((r) => r.wallMs));
const sum = median(runs.map((r) => r.receiverMs));
const perCase = median(runs.map((r) => (r.wallMs - r.receiverMs - startup) / CASES));
report(
  'conformance',
  [
    row({
      id: 'test-rehook',
      figure: `\`cg-hooks test --provider rehook\` (${CASES} cases) wall / the receiver's response times (${DELAY_MS} ms each)`,
      baseline: `${Math.round(sum)} ms (sum of ${CASES})`,
      value: `${Math.round(wall)} ms wall (start-up ~${Math.round(startup)} ms, ${round(perCase, 1)} ms per case)`,
      ratio,
      target: ['<=', 1.5],
      unit: 'wall time',
      also: { cpuMs: Math.round(median(runs.map((r) => r.cpuMs))) },
    }),
  ],
  { delayMs: DELAY_MS, rounds: runs.map((r) => ({ wallMs: round(r.wallMs, 0), cpuMs: round(r.cpuMs, 0), receiverMs: round(r.receiverMs, 1) })), listWallMs: round(startup, 0) },
);
