// Throughput of `generate customerglu reward --count N` to /dev/null (N = BENCH_COUNT, default 100,000), in
// alternating rounds with the same command for one payload (start-up alone: it has its own row in startup.mjs)
// and with a floor: a plain Node script that writes N lines of JSON.stringify of one reward payload whose ids
// change per line (what any generator must at least do). The verdict: payloads per CPU-second of generation,
// N / (CPU(--count N) − CPU(one payload)), medians of the rounds; whole-process figures are shown beside it.
// The CustomerGlu reward is the one event with a compiled template (src/templates/customerglu-compiled.ts); every
// other event is interpreted (template, schema check, JSON.stringify). So the same figure is reported beside it for
// the catalog's slowest and median events (and Rehook's customer.rewarded, the figure earlier runs reported): the
// verdict row alone would overstate what `--count` does for the rest of the catalog. Which events those are comes
// from a whole-catalog run, `BENCH_CATALOG=1 node bench/generate.mjs` (every event × variant, one round each:
// ~10 minutes), which prints them all; re-run it when templates change and update CATALOG_SLOWEST/MEDIAN.
import { BIN, alternate, median, medianRatio, report, round, row, runMeasured, timeCpu } from './lib.mjs';

const COUNT = Number(process.env.BENCH_COUNT ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const env = { ...process.env, NO_COLOR: '1' };
const one = spawnArgs([]);
const many = spawnArgs(['--count', String(COUNT)]);
const otherOne = spawnArgs([], ['rehook', 'customer.rewarded']);
const otherMany = spawnArgs(['--count', String(COUNT)], ['rehook', 'customer.rewarded']);
// From BENCH_CATALOG=1 (2026-11-29, wave 7): the slowest of the 76 events × variants, and the median one.
const CATALOG_SLOWEST = ['segment', 'identify'];
const CATALOG_MEDIAN = ['rehook', 'customer.meta.updated'];
function spawnArgs(extra, event = ['customerglu', 'reward']) {
  return [BIN, 'generate', ...event, '--seed', 'bench', ...extra];
}
if (process.env.BENCH_CATALOG === '1') await catalog();
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
  slowestOne: () => timeCpu(process.execPath, spawnArgs([], CATALOG_SLOWEST), { env }),
  slowestMany: () => timeCpu(process.execPath, spawnArgs(['--count', String(COUNT)], CATALOG_SLOWEST), { env }),
  medianOne: () => timeCpu(process.execPath, spawnArgs([], CATALOG_MEDIAN), { env }),
  medianMany: () => timeCpu(process.execPath, spawnArgs(['--count', String(COUNT)], CATALOG_MEDIAN), { env }),
});
const cpu = (k) => runs[k].map((r) => r.cpuMs);
const wall = (k) => runs[k].map((r) => r.wallMs);
// Per round: generation alone, start-up taken out.
const genCpu = cpu('many').map((ms, i) => Math.max(1, ms - cpu('one')[i]));
const perCpuSecond = median(genCpu.map((ms) => (COUNT / ms) * 1000));
const generated = (name) => median(cpu(`${name}Many`).map((ms, i) => (COUNT / Math.max(1, ms - cpu(`${name}One`)[i])) * 1000));
const otherPerCpuSecond = generated('other');
const slowestPerCpuSecond = generated('slowest');
const medianPerCpuSecond = generated('median');

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
    value: `${Math.round(perCpuSecond).toLocaleString('en')}/s (whole process: ${Math.round(wholeCpuPerSecond).toLocaleString('en')}/s CPU, ${Math.round(wholeWallPerSecond).toLocaleString('en')}/s wall; ${Math.round(peak.peakMb)} MB peak); interpreted events: the catalog's slowest (${CATALOG_SLOWEST.join(' ')}) ${per(slowestPerCpuSecond)}, its median (${CATALOG_MEDIAN.join(' ')}) ${per(medianPerCpuSecond)}, rehook customer.rewarded ${per(otherPerCpuSecond)}`,
    ratio: perCpuSecond,
    target: ['>=', 250_000],
    unit: 'payloads per CPU-second',
    also: { vsFloor: round(medianRatio(cpu('floor'), cpu('many'))), peakMb: round(peak.peakMb, 1), interpretedEventPerCpuSecond: Math.round(otherPerCpuSecond), catalogSlowestPerCpuSecond: Math.round(slowestPerCpuSecond), catalogMedianPerCpuSecond: Math.round(medianPerCpuSecond) },
  }),
];
report('generate', rows, {
  count: COUNT,
  rounds: ROUNDS,
  medians: Object.fromEntries(Object.keys(runs).map((k) => [k, { cpuMs: round(median(cpu(k)), 1), wallMs: round(median(wall(k)), 1) }])),
});

/**
 * BENCH_CATALOG=1: every event × variant of every provider, `--count N` against one payload, one round each (the
 * catalog is 76 of them): payloads per CPU-second, slowest first, then the slowest, median and fastest. Printed, and
 * nothing else is measured.
 */
async function catalog() {
  const { loadAllProviders } = await import('../dist/index.js');
  const rates = [];
  for (const provider of await loadAllProviders()) {
    for (const event of provider.events) {
      for (const variant of event.variants?.length ? event.variants.map((v) => v.name) : [undefined]) {
        const args = [provider.id, event.name, ...(variant ? ['--variant', variant] : [])];
        const oneMs = timeCpu(process.execPath, spawnArgs([], args), { env }).cpuMs;
        const manyMs = timeCpu(process.execPath, spawnArgs(['--count', String(COUNT)], args), { env }).cpuMs;
        rates.push({ event: args.join(' '), perCpuSecond: Math.round((COUNT / Math.max(1, manyMs - oneMs)) * 1000) });
        process.stderr.write(`${args.join(' ')}: ${per(rates.at(-1).perCpuSecond)}\n`);
      }
    }
  }
  rates.sort((a, b) => a.perCpuSecond - b.perCpuSecond);
  for (const r of rates) console.log(`${r.event.padEnd(56)} ${per(r.perCpuSecond)}`);
  const mid = rates[Math.floor((rates.length - 1) / 2)];
  console.log(`slowest ${rates[0].event} ${per(rates[0].perCpuSecond)}; median ${mid.event} ${per(mid.perCpuSecond)}; fastest ${rates.at(-1).event} ${per(rates.at(-1).perCpuSecond)}`);
  process.exit(0);
}
function per(x) {
  return `${Math.round(x).toLocaleString('en')}/s`;
}
