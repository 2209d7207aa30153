// Start-up: `cg-hooks --version` and `cg-hooks generate customerglu reward` against `node -e 0`,
// interleaved in the same run so machine load affects all three alike.
import { BIN, median, timeRun } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 25);
const node = [];
const version = [];
const gen = [];
for (let i = 0; i < 3; i++) timeRun(process.execPath, [BIN, '--version']); // warm the file cache
for (let i = 0; i < RUNS; i++) {
  node.push(timeRun(process.execPath, ['-e', '0']));
  version.push(timeRun(process.execPath, [BIN, '--version']));
  gen.push(timeRun(process.execPath, [BIN, 'generate', 'customerglu', 'reward']));
}
const result = {
  bench: 'startup',
  runs: RUNS,
  nodeMs: median(node),
  versionMs: median(version),
  generateMs: median(gen),
  versionRatio: median(version) / median(node),
  generateRatio: median(gen) / median(node),
  targets: { versionRatio: 1.5, generateRatio: 2 },
};
result.pass = result.versionRatio <= 1.5 && result.generateRatio <= 2;
console.log(JSON.stringify(result));
