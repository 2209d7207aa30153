// The scheme tables in README.md and docs/sign.md are generated from the registry (the built one, like the
// providers table): this fails when a scheme changes and the docs were not regenerated.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script, without types
import { schemesTable, withTable } from '../scripts/schemes-table.mjs';
import { SCHEMES } from '../src/signing/registry.js';

describe('the generated scheme tables', () => {
  it.each(['README.md', 'docs/sign.md'])('%s is up to date (node scripts/schemes-table.mjs --write)', (file) => {
    const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
    expect(withTable(text), 'regenerate: npm run build && node scripts/schemes-table.mjs --write').toBe(text);
  });

  it('has one row per scheme of the registry', () => {
    const rows = (schemesTable() as string).split('\n').slice(2);
    expect(rows.map((r) => /^\| `([^`]+)`/.exec(r)![1])).toEqual(SCHEMES.map((s) => s.id));
  });
});
