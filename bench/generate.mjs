// Throughput of `generate --count 100000` to /dev/null, end to end (process start included).
import { openSync } from 'node:fs';
import { BIN, runMeasured } from './lib.mjs';

const COUNT = Number(process.env.BENCH_COUNT ?? 100_000);
const devnull = openSync('/dev/null', 'w');
const runs = [];
for (let i = 0; i < 3; i++) {
  const r = await runMeasured(process.execPath, [BIN, 'generate', 'customerglu', 'reward', '--count', String(COUNT)], { stdout: devnull });
  if (r.code !== 0) throw new Error(`generate exited ${r.code}`);
  runs.push(r);
}
const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
const perSecond = Math.round(COUNT / (best.ms / 1000));
console.log(JSON.stringify({ bench: 'generate', count: COUNT, ms: Math.round(best.ms), payloadsPerSecond: perSecond, peakMb: Math.round(best.peakMb), target: 50_000, pass: perSecond >= 50_000 }));
