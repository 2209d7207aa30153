// Throughput of `generate customerglu reward --count N` to /dev/null (N = BENCH_COUNT, default 100,000), in
// alternating rounds with the same command for one payload (start-up alone: it has its own row in startup.mjs)
// and with a floor: a plain Node script that writes N lines of JSON.stringify of one reward payload whose ids
// change per line (what any generator must at least do). The verdict: payloads per second of generation as a user
// runs it (worker threads from 20,000 deliveries), N / (wall(--count N) − wall(one payload)), medians of the rounds;
// the same per CPU-second, the one-thread (`--threads 1`) figures and whole-process figures are shown beside it.
// The CustomerGlu reward has a compiled template (src/templates/customerglu-compiled.ts), as twelve more events ×
// variants have since wave 10 (segment, clevertap, moengage, customerglu-events, webengage, rehook's
// customer.rewarded); the rest are interpreted (template, schema check, JSON.stringify). So the same figure is reported beside it for
// the catalog's slowest and median events (and Rehook's customer.rewarded, the figure earlier runs reported): the
// verdict row alone would overstate what `--count` does for the rest of the catalog. Which events those are comes
// from a whole-catalog run, `BENCH_CATALOG=1 node bench/generate.mjs` (every event × variant, one round each:
// ~10 minutes), which prints them all; re-run it when templates change and update CATALOG_SLOWEST/MEDIAN.
import { BIN, alternate, median, medianRatio, report, round, row, runMeasured, timeCpu } from './lib.mjs';

