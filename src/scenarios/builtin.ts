// The built-in scenarios are plain files (src/scenarios/builtin/*.yaml), copied next to the bundle by
// scripts/build.mjs, so `scenario show` prints exactly what a user would write.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { didYouMean } from '../core/suggest.js';
import { UsageError } from '../output/errors.js';
import type { Scenario } from './model.js';
import { parseScenario } from './parse.js';

// From src/scenarios/ (tests, tsx) the files sit in ./builtin; from the bundle (dist/ or dist/chunks/) in scenarios/builtin.
const CANDIDATES = ['./builtin/', '../scenarios/builtin/', './scenarios/builtin/'];

export function builtinDir(): string {
  for (const rel of CANDIDATES) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  throw new Error('the built-in scenarios are missing from this installation (expected a scenarios/builtin folder beside the code)');
}

export function builtinNames(): string[] {
  return readdirSync(builtinDir())
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => f.replace(/\.(ya?ml|json)$/, ''))
    .sort();
}

function fileOf(name: string): string | undefined {
  const dir = builtinDir();
  return ['yaml', 'yml', 'json'].map((ext) => `${dir}${name}.${ext}`).find((p) => existsSync(p));
}

export function builtinText(name: string): string {
  const names = builtinNames();
  const file = names.includes(name) ? fileOf(name) : undefined;
  if (!file) {
    const guess = didYouMean(name, names);
    throw new UsageError('unknown_scenario', `unknown scenario "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}`, 'run `cg-hooks scenario list` for the built-in scenarios, or pass a file path (./my-flow.yaml)');
  }
  return readFileSync(file, 'utf8');
}

export function loadBuiltin(name: string): Scenario {
  return parseScenario(builtinText(name), `builtin:${name}`);
}

export function loadAllBuiltins(): Scenario[] {
  return builtinNames().map(loadBuiltin);
}
