// Stress figures for the commands' guarantees (docs/guarantees.md, "Commands and the library"). Not a test: it
// measures what the tests only check. Loopback only, bounded in count and time. Run after `npm run build`:
//   node bench/guarantees-commands.mjs [--captures 20000]
// 1. --timeout against a receiver trickling its body a byte every 200 ms: wall time of send, send --repeat, test.
// 2. generate --count 20000000 with a reader that goes away after one line (`| head -1`): wall time, peak memory.
// 3. generate --count 200000 with a reader that waits 3 s before reading: peak memory.
// 4. replay of N captures in one directory (checked, then sent to a local receiver): wall time, peak memory.
// 5. sign --body - behind a slow Node producer (a non-blocking pipe): runs that succeed out of 10.
// Prints one JSON line with the figures.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, readHwm, runMeasured } from './lib.mjs';

const flag = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CAPTURES = flag('captures', 20_000);
const cli = (args, options = {}) => runMeasured(process.execPath, [BIN, ...args], { stderr: 'ignore', ...options });

async function server(handler) {
  const s = createServer(handler);
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${s.address().port}/webhook`, close: () => new Promise((resolve) => (s.closeAllConnections(), s.close(resolve))) };
}

// 1. A trickling receiver.
const trickle = await server((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200);
    const timer = setInterval(() => res.write('.'), 200);
    res.on('close', () => clearInterval(timer));
  });
});
const signed = ['customerglu', 'reward', '--secret', 's3cret', '--seed', '1', '--to', trickle.url];
const timeout = {
  timeoutMs: 1000,
  sendMs: (await cli(['send', ...signed, '--timeout', '1000', '--no-retry'])).ms,
  repeatMs: (await cli(['send', ...signed, '--timeout', '1000', '--repeat', '8', '--concurrency', '4'])).ms,
  testMs: (await cli(['test', trickle.url, '--provider', 'customerglu', '--secret', 's3cret', '--event', 'reward', '--only', 'valid', '--timeout', '1000'])).ms,
};
await trickle.close();

// 2. A reader that goes away after the first line.
function firstLineThenClose(args) {
  return new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let peakKb = 0;
    const poll = setInterval(() => (peakKb = Math.max(peakKb, readHwm(child.pid))), 25);
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, ms: Number(process.hrtime.bigint() - t) / 1e6, peakMb: peakKb / 1024 });
    });
  });
}
const head = await firstLineThenClose(['generate', 'customerglu', 'reward', '--count', '20000000']);

// 3. A reader that waits 3 s, then reads everything.
const slowReader = await new Promise((resolve) => {
  const child = spawn(process.execPath, [BIN, 'generate', 'customerglu', 'reward', '--count', '200000'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let peakKb = 0;
  let lines = 0;
  const poll = setInterval(() => (peakKb = Math.max(peakKb, readHwm(child.pid))), 25);
  child.stdout.pause();
  setTimeout(() => child.stdout.on('data', (d) => (lines += d.toString().split('\n').length - 1)).resume(), 3000);
  child.on('close', (code) => {
    clearInterval(poll);
    resolve({ code, lines, peakMb: peakKb / 1024 });
  });
});

// 4. Replay of many captures.
const dir = mkdtempSync(join(tmpdir(), 'cg-bench-replay-'));
const body = Buffer.from('{"rewardId":"r-1","rewardAmount":15}').toString('base64');
for (let i = 0; i < CAPTURES; i++) {
  writeFileSync(join(dir, `${String(i).padStart(7, '0')}.json`), `{"version":1,"method":"POST","path":"/webhook","query":{},"headers":{"content-type":"application/json"},"bodyBase64":"${body}","provider":"reward","event":"trigger_event.created"}\n`);
}
let received = 0;
const sink = await server((req, res) => {
  req.resume();
  req.on('end', () => (received++, res.end('ok')));
});
const replay = await cli(['replay', dir, '--to', sink.url]);
await sink.close();
rmSync(dir, { recursive: true, force: true });

// 5. stdin behind a slow Node producer.
let stdinOk = 0;
for (let i = 0; i < 10; i++) {
  const r = spawnSync('/bin/sh', ['-c', `"${process.execPath}" -e 'process.stdout.on("error",()=>{});process.stdout.write("");setTimeout(()=>process.stdout.write("{}"),800)' | (sleep 0.3; "${process.execPath}" "${BIN}" sign customerglu --body - --secret s)`], { stdio: 'ignore' });
  if (r.status === 0) stdinOk++;
}

const round = (n) => Math.round(n);
console.log(
  JSON.stringify({
    bench: 'guarantees-commands',
    timeout: { timeoutMs: timeout.timeoutMs, sendMs: round(timeout.sendMs), repeatMs: round(timeout.repeatMs), testMs: round(timeout.testMs) },
    generateHead: { exit: head.code, ms: round(head.ms), peakMb: round(head.peakMb) },
    generateSlowReader: { exit: slowReader.code, lines: slowReader.lines, peakMb: round(slowReader.peakMb) },
    replay: { captures: CAPTURES, received, exit: replay.code, ms: round(replay.ms), peakMb: round(replay.peakMb) },
    stdinSlowProducer: { ok: stdinOk, of: 10 },
  }),
);
