// The listener's limits, measured (loopback only, bounded in count and time; about a minute):
//  - peak memory of `listen` fed deliveries whose de-duplication keys are 256 KB each (distinct ids);
//  - peak memory of `listen --json` whose stdout nobody reads (lines dropped beyond its 8 MB bound);
//  - memory held by the de-duplication tracker at its 100,000-key bound (digests of 43 characters);
//  - deliveries per second with --save (write, fsync, link, directory fsync) against without.
// Prints one JSON line. Run after `npm run build`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { BIN, readHwm } from './lib.mjs';

const { prepareGenerator, loadProvider } = await import('../dist/index.js');
const reward = await loadProvider('reward');
const gen = prepareGenerator(reward, 'trigger_event.created', { seed: 'limits' });

function startListen(args, { stdout = 'ignore' } = {}) {
  const out = stdout === 'ignore' ? openSync('/dev/null', 'w') : 'pipe';
  const child = spawn(process.execPath, [BIN, 'listen', '--port', '0', ...args], { stdio: ['ignore', out, 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /ready on (http:\/\/[\d.:]+)/.exec(stderr);
      if (m) resolve({ child, url: m[1], stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`listen exited ${code}: ${stderr}`)));
  });
}

function post(url, body) {
  return new Promise((resolve, reject) => {
    const r = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    r.on('error', reject);
    r.end(body);
  });
}

async function feed(server, bodies, concurrency = 4) {
  let peakKb = 0;
  const poll = setInterval(() => (peakKb = Math.max(peakKb, readHwm(server.child.pid))), 25);
  let next = 0;
  const statuses = {};
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const s = await post(`${server.url}/webhook`, bodies[next++]);
        statuses[s] = (statuses[s] ?? 0) + 1;
      }
    }),
  );
  clearInterval(poll);
  peakKb = Math.max(peakKb, readHwm(server.child.pid));
  return { peakMb: Math.round(peakKb / 102.4) / 10, statuses };
}

async function stop(server) {
  const exited = new Promise((resolve) => server.child.on('close', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

function rewards(n, { idBytes = 0, pad = 0 } = {}) {
  return Array.from({ length: n }, (_, i) => {
    const doc = JSON.parse(gen.make(i).body.toString('utf8'));
    if (idBytes) doc.id = `we_${i}_${'k'.repeat(idBytes)}`;
    if (pad) doc.note = 'x'.repeat(pad);
    return Buffer.from(JSON.stringify(doc));
  });
}

// 1. 400 distinct 256 KB keys: 100 MB of keys if they were kept as sent.
const keyed = await startListen(['--max-body', '1mb']);
const bigKeys = await feed(keyed, rewards(400, { idBytes: 256 * 1024 }));
await stop(keyed);

// 2. 300 lines of about 400 KB (120 MB of NDJSON) to a stdout pipe that is never read.
const unread = await startListen(['--json', '--max-body', '1mb'], { stdout: 'pipe' });
unread.child.stdout.pause();
const stuck = await feed(unread, rewards(300, { pad: 400_000 }));
const dropped = /(\d+) output lines dropped/.exec(await new Promise((resolve) => {
  unread.child.stdout.resume();
  unread.child.on('close', () => resolve(unread.stderr()));
  unread.child.kill('SIGTERM');
}));

// 3. The tracker's data at its bound: a Map of 100,000 digests (43 characters) to sequence numbers.
const tracker = spawnSync(process.execPath, ['--expose-gc', '-e', `
  const { createHash } = require('node:crypto');
  gc(); const before = process.memoryUsage().heapUsed;
  const m = new Map();
  for (let i = 0; i < 100000; i++) m.set(createHash('sha256').update('reward:we_' + i).digest('base64url'), i);
  gc(); console.log(process.memoryUsage().heapUsed - before, m.size);
`], { encoding: 'utf8' });
const trackerMb = Math.round(Number(tracker.stdout.split(' ')[0]) / 1024 / 102.4) / 10;

// 4. Throughput with --save against without, 4 s each, 20 connections, the same distinct deliveries.
async function rate(args) {
  const server = await startListen(args);
  const pool = rewards(500);
  let next = 0;
  const r = await autocannon({ url: `${server.url}/webhook`, connections: 20, duration: 4, requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: pool[next++ % pool.length], headers: { 'content-type': 'application/json' } }) }] });
  await stop(server);
  return Math.round(r.requests.average);
}
const dir = mkdtempSync(join(tmpdir(), 'cg-bench-save-'));
const plainRps = await rate([]);
const saveRps = await rate(['--save', dir]);
rmSync(dir, { recursive: true, force: true });

console.log(
  JSON.stringify({
    bench: 'listen-limits',
    bigKeys: { deliveries: 400, keyKb: 256, peakMb: bigKeys.peakMb, statuses: bigKeys.statuses },
    unreadStdout: { deliveries: 300, lineKb: 400, peakMb: stuck.peakMb, linesDropped: dropped ? Number(dropped[1]) : 0, statuses: stuck.statuses },
    dedupTrackerMbAt100k: trackerMb,
    saveRps,
    plainRps,
    saveRatio: Math.round((saveRps / plainRps) * 100) / 100,
    target: 'peaks under 150 MB whatever the keys or the reader',
    pass: bigKeys.peakMb < 150 && stuck.peakMb < 150,
  }),
);
