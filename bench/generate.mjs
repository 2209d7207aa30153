// Throughput of `generate customerglu reward --count N` to /dev/null (N = BENCH_COUNT, default 100,000), in
// alternating rounds with the same command for one payload (start-up alone: it has its own row in startup.mjs)
// and with a floor: a plain Node script that writes N lines of JSON.stringify of one reward payload whose ids
// change per line (what any generator must at least do). The verdict: payloads per CPU-second of generation,
// N / (CPU(--count N) − CPU(one payload)), medians of the rounds; whole-process figures are shown beside it.
// The CustomerGlu reward is the one event with a compiled template (src/templates/customerglu-compiled.ts), so the
// same figure for an event every template still interprets (Rehook's customer.rewarded) is reported beside it:
// the verdict row alone would overstate what `--count` does for the rest of the catalog.
import { BIN, alternate, median, medianRatio, report, round, row, runMeasured, timeCpu } from './lib.mjs';

const COUNT = Number(process.env.BENCH_COUNT ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const env = { ...process.env, NO_COLOR: '1' };
const one = spawnArgs([]);
const many = spawnArgs(['--count', String(COUNT)]);
const otherOne = spawnArgs([], ['rehook', 'customer.rewarded']);
const otherMany = spawnArgs(['--count', String(COUNT)], ['rehook', 'customer.rewarded']);
function spawnArgs(extra, event = ['customerglu', 'reward']) {
  return [BIN, 'generate', ...event, '--seed', 'bench', ...extra];
}
const sample = JSON.parse(
  (await runMeasured(process.execPath, one, { stdout: 'pipe', env })).stdout,
);
const FLOOR = `
const base = ${JSON.stringify(sample)};
const out = [];
let size = 0;
for (let i = 0; i < ${COUNT}; i++) {
  const line = JSON.stringify({ ...base, rewardId: base.rewardId.slice(0, -6) + String(i).padStart(6, '0'), userId: 'u-' + i }) + '\\n';
  out.push(line);
  size += line.length;
  if (size > 65536) { require('node:fs').writeSync(1, out.join('')); out.length = 0; size = 0; }
}
require('node:fs').writeSync(1, out.join(''));
`;

const runs = await alternate(ROUNDS, {
  one: () => timeCpu(process.execPath, one, { env }),
  many: () => timeCpu(process.execPath, many, { env }),
  floor: () => timeCpu(process.execPath, ['-e', FLOOR], { env }),
  otherOne: () => timeCpu(process.execPath, otherOne, { env }),
  otherMany: () => timeCpu(process.execPath, otherMany, { env }),
});
const cpu = (k) => runs[k].map((r) => r.cpuMs);
const wall = (k) => runs[k].map((r) => r.wallMs);
// Per round: generation alone, start-up taken out.
const genCpu = cpu('many').map((ms, i) => Math.max(1, ms - cpu('one')[i]));
const perCpuSecond = median(genCpu.map((ms) => (COUNT / ms) * 1000));
const otherPerCpuSecond = median(cpu('otherMany').map((ms, i) => (COUNT / Math.max(1, ms - cpu('otherOne')[i])) * 1000));
const wholeCpuPerSecond = median(cpu('many').map((ms) => (COUNT / ms) * 1000));
const wholeWallPerSecond = median(wall('many').map((ms) => (COUNT / ms) * 1000));
const peak = await runMeasured(process.execPath, many, { env });
if (peak.code !== 0) throw new Error(`generate --count exited ${peak.code}`);

const floorPerCpuSecond = median(cpu('floor').map((ms) => (COUNT / ms) * 1000));
const rows = [
  row({
    id: 'generate-count',
    figure: `\`generate --count ${COUNT.toLocaleString('en')}\` payloads/s (CPU, start-up excluded)`,
    baseline: `floor (stringify + write): ${Math.round(floorPerCpuSecond).toLocaleString('en')}/s whole process`,
    value: `${Math.round(perCpuSecond).toLocaleString('en')}/s (whole process: ${Math.round(wholeCpuPerSecond).toLocaleString('en')}/s CPU, ${Math.round(wholeWallPerSecond).toLocaleString('en')}/s wall; ${Math.round(peak.peakMb)} MB peak); an interpreted event (rehook customer.rewarded): ${Math.round(otherPerCpuSecond).toLocaleString('en')}/s`,
    ratio: perCpuSecond,
    target: ['>=', 250_000],
    unit: 'payloads per CPU-second',
    also: { vsFloor: round(medianRatio(cpu('floor'), cpu('many'))), peakMb: round(peak.peakMb, 1), interpretedEventPerCpuSecond: Math.round(otherPerCpuSecond) },
  }),
];
report('generate', rows, {
  count: COUNT,
  rounds: ROUNDS,
  medians: Object.fromEntries(Object.keys(runs).map((k) => [k, { cpuMs: round(median(cpu(k)), 1), wallMs: round(median(wall(k)), 1) }])),
});
