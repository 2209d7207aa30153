// The golden hashes of seeded output: sha256 of `cg-hooks generate <provider> <event> [--variant v] [--ascii]
// --seed golden --count 25` for every event and variant. `--seed` promises the same bytes on every run and
// machine; test/golden.test.ts holds the code to this file, under another time zone and locale too.
// Usage: npm run build && node scripts/golden-hashes.mjs [--write | --check]
//   --write  rewrite fixtures/golden/seeded-sha256.json (after a deliberate template change: review the diff)
//   --check  exit 1 and list the differences when the built code does not reproduce the file
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadProvider, prepareGenerator, PROVIDER_IDS } from '../dist/index.js';

export const GOLDEN_SEED = 'golden';
export const GOLDEN_COUNT = 25;
const FILE = new URL('../fixtures/golden/seeded-sha256.json', import.meta.url);

async function compute() {
  const out = {};
  for (const id of PROVIDER_IDS) {
    const provider = await loadProvider(id);
    for (const event of provider.events) {
      for (const variant of event.variants?.length ? event.variants.map((v) => v.name) : [undefined]) {
        for (const ascii of [false, true]) {
          const gen = prepareGenerator(provider, event.name, { seed: GOLDEN_SEED, ascii, ...(variant ? { variant } : {}) });
          const hash = createHash('sha256');
          for (let i = 0; i < GOLDEN_COUNT; i++) hash.update(gen.make(i).body).update('\n');
          out[`${id} ${event.name}${variant ? ` --variant ${variant}` : ''}${ascii ? ' --ascii' : ''}`] = hash.digest('hex');
        }
      }
    }
  }
  return out;
}

const hashes = await compute();
if (process.argv.includes('--write')) {
  writeFileSync(FILE, `${JSON.stringify(hashes, null, 2)}\n`);
  process.stderr.write(`wrote ${Object.keys(hashes).length} hashes to fixtures/golden/seeded-sha256.json\n`);
} else if (process.argv.includes('--check')) {
  const expected = JSON.parse(readFileSync(FILE, 'utf8'));
  const keys = new Set([...Object.keys(expected), ...Object.keys(hashes)]);
  const diff = [...keys].filter((k) => expected[k] !== hashes[k]);
  for (const k of diff) process.stdout.write(`${k}: expected ${expected[k] ?? '(none)'}, got ${hashes[k] ?? '(none)'}\n`);
  process.exitCode = diff.length === 0 ? 0 : 1;
} else {
  process.stdout.write(`${JSON.stringify(hashes, null, 2)}\n`);
}