const COUNT = Number(process.env.BENCH_COUNT ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const env = { ...process.env, NO_COLOR: '1' };
// From BENCH_CATALOG=1 (2026-11-29 18:43 UTC, after wave 10, quiet machine): the slowest of the 77 events ×
// variants per CPU-second on one thread, and the median one (wave 7's were segment identify and rehook
// customer.meta.updated). After wave 11 (21:46 UTC, quiet; the compiled forms' draws through
// templates/sources-drawn.ts and Segment's constant fragments merged): segment track 236,407 per CPU-second (no longer
// the slowest); the slowest are interpreted Rehook events (customer.referral.successful.advocate and
// coupon.redemption.rollback, 215,517), the median rehook wallet.credited 380,228 (mgpass token.issued, kept as the
// median figure, 340,136). After wave 12 (23:34 UTC, quiet; compiled forms for nine Rehook and five mgPass events,
// the compiled helpers' hidden classes and int32 random steps): every one of the 76 at 288,184 or more, the slowest
// webengage push (interpreted), segment track 294,118, the median reward trigger_event.created 518,135.
const CATALOG_SLOWEST = ['webengage', 'event', '--variant', 'push'];
const CATALOG_MEDIAN = ['reward', 'trigger_event.created'];
const EVENTS = { reward: ['customerglu', 'reward'], other: ['rehook', 'customer.rewarded'], slowest: CATALOG_SLOWEST, median: CATALOG_MEDIAN };
function spawnArgs(extra, event = EVENTS.reward) {
  return [BIN, 'generate', ...event, '--seed', 'bench', ...extra];
}
if (process.env.BENCH_CATALOG === '1') await catalog();
const one = spawnArgs([]);
const many = spawnArgs(['--count', String(COUNT)]);
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

// Per event: one payload (start-up alone), `--count N` as a user runs it (worker threads from 20,000 deliveries when
// there is more than one CPU: src/core/generate-parallel.ts), and `--count N --threads 1` (this thread alone).
const contenders = { floor: () => timeCpu(process.execPath, ['-e', FLOOR], { env }) };
for (const [name, event] of Object.entries(EVENTS)) {
  contenders[`${name}One`] = () => timeCpu(process.execPath, spawnArgs([], event), { env });
  contenders[`${name}Many`] = () => timeCpu(process.execPath, spawnArgs(['--count', String(COUNT)], event), { env });
  contenders[`${name}Single`] = () => timeCpu(process.execPath, spawnArgs(['--count', String(COUNT), '--threads', '1'], event), { env });
}
const runs = await alternate(ROUNDS, contenders);
const cpu = (k) => runs[k].map((r) => r.cpuMs);
const wall = (k) => runs[k].map((r) => r.wallMs);
/** Payloads a second of generation (start-up taken out, per round, then the median): by `wall` or `cpu` time. */
const rate = (name, how, mode = 'Many') => {
  const t = how === 'wall' ? wall : cpu;
  return median(t(`${name}${mode}`).map((ms, i) => (COUNT / Math.max(1, ms - t(`${name}One`)[i])) * 1000));
};
// The verdict is what a user gets by default: payloads a second of wall-clock time (worker threads make a run
// faster, not cheaper: CPU per payload rises with them). Until wave 8 it was payloads per CPU-second, which equals the
// wall figure for one thread on an idle machine; both are shown beside it, and the one-thread figures too. Wall time
// is only meaningful on a quiet machine (the verdict run): the load is in the report.
const perWallSecond = rate('reward', 'wall');
const wholeWallPerSecond = median(wall('rewardMany').map((ms) => (COUNT / ms) * 1000));
const peak = await runMeasured(process.execPath, many, { env });
if (peak.code !== 0) throw new Error(`generate --count exited ${peak.code}`);

const floorPerCpuSecond = median(cpu('floor').map((ms) => (COUNT / ms) * 1000));
/** "122,000/s wall, 98,000/s CPU (one thread: 110,000/s)" for an event. */
const figures = (name) => `${per(rate(name, 'wall'))} wall, ${per(rate(name, 'cpu'))} CPU (one thread: ${per(rate(name, 'wall', 'Single'))} wall, ${per(rate(name, 'cpu', 'Single'))} CPU)`;
const rows = [
  row({
    id: 'generate-count',
    figure: `\`generate --count ${COUNT.toLocaleString('en')}\` payloads/s (wall, start-up excluded; threads as by default)`,
    baseline: `floor (stringify + write): ${Math.round(floorPerCpuSecond).toLocaleString('en')}/s whole process, CPU`,
    value: `${figures('reward')} (whole process: ${per(wholeWallPerSecond)} wall; ${Math.round(peak.peakMb)} MB peak); other events: the catalog's slowest (${CATALOG_SLOWEST.join(' ')}) ${figures('slowest')}, its median (${CATALOG_MEDIAN.join(' ')}) ${figures('median')}, rehook customer.rewarded ${figures('other')}`,
    ratio: perWallSecond,
    target: ['>=', 250_000],
    unit: 'payloads per second (wall)',
    also: {
      vsFloor: round(medianRatio(cpu('floor'), cpu('rewardSingle'))),
      peakMb: round(peak.peakMb, 1),
      perCpuSecond: Math.round(rate('reward', 'cpu')),
      oneThreadPerWallSecond: Math.round(rate('reward', 'wall', 'Single')),
      oneThreadPerCpuSecond: Math.round(rate('reward', 'cpu', 'Single')),
      ...Object.fromEntries(
        ['other', 'slowest', 'median'].flatMap((name) => {
          const key = { other: 'interpretedEvent', slowest: 'catalogSlowest', median: 'catalogMedian' }[name];
          return [
            [`${key}PerWallSecond`, Math.round(rate(name, 'wall'))],
            [`${key}OneThreadPerWallSecond`, Math.round(rate(name, 'wall', 'Single'))],
            [`${key}OneThreadPerCpuSecond`, Math.round(rate(name, 'cpu', 'Single'))],
          ];
        }),
      ),
    },
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
  const { loadProvider, PROVIDER_IDS } = await import('../dist/index.js');
  const rates = [];
  for (const provider of await Promise.all(PROVIDER_IDS.map((id) => loadProvider(id)))) {
    for (const event of provider.events) {
      for (const variant of event.variants?.length ? event.variants.map((v) => v.name) : [undefined]) {
        const args = [provider.id, event.name, ...(variant ? ['--variant', variant] : [])];
        const oneMs = timeCpu(process.execPath, spawnArgs([], args), { env }).cpuMs;
        // One thread: CPU time per payload, which threads do not lower.
        const manyMs = timeCpu(process.execPath, spawnArgs(['--count', String(COUNT), '--threads', '1'], args), { env }).cpuMs;
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
