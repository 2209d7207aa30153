// Start-up: `cg-hooks --version`, `--help` and `generate customerglu reward` against `node -e 0`, in alternating
// rounds (the order turns every round) so that machine load weighs on all four alike. Per command: the median of
// the per-round ratios of CPU time (user + system, all threads: the verdict, steadiest on a shared machine), of
// wall time, and (with BENCH_VALGRIND=1, when valgrind is installed) of the instructions executed, which are the same
// whatever the load. BENCH_RUNS sets the rounds.
import { alternate, BIN, haveValgrind, instructions, median, medianRatio, report, round, row, timeCpu } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const env = { ...process.env, NO_COLOR: '1' };
const commands = {
  node: ['-e', '0'],
  version: [BIN, '--version'],
  help: [BIN, '--help'],
  generate: [BIN, 'generate', 'customerglu', 'reward'],
};
const names = Object.keys(commands);
for (let i = 0; i < 3; i++) for (const n of names) timeCpu(process.execPath, commands[n], { env }); // warm the file cache
const runs = await alternate(RUNS, Object.fromEntries(names.map((n) => [n, () => timeCpu(process.execPath, commands[n], { env })])));
const wall = Object.fromEntries(names.map((n) => [n, runs[n].map((t) => t.wallMs)]));
const cpu = Object.fromEntries(names.map((n) => [n, runs[n].map((t) => t.cpuMs)]));
const ir = {};
if (haveValgrind()) for (const n of names) ir[n] = instructions(process.execPath, commands[n]);

const targets = { version: 1.1, help: 1.3, generate: 1.4 };
const labels = { version: '`cg-hooks --version`', help: '`cg-hooks --help`', generate: '`cg-hooks generate customerglu reward`' };
const ms = (x) => `${Math.round(x)} ms`;
const rows = ['version', 'help', 'generate'].map((n) => {
  const also = { wallRatio: round(medianRatio(wall[n], wall.node)) };
  if (ir[n]) also.instructionsRatio = round(ir[n] / ir.node);
  return row({
    id: `startup-${n}`,
    figure: `${labels[n]} / \`node -e 0\``,
    baseline: `${ms(median(cpu.node))} CPU, ${ms(median(wall.node))} wall${ir.node ? `, ${round(ir.node / 1e6, 0)} M instr.` : ''}`,
    value: `${ms(median(cpu[n]))} CPU, ${ms(median(wall[n]))} wall${ir[n] ? `, ${round(ir[n] / 1e6, 0)} M instr.` : ''}`,
    ratio: medianRatio(cpu[n], cpu.node),
    target: ['<=', targets[n]],
    unit: 'CPU time',
    also,
  });
});
report('startup', rows, {
  runs: RUNS,
  medians: Object.fromEntries(names.map((n) => [n, { wallMs: round(median(wall[n]), 1), cpuMs: round(median(cpu[n]), 1), ...(ir[n] ? { instructions: ir[n] } : {}) }])),
});
