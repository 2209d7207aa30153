#!/usr/bin/env node
// Prints the mutation score table (markdown) from the JSON reports of `npm run mutate` runs under reports/mutation/.
// Each group run (`npm run mutate -- --mutate <glob>`) writes its own report; for every file the newest report that
// holds it wins, so a full run and later partial reruns combine into one table. `--survivors` lists the survivors;
// `--static` reads the runs made with CG_HOOKS_MUTATE_STATIC=1 instead.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = 'reports/mutation';
if (!existsSync(ROOT)) {
  console.error('No reports yet: run `npm run mutate` first.');
  process.exit(2);
}
// Runs with static mutants (CG_HOOKS_MUTATE_STATIC=1, reports/mutation/static-*) are shown only with --static.
const withStatic = process.argv.includes('--static');
const reports = readdirSync(ROOT)
  .filter((dir) => withStatic === dir.startsWith('static-'))
  .map((dir) => join(ROOT, dir, 'mutation.json'))
  .filter((file) => existsSync(file))
  .map((file) => ({ file, at: statSync(file).mtimeMs }))
  .sort((a, b) => a.at - b.at);

/** @type {Map<string, { mutants: any[], at: number }>} */
const files = new Map();
for (const { file, at } of reports) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  for (const [name, result] of Object.entries(report.files)) files.set(name, { mutants: result.mutants, at });
}

const KEYS = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'Ignored', 'CompileError', 'RuntimeError'];
const count = (mutants) => Object.fromEntries(KEYS.map((k) => [k, mutants.filter((m) => m.status === k).length]));
// Stryker's score: detected (killed + timeout) over valid mutants (detected + survived + no coverage).
const score = (c) => {
  const valid = c.Killed + c.Timeout + c.Survived + c.NoCoverage;
  return valid === 0 ? 'n/a' : ((100 * (c.Killed + c.Timeout)) / valid).toFixed(2);
};

const rows = [...files.entries()].sort(([a], [b]) => a.localeCompare(b));
const total = Object.fromEntries(KEYS.map((k) => [k, 0]));
console.log('| File | Score % | Killed | Timeout | Survived | No coverage | Ignored (static) |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const [name, { mutants }] of rows) {
  const c = count(mutants);
  for (const k of KEYS) total[k] += c[k];
  console.log(`| ${name} | ${score(c)} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${c.Ignored} |`);
}
console.log(`| **All ${rows.length} files** | **${score(total)}** | ${total.Killed} | ${total.Timeout} | ${total.Survived} | ${total.NoCoverage} | ${total.Ignored} |`);

if (process.argv.includes('--survivors')) {
  for (const [name, { mutants }] of rows) {
    for (const m of mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage')) {
      console.log(`${m.status} ${m.mutatorName} ${name}:${m.location.start.line}:${m.location.start.column} -> ${JSON.stringify(m.replacement ?? '')}`);
    }
  }
}
