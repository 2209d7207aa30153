// Input nested some thousands deep overflows recursive readers (the YAML parser, JSON.stringify): it must get one
// line naming the limit and exit 2 where it is bad input, and be handled as bytes where bytes are the point.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nestedPast } from '../src/core/json.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cg-hooks-deep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DEPTH = 50_000;
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const deepObject = write('deep-object.json', `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`);
const deepArray = write('deep-array.json', `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`);
const deepBlock = write('deep-block.yaml', `name: deep\nprovider: customerglu\nsteps:\n  - ${'- '.repeat(DEPTH)}x\n`);
const deepIndent = write('deep-indent.yaml', `name: deep\nprovider: customerglu\nsteps:\n${Array.from({ length: 700 }, (_, i) => `${' '.repeat(i + 2)}k${i}:`).join('\n')} x\n`);

describe('scenario run: a file nested too deep', () => {
  it.each([
    ['a JSON object', deepObject],
    ['a JSON array', deepArray],
    ['YAML block sequences ("- - - …")', deepBlock],
    ['YAML mappings indented one more column each', deepIndent],
  ])('%s: exit 2, one line naming the limit', async (_what, path) => {
    const r = await runCli(['scenario', 'run', path, '--to', 'http://127.0.0.1:9/webhook']);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    const first = r.stderr.split('\n')[0]!;
    expect(first).toMatch(new RegExp(`^error: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: the file is nested more than 512 levels deep \\(a scenario is a few levels deep\\)$`));
    expect(r.stderr).not.toMatch(/call stack/i);
  });
});

describe('sign and send --body: a body nested too deep is bytes, signed and sent as is', () => {
  it('sign: exit 0, the signature, and a warning instead of an internal error', async () => {
    const r = await runCli(['sign', 'customerglu', '--body', deepObject, '--secret', 's3cret']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^X-CG-SIGNATURE: [0-9a-f]{40}$/m);
    expect(r.stderr).toBe('warning: the body is JSON nested more than 512 levels deep: it is signed as is, without the compact-form check\n');
  });

  it('send --dry-run: exit 0 and a warning', async () => {
    const r = await runCli(['send', 'customerglu', '--body', deepArray, '--secret', 's3cret', '--to', 'http://127.0.0.1:9/webhook', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: the body is JSON nested more than 512 levels deep (not checked for the compact form)');
  });
});

describe('nestedPast', () => {
  it('counts { and [ outside strings', () => {
    expect(nestedPast('[[[]]]', 3)).toBe(-1);
    expect(nestedPast('[[[[]]]]', 3)).toBe(3);
    expect(nestedPast(`{"a":"${'['.repeat(1000)}"}`, 3)).toBe(-1);
    expect(nestedPast(`{"a":"\\"${'['.repeat(10)}"}`, 3)).toBe(-1);
    expect(nestedPast('[1],[2],[3],[4]', 1)).toBe(-1);
  });

  it('YAML: indentation and "- " markers count as levels, only in YAML mode', () => {
    expect(nestedPast('a:\n  b:\n    c: 1\n', 8, true)).toBe(-1);
    expect(nestedPast('a:\n          b: 1\n', 8, true)).toBe(3 + 8);
    expect(nestedPast('- - - - - x\n', 4, true)).toBe(4);
    expect(nestedPast('- - - - - x\n', 4)).toBe(-1);
    expect(nestedPast('-1\n', 1, true)).toBe(-1);
  });
});
