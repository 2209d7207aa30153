// Runs every benchmark in bench/ (one child process each, one after another so they do not compete for
// the two cores), collects the JSON line each prints last, and writes bench/results/report.{json,md}: first the
// performance table (every benchmark's `rows`: figure, baseline measured in the same run, ratio, target), then each
// benchmark's details.
// Usage: npm run bench [-- name…]   e.g. npm run bench -- startup generate
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

const here = new URL('./', import.meta.url);
const only = process.argv.slice(2);
const names = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && !['run.mjs', 'lib.mjs'].includes(f))
  .map((f) => f.replace(/\.mjs$/, ''))
  .filter((n) => only.length === 0 || only.includes(n));
// The cheapest first: start-up numbers are the most sensitive to a machine warmed by heavy runs.
const order = ['startup', 'generate', 'signing', 'send', 'listen', 'conformance'];
names.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));

const loadAtStart = loadavg();
const results = [];
for (const name of names) {
  process.stderr.write(`bench: ${name}…\n`);
  const r = spawnSync(process.execPath, [new URL(`${name}.mjs`, here).pathname], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 30 * 60_000 });
  const lines = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{'));
  if (r.status !== 0 || lines.length === 0) {
    results.push({ bench: name, error: `exited ${r.status ?? r.signal}` });
    continue;
  }
  for (const line of lines) results.push(JSON.parse(line));
}

const meta = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memGb: Math.round(totalmem() / 2 ** 30), load: `${loadAtStart.map((x) => x.toFixed(1)).join(' ')} at the start, ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end` };
mkdirSync(new URL('results/', here), { recursive: true });
writeFileSync(new URL('results/report.json', here), `${JSON.stringify({ meta, results }, null, 2)}\n`);

const fmt = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : typeof v === 'object' ? JSON.stringify(v) : String(v));
const cell = (v) => String(v).replaceAll('|', '\\|');
const rows = results.flatMap((r) => r.rows ?? []);
const ratioText = (x) => (x.ratio >= 1000 ? Math.round(x.ratio).toLocaleString('en') : x.ratio);
const md = [
  `# cg-hooks benchmark report`,
  '',
  `${meta.date} · Node ${meta.node} · ${meta.cpus} × ${meta.cpuModel} · ${meta.memGb} GiB · load average ${meta.load}`,
  '',
  '| figure | baseline (same run) | cg-hooks | ratio | target | unit of the verdict | |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((x) => `| ${cell(x.figure)} | ${cell(x.baseline)} | ${cell(x.value)} | ${ratioText(x)}${x.also ? ` (${cell(Object.entries(x.also).map(([k, v]) => `${k} ${v}`).join(', '))})` : ''} | ${x.target} | ${cell(x.unit)} | ${x.pass ? '✓' : '✗'} |`),
  '',
  ...results.flatMap((r) => [
    `## ${r.bench} ${r.error ? '— ERROR' : r.pass === false ? '— below target' : r.pass ? '— meets target' : ''}`,
    '',
    '| metric | value |',
    '|---|---|',
    ...Object.entries(r).filter(([k]) => !['bench', 'rows'].includes(k)).map(([k, v]) => `| ${k} | ${cell(fmt(v))} |`),
    '',
  ]),
].join('\n');
writeFileSync(new URL('results/report.md', here), md);
process.stdout.write(`${md}\n`);
process.stderr.write('bench: wrote bench/results/report.json and report.md\n');
